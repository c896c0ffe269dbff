"""The release build: every edition and builder from clean, published all at once or not at all.

Used by ``nox -s build``, the benchmark and the tests; it needs nothing but the standard library.
Before a release is published, the privacy gate's reading (``resume.reading``) scans all of
it, the editions carried over from the live site included. It never follows a link it did not
make: a ``.lock`` or ``.releases`` that is a symbolic link stops it.

The layout of ``build`` (``_build/``) it maintains::

    _build/
      .lock                  flock(2): held while the layout changes (start of build, publish)
      .releases/<id>/        one complete release: html/<code>/…, html/index.html,
                             epub/<code>/xu-xin-resume-<code>.epub,
                             pdf/<code>/xu-xin-resume-<code>.pdf,
                             text/<code>/xu-xin-resume-<code>.txt
      current -> .releases/<id>      the live release; swapped with ONE os.replace
      html -> current/html           fixed links: the paths in the README never change
      epub -> current/epub
      pdf -> current/pdf
      text -> current/text
      variants -> current/variants   each declared variant's résumé, variants/<name>/
                             xu-xin-resume-<name>.pdf and .txt (resume.variants); no page
                             of the site links to them
      .staging-<pid>-<token>/        a running build's work; its own .lock is held while it runs

``<id>`` is a digest of the release's content, so two builds of the same commit make the same
release (and the same tree). Publishing renames a complete release into ``.releases`` and then
replaces the ``current`` link: whatever instant the process dies, ``_build/html``,
``_build/epub``, ``_build/pdf`` and ``_build/text`` show the whole previous release or the whole
new one. The next build removes what a killed build left behind (its staging folder, a release
that never went live).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import re
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

from resume import environment, reading
from resume.languages import BY_CODE, BY_SPHINX, EDITIONS, Edition
from resume.outputs import BASENAME, SITE_FILES
from resume.variants import Variant, VariantError, declared

from . import BUILD, REPO
from .root_page import write_root_index

__all__ = [
    "BASENAME",
    "BUILDERS",
    "PUBLISHED",
    "SITE_FILES",
    "Job",
    "PublishError",
    "build_command",
    "live_release",
    "publish",
    "recover",
    "release_build",
    "resolve_editions",
    "resolve_variants",
]

HERE = REPO
BUILDERS = ("html", "epub", "resumepdf")
#: What each builder publishes: ``{builder: {format folder: file extension}}``; the HTML
#: builder publishes its whole tree (no extension), the others one file each per edition.
PUBLISHED = {
    "html": {"html": ""},
    "epub": {"epub": "epub"},
    "resumepdf": {"pdf": "pdf", "text": "txt"},  # resume.pdf: the PDF and the text edition
}
#: The fixed links in ``build``, each to the same folder of the live release.
LINKS = ("html", "epub", "pdf", "text")
#: The folder of the variants' résumés, ``variants/<name>/``, each a PDF and a text.
VARIANTS = "variants"
#: The builder that writes a variant, and what it publishes.
VARIANT_BUILDER = "resumepdf"
RELEASES = ".releases"
BUILDINFO = ".buildinfo"
CURRENT = "current"
LOCK = ".lock"
STAGING = ".staging-"
#: Seconds a child is given to stop after SIGTERM before it is killed.
GRACE = 3.0


# What to do about each kind of problem Sphinx, docutils and MyST report, keyed by a tell-tale
# part of their message: the warning's [type.subtype], or the words of a message that has none.
# The extension's own messages say what to do themselves (resume.messages), collected below
# (WHAT_TO_DO). tests/test_hints.py makes each kind of failure for real and checks that it gets
# its advice, and that every hint here is one some failure gets.
HINTS = {
    "[myst.topmatter]": "fix the YAML front matter between the two --- lines at the top of the page",
    "[myst.xref_missing]": "point the link at an existing page or label, or add the label",
    "[ref.ref]": "point the reference at an existing label, or add the label",
    "[toc.not_included]": "add the page to a toctree (experience/index.md, projects/index.md)",
    "[toc.not_readable]": "create the page the toctree names, or remove the entry from the toctree",
    "[image.not_readable]": "put the image at the path the page gives (relative to the page), or fix the path",
    "undecodable source characters": "save the page as UTF-8 (the line is named above)",
    "Duplicate explicit target name": "give one of the two labels another name",
    "Unknown directive type": "check the directive's name (resume-role, resume-project, …)",
    "Unknown option key": "remove or rename the key; the message lists the allowed keys",
}
#: Said when no hint above matches: every failure ends with what to do.
GENERAL_HINT = "fix each problem above at the file and line it names, then build again"
#: An error of ours says what to do in its message ("What to do: …"), whatever its file or line;
#: Sphinx adds the warning's type ("[resume.card]") to the line when it is a warning.
WHAT_TO_DO = re.compile(r"What to do: ([^\n]+?)(?: \[[\w.]+\])?[ \t]*$", re.M)
#: Where Sphinx's full crash report of the last build goes, under the build folder; the next
#: build deletes it. Sphinx writes it to the system's temporary folder first.
CRASH_REPORTS = "crash-reports"
_SAVED_REPORT = re.compile(r"The full traceback has been saved in:\n(\S+sphinx-err-\w+\.log)")


def hints(output: str) -> list[str]:
    """What to do about the problems in a build's ``output``: each "What to do" its messages
    give, then the hint of every kind it shows, in ``HINTS``' order; ``GENERAL_HINT`` when none
    is known."""
    said = list(dict.fromkeys(WHAT_TO_DO.findall(ANSI_CODE.sub("", output))))
    return said + [hint for mark, hint in HINTS.items() if mark in output] or [GENERAL_HINT]


def keep_crash_reports(results: Sequence[JobResult], build: Path) -> dict[str, str]:
    """Move each crash report the jobs name out of the temporary folder into
    ``build/crash-reports/<job>.log``; return the old path → the new one."""
    moved: dict[str, str] = {}
    for result in results:
        for old in _SAVED_REPORT.findall(ANSI_CODE.sub("", result.stdout + result.stderr)):
            new = build / CRASH_REPORTS / f"{result.job.name.replace('/', '-')}.log"
            try:
                new.parent.mkdir(exist_ok=True)
                shutil.move(old, new)
            except OSError:
                continue
            moved[old] = str(new)
    return moved


class PublishError(Exception):
    """The new output cannot be published; ``what_to_do`` tells the reader how to fix that.

    Raised before anything live has changed, unless the message says otherwise.
    """

    def __init__(self, problem: str, what_to_do: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.what_to_do = what_to_do

    def report(self) -> str:
        """The two lines printed to stderr: the problem, then ``What to do: …``."""
        return f"{self.problem}\nWhat to do: {self.what_to_do}"


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived during a build (raised by the handler ``release_build`` sets).

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception`` stops it on
    its way to the ``finally`` blocks that stop the children and remove the staging folder.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


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

    @property
    def key(self) -> str:
        """The builder as ``tools.edition_build`` names it (``resumepdf@<variant>``), and its
        logs' name."""
        return f"{self.builder}@{self.variant}" if self.variant else self.builder


@dataclass(frozen=True)
class JobResult:
    """What one job did: its exit status, its output (decoded as UTF-8) and its duration."""

    job: Job
    returncode: int
    stdout: str
    stderr: str
    seconds: float


@dataclass(frozen=True)
class Run:
    """One child process and the jobs it runs; each job's logs are ``logs/<code>/<builder>.*``
    (``tools/edition_build.py``)."""

    jobs: tuple[Job, ...]
    command: tuple[str, ...]
    logs: Path


def build_command(
    python: str,
    editions: Sequence[Edition],
    builders: Sequence[str],
    staging: Path,
    source: Path = HERE,
    workers: int = 2,
    variants: Sequence[Variant] = (),
) -> list[str]:
    """The one command line that builds ``editions`` with ``builders``:
    ``python -m tools.edition_build``, which reads each edition once, into
    ``staging/doctrees/<code>``, and runs each builder on it as ``python -m sphinx -b <builder>
    -D language=… -n -W --keep-going -q`` would (the first with ``-E``: a fresh environment,
    release builds never reuse old state), writing ``staging/out/<builder>/<code>`` and the
    logs ``staging/logs/<code>/<builder>.*``; at most ``workers`` children at a time. Each of
    ``variants`` is written last by its edition, into ``staging/out/variants/<name>`` (its
    edition is read for it alone when not among ``editions``)."""
    command = [
        python, "-m", "tools.edition_build", "--source", str(source), "--workers", str(workers),
    ]  # fmt: skip
    needed = [BY_SPHINX[v.language] for v in variants if BY_SPHINX[v.language] not in editions]
    for edition in [*editions, *dict.fromkeys(needed)]:
        code = edition.code
        own = [
            f"{builder}={staging / 'out' / builder / code}"
            for builder in (builders if edition in editions else ())
        ]
        own += [
            f"{VARIANT_BUILDER}@{v.name}={staging / 'out' / VARIANTS / v.name}"
            for v in variants
            if v.language == edition.sphinx
        ]
        command += [
            "--edition", edition.sphinx,
            str(staging / "doctrees" / code),
            str(staging / "logs" / code),
            *own,
        ]  # fmt: skip
    return command


def source_date_epoch() -> str | None:
    """``SOURCE_DATE_EPOCH`` if set, else the last commit's date: one commit, one output."""
    if value := os.environ.get("SOURCE_DATE_EPOCH"):
        return value
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def resolve_editions(codes: Iterable[str]) -> list[Edition]:
    """The editions named by ``codes`` (folder codes), each once, in order; all when none.

    A code named twice is built once: two jobs writing the same folder would collide.
    Raises ``SystemExit`` naming any unknown code.
    """
    codes = list(dict.fromkeys(codes))
    unknown = [code for code in codes if code not in BY_CODE]
    if unknown:
        raise SystemExit(
            f"unknown edition {', '.join(unknown)}\n"
            f"What to do: name editions from {', '.join(BY_CODE)}, or none to build them all"
        )
    return [BY_CODE[code] for code in codes] if codes else list(EDITIONS)


def resolve_variants(
    source: Path, names: Sequence[str] | None, editions: Sequence[Edition]
) -> tuple[list[str], list[Variant]]:
    """Every variant ``source/conf.py`` declares (names), and those to build: the ``names``
    given (each once), else those in the languages of ``editions``.

    Raises ``SystemExit`` naming an unknown variant or what is wrong in ``resume_variants``.
    """
    try:
        every = declared(source)
    except VariantError as error:
        raise SystemExit(
            f"{error}\nWhat to do: correct resume_variants in conf.py (see README.md, 'Variants')"
        ) from None
    if names is None:
        languages = {edition.sphinx for edition in editions}
        return list(every), [v for v in every.values() if v.language in languages]
    names = list(dict.fromkeys(names))
    unknown = [name for name in names if name not in every]
    if unknown:
        raise SystemExit(
            f"unknown variant {', '.join(unknown)}\nWhat to do: name a variant that "
            f"resume_variants in conf.py declares ({', '.join(every) or 'none is'})"
        )
    return list(every), [every[name] for name in names]


# -- Locks and the layout ----------------------------------------------------------------------


@contextmanager
def _flock(path: Path, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) for the ``with`` block.

    Yields False, holding nothing, when ``blocking`` is False and another open file holds it.
    ``flock`` rather than ``lockf``: its lock belongs to the open file, so it also excludes a
    second build in the same process, and closing another descriptor does not drop it.
    """
    # O_NOFOLLOW: a link planted at the lock's path never makes the build create a file.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def refuse_links(build: Path) -> None:
    """Raise ``PublishError`` when ``build/.lock`` or ``build/.releases`` is a symbolic link:
    the clean-up would delete what ``.releases`` points to, the lock create a file where it
    points. The build makes neither a link, so someone else did."""
    for name, harm in ((LOCK, "create a file where it points"), (RELEASES, "delete what it holds")):
        path = build / name
        if path.is_symlink():
            raise PublishError(
                f"{path} is a symbolic link, where the build keeps its own "
                f"{'lock file' if name == LOCK else 'folder'}: following it would {harm}",
                f"delete the link (rm {path}), then build again",
            )


def release_secrets(source: Path) -> list[reading.Secret]:
    """What no release of ``source`` may hold, in this process's environment: its
    ``conf.py``'s contact details as the builds saw them (``RESUME_PHONE`` opts in)."""
    namespace = runpy.run_path(str(source / "conf.py"))
    return reading.secrets_of(
        namespace.get("resume_contact", {}), namespace.get("resume_contact_values", {})
    )


def check_release(release: Path, found: Sequence[reading.Secret], carried: Sequence[str]) -> None:
    """Raise ``PublishError`` when a file of ``release`` holds a secret: an edition carried over
    from a build that had the full number, say. The files are named, never their text."""
    hits = reading.scan(release, list(found))
    if not hits:
        return
    kinds = sorted({secret.kind for parts in hits.values() for _, secret in parts})
    shown = ", ".join(str(path.relative_to(release)) for path in list(hits)[:5])
    more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
    from_live = f" (carried over from the live site: {', '.join(carried)})" if carried else ""
    raise PublishError(
        f"the release would publish the full {', '.join(kinds)}, which this build keeps "
        f"masked or private, in {shown}{more}{from_live}; nothing was published",
        "build every edition again (nox -s build), so that none keeps the value; to publish "
        "it on purpose, give it to this build too (RESUME_PHONE=…)",
    )


def live_release(build: Path) -> Path | None:
    """The release ``build/current`` points to (``build/.releases/<id>``), or None if none is.

    Raises ``PublishError`` when ``current`` exists but is no link into ``.releases``: then
    which folder is live is unknown, and nothing may be removed or replaced.
    """
    current = build / CURRENT
    if not current.is_symlink():
        if current.exists():
            raise PublishError(
                f"{current} is not a symbolic link (was {build} copied without keeping links?)",
                f"delete {build} and build again, or copy it with its links (cp -a)",
            )
        return None
    target = os.readlink(current)
    parts = Path(target).parts
    if len(parts) != 2 or parts[0] != RELEASES:
        raise PublishError(
            f"{current} points to {target}, not into {RELEASES}/",
            f"delete {current} (the output is rebuilt complete) and build again",
        )
    release = build / RELEASES / parts[1]
    return release if release.is_dir() else None


def _point(build: Path, name: str, target: str) -> None:
    """Make ``build/name`` a symbolic link to ``target``, atomically: a fresh link replaces it.

    Readers see the old link or the new one, never none. Raises ``OSError`` when ``build/name``
    is a real folder (``rename`` cannot put a link in place of a folder).
    """
    temporary = build / f".{name}-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    os.symlink(target, temporary)
    try:
        os.replace(temporary, build / name)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _fsync_dir(path: Path) -> None:
    """Make a folder's entries (a rename, a new link) durable, so a power loss keeps them."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ensure_links(build: Path, names: Iterable[str]) -> None:
    """Make each ``build/<name>`` the relative link ``current/<name>``.

    Raises ``PublishError`` when one is a file, or a folder left from the old layout.
    """
    for name in names:
        link = build / name
        if link.is_symlink():
            if os.readlink(link) == f"{CURRENT}/{name}":
                continue
        elif link.exists():
            raise PublishError(
                f"{link} is a {'folder' if link.is_dir() else 'file'}, where the build keeps a link",
                f"move {link} out of {build}, then build again",
            )
        _point(build, name, f"{CURRENT}/{name}")


def _migrate(build: Path) -> None:
    """Turn the old layout (``build/html`` and ``build/epub`` real folders) into a release.

    The folders become ``.releases/legacy-<token>/``, which ``current`` then points to. Each
    step leaves a state that this function, run again, completes: ``current`` is set first
    (to an empty release, while the folders still serve the site), then each folder is renamed
    into it and replaced by its link. Between that rename and the link there is one instant
    without ``build/<name>``; ``recover`` puts the link back if the process died there.
    Raises ``PublishError`` when the layout is neither old nor new, ``OSError`` on I/O errors.
    """
    legacy = [name for name in LINKS if (build / name).is_dir() and not (build / name).is_symlink()]
    if not legacy:
        return
    live = live_release(build)
    if live is None:
        live = build / RELEASES / f"legacy-{secrets.token_hex(4)}"
        live.mkdir(parents=True)
        _point(build, CURRENT, f"{RELEASES}/{live.name}")
        _fsync_dir(build)
    for name in legacy:
        folder = build / name
        for leftover in folder.glob(".old-*"):  # an interrupted publish of the old layout
            shutil.rmtree(leftover)
        if (live / name).exists():
            raise PublishError(
                f"{folder} is a folder, and the live release {live} has {name}/ too",
                f"move {folder} out of {build}, then build again",
            )
        os.rename(folder, live / name)
        _point(build, name, f"{CURRENT}/{name}")
    _fsync_dir(build)


def _remove(path: Path) -> None:
    """Remove a file, a link or a whole folder (a link is removed, never followed)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _recover(build: Path) -> list[Path]:
    """Remove what killed builds left in ``build``; the caller holds ``build/.lock``.

    Removed: staging folders whose ``.lock`` no running build holds, temporary links, and
    every release ``current`` does not point to. Restores a link an interrupted migration
    left out. Returns what was removed. Raises ``OSError`` when something cannot be removed.
    When ``current`` is not a link into ``.releases``, no release is removed: which is live
    is unknown.
    """
    removed: list[Path] = []
    for path in sorted(build.glob(f"{STAGING}*")):
        if path.is_dir() and not path.is_symlink():
            lock = path / LOCK
            if lock.exists():
                with _flock(lock, blocking=False) as free:
                    if not free:
                        continue  # a build that is running: not ours to remove
        _remove(path)
        removed.append(path)
    for path in sorted(build.glob(".*.tmp")):
        if path.is_symlink():
            path.unlink()
            removed.append(path)
    try:
        live = live_release(build)
    except PublishError:
        return removed
    if live is None and (build / CURRENT).is_symlink():
        return removed  # a dangling link: keep every release, publish replaces the link
    for release in sorted((build / RELEASES).glob("*")):
        if live is None or release.name != live.name:
            _remove(release)
            removed.append(release)
    if live is not None:
        _ensure_links(
            build, [n for n in LINKS if not os.path.lexists(build / n) and (live / n).exists()]
        )
    return removed


def recover(build: Path) -> list[Path]:
    """``_recover`` under the build's lock: clean up after a killed build. Returns what went."""
    if not build.is_dir():
        return []
    refuse_links(build)
    with _flock(build / LOCK):
        return _recover(build)


# -- Checks before anything moves --------------------------------------------------------------


def unwritable(build: Path) -> list[Path]:
    """Every folder a build must change but cannot: ``build`` (or its first existing parent),
    and each folder of the releases and of an old-layout ``html``/``epub`` (the build renames
    or removes them). Links are not followed: their targets are inside ``.releases``.
    """
    existing = build
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        return [existing]
    if existing != build:
        return []
    found: list[Path] = []
    for name in (RELEASES, CURRENT, *LINKS):
        top = build / name
        if top.is_symlink() or not top.is_dir():
            continue
        for folder, _, _ in os.walk(top):
            if not os.access(folder, os.W_OK | os.X_OK):
                found.append(Path(folder))
    return found


def check_writable(build: Path) -> None:
    """Raise ``PublishError`` naming the first folder the build cannot write, and what to do."""
    blocked = unwritable(build)
    if not blocked:
        return
    path = blocked[0]
    seen = ""
    try:
        live = live_release(build)
    except PublishError:
        live = None
    if live is not None and path.is_relative_to(live) and path != live:
        seen = f" (published as {build / path.relative_to(live)})"
    more = f" and {len(blocked) - 1} more" if len(blocked) > 1 else ""
    raise PublishError(
        f"cannot write {path}{seen}{more}: the build could not publish there",
        f"make it writable (chmod -R u+w {build}) or delete {build}, then build again; "
        "nothing was built and the published output is untouched",
    )


# -- The children --------------------------------------------------------------------------------


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that has Linux kill the child when this process dies, or None elsewhere.

    ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` is the only way a child learns that its parent was
    SIGKILLed (or lost power): no handler runs then, so the parent cannot stop its children.
    The signal is sent when the *thread* that started the child ends; ``release_build`` starts
    every child from the thread that waits for it. ``preexec_fn`` runs between fork and exec,
    which the documentation calls unsafe with threads: the function is resolved here, in the
    parent, so the child only calls it (no import, no allocation).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def setup() -> None:
        prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl: nobody waits for us
            os._exit(1)

    return setup


def _stop(processes: Iterable[subprocess.Popen[bytes]]) -> None:
    """Stop each process and its whole group (SIGTERM, then SIGKILL after ``GRACE``); reap it."""
    processes = list(processes)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                    os.killpg(process.pid, sig)  # its own group: start_new_session
        deadline = time.monotonic() + GRACE
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):  # SIGKILL follows
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
        if all(process.poll() is not None for process in processes):
            return


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def _run_results(run: Run, returncode: int, out: str, err: str, seconds: float) -> list[JobResult]:
    """Each builder's result, from what ``tools/edition_build.py`` wrote in ``run.logs``: its
    output, then its ``.json`` (exit status and duration) once it finished.

    A builder without its ``.json`` did not finish: it failed, with the process's exit status,
    and the first such builder gets what the process itself printed (a traceback, say); a
    process that failed although every builder succeeded fails its last builder. So no failure
    of the process goes unreported, and every line keeps its ``[<builder>/<code>]`` prefix.
    """
    results: list[JobResult] = []
    own_output_given = False
    left = seconds
    for job in run.jobs:
        stem = run.logs / job.edition.code / job.key
        texts = [_read(stem.with_suffix(".out")), _read(stem.with_suffix(".err"))]
        try:
            status = json.loads(stem.with_suffix(".json").read_text("utf-8"))
            code, took = int(status["returncode"]), float(status["seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            code, took = (returncode or 1), max(0.0, left)
            if own_output_given:
                texts[1] += f"not finished: the build's process ended (exit {returncode})\n"
            else:
                texts = [texts[0] + out, texts[1] + err]
                own_output_given = True
        left -= took
        results.append(JobResult(job, code, texts[0], texts[1], took))
    if not own_output_given and (out or err or returncode):
        last = results[-1]
        failing = last.returncode or (returncode if not any(r.returncode for r in results) else 0)
        results[-1] = JobResult(
            last.job, failing, last.stdout + out, last.stderr + err, last.seconds
        )
    return results


def run_jobs(
    runs: Sequence[Run],
    logs: Path,
    cwd: Path,
    env: dict[str, str],
    workers: int,
) -> list[JobResult]:
    """Run each process, at most ``workers`` at a time; return the results of their jobs (one
    per edition and builder), in their order.

    Each child runs in a session of its own, so that a Ctrl-C at the terminal reaches this
    process alone and ``_stop`` can stop the child with anything it started; it dies with this
    process too (``_die_with_parent``). Output goes to files in ``logs``, which cannot fill up
    as pipes do. Whatever ends this function early (an exception, SIGINT, ``Interrupted``)
    stops every running child first. Raises ``OSError`` when a command cannot start.
    """
    logs.mkdir(parents=True, exist_ok=True)
    pending = list(enumerate(runs))
    running: dict[int, tuple[subprocess.Popen[bytes], float, IO[bytes], IO[bytes]]] = {}
    results: dict[int, list[JobResult]] = {}
    preexec = _die_with_parent()
    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                index, run = pending.pop(0)
                run.logs.mkdir(parents=True, exist_ok=True)
                stem = f"run-{index}"
                out: IO[bytes] = open(logs / f"{stem}.out", "w+b")  # noqa: SIM115 (closed below)
                err: IO[bytes] = open(logs / f"{stem}.err", "w+b")  # noqa: SIM115
                try:
                    process = subprocess.Popen(
                        run.command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                        stderr=err, start_new_session=True, preexec_fn=preexec,
                    )  # fmt: skip
                except BaseException:
                    out.close()
                    err.close()
                    raise
                running[index] = (process, time.perf_counter(), out, err)
            for index, (process, began, out, err) in list(running.items()):
                if process.poll() is None:
                    continue
                del running[index]
                texts = []
                for stream in (out, err):
                    stream.seek(0)
                    texts.append(stream.read().decode("utf-8", "replace"))
                    stream.close()
                results[index] = _run_results(
                    runs[index], process.returncode, texts[0], texts[1], time.perf_counter() - began
                )
            if running:
                time.sleep(0.02)
    finally:
        if running:
            _stop(process for process, _, _, _ in running.values())
            for _, _, out, err in running.values():
                out.close()
                err.close()
    return [result for index in range(len(runs)) for result in results[index]]


# -- Building a release and publishing it --------------------------------------------------------


def repack_epub(path: Path, epoch: str | None) -> None:
    """Rewrite the ePub zip reproducibly: fixed timestamps and order, ``mimetype`` first, stored."""
    stamp = time.gmtime(int(epoch) if epoch else 315532800)[:6]  # 1980-01-01: zip's earliest
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    names = sorted(name for name, _ in members if name != "mimetype")
    data = dict(members)
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w") as target:
        for name in ["mimetype", *names]:
            info = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the building system
            target.writestr(info, data[name], compresslevel=9)
    temporary.replace(path)


def assemble(jobs: Iterable[Job], outputs: Path, release: Path, epoch: str | None) -> Path:
    """Gather the jobs' outputs, ``outputs/<builder>/<code>/``, into ``release``: the HTML
    tree as it is, and of every other builder only its files (``PUBLISHED``), the ePub
    repacked; never a builder's scratch files (the PDF builder's Typst source, say) nor the
    HTML builder's ``.buildinfo``.

    Returns ``release``, shaped ``html/<code>/…`` (with ``SITE_FILES`` at its root), ``epub/<code>/<BASENAME>-<code>.epub``,
    ``pdf/<code>/<BASENAME>-<code>.pdf`` and ``text/<code>/<BASENAME>-<code>.txt``.
    Raises ``PublishError`` when a builder wrote no file it publishes.
    """
    for job in jobs:
        if job.variant:
            _assemble_variant(job, outputs, release)
            continue
        code = job.edition.code
        source = outputs / job.builder / code
        for fmt, extension in PUBLISHED[job.builder].items():
            target = release / fmt / code
            target.parent.mkdir(parents=True, exist_ok=True)
            if not extension:
                # The site's own files besides its pages (resume.json, the vCard, the card).
                missing = [name for name in SITE_FILES if not (source / name).is_file()]
                if missing:
                    raise PublishError(
                        f"[{job.name}] the {job.builder} builder wrote no {', '.join(missing)}",
                        "build again; if it happens again, report it with the build's output",
                    )
                source.rename(target)
                # Sphinx's note to its next incremental build, in the same folder: a digest of
                # the configuration that holds the checkout's path. Releases are built from
                # clean and served as they are: no reader, and it would make each folder's
                # release differ.
                (target / BUILDINFO).unlink(missing_ok=True)
                continue
            output = source / f"{BASENAME}-{code}.{extension}"
            if not output.is_file():
                raise PublishError(
                    f"[{job.name}] the {job.builder} builder wrote no {output.name}",
                    "check epub_basename in conf.py (it must be <BASENAME>-<code>), then build again"
                    if job.builder == "epub"
                    else "build again; if it happens again, report it with the build's output",
                )
            if job.builder == "epub":
                repack_epub(output, epoch)
            target.mkdir()
            output.rename(target / output.name)
    return release


def _assemble_variant(job: Job, outputs: Path, release: Path) -> None:
    """A variant's PDF and text into ``release/variants/<name>/``: nothing else it wrote."""
    target = release / VARIANTS / job.variant
    target.mkdir(parents=True)
    for extension in PUBLISHED[VARIANT_BUILDER].values():
        output = outputs / VARIANTS / job.variant / f"{BASENAME}-{job.variant}.{extension}"
        if not output.is_file():
            raise PublishError(
                f"[{job.name}] the {job.builder} builder wrote no {output.name}",
                "build again; if it happens again, report it with the build's output",
            )
        output.rename(target / output.name)


def release_id(release: Path) -> str:
    """A digest of every file's path and content under ``release``: 20 hex digits.

    The same output makes the same release, so a rebuild of an unchanged commit changes
    nothing, and two builds of one commit have the same tree.
    """
    digest = hashlib.sha256()
    for path in sorted(release.rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest.update(path.relative_to(release).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:20]


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link a file (published files are never changed in place), or copy it."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def carry_over(
    live: Path, release: Path, codes: Iterable[str], variants: Iterable[str] = ()
) -> list[str]:
    """Copy into ``release`` each edition folder of ``live`` (``<format>/<code>/``) that this
    build did not make (its code is not in ``codes``), and each of ``variants`` (names, still
    declared) it did not make: a partial build publishes a whole site.

    Returns the ``<format>/<code>`` carried over. Raises ``OSError`` on I/O errors.
    """
    built = set(codes)
    kept = set(variants)
    carried = []
    for fmt in sorted(live.iterdir()):
        if fmt.is_symlink() or not fmt.is_dir():
            continue
        for edition in sorted(fmt.iterdir()):
            target = release / fmt.name / edition.name
            wanted = edition.name in kept if fmt.name == VARIANTS else edition.name in BY_CODE
            if wanted and edition.name not in built and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(edition, target, symlinks=True, copy_function=_link_or_copy)
                carried.append(f"{fmt.name}/{edition.name}")
    return carried


def publish(
    build: Path,
    release: Path,
    codes: Sequence[str],
    found: Sequence[reading.Secret] = (),
    variants: Iterable[str] = (),
) -> Path:
    """Make ``release`` (a complete staged tree, ``html/<code>/``, ``epub/<code>/``,
    ``pdf/<code>/``, ``text/<code>/``, on the same file system as ``build``) the live output,
    in one atomic step; ``variants`` names the declared variants it may carry over.

    Under ``build/.lock``: migrate the old layout, check that everything can be written, carry
    the editions not in ``codes`` over from the live release, write the root page, check that
    no file holds a secret of ``found`` (``check_release``), rename the tree to
    ``.releases/<id>`` and replace the ``current`` link. Older releases are removed
    after that; a failure to remove one is reported and left to the next build.
    Returns the live release. Raises ``PublishError`` or ``OSError`` before the swap, with the
    previous output live and unchanged.
    """
    build.mkdir(parents=True, exist_ok=True)
    refuse_links(build)
    with _flock(build / LOCK):
        check_writable(build)
        _migrate(build)
        live = live_release(build)
        carried = carry_over(live, release, codes, variants) if live is not None else []
        if (release / "html").is_dir():
            write_root_index(release / "html")  # the page that picks an edition for the reader
        check_release(release, found, carried)
        formats = sorted(p.name for p in release.iterdir() if p.is_dir())
        target = build / RELEASES / release_id(release)
        _ensure_links(build, [*LINKS, *formats])
        if live is not None and live.name == target.name:
            shutil.rmtree(release)  # the same output as the live one: nothing to change
            return live
        if target.exists():
            shutil.rmtree(target)  # a copy a killed build installed but never made live
        target.parent.mkdir(exist_ok=True)
        os.sync()  # the files on disk before the link that makes them live (power loss)
        os.rename(release, target)
        _point(build, CURRENT, f"{RELEASES}/{target.name}")  # the one step that publishes
        try:  # from here on the new output is live: a failure is reported, never raised
            _fsync_dir(build)
            _recover(build)
        except OSError as error:
            print(
                f"Published, but could not remove an older release: {error}\n"
                f"What to do: nothing now; the next build removes it (or delete it by hand)",
                file=sys.stderr,
            )
        return target


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextmanager
def _interruptible() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``Interrupted`` for the block (main thread only: Python
    runs signal handlers there), so that the ``finally`` blocks stop the children."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


#: Sphinx's report of an error that stopped a build (``sphinx.cmd.build``'s ``handle_exception``
#: in Sphinx 8.2): the category, versions, extensions, a traceback ending in the exception and
#: its message (all its lines), where the full report was saved, and a request to report it
#: upstream.
CRASH_REPORT = re.compile(
    r"^(?P<category>[A-Z][\w ]*?(?: error)?)!\n"
    r".*?^\s*[\w.]+: (?P<message>[^\n]*(?:\n[^\n]+)*)\n"  # to the blank line: "What to do: …"
    r"(?:.*?The full traceback has been saved in:\n(?P<log>[^\n]+)\n)?"
    r".*?so that a better error message can be provided next time\.\n?",
    re.MULTILINE | re.DOTALL,
)


#: A terminal's colour and erase codes, which Sphinx writes when FORCE_COLOR is set.
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def condense(text: str) -> str:
    """``text`` with each crash report of Sphinx cut to its category and message (and where the
    full report is): an error of ours (a configuration refused, say) says all it has to say in
    its message, with what to do. Colour codes are dropped first."""
    text = ANSI_CODE.sub("", text)

    def short(match: re.Match[str]) -> str:
        saved = f" (Sphinx's full report: {match['log']})" if match["log"] else ""
        return f"{match['category']}: {match['message']}{saved}\n"

    return CRASH_REPORT.sub(short, text)


#: How Python and Sphinx say that a write failed on a full disk (``ENOSPC``).
DISK_FULL = re.compile(r"\[Errno 28\]|No space left on device")


def disk_full(results: Sequence[JobResult]) -> bool:
    """Whether a job failed because the disk is full: then every job's tracebacks say the same
    thing, and one line does instead."""
    return any(r.returncode and DISK_FULL.search(r.stdout + r.stderr) for r in results)


def _report(results: Sequence[JobResult], moved: Mapping[str, str] = {}) -> list[str]:
    """Print each job's status and output, prefixed by its name, Sphinx's crash reports cut to
    their message (``moved``: where each full report went); a failure told already by an
    earlier job is named, not repeated. Return the failed jobs' names."""
    failed = []
    told: dict[str, str] = {}
    for result in results:
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"[{result.job.name}] {status} in {result.seconds:.1f}s", flush=True)
        text = condense(result.stdout) + condense(result.stderr)
        for old, new in moved.items():
            text = text.replace(old, new)
        same = re.sub(r"\S*(?:sphinx-err-|crash-reports/)\S+\.log", "", text)  # one per job
        if result.returncode and same.strip() and same in told:
            print(f"[{result.job.name}] the same as [{told[same]}]", flush=True)
        else:
            for line in text.splitlines():
                print(f"[{result.job.name}] {line}", flush=True)
            told.setdefault(same, result.job.name)
        if result.returncode:
            failed.append(result.job.name)
    return failed


def release_build(
    python: str = sys.executable,
    codes: Sequence[str] = (),
    build: Path = BUILD,
    source: Path = HERE,
    workers: int = 2,
    variants: Sequence[str] | None = None,
) -> bool:
    """Build the editions named by ``codes`` (all when empty), HTML, ePub, PDF and text, from
    clean, with the declared variants of their languages (``resolve_variants``: only the
    ``variants`` named, and no edition unless ``codes`` names it, when ``variants`` is given),
    and publish them all at once; return whether the new output is live.

    One child process builds every edition (``build_command``: each edition's doctrees read
    once, then written by every builder; ``workers`` editions at a time). ``python`` runs
    ``-m tools.edition_build`` (any executable that takes its command line will do), in the
    repository of this file. On
    failure the reason and a ``What to do:`` line go to stderr, and the previous output stays
    live, unchanged. SIGINT, SIGTERM and SIGHUP stop the children and remove the staging
    folder; then ``KeyboardInterrupt`` propagates, or ``SystemExit(128 + signal)``.
    Raises ``SystemExit`` for an unknown edition code or variant, or a malformed
    ``resume_variants``.
    """
    editions = resolve_editions(codes) if codes or variants is None else []
    every_variant, chosen = resolve_variants(source, variants, editions)
    jobs = [Job(edition, builder) for edition in editions for builder in BUILDERS]
    jobs += [Job(BY_SPHINX[v.language], VARIANT_BUILDER, v.name) for v in chosen]
    build = Path(build)
    untouched = f"The previous output in {build} is untouched."
    try:  # what conf.py will read: refused here once, not by every builder
        environment.read(os.environ)
    except environment.SettingError as error:
        print(f"{error}\nWhat to do: as the line above says. {untouched}", file=sys.stderr)
        return False
    try:
        refuse_links(build)
        check_writable(build)
        build.mkdir(parents=True, exist_ok=True)
        with _flock(build / LOCK):
            for path in _recover(build):
                print(f"Removed what an interrupted build left: {path}", file=sys.stderr)
            shutil.rmtree(build / CRASH_REPORTS, ignore_errors=True)  # the last build's
            staging = build / f"{STAGING}{os.getpid()}-{secrets.token_hex(4)}"
            staging.mkdir()
            lock_fd = os.open(staging / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            fcntl.flock(lock_fd, fcntl.LOCK_EX)  # others' _recover leave a running build alone
    except PublishError as error:
        print(f"{error.report()}", file=sys.stderr)
        return False
    except OSError as error:
        print(
            f"cannot prepare {build}: {error}\n"
            f"What to do: make {build} writable, or delete it, then build again. {untouched}",
            file=sys.stderr,
        )
        return False

    def live_link() -> str | None:
        try:
            return os.readlink(build / CURRENT)
        except OSError:
            return None

    before = live_link()
    try:
        with _interruptible():
            env = dict(os.environ)
            epoch = source_date_epoch()
            if epoch:
                env["SOURCE_DATE_EPOCH"] = epoch
            outputs = staging / "out"
            # One process builds every edition: see tools/edition_build.py.
            command = build_command(python, editions, BUILDERS, staging, source, workers, chosen)
            runs = [Run(tuple(jobs), tuple(command), staging / "logs")]
            try:
                results = run_jobs(runs, staging / "logs", HERE, env, 1)
            except OSError as error:
                print(
                    f"cannot run {python}: {error}\n"
                    f"What to do: pass a Python with the pinned requirements installed "
                    f"(nox -s build installs them). {untouched}",
                    file=sys.stderr,
                )
                return False
            if disk_full(results):
                print(
                    f"The disk that holds {build} is full (No space left on device): the build "
                    f"stopped.\nWhat to do: free some space there (df -h {build}), then build "
                    f"again. {untouched}",
                    file=sys.stderr,
                )
                return False
            failed = _report(results, keep_crash_reports(results, build))
            if failed:
                output = "\n".join(r.stdout + r.stderr for r in results)
                advice = hints(output)
                print("What to do:", *(f"  - {hint}" for hint in advice), sep="\n", file=sys.stderr)
                print(
                    f"Build failed ({', '.join(failed)}): fix the problems above. "
                    f"The previous output in {build} is untouched.",
                    file=sys.stderr,
                )
                return False
            try:
                release = assemble(jobs, outputs, staging / "release", epoch)
                found = release_secrets(source)
                live = publish(build, release, [e.code for e in editions], found, every_variant)
            except PublishError as error:
                print(f"{error.report()} {untouched}", file=sys.stderr)
                return False
            except OSError as error:
                print(
                    f"cannot publish into {build}: {error}\n"
                    f"What to do: check the free space and permissions of {build}, then build "
                    f"again. {untouched}",
                    file=sys.stderr,
                )
                return False
            print(f"Published {build / RELEASES / live.name}", flush=True)
            return True
    except (KeyboardInterrupt, Interrupted) as interruption:
        state = (
            "the new output was already published" if live_link() != before
            else f"the previous output in {build} is live and unchanged"
        )  # fmt: skip
        name = (
            signal.Signals(interruption.signum).name
            if isinstance(interruption, Interrupted) else "SIGINT"
        )  # fmt: skip
        print(
            f"Build interrupted by {name}: the children are stopped and {state}.\n"
            "What to do: run the build again when you want a new output",
            file=sys.stderr,
        )
        if isinstance(interruption, Interrupted):
            raise SystemExit(128 + interruption.signum) from None
        raise
    finally:
        try:
            shutil.rmtree(staging, ignore_errors=True)
        finally:
            os.close(lock_fd)
