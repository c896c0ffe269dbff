"""The builders of a caller with other threads, forked from a server that preloaded once.

A child forked from a process with other threads (a test process, whose test runner talks to
its controller from a thread; a test driving a browser) can wait for ever on a lock another
thread held at the fork. Such a caller starts, once, a new Python that preloads what every build
imports (``building.preload``), and jieba's dictionary once a release has the Chinese edition
(half a second that an English release never needs), and waits; for each release it forks a
child that builds exactly as the release itself would (``building._fork_all``) and answers with
the results. A release then costs a fork, not a new interpreter that imports Sphinx and loads
the dictionary again.

Each process dies with its parent (``children.die_with_parent``): caller, server, the release's
child, its builders. multiprocessing's "forkserver" would fork as cheaply, but each of its
children keeps open the pipe by which its server learns that its callers have ended, so the
builds of a SIGKILLed caller would run on to their end.

Each release's child takes the caller's environment variables, working folder and
``sys.path`` of that moment, as a new Python would. The modules preloaded once serve every
source folder: Sphinx and its kin are those of this interpreter, and the extension is the one
a new Python would use too, the first on ``sys.path`` (this package imports its
standard-library modules, ``resume.languages``, before any source folder is looked at). Its
files as the server imported them are known by their digest (``preloading.extension_digest``):
once they change, the next release starts a new server, which imports them again. The module
of a ``build_main`` other than Sphinx's is imported once, by the server.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from resume.languages import SOURCE

from ..preloading import (
    imported_extension_digest,
    load_search_dictionary,
)
from .building import (
    BuildMain,
    Job,
    JobResult,
    _fork_all,
    preload,
    sphinx_build,
    unfinished,
)
from .children import GRACE, die_with_parent, fork_call


@dataclass(frozen=True)
class _Request:
    """One release's build, with what its child takes from the caller."""

    jobs: list[Job]
    source: Path
    staging: Path
    workers: int
    build_main: BuildMain
    environ: dict[str, str]
    cwd: str


@dataclass
class _Server:
    process: multiprocessing.process.BaseProcess
    connection: multiprocessing.connection.Connection
    owner: int  # the caller's pid: a process forked from it has no server of its own
    extension: str  # the digest of the extension's files when it started
    stopped: threading.Event  # lets the thread that started it end (``_start``)


_lock = threading.Lock()
_server: _Server | None = None


def build_in_server(
    jobs: list[Job], source: Path, staging: Path, workers: int, build_main: BuildMain
) -> list[JobResult]:
    """``building.build_all`` in a child of the server, started first if this process has none
    running. Whatever ends this early (SIGINT, SIGTERM turned into an exception) stops the
    server, and with it the release's child and its builders; the next release starts another."""
    global _server
    request = _Request(jobs, source, staging, workers, build_main, dict(os.environ), os.getcwd())
    message = (list(sys.path), pickle.dumps(request))
    extension = imported_extension_digest() or ""  # what a new server would import
    with _lock:
        server = _server
        if server is not None and server.owner == os.getpid() and server.extension != extension:
            _stop(server)  # it has the extension as it was: a new one imports it again
            server = None
        if server is None or server.owner != os.getpid() or not server.process.is_alive():
            if server is not None and server.owner == os.getpid():
                server.stopped.set()  # it ended by itself: the thread that started it ends too
            server = _server = _start(extension)
        answer: tuple[int, list[JobResult] | None] | None = None
        try:
            with contextlib.suppress(OSError):  # it has ended: said below
                server.connection.send(message)
                # Back in Python every second: the kernel may give SIGTERM to another of the
                # caller's threads, and Python runs its handler (``Interrupted``) in the main
                # thread only once that thread runs Python again, never inside this wait.
                while not multiprocessing.connection.wait(
                    [server.connection, server.process.sentinel], timeout=1
                ):
                    pass
            with contextlib.suppress(OSError, EOFError):  # it ended without an answer
                answer = server.connection.recv()
        finally:
            if answer is None:
                _server = None
                _stop(server)
    if answer is None:
        ended = server.process.exitcode
        return [
            unfinished(job, 1 if ended is None else ended, "the builders' server") for job in jobs
        ]
    code, results = answer
    if results is None:
        return [unfinished(job, code, "the builders' process") for job in jobs]
    return results


def _start(extension: str) -> _Server:
    """A new Python running ``_serve``, with this process's ``sys.path``; ``extension``: the
    digest of the extension's files it will import."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs, os.getpid()), daemon=True)
    # Linux sends the server its death signal (``die_with_parent``) when the thread that
    # started it ends, not the process: a release run from a thread that has since ended would
    # lose its server halfway. A thread of its own starts it and lives until ``_stop``.
    started, stopped = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def start() -> None:
        try:
            process.start()
        except BaseException as error:  # raised below, in the caller's thread
            failed.append(error)
        finally:
            theirs.close()
            started.set()
        stopped.wait()

    threading.Thread(target=start, name="fork-server", daemon=True).start()
    started.wait()
    if failed:
        raise failed[0]
    return _Server(process, ours, os.getpid(), extension, stopped)


def _stop(server: _Server) -> None:
    """SIGTERM, then SIGKILL after ``GRACE``: its children die with it (``die_with_parent``)."""
    server.connection.close()
    if server.process.is_alive():
        server.process.terminate()
        server.process.join(GRACE)
        if server.process.is_alive():
            server.process.kill()
    server.process.join()
    server.stopped.set()


def _serve(connection: multiprocessing.connection.Connection, caller: int) -> None:
    """The server: for each request, fork a child that builds and sends back the results, then
    answer the caller with its exit status and them (``None`` if it sent none); end when the
    caller closes its end. Ctrl-C reaches the caller, which stops the server."""
    die_with_parent(caller)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller's: it stops the server, and all
    loaded = chinese = False
    while True:
        try:
            path, payload = connection.recv()
        except EOFError:
            return
        sys.path[:] = path
        request: _Request = pickle.loads(payload)  # imports build_main's module, once
        if request.build_main is sphinx_build:  # a stand-in imports none of it
            if not loaded:
                preload(request.source)
                loaded = True
            if not chinese and any(job.edition == SOURCE for job in request.jobs):
                load_search_dictionary()  # the Chinese edition's HTML loads it; no other
                chinese = True
        receive, send = multiprocessing.Pipe(duplex=False)
        try:
            pid = fork_call(functools.partial(_release, request, send, (connection, receive)))
        finally:
            send.close()
        results = None
        with contextlib.suppress(EOFError):  # it ended without sending them
            results = receive.recv()
        receive.close()
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        connection.send((code, results))


def _release(
    request: _Request,
    send: multiprocessing.connection.Connection,
    servers: tuple[multiprocessing.connection.Connection, ...],
) -> int:
    """The release's child: the caller's environment and working folder, then the builders
    (``building._fork_all``); ``servers``: the server's ends, which its builders must not hold."""
    for end in servers:
        end.close()
    os.environ.clear()
    os.environ.update(request.environ)
    os.chdir(request.cwd)
    send.send(
        _fork_all(
            request.jobs, request.source, request.staging, request.workers, request.build_main
        )
    )
    send.close()
    return 0
