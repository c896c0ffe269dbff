"""The shape of the release build's work (``tools/release/building.py``), never its speed (that is
``nox -s bench``): each edition's pages are read once, by its first builder, and written by every
builder; each builder's warnings keep their file and line and fail it; the children it forks stop
with the release build.

A small Sphinx project stands in for the résumé, so that these run in seconds.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import weakref
from pathlib import Path

import pytest

from resume.languages import BY_CODE
from tools.release import CUT_SHORT_HINT, fork_server, hints
from tools.release.building import (
    Job,
    JobResult,
    Task,
    build_all,
    preload,
    run_task,
    sphinx_build,
    unfinished,
)

from helpers import alive, without_cyclic_collection

REPO = Path(__file__).resolve().parents[1]

# Records each page read, with the builder that read it, in $SHAPE_READS.
CONF = """\
import os

project = "shape"
extensions = []
nitpicky = True

def record(app, docname, source):
    with open(os.environ["SHAPE_READS"], "a", encoding="utf-8") as reads:
        reads.write(f"{app.builder.name} {docname}\\n")

def setup(app):
    app.connect("source-read", record)
"""
PAGES = {
    "index.rst": "Home\n====\n\n.. toctree::\n\n   one\n   two\n",
    "one.rst": "One\n===\n\nSee :ref:`two-label`.\n",
    "two.rst": ".. _two-label:\n\nTwo\n===\n\nText.\n",
}


def project(root: Path, pages: dict[str, str]) -> Path:
    source = root / "src"
    source.mkdir(parents=True)
    (source / "conf.py").write_text(CONF, "utf-8")
    for name, text in pages.items():
        (source / name).write_text(text, "utf-8")
    return source


def edition_build(
    root: Path, source: Path, builders: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, JobResult], Path, Path]:
    """``building.build_all`` on one edition; each builder's result, the outputs and the reads."""
    reads = root / "reads"
    monkeypatch.setenv("SHAPE_READS", str(reads))
    preload(source)
    jobs = [Job(BY_CODE["en"], builder) for builder in builders]
    results = build_all(jobs, source, root / "staging", workers=2)
    return {r.job.builder: r for r in results}, root / "staging" / "out", reads


def test_each_page_is_read_once_and_written_by_every_builder(tmp_path, monkeypatch):
    source = project(tmp_path, PAGES)
    results, out, reads = edition_build(
        tmp_path, source, ("html", "text", "singlehtml"), monkeypatch
    )
    assert results["html"].returncode == 0, results["html"].stderr
    assert sorted(reads.read_text("utf-8").split("\n")[:-1]) == [
        "html index",
        "html one",
        "html two",
    ]
    for builder in ("html", "text", "singlehtml"):
        assert results[builder].returncode == 0
        assert results[builder].stderr == ""
    assert (out / "html" / "en" / "one.html").is_file()
    assert "Two" in (out / "text" / "en" / "one.txt").read_text("utf-8")
    assert (out / "singlehtml" / "en" / "index.html").is_file()


def test_a_broken_reference_fails_every_builder_with_its_file_and_line(tmp_path, monkeypatch):
    source = project(tmp_path, {**PAGES, "one.rst": "One\n===\n\nSee :ref:`no-such-label`.\n"})
    builders = ("html", "text", "singlehtml")
    results, _, _ = edition_build(tmp_path, source, builders, monkeypatch)
    for builder in builders:  # resolved by each builder, so reported by each
        assert results[builder].returncode == 1
        warnings = results[builder].stderr
        assert f"{source / 'one.rst'}:4: WARNING: undefined label: 'no-such-label'" in warnings


def test_a_caller_with_other_threads_gets_every_result(tmp_path, monkeypatch):
    """A process with other threads (a test driving a browser) is never forked: a child could
    wait for ever on a lock another thread held. The results come all the same, and each build
    sees the environment of its own call."""
    source = project(tmp_path, PAGES)
    again = tmp_path / "again"
    again.mkdir()
    done = threading.Event()
    waiting = threading.Thread(target=done.wait, daemon=True)
    waiting.start()
    try:
        results, out, reads = edition_build(tmp_path, source, ("html", "text"), monkeypatch)
        second, _, reads_again = edition_build(again, source, ("html",), monkeypatch)
    finally:
        done.set()
    assert [r.returncode for r in results.values()] == [0, 0], results["html"].stderr
    read = ["html index", "html one", "html two"]
    assert sorted(reads.read_text("utf-8").split("\n")[:-1]) == read  # not the second's too
    assert "Two" in (out / "text" / "en" / "one.txt").read_text("utf-8")
    assert second["html"].returncode == 0, second["html"].stderr
    assert sorted(reads_again.read_text("utf-8").split("\n")[:-1]) == read


# Its text builder is killed as it starts, as the system's out-of-memory killer would.
KILLED_CONF = (
    CONF
    + """
import signal

def setup(app):
    app.connect("source-read", record)
    app.connect(
        "builder-inited",
        lambda app: app.builder.name == "text" and os.kill(os.getpid(), signal.SIGKILL),
    )
"""
)


def test_a_builder_killed_is_told_to_build_again(tmp_path, monkeypatch):
    """No file or line is to blame when a builder dies: its job says how it ended, and the
    advice is to build again, not to fix a problem "at the file and line it names"."""
    source = project(tmp_path, PAGES)
    (source / "conf.py").write_text(KILLED_CONF, "utf-8")
    results, _, _ = edition_build(tmp_path, source, ("html", "text"), monkeypatch)
    assert results["html"].returncode == 0, results["html"].stderr
    killed = results["text"]
    assert killed.returncode != 0
    assert killed.stderr == "not finished: the builder's process ended by SIGKILL\n"
    assert hints(killed.stderr) == [CUT_SHORT_HINT]


@pytest.mark.skipif(not hasattr(signal, "SIGRTMIN"), reason="real-time signals are Linux's")
def test_a_builder_ended_by_a_signal_without_a_name_says_its_number():
    job = Job(BY_CODE["en"], "html")
    number = signal.SIGRTMIN + 1  # real-time signals past the first have no name
    result = unfinished(job, -number, "the builder's process")
    assert result.returncode == 1
    assert result.stderr == f"not finished: the builder's process ended by signal {number}\n"


def test_a_release_killed_in_the_builders_server_says_how_it_ended(tmp_path, monkeypatch):
    """The builders of a caller with other threads run under a child of the builders' server;
    that child killed, each job says so as a builder's own death is said, by the signal's name,
    not as an exit status."""
    source = project(tmp_path, PAGES)
    conf = KILLED_CONF.replace("os.kill(os.getpid(),", "os.kill(os.getppid(),")
    (source / "conf.py").write_text(conf, "utf-8")
    done = threading.Event()
    waiting = threading.Thread(target=done.wait, daemon=True)
    waiting.start()
    try:
        results, _, _ = edition_build(tmp_path, source, ("html", "text"), monkeypatch)
    finally:
        done.set()
    for result in results.values():
        assert result.returncode != 0
        assert result.stderr == "not finished: the builders' process ended by SIGKILL\n"
        assert hints(result.stderr) == [CUT_SHORT_HINT]


# Holds its build until $SHAPE_GO exists, once it has written $SHAPE_HELD.
HELD_CONF = (
    CONF
    + """
import pathlib, time

def hold(app):
    pathlib.Path(os.environ["SHAPE_HELD"]).touch()
    while not os.path.exists(os.environ["SHAPE_GO"]):
        time.sleep(0.05)

def setup(app):
    app.connect("source-read", record)
    app.connect("builder-inited", hold)
"""
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_a_release_outlives_the_thread_that_started_the_server(tmp_path, monkeypatch):
    """Linux sends a child its death signal when the thread that started it ends: a thread's
    release starts the builders' server, the thread ends while the main thread's release runs
    in that server, and the release still gets its results."""
    monkeypatch.setattr(fork_server, "_server", None)  # the first thread's release starts one
    source = project(tmp_path, PAGES)
    (source / "conf.py").write_text(HELD_CONF, "utf-8")
    held, go = tmp_path / "held", tmp_path / "go"
    monkeypatch.setenv("SHAPE_HELD", str(held))
    monkeypatch.setenv("SHAPE_GO", str(go))
    go.touch()
    built, end = threading.Event(), threading.Event()

    def first() -> None:  # a release, then the thread waits until it is told to end
        edition_build(tmp_path / "first", source, ("html",), monkeypatch)
        built.set()
        end.wait()

    def end_the_first_then_go() -> None:  # once the second build runs in the same server
        deadline = time.monotonic() + 60
        while not held.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        end.set()
        starter.join()
        time.sleep(0.5)  # the kernel's death signal, were the server's starter that thread
        go.touch()

    for folder in ("first", "second"):
        (tmp_path / folder).mkdir()
    starter = threading.Thread(target=first, daemon=True)
    starter.start()
    assert built.wait(60), "the thread's release never ended"
    held.unlink()
    go.unlink()
    threading.Thread(target=end_the_first_then_go, daemon=True).start()
    try:
        results, out, _ = edition_build(tmp_path / "second", source, ("html",), monkeypatch)
    finally:
        if fork_server._server is not None:  # the test's own, and the thread that started it
            fork_server._stop(fork_server._server)
    assert results["html"].returncode == 0, results["html"].stderr
    assert (out / "html" / "en" / "one.html").is_file()


# Runs the real release build on a project whose conf.py records its pid, then sleeps; with a
# third argument, from a process with another thread (whose builders a server forks); with a
# fourth, that thread sends SIGTERM to itself, not to the main thread, once that file exists.
BUILD_SCRIPT = """\
import os, signal, sys, threading, time
sys.path.insert(0, {repo!r})
from pathlib import Path
from tools.release import release_build
def other_thread():
    while sys.argv[4:] and not os.path.exists(sys.argv[4]):
        time.sleep(0.05)
    if sys.argv[4:]:
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
    threading.Event().wait()
if sys.argv[3:]:
    threading.Thread(target=other_thread, daemon=True).start()
sys.exit(0 if release_build(build=Path(sys.argv[1]), source=Path(sys.argv[2])) else 1)
"""
#: (signal, caller): a release with one thread or with others is stopped by SIGTERM or SIGKILL;
#: and by a SIGTERM that the kernel gives to another thread than the main one, which may run
#: its handler only once it runs Python again.
STOPS = [
    *[(sig, caller) for sig in (signal.SIGTERM, signal.SIGKILL) for caller in ("one-thread", "threads")],
    (signal.SIGTERM, "to-another-thread"),
]  # fmt: skip


def parent_of(pid: int) -> int:
    """The parent of a running process, from ``/proc/<pid>/stat``."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG")
@pytest.mark.parametrize(("sig", "caller"), STOPS, ids=[f"{s.name}-{c}" for s, c in STOPS])
def test_the_forked_builders_stop_with_the_release_build(sig, caller, tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    pids = tmp_path / "pids"
    (source / "conf.py").write_text(
        textwrap.dedent(f"""\
            import os, time
            with open({str(pids)!r}, "a") as pids:
                pids.write(f"{{os.getpid()}} {{os.getppid()}}\\n")
            time.sleep(60)
        """),
        "utf-8",
    )
    trigger = tmp_path / "send-sigterm"
    threads = {"one-thread": [], "threads": ["threads"], "to-another-thread": ["threads", str(trigger)]}  # fmt: skip
    parent = subprocess.Popen(
        [sys.executable, "-c", BUILD_SCRIPT.format(repo=str(REPO)), str(tmp_path / "_build"),
         str(source), *threads[caller]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        builders_stop_with(parent, pids, sig, caller, trigger)
    finally:
        if parent.poll() is None:  # a failed check leaves no release running
            parent.kill()
            parent.communicate()


def builders_stop_with(
    parent: subprocess.Popen[str], pids: Path, sig: signal.Signals, caller: str, trigger: Path
) -> None:
    """Once both builders run, stop ``parent`` with ``sig`` (or have its other thread get
    SIGTERM): it ends, and so do they and every process between it and them."""
    deadline = time.monotonic() + 60
    while not (pids.exists() and len(pids.read_text().splitlines()) == 2):  # two workers
        assert time.monotonic() < deadline and parent.poll() is None, "the builders never started"
        time.sleep(0.05)
    lines = [line.split() for line in pids.read_text().splitlines()]
    builders = [int(pid) for pid, _ in lines]
    server = {int(ppid) for _, ppid in lines}
    assert len(server) == 1, "the builders are not forked from one process"
    children, between = list(builders), server.pop()
    while between != parent.pid:  # and each process between the release and its builders
        assert between > 1, "the builders are not descendants of the release build"
        children.append(between)
        between = parent_of(between)
    assert (len(children) > 2) == (caller != "one-thread")  # forked by a server's child
    if caller == "to-another-thread":
        trigger.touch()
    else:
        parent.send_signal(sig)
    parent.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in children), f"builders left running after {sig.name}"


# Two releases from a process with another thread, with a stand-in builder that writes the
# value of MARK in the extension it finds loaded; the extension (a copy, first on sys.path) is
# edited between them.
EDITED_SCRIPT = """\
import os, sys, threading
sys.path[:0] = [{ext!r}, {repo!r}, {repo!r} + "/_ext", {repo!r} + "/tests", {here!r}]
from pathlib import Path
from tools.release import release_build
from stand_in import build_main
threading.Thread(target=threading.Event().wait, daemon=True).start()
build, init = Path(sys.argv[1]), Path({ext!r}) / "resume" / "__init__.py"
marks = []
for mark in ("one", "two"):
    init.write_text(init.read_text("utf-8") + f"\\nMARK = {{mark!r}}\\n", "utf-8")
    assert release_build(["en"], build=build, source=Path({source!r}), build_main=build_main)
    marks.append((build / "html" / "en" / "index.html").read_text("utf-8").split("</title>")[1])
print("MARKS", " ".join(marks))
"""
STAND_IN = """\
import os, sys
from test_publish import fake_build
def build_main(arguments):
    os.environ["FAKE_VERSION"] = getattr(sys.modules["resume"], "MARK", "none")
    return fake_build(arguments)
"""


def test_a_caller_with_other_threads_builds_with_the_extension_as_it_is_now(tmp_path):
    """The server that forks a threaded caller's builders keeps the extension it imported:
    once the extension's files change, the next release gets a server that imports them anew,
    as a new Python would."""
    source = tmp_path / "src"
    ext = source / "_ext"
    shutil.copytree(REPO / "_ext", ext, ignore=shutil.ignore_patterns("__pycache__"))
    (source / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(ext)!r})\n", "utf-8")
    (tmp_path / "stand_in.py").write_text(STAND_IN, "utf-8")
    script = EDITED_SCRIPT.format(
        ext=str(ext), repo=str(REPO), here=str(tmp_path), source=str(source)
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "_build")],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (marks,) = [line.split()[1:] for line in result.stdout.splitlines() if line.startswith("MARKS")]
    assert marks == ["one", "two"], result.stderr


class Caller:
    """The caller's end of the server's connection: its requests, then its end closed."""

    def __init__(self, requests: list[fork_server._Request]) -> None:
        self.messages = [(list(sys.path), pickle.dumps(request)) for request in requests]
        self.answers: list[object] = []

    def recv(self) -> object:
        if not self.messages:
            raise EOFError
        return self.messages.pop(0)

    def send(self, answer: object) -> None:
        self.answers.append(answer)


def test_the_builders_server_loads_once_and_the_dictionary_for_chinese_only(tmp_path, monkeypatch):
    """The server preloads Sphinx for its first release, and jieba's dictionary for its first
    release with the Chinese edition (only that edition's search needs it), each once."""
    done: list[str] = []
    monkeypatch.setattr(fork_server, "die_with_parent", lambda caller: None)
    monkeypatch.setattr(fork_server, "preload", lambda source: done.append("preload"))
    monkeypatch.setattr(fork_server, "load_search_dictionary", lambda: done.append("dictionary"))
    monkeypatch.setattr(fork_server, "_release", lambda request, send, servers: send.send([]) or 0)
    codes = ("en", "en", "zh-cn", "ja", "zh-cn")
    caller = Caller(
        [
            fork_server._Request(
                [Job(BY_CODE[code], "html")], tmp_path, tmp_path, 1, sphinx_build, {}, "."
            )
            for code in codes
        ]
    )
    ignored = signal.getsignal(signal.SIGINT)
    try:
        fork_server._serve(caller, os.getppid())
    finally:
        signal.signal(signal.SIGINT, ignored)
    assert caller.answers == [(0, [])] * len(codes)
    assert done == ["preload", "dictionary"]


class Cycle:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.itself = self


def test_a_builders_cycles_are_collected_before_the_next_builder_of_its_child(tmp_path):
    """Builders run without the cyclic collector (``children.fork_call``), so a child that runs
    an edition's builders one after another collects what one left in cycles (a whole Sphinx
    application) before the next begins: their leftovers would add up in its peak memory."""
    left: list[weakref.ref[Cycle]] = []

    def build_main(arguments: list[str]) -> int:
        gone = all(cycle() is None for cycle in left)
        left.append(weakref.ref(Cycle()))
        return 0 if gone else 1

    edition = BY_CODE["en"]
    task = Task((Job(edition, "epub"), Job(edition, "resumepdf"), Job(edition, "text")), False)
    statuses: list[int] = []
    with without_cyclic_collection():
        run_task(task, tmp_path, tmp_path, build_main, lambda i, result: statuses.append(result[0]))
    assert statuses == [0, 0, 0]
