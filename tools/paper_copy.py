"""``nox -s pdf -- en --out DIR``: the PDF and the text résumé of the editions named, for one
reader, into a folder of the owner's choosing, never into the web site.

A copy handed to one recruiter may carry the full phone number: ``RESUME_PHONE`` set for this
command alone puts it in these two files and nowhere else. Each edition is built with
``-b resumepdf`` (strict, as the release build runs it) in a scratch folder inside ``DIR``;
only its PDF and text (named by ``resume.outputs.file_name``) are moved out of it, and the
scratch folder, with the data and the Typst source that held the number, is deleted, whatever
happens. ``_build/`` is not touched. A refused build prints its messages, Sphinx's crash
reports cut to their message, and what to do.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from resume.outputs import file_name

from . import REPO, Runner
from .release import condense, hints, resolve_editions, source_date_epoch

#: The two files of an edition that leave the scratch folder, by their extension.
EXTENSIONS = ("pdf", "txt")


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nox -s pdf --",
        description="Write the PDF and text résumé of the editions named (all when none) "
        "into --out; set RESUME_PHONE for this command to put the full number in them.",
    )
    parser.add_argument("codes", nargs="*", metavar="EDITION", help="zh-cn, en, ja")
    parser.add_argument("--out", required=True, type=Path, help="the folder to write into")
    return parser.parse_args(argv)


def build_edition(
    sphinx: str, scratch: Path, source: Path, env: dict[str, str], run: Runner = subprocess.run
) -> str | None:
    """Build one edition's PDF and text into ``scratch/out``; the report of a failure, or None."""
    command = [
        sys.executable, "-m", "sphinx", "-b", "resumepdf", "-D", f"language={sphinx}",
        "-n", "-W", "--keep-going", "-E", "-q",
        "-d", str(scratch / "doctrees"), str(source), str(scratch / "out"),
    ]  # fmt: skip
    result = run(command, capture_output=True, text=True, env=env, cwd=source)
    if result.returncode == 0:
        return None
    return condense(result.stdout + result.stderr)


def fail(code: str, report: str) -> None:
    """Print a refused build's messages, then what to do unless they say it themselves: a
    mistyped RESUME_PHONE is one line. The scratch folder and Sphinx's full report in it are
    gone by now, so the report is not named."""
    lines = [re.sub(r" \(Sphinx's full report: [^)]*\)", "", line) for line in report.strip().splitlines()]  # fmt: skip
    for line in lines:
        print(f"{code}: {line}", file=sys.stderr)
    if advice := hints(report):  # what the messages above do not say themselves
        print("What to do:", *(f"  - {hint}" for hint in advice), sep="\n", file=sys.stderr)


def main(
    argv: Sequence[str] | None = None, source: Path = REPO, run: Runner = subprocess.run
) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    editions = resolve_editions(args.codes)
    out: Path = args.out.expanduser().resolve()  # every link resolved: _build/html is one
    if out.is_relative_to(source.resolve()):
        # Inside the repository the copy would be published (_build/html, _static) or
        # committed with the sources, the full number with it.
        print(
            f"--out {args.out} is inside the repository, where the copy could be published or "
            "committed.\nWhat to do: name a folder outside it, such as ~/for-acme",
            file=sys.stderr,
        )
        return 1
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if epoch := source_date_epoch():
        env["SOURCE_DATE_EPOCH"] = epoch
    written = []
    for edition in editions:
        # Inside DIR, so that what held the number stays where the owner sent it; and the crash
        # report Sphinx would leave in the system's temporary folder goes with it (TMPDIR).
        with tempfile.TemporaryDirectory(prefix=".resume-", dir=out) as folder:
            scratch = Path(folder)
            report = build_edition(edition.sphinx, scratch, source, {**env, "TMPDIR": folder}, run)
            if report is not None:
                fail(edition.code, report)
            else:
                for extension in EXTENSIONS:
                    name = file_name(edition.code, extension)
                    os.replace(scratch / "out" / name, out / name)
                    written.append(out / name)
        if report is not None:  # the scratch folder is gone: undo this run, all or nothing
            for path in written:
                path.unlink(missing_ok=True)
            if made:
                with contextlib.suppress(OSError):
                    out.rmdir()  # the folder this run made, left empty
            return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
