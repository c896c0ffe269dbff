"""``python -m tools.release [CODE …] [--variant NAME …]``: the release build, as ``nox -s
build`` runs it, in the session's environment.

One function, ``release_build``, runs a build from start to end, so that the benchmark and the
tests run exactly what ``nox -s build`` runs. It holds what must span the whole build: the lock
and the staging folder, and the signal handling that turns SIGTERM and SIGHUP into an exception,
so that the ``finally`` blocks stop the children and remove the staging folder whatever ends
the build.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from resume import environment
from resume.languages import BY_CODE, BY_SPHINX, EDITIONS, Edition
from resume.messages import problem
from resume.outputs import PUBLISHED, SITE_FILES, published
from resume.variants import Variant, VariantError, declared

from .. import BUILD, REPO
from . import building, layout, publishing, reporting
from .building import VARIANT_BUILDER, VARIANTS, BuildMain, Job
from .layout import CURRENT, LOCK, RELEASES, STAGING, PublishError

#: Every edition's builders, in order: the first reads the pages.
BUILDERS = tuple(PUBLISHED)


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived during a build (raised by the handler ``release_build`` sets).

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception`` stops it on
    its way to the ``finally`` blocks that stop the children and remove the staging folder.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


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


@contextmanager
def _environment(name: str, value: str | None) -> Iterator[None]:
    """``os.environ[name] = value`` for the block (the children inherit it), when not None."""
    saved = os.environ.get(name)
    if value is not None:
        os.environ[name] = value
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved


def source_date_epoch() -> str | None:
    """``SOURCE_DATE_EPOCH`` if set, else the last commit's date: one commit, one output."""
    if value := os.environ.get("SOURCE_DATE_EPOCH"):
        return value
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def _named(names: Iterable[str], known: Iterable[str], kind: str, advice: str) -> list[str]:
    """``names``, each once, in order; raises ``SystemExit`` naming those not ``known``."""
    names, known = list(dict.fromkeys(names)), set(known)
    if unknown := [name for name in names if name not in known]:
        raise SystemExit(f"unknown {kind} {', '.join(unknown)}\nWhat to do: {advice}")
    return names


def resolve_editions(codes: Iterable[str]) -> list[Edition]:
    """The editions named by ``codes`` (folder codes), each once, in order; all when none.

    A code named twice is built once: two jobs writing the same folder would collide.
    Raises ``SystemExit`` naming any unknown code.
    """
    codes = _named(
        codes,
        BY_CODE,
        "edition",
        f"name editions from {', '.join(BY_CODE)}, or none to build them all",
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
        raise SystemExit(problem(str(error), subtype="variants")) from None
    if names is None:
        languages = {edition.sphinx for edition in editions}
        return list(every), [v for v in every.values() if v.language in languages]
    advice = (
        f"name a variant that resume_variants in conf.py declares ({', '.join(every) or 'none is'})"
    )
    names = _named(names, every, "variant", advice)
    return list(every), [every[name] for name in names]


def release_build(
    codes: Sequence[str] = (),
    build: Path = BUILD,
    source: Path = REPO,
    workers: int = 2,
    variants: Sequence[str] | None = None,
    build_main: BuildMain | None = None,
) -> bool:
    """Build the editions named by ``codes`` (all when empty), HTML, ePub, PDF and text, from
    clean, with the declared variants of their languages (``resolve_variants``: only the
    ``variants`` named, and no edition unless ``codes`` names it, when ``variants`` is given),
    and publish them all at once; return whether the new output is live.

    The builders run in children of this process (``building.build_all``: each edition read
    once, then written by every builder; ``workers`` children at a time), each calling
    ``build_main`` with ``sphinx-build``'s arguments (Sphinx's own by default). On failure the
    reason and a ``What to do:`` line go to stderr, and the previous output stays live,
    unchanged. SIGINT, SIGTERM and SIGHUP stop the children and remove the staging folder;
    then ``KeyboardInterrupt`` propagates, or ``SystemExit(128 + signal)``. Raises
    ``SystemExit`` for an unknown edition code or variant, or a malformed ``resume_variants``.
    """
    editions = resolve_editions(codes) if codes or variants is None else []
    every_variant, chosen = resolve_variants(source, variants, editions)
    jobs = [Job(edition, builder) for edition in editions for builder in BUILDERS]
    jobs += [Job(BY_SPHINX[v.language], VARIANT_BUILDER, v.name) for v in chosen]
    build = Path(build)
    # Said once, on its own line, after the message and its "What to do".
    untouched = f"The previous output in {build} is untouched."

    def refuse(message: str) -> bool:
        print(message, untouched, sep="\n", file=sys.stderr)
        return False

    try:  # what conf.py will read: refused here once, not by every builder
        environment.read(os.environ)
    except environment.SettingError as error:
        return refuse(str(error))
    try:
        layout.refuse_links(build)
        layout.check_writable(build)
        build.mkdir(parents=True, exist_ok=True)
        with layout.flock(build / LOCK):
            for path in layout.clean(build):
                print(f"Removed what an interrupted build left: {path}", file=sys.stderr)
            shutil.rmtree(build / reporting.CRASH_REPORTS, ignore_errors=True)  # the last build's
            staging = build / f"{STAGING}{os.getpid()}-{secrets.token_hex(4)}"
            staging.mkdir()
            lock_fd = os.open(staging / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            fcntl.flock(lock_fd, fcntl.LOCK_EX)  # others' clean leaves a running build alone
    except PublishError as error:
        return refuse(error.report())
    except OSError as error:
        return refuse(
            f"cannot prepare {build}: {error}\n"
            f"What to do: make {build} writable, or delete it, then build again"
        )

    def live_link() -> str | None:
        try:
            return os.readlink(build / CURRENT)
        except OSError:
            return None

    before = live_link()
    try:
        with _interruptible():
            epoch = source_date_epoch()
            try:
                with _environment("SOURCE_DATE_EPOCH", epoch):
                    results = building.build_all(
                        jobs, source, staging, workers, build_main or building.sphinx_build
                    )
            except OSError as error:  # no fork, no pipe: the system's limits
                return refuse(
                    f"cannot start the builders: {error}\n"
                    "What to do: close other programs, then build again"
                )
            if reporting.disk_full(results):
                return refuse(
                    f"The disk that holds {build} is full (No space left on device): the build "
                    f"stopped.\nWhat to do: free some space there (df -h {build}), then build "
                    "again"
                )
            try:  # what no line printed below may quote, nor the release publish
                found, unread = publishing.release_secrets(source), None
            except Exception as error:  # conf.py itself fails: the builders have said how
                found, unread = [], error
            moved = reporting.keep_crash_reports(results, build, found)
            failed = reporting.report(results, moved, found)
            if failed:
                # Only the advice the messages above do not give on their own lines.
                advice = reporting.hints("\n".join(r.stdout + r.stderr for r in results))
                if advice:
                    print("What to do:", *(f"  - {h}" for h in advice), sep="\n", file=sys.stderr)
                print(f"Build failed ({', '.join(failed)}). {untouched}", file=sys.stderr)
                return False
            try:
                release = publishing.assemble(jobs, staging / "out", staging / "release", epoch)
                if unread is not None:  # builds that read conf.py, and this process cannot
                    raise unread
                codes = [e.code for e in editions]
                live = publishing.publish(build, release, codes, found, every_variant)
            except PublishError as error:
                return refuse(error.report())
            except OSError as error:
                return refuse(
                    f"cannot publish into {build}: {error}\n"
                    f"What to do: check the free space and permissions of {build}, then build "
                    "again"
                )
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


def published_paths(build: Path, codes: Sequence[str], variants: Sequence[str] | None) -> list[str]:
    """Where each output of a build of ``codes`` and ``variants`` lands, one line each."""
    editions = resolve_editions(codes) if codes or variants is None else []
    lines = []
    for edition in editions:
        code = edition.code
        lines.append(f"{code}: {build / 'html' / code}/index.html")
        for builder, formats in PUBLISHED.items():
            for fmt, extension in formats.items():
                if builder != "html":
                    lines.append(f"{code}: {build / published(fmt, code, extension)}")
        # resume.json, the contact card, the social preview card
        lines += [f"{code}: {build / 'html' / code / name}" for name in SITE_FILES]
    for variant in resolve_variants(REPO, variants, editions)[1]:
        for extension in PUBLISHED[VARIANT_BUILDER].values():
            lines.append(f"{variant.name}: {build / published(VARIANTS, variant.name, extension)}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.release",
        description="Release build, from clean, of every edition and every declared variant "
        "(or those named), published all at once or not at all.",
    )
    parser.add_argument(
        "codes", nargs="*", metavar="CODE", help=f"an edition: {', '.join(BY_CODE)} (all if none)"
    )
    parser.add_argument(
        "--variant",
        action="append",
        metavar="NAME",
        help="build this variant alone (again for more); the rest is carried over",
    )
    args = parser.parse_intermixed_args(argv)  # codes before or after --variant
    try:
        built = release_build(args.codes, variants=args.variant)
    except KeyboardInterrupt:  # said above, with what to do: no traceback for Ctrl-C
        return 128 + signal.SIGINT
    if not built:
        return 1  # release_build has said why, and that the previous output is untouched
    print(*published_paths(BUILD, args.codes, args.variant), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
