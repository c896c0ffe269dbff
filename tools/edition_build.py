"""Every edition with every builder, in one process tree: each edition's pages are read once and
written by all its builders, and Python, Sphinx and the extension are loaded once.

The release build (``tools/release.py``) runs this once, in a process of its own::

    python -m tools.edition_build --source SOURCE --workers 2 \\
        --edition zh_CN DOCTREES LOGS html=OUT epub=OUT resumepdf=OUT \\
        --edition en … resumepdf@platform-en=OUT

(``resumepdf@<name>``: the PDF builder with ``-D resume_variant=<name>``, a variant's résumé.)

Each builder runs ``sphinx.cmd.build.build_main``, exactly as ``python -m sphinx`` would, with
``-n -W --keep-going -q``, on its edition's doctree folder ``DOCTREES``. An edition's first
builder reads every page into a fresh environment (``-E``); the next ones load the environment
it pickled and read nothing again (``-a``: every page is written). The configuration differs
between builders only in values that do not touch the doctrees (``html_css_files``,
``pygments_dark_style``, which furo sets for the HTML builder), so Sphinx reports "0 added,
0 changed, 0 removed" for them.

This process imports Sphinx, its builders, MyST, furo and the extension (``SOURCE/_ext``)
once, then forks a child for each task, at most ``--workers`` at a time: an edition's first
builder, then, once it has finished, its other builders one after the other. Every child starts
with everything loaded, and the next edition's reading overlaps the other builders' writing, so
both cores stay busy to the end. Within a child, a catalog the translation gate has checked and
compiled for one builder is not checked and compiled again for the next (the gate keeps that
work by the file's content).

A page's problems found while reading are reported once, by the first builder; what each builder
finds while resolving and writing (a broken reference, the PDF's checks) by that builder. Every
builder runs, whatever an earlier one reported, so that one build lists every problem.

For each builder, this writes into the edition's ``LOGS``: ``<builder>.out`` and
``<builder>.err`` (Sphinx's status and warnings, each warning with its file and line), then
``<builder>.json`` with its exit status and duration, ``{"returncode": 0, "seconds": 1.6}``,
once it has finished; a builder without its ``.json`` did not finish. The exit status is 0 when
every builder succeeded, else 1.

The children stay in this process's group, so that a signal to the group (``tools/release.py``
stops its child that way) reaches them all; each also dies with this process
(``PR_SET_PDEATHSIG``), should this process be killed alone.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib
import json
import os
import pkgutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The options of every builder: nitpicky, warnings are errors but all are reported, quiet.
STRICT = ("-n", "-W", "--keep-going", "-q")
#: What every build imports: loaded once, before the children are forked.
PRELOAD = (
    "sphinx.cmd.build",
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.builders.epub3",
    "sphinx.writers.html5",
    "sphinx.search.en",
    "sphinx.search.ja",
    "sphinx.search.zh",
    "docutils.parsers.rst",
    "myst_parser",
    "myst_parser.sphinx_ext.main",
    "myst_parser.parsers.sphinx_",
    "furo",
    "jinja2",
    "babel.messages.pofile",
    "babel.messages.mofile",
    "typst",
)
#: The package of the project's extension, in ``SOURCE/_ext`` (as ``SOURCE/conf.py`` loads it).
EXTENSION = "resume"


@dataclass(frozen=True)
class Edition:
    """One edition to build: its Sphinx language, doctree and log folders, and its builders
    with their output folders, in order (the first one reads)."""

    language: str
    doctrees: Path
    logs: Path
    outputs: tuple[tuple[str, Path], ...]


#: Between a builder and the variant it writes: ``resumepdf@platform-en`` (``resume.variants``).
VARIANT = "@"


def builder_arguments(
    builder: str, language: str, doctrees: Path, source: Path, outdir: Path, first: bool
) -> list[str]:
    """``sphinx-build``'s arguments for one builder; ``first``: read into a fresh environment.
    ``resumepdf@<name>`` is the PDF builder writing the variant ``<name>``."""
    builder, _, variant = builder.partition(VARIANT)
    return [
        "-b", builder,
        *(("-D", f"resume_variant={variant}") if variant else ()),
        "-D", f"language={language}",
        "-d", str(doctrees),
        *STRICT,
        "-E" if first else "-a",  # read afresh once; then write every page from what was read
        str(source),
        str(outdir),
    ]  # fmt: skip


def run_builder(arguments: list[str], logs: Path, builder: str) -> int:
    """``build_main(arguments)`` with its status and warnings in ``logs/<builder>.out``/``.err``;
    then ``logs/<builder>.json``. Returns its exit status."""
    from sphinx.cmd.build import build_main

    began = time.perf_counter()
    saved = sys.stdout, sys.stderr
    with (
        open(logs / f"{builder}.out", "w", encoding="utf-8") as out,
        open(logs / f"{builder}.err", "w", encoding="utf-8") as err,
    ):
        sys.stdout, sys.stderr = out, err
        try:
            returncode = build_main(arguments)
        finally:
            sys.stdout, sys.stderr = saved
    status = {"returncode": returncode, "seconds": round(time.perf_counter() - began, 3)}
    temporary = logs / f".{builder}.json.tmp"
    temporary.write_text(json.dumps(status), "utf-8")
    os.replace(temporary, logs / f"{builder}.json")  # whole or absent
    return returncode


# -- Work done once ----------------------------------------------------------------------------


def _on_path(source: Path) -> None:
    folder = str(source / "_ext")
    if folder not in sys.path:
        sys.path.insert(0, folder)  # as conf.py does


def preload(source: Path | None) -> None:
    """Import what every build imports: ``PRELOAD``, Sphinx's built-in extensions and, with
    ``source``, the extension's modules (from ``source/_ext``). What fails to import is left to
    the build, which reports it."""
    names = list(PRELOAD)
    try:
        from sphinx.application import builtin_extensions

        names += builtin_extensions
    except ImportError:
        pass
    if source is not None:
        _on_path(source)
        try:
            package = importlib.import_module(EXTENSION)
            prefix = f"{EXTENSION}."
            names += [m.name for m in pkgutil.iter_modules(package.__path__, prefix)]
        except ImportError:
            pass
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # the build itself reports a broken module
            continue


# -- The tasks and the children ----------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """Builders of one edition run one after the other in one child; ``first``: the edition's
    reading builder."""

    edition: Edition
    builders: tuple[tuple[str, Path], ...]
    first: bool

    @property
    def name(self) -> str:
        return f"{self.edition.language}: {', '.join(b for b, _ in self.builders)}"


def run_task(task: Task, source: Path) -> int:
    """Run the task's builders in turn; the first failure's exit status, or 0."""
    edition = task.edition
    edition.logs.mkdir(parents=True, exist_ok=True)
    failed = 0
    for index, (builder, outdir) in enumerate(task.builders):
        first = task.first and index == 0
        arguments = builder_arguments(
            builder, edition.language, edition.doctrees, source, outdir, first
        )
        returncode = run_builder(arguments, edition.logs, builder)  # whatever came before
        failed = failed or returncode
    return failed


def die_with_parent(parent: int) -> None:
    """Have Linux SIGKILL this child when its parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


def fork_call(work: Callable[[], int]) -> int:
    """Start ``work()`` in a child forked from this process, which dies with it; return the
    child's pid. The child ends with ``work``'s status, or 2 when it raised (the traceback
    printed), without running this process's clean-up."""
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 2
    try:
        die_with_parent(parent)
        code = work()
    except BaseException:  # reported; then the child ends with its status
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    raise AssertionError("unreachable")  # pragma: no cover


def fork_task(task: Task, source: Path, work: Callable[[Task, Path], int] = run_task) -> int:
    """Start ``work(task, source)`` in a forked child (``fork_call``), with the default
    handlers of SIGTERM, SIGINT and SIGHUP; return its pid."""

    def child() -> int:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        return work(task, source)

    return fork_call(child)


def tasks_of(edition: Edition) -> tuple[Task, Task | None]:
    """The edition's reading task (its first builder) and the task of the others, if any."""
    first, rest = edition.outputs[:1], edition.outputs[1:]
    return Task(edition, first, True), (Task(edition, rest, False) if rest else None)


def build_all(
    editions: Sequence[Edition],
    source: Path,
    workers: int,
    work: Callable[[Task, Path], int] = run_task,
) -> int:
    """Run every edition's tasks in forked children, at most ``workers`` at a time: the reading
    tasks first, in order, and each edition's other builders once its reading task ended.
    Returns 0 when every task succeeded, else 1."""
    if threading.active_count() > 1:
        workers = 0  # forking a threaded process is unsafe: run the tasks here, in turn
    ready = [tasks_of(edition)[0] for edition in editions]
    following = {id(task): tasks_of(task.edition)[1] for task in ready}
    running: dict[int, Task] = {}
    failed = False
    while ready or running:
        if workers < 1:
            task = ready.pop(0)
            failed |= work(task, source) != 0
            if (after := following.pop(id(task), None)) is not None:
                ready.insert(0, after)
            continue
        while ready and len(running) < workers:
            task = ready.pop(0)
            running[fork_task(task, source, work)] = task
        pid, status = os.wait()
        if pid not in running:
            continue
        task = running.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        if code:
            failed = True
            if code < 0:
                print(f"{task.name}: ended by {signal.Signals(-code).name}", file=sys.stderr)
        if (after := following.pop(id(task), None)) is not None:
            ready.append(after)  # after the reading tasks still waiting: they are the longest
    return 1 if failed else 0


# -- The command line ----------------------------------------------------------------------------


def _edition(values: list[str]) -> Edition:
    if len(values) < 4:
        raise argparse.ArgumentTypeError("--edition LANGUAGE DOCTREES LOGS BUILDER=OUTDIR …")
    language, doctrees, logs, *outputs = values
    pairs = []
    for value in outputs:
        builder, separator, outdir = value.partition("=")
        if not (builder and separator and outdir):
            raise argparse.ArgumentTypeError(f"{value!r} is not BUILDER=OUTDIR")
        pairs.append((builder, Path(outdir)))
    return Edition(language, Path(doctrees), Path(logs), tuple(pairs))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.edition_build", description=__doc__)
    parser.add_argument("--source", required=True, type=Path, help="the Sphinx source folder")
    parser.add_argument("--workers", type=int, default=2, help="children at a time")
    parser.add_argument(
        "--edition",
        nargs="+",
        action="append",
        required=True,
        metavar="ARG",
        help="LANGUAGE DOCTREES LOGS BUILDER=OUTDIR …: an edition and its builders, in order",
    )
    args = parser.parse_args(argv)
    try:
        editions = [_edition(values) for values in args.edition]
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    preload(args.source)
    return build_all(editions, args.source, args.workers)


if __name__ == "__main__":
    sys.exit(main())
