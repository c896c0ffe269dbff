"""Every builder of every edition, from one process that has Python, Sphinx and the extension
loaded: each edition's pages are read once and written by all its builders.

Starting a Python for each builder would import Sphinx, MyST, furo and the extension each time,
and read each edition's pages once per builder. So the release loads all that once (``preload``)
and forks a child for each task, at most ``workers`` at a time: an edition's first builder,
which reads every page into a fresh environment (``-E``), then, once it has finished, the
edition's other builders one after the other, which load the environment it pickled and read
nothing again (``-a``: every page is written). The configuration differs between builders only
in values that do not touch the doctrees (``html_css_files``, ``pygments_dark_style``, which
furo sets for the HTML builder), so Sphinx reports "0 added, 0 changed, 0 removed" for them.
The next edition's reading overlaps the other builders' writing, so both cores stay busy to
the end. The first child is forked before the preloading, which it does not wait for: it
imports what it needs itself, as ``sphinx-build`` would, on a core that would otherwise sit
idle while this process preloads for the others. Within a child, a catalog the translation
gate has checked and compiled for one builder is not checked and compiled again for the next.

Each builder runs ``sphinx.cmd.build.build_main``, exactly as ``python -m sphinx`` would, with
``-n -W --keep-going -q``. What it prints is captured in memory and sent to the parent through
a pipe, one JSON line per builder as it finishes, with its exit status and duration: no log
file, which a full disk could cut short. A builder whose line never came did not finish. Every
builder runs, whatever an earlier one reported, so that one build lists every problem.

The children are forked from the process that runs the release (``children``). A process
with other threads than the one forking (a test process driving a browser, say) could hand a
child a lock held for ever; such a caller has them forked by a server it starts once
(``fork_server``).
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
import os
import pkgutil
import selectors
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from resume.languages import EDITIONS, Edition
from resume.outputs import VARIANTS

from ..preloading import (
    EXTENSION,
    import_all,
    preload_sphinx,
    run_captured,
)
from .children import fork_call, stop

#: The options of every builder: nitpicky, warnings are errors but all are reported, quiet.
STRICT = ("-n", "-W", "--keep-going", "-q")
#: The builder that writes a variant.
VARIANT_BUILDER = "resumepdf"

#: What a child calls for each builder: ``sphinx.cmd.build.build_main``'s signature.
BuildMain = Callable[[list[str]], int]


@dataclass(frozen=True)
class Job:
    """One builder of one edition (``html``, ``epub``, ``resumepdf``), with its own result;
    with ``variant``, the PDF builder writing that variant from the edition's doctrees."""

    edition: Edition
    builder: str
    variant: str = ""

    @property
    def name(self) -> str:
        """``<builder>/<code>``, or ``variant/<name>``: the job's prefix in the build's report."""
        return (
            f"{VARIANTS[:-1]}/{self.variant}"
            if self.variant
            else f"{self.builder}/{self.edition.code}"
        )

    def outdir(self, outputs: Path) -> Path:
        """Where it writes: ``outputs/<builder>/<code>``, or ``outputs/variants/<name>``."""
        if self.variant:
            return outputs / VARIANTS / self.variant
        return outputs / self.builder / self.edition.code


@dataclass(frozen=True)
class JobResult:
    """What one job did: its exit status, its output and its duration."""

    job: Job
    returncode: int
    stdout: str
    stderr: str
    seconds: float


#: How the output of a job whose builder never finished begins: its process ended with no result
#: to give (killed, short of memory, crashed), and the summary says so
#: (``reporting.CUT_SHORT_HINT``).
UNFINISHED = "not finished: "


def unfinished(job: Job, code: int, process: str) -> JobResult:
    """The failure of ``job``, whose ``process`` ended (``code``: its exit status, or minus its
    signal) before it sent a result."""
    if code >= 0:
        how = f"ended (exit {code})"
    else:  # a real-time signal has no name
        how = f"ended by {next((s.name for s in signal.Signals if s == -code), f'signal {-code}')}"
    return JobResult(job, code if code > 0 else 1, "", f"{UNFINISHED}{process} {how}\n", 0.0)


def builder_arguments(job: Job, source: Path, staging: Path, first: bool) -> list[str]:
    """``sphinx-build``'s arguments for one job, on its edition's doctree folder
    ``staging/doctrees/<code>``; ``first``: read into a fresh environment."""
    return [
        "-b", job.builder,
        *(("-D", f"resume_variant={job.variant}") if job.variant else ()),
        "-D", f"language={job.edition.sphinx}",
        "-d", str(staging / "doctrees" / job.edition.code),
        *STRICT,
        "-E" if first else "-a",  # read afresh once; then write every page from what was read
        str(source),
        str(job.outdir(staging / "out")),
    ]  # fmt: skip


def sphinx_build(arguments: list[str]) -> int:
    """``python -m sphinx`` with ``arguments``, in this process."""
    from sphinx.cmd.build import build_main

    return build_main(arguments)


# -- Work done once ----------------------------------------------------------------------------


def preload(source: Path | None) -> None:
    """Import what every build imports (``preloading``) and, with ``source``, the extension's
    modules (from ``source/_ext``). What fails to import is left to the build, which reports
    it."""
    preload_sphinx(edition.sphinx for edition in EDITIONS)
    if source is None:
        return
    saved = list(sys.path)
    sys.path.insert(0, str(source / "_ext"))  # as conf.py does, in each child
    try:
        package = importlib.import_module(EXTENSION)
        prefix = f"{EXTENSION}."
        import_all([m.name for m in pkgutil.iter_modules(package.__path__, prefix)])
    except Exception:  # a package that does not import (a SyntaxError too): the build says why
        pass
    finally:
        sys.path[:] = saved


# -- The tasks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """Jobs of one edition run one after the other in one child; ``first``: the first reads."""

    jobs: tuple[Job, ...]
    first: bool

    @property
    def name(self) -> str:
        return f"{self.jobs[0].edition.code}: {', '.join(job.name for job in self.jobs)}"


def run_task(
    task: Task,
    source: Path,
    staging: Path,
    build_main: BuildMain,
    send: Callable[[int, tuple[int, str, str, float]], None],
) -> int:
    """Run the task's jobs in turn, each result to ``send(index, result)`` as it comes; the
    first failure's exit status, or 0. A child runs without the cyclic collector
    (``children.fork_call``): one collection between two jobs keeps the first's leftovers out
    of the second's peak."""
    failed = 0
    for index, job in enumerate(task.jobs):
        if index:
            gc.collect()
        arguments = builder_arguments(job, source, staging, task.first and index == 0)
        result = run_captured(build_main, arguments)  # whatever came before
        send(index, result)
        failed = failed or result[0]
    return failed


def tasks_of(jobs: Sequence[Job]) -> list[tuple[Task, Task | None]]:
    """Per edition, in the order of its first job: its reading task (its first job) and the
    task of its other jobs, if any."""
    by_edition: dict[str, list[Job]] = {}
    for job in jobs:
        by_edition.setdefault(job.edition.code, []).append(job)
    return [
        (Task(tuple(own[:1]), True), Task(tuple(own[1:]), False) if own[1:] else None)
        for own in by_edition.values()
    ]


def build_all(
    jobs: Sequence[Job],
    source: Path,
    staging: Path,
    workers: int = 2,
    build_main: BuildMain = sphinx_build,
) -> list[JobResult]:
    """Run every job, each edition's reading task first and its other jobs after it, in
    children forked from this process, at most ``workers`` at a time; return the results in
    the order of ``jobs``. Whatever ends this early (an exception, SIGINT, SIGTERM turned into
    an exception) stops every running child first."""
    if hasattr(os, "fork") and _threads() > 1:
        from .fork_server import build_in_server  # which imports this module

        return build_in_server(list(jobs), source, staging, workers, build_main)
    return _fork_all(jobs, source, staging, workers, build_main)


def _threads() -> int:
    """The threads of this process, those of native libraries included (a PDF typesetter's
    pool, say), which ``threading`` does not see."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _fork_all(
    jobs: Sequence[Job], source: Path, staging: Path, workers: int, build_main: BuildMain
) -> list[JobResult]:
    """``build_all`` in children forked from this process."""
    got: dict[Job, JobResult] = {}

    def record(task: Task, index: int, result: tuple[int, str, str, float]) -> None:
        got[task.jobs[index]] = JobResult(task.jobs[index], *result)

    plan = tasks_of(jobs)
    ready = [reading for reading, _ in plan]
    following = {reading: rest for reading, rest in plan}
    forking = hasattr(os, "fork") and threading.current_thread() is threading.main_thread()
    if workers < 1 or not forking:
        # No fork (or not from the thread the signals reach): each task here, in turn.
        while ready:
            task = ready.pop(0)
            run_task(task, source, staging, build_main, functools.partial(record, task))
            if (after := following.get(task)) is not None:
                ready.insert(0, after)
        return [got[job] for job in jobs]
    running: dict[int, tuple[Task, IO[bytes]]] = {}
    selector = selectors.DefaultSelector()
    warm = build_main is not sphinx_build  # a stand-in builder imports none of Sphinx
    try:
        while ready or running:
            while ready and len(running) < workers:
                task = ready.pop(0)
                pid, pipe = _start(task, source, staging, build_main)
                running[pid] = (task, pipe)
                selector.register(pipe, selectors.EVENT_READ, pid)
                if not warm:
                    # The first child imports what it needs itself, as sphinx-build would,
                    # on a core that would otherwise wait for this: the others start warm.
                    preload(source)
                    warm = True
            for key, _ in selector.select():
                pid = key.data
                task, pipe = running[pid]
                line = pipe.readline()
                if line:
                    message = json.loads(line)
                    returncode, out, err, seconds = message["result"]
                    record(task, message["index"], (returncode, out, err, seconds))
                    continue
                selector.unregister(pipe)  # the end of its output: the child has ended
                pipe.close()
                del running[pid]
                code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
                _unfinished(task, code, got)
                if (after := following.get(task)) is not None:
                    ready.append(after)  # after the reading tasks still waiting: the longest
    finally:
        selector.close()
        if running:
            stop(running)
            for _, pipe in running.values():
                pipe.close()
    return [got[job] for job in jobs]


def _start(task: Task, source: Path, staging: Path, build_main: BuildMain) -> tuple[int, IO[bytes]]:
    """Fork the child that runs ``task``; its pid and the pipe its results come through."""
    read_end, write_end = os.pipe()

    def child() -> int:
        os.close(read_end)
        with open(write_end, "wb") as pipe:

            def send(index: int, result: tuple[int, str, str, float]) -> None:
                pipe.write(json.dumps({"index": index, "result": result}).encode() + b"\n")
                pipe.flush()

            return run_task(task, source, staging, build_main, send)

    try:
        pid = fork_call(child)
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    return pid, open(read_end, "rb")  # closed by build_all


def _unfinished(task: Task, code: int, got: dict[Job, JobResult]) -> None:
    """Fail each job of an ended child that sent no result, saying how the child ended."""
    for job in task.jobs:
        if job not in got:
            got[job] = unfinished(job, code, "the builder's process")
