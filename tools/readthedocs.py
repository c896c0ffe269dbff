"""Read the Docs' build of an edition, written down once.

Read the Docs builds each edition, a project of its own, in the formats ``.readthedocs.yaml``
names, with its own command (``sphinx_command``) and environment (``environment``); then it runs
the config's ``post_build`` job, ``python -m tools.readthedocs pdf``, which is ``pdf`` below: the
PDF résumé, strict, into a scratch folder, and the one file into ``$READTHEDOCS_OUTPUT/pdf/``,
which Read the Docs offers as the edition's PDF download. So the config names no file and no
Sphinx argument; the tests (``tests/helpers.py``) and Lighthouse (``tools/lighthouse.py``)
reproduce Read the Docs' builds with ``build``, and a test checks that the config says what
this module assumes (``FORMATS``, ``STRICT``, the job).

Standard library only, like the rest of ``tools``: on Read the Docs it runs in the build's
environment, where ``requirements.txt`` is installed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from resume.files import write_atomically
from resume.languages import BY_CODE, SOURCE
from resume.outputs import BASENAME, file_name

from . import REPO, Runner

#: The parent project's name on Read the Docs (README, "Hosting on Read the Docs"): the outputs'
#: base name; each translation is ``<PROJECT>-<code>``.
PROJECT = BASENAME
#: The version Read the Docs builds on every push.
VERSION = "latest"
#: What Read the Docs builds itself: the HTML, and the ``formats`` of ``.readthedocs.yaml``.
FORMATS = ("html", "epub")
#: ``sphinx.fail_on_warning: true`` in ``.readthedocs.yaml``: a warning fails the build.
STRICT = ("-W", "--keep-going")
#: The folder of ``$READTHEDOCS_OUTPUT`` whose one file Read the Docs offers as the PDF download.
PDF = "pdf"


def project(code: str) -> str:
    """The Read the Docs project of the edition ``code``: the parent for the source's."""
    return PROJECT if code == SOURCE.code else f"{PROJECT}-{code}"


def canonical_url(code: str) -> str:
    """The edition's address on Read the Docs: ``/<code>/<version>/`` on the parent's domain."""
    return f"https://{PROJECT}.readthedocs.io/{code}/{VERSION}/"


def environment(code: str, output: Path) -> dict[str, str]:
    """The variables Read the Docs sets for a build of the edition ``code`` into ``output``."""
    return {
        "READTHEDOCS": "True",
        "READTHEDOCS_PROJECT": project(code),
        "READTHEDOCS_LANGUAGE": code,
        "READTHEDOCS_VERSION": VERSION,
        "READTHEDOCS_CANONICAL_URL": canonical_url(code),
        "READTHEDOCS_OUTPUT": str(output),
    }


def sphinx_command(
    builder: str,
    code: str,
    source: Path,
    output: Path,
    doctrees: Path,
    options: Sequence[str] = (),
    python: str = sys.executable,
) -> list[str]:
    """Read the Docs' own command for one format: ``-T`` (full tracebacks), ``STRICT``, the
    project's language, ``$READTHEDOCS_OUTPUT/<builder>``; no ``-n`` (``conf.py`` is nitpicky
    itself). ``options`` go before the folders, as ``-A`` from Read the Docs' old context did."""
    return [
        python, "-m", "sphinx", "-T", *STRICT, "-b", builder, "-d", str(doctrees),
        "-D", f"language={BY_CODE[code].sphinx}", *options, str(source), str(output / builder),
    ]  # fmt: skip


@dataclass
class Build:
    """What Read the Docs' build of one project printed and returned, by format."""

    code: str
    output: Path
    logs: dict[str, str]
    returncodes: dict[str, int]


def build(
    code: str,
    output: Path,
    doctrees: Path,
    *,
    formats: Sequence[str] = FORMATS,
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
    source: Path = REPO,
    python: str = sys.executable,
    run: Runner = subprocess.run,
) -> Build:
    """The edition ``code`` built as Read the Docs builds it: each of ``formats`` in turn into
    ``output/<format>``, all reading ``doctrees``, with Read the Docs' variables (and ``env``,
    which may add to them) set. Output is captured, not raised on: the caller judges. Each
    command runs through ``run`` (the tests fork theirs from a process with Sphinx loaded)."""
    variables = {**os.environ, **environment(code, output), **(env or {})}
    logs, returncodes = {}, {}
    for builder in formats:
        command = sphinx_command(builder, code, source, output, doctrees, options, python)
        result = run(command, capture_output=True, text=True, env=variables)
        logs[builder], returncodes[builder] = result.stdout + result.stderr, result.returncode
    return Build(code, output, logs, returncodes)


def pdf(environ: Mapping[str, str] = os.environ, source: Path = REPO) -> int:
    """The ``post_build`` job: the edition's PDF résumé (``-b resumepdf``, strict as the release
    builds it) into a scratch folder, then the one file into ``$READTHEDOCS_OUTPUT/pdf/``; a
    failing PDF fails the build, and Read the Docs keeps the last good one."""
    code = environ.get("READTHEDOCS_LANGUAGE", "")
    output = environ.get("READTHEDOCS_OUTPUT", "")
    if code not in BY_CODE or not output:
        print(
            f"READTHEDOCS_LANGUAGE={code!r}, READTHEDOCS_OUTPUT={output!r}: Read the Docs sets "
            f"both.\nWhat to do: run this on Read the Docs, or set them (a language of "
            f"{', '.join(BY_CODE)}, a folder)",
            file=sys.stderr,
        )
        return 2
    name = file_name(code, "pdf")
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        # -q: Sphinx's closing line would name the scratch folder, gone when this returns.
        command = [
            sys.executable, "-m", "sphinx", "-T", "-q", "-n", *STRICT, "-b", "resumepdf",
            "-d", str(scratch / "doctrees"), "-D", f"language={BY_CODE[code].sphinx}",
            str(source), str(scratch / PDF),
        ]  # fmt: skip
        if subprocess.run(command, cwd=source).returncode:
            return 1
        target = Path(output) / PDF
        target.mkdir(parents=True, exist_ok=True)
        write_atomically(target / name, (scratch / PDF / name).read_bytes())
    print(f"The PDF résumé is in {target / name}.")
    return 0


#: The commands ``.readthedocs.yaml`` may run: ``python -m tools.readthedocs <command>``.
COMMANDS = {"pdf": pdf}


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.readthedocs",
        description="A job of Read the Docs' build (.readthedocs.yaml): "
        "pdf, the PDF résumé into $READTHEDOCS_OUTPUT/pdf/.",
    )
    parser.add_argument("command", choices=sorted(COMMANDS))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return COMMANDS[args.command]()


if __name__ == "__main__":
    sys.exit(main())
