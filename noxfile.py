"""Build, check and preview the résumé: ``nox -s build``, ``nox -s tests``, ``nox -s serve``."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import nox

HERE = Path(__file__).parent.resolve()
BUILD = HERE / "_build"
# The editions' names (standard library only); the tools run as programs in the sessions.
sys.path.insert(0, str(HERE / "_ext"))

from resume.languages import BY_CODE, Edition  # noqa: E402

REQUIREMENTS = "requirements.txt"
#: The PDF's fonts, pinned by their digest: installed on their own, since pip checks hashes for
#: everything one install reads.
FONT_REQUIREMENTS = "requirements-fonts.txt"
TEST_REQUIREMENTS = "tests/requirements.txt"
LINT_REQUIREMENTS = "requirements-lint.txt"
PREVIEW_REQUIREMENTS = "requirements-preview.txt"

nox.options.sessions = ["build", "tests"]
nox.options.default_venv_backend = "venv"


# -- Sessions ------------------------------------------------------------------------------


def install_build(session: nox.Session, requirements: str = REQUIREMENTS) -> None:
    """The build's dependencies and the PDF's fonts."""
    session.install("-r", FONT_REQUIREMENTS)
    session.install("-r", requirements)


def edition(session: nox.Session, codes: list[str]) -> Edition:
    """The edition the first of ``codes`` names (Chinese when none)."""
    code = codes[0] if codes else "zh-cn"
    if code not in BY_CODE:
        session.error(f"unknown edition {code}\nWhat to do: name one of {', '.join(BY_CODE)}")
    return BY_CODE[code]


@nox.session
def build(session: nox.Session) -> None:
    """Release build, from clean, of every edition and every declared variant (or those named:
    nox -s build -- zh-cn, nox -s build -- --variant platform-en); tools/release/."""
    install_build(session)
    try:
        session.run("python", "-m", "tools.release", *session.posargs)
    except nox.command.CommandFailed as failed:
        # A release that fails has said why; one killed outright (SIGKILL, the system short of
        # memory) could not, and nox gives only its status: minus the signal.
        if failed.return_code is None or failed.return_code >= 0:
            raise
        how = next((s.name for s in signal.Signals if s == -failed.return_code), "a signal")
        session.error(
            f"the release build ended by {how} before it finished; the previous output in "
            f"{BUILD} is untouched\nWhat to do: build again (it removes what this one left); "
            "if it stops again, close other programs first"
        )


@nox.session
def pdf(session: nox.Session) -> None:
    """The PDF and text résumé of the editions named, for one reader, into a folder of your own
    (nox -s pdf -- en --out DIR), never the site; RESUME_PHONE set for this command alone puts
    the full number in them (tools/paper_copy.py)."""
    install_build(session)
    session.run("python", "-m", "tools.paper_copy", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite on every core (pytest arguments pass through: nox -s tests -- -k epub;
    -n 0 runs it in one process)."""
    install_build(session, TEST_REQUIREMENTS)
    session.run("pytest", "-n", "auto", "--dist", "load", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting, lint and types (ruff, mypy; settings in pyproject.toml)."""
    session.install("-r", LINT_REQUIREMENTS, "-r", PREVIEW_REQUIREMENTS)
    session.run("ruff", "format", "--check", ".")
    session.run("ruff", "check", ".")
    session.run("mypy")


@nox.session
def catalogs(session: nox.Session) -> None:
    """Extract the messages into an emptied _build/gettext and update the English and Japanese
    catalogs (tools/catalogs.py), then check them: translate what the check lists."""
    session.install("-r", REQUIREMENTS)
    session.run("python", "-m", "tools.catalogs")
    session.notify("catalogs-check")


@nox.session(name="catalogs-check")
def catalogs_check(session: nox.Session) -> None:
    """Fail on any untranslated, fuzzy or obsolete entry or malformed line, with counts per file."""
    session.install("-r", REQUIREMENTS)
    session.run("python", "-m", "tools.check_catalogs", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Time a release build of every edition and measure its outputs against the targets."""
    install_build(session)
    session.run("python", "-m", "tools.bench")


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check the external links of one edition (opt-in: needs the network; nox -s linkcheck -- en)."""
    session.install("-r", REQUIREMENTS)
    chosen = edition(session, session.posargs[:1])
    session.run(
        "python", "-m", "sphinx",
        "-b", "linkcheck",
        "-D", f"language={chosen.sphinx}",
        "-n", "-W", "--keep-going",
        str(HERE), str(BUILD / "linkcheck" / chosen.code),
    )  # fmt: skip


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview of one edition that rebuilds on save (nox -s serve -- en [--port 8001]).

    sphinx-autobuild serves and reloads; each rebuild is forked from a process that has Sphinx
    and jieba's dictionary loaded already (tools/preview.py). What follows the edition code goes
    to sphinx-autobuild (--port, --open-browser, …). The fonts are the social card's."""
    session.install("-r", FONT_REQUIREMENTS)
    session.install("-r", REQUIREMENTS, "-r", PREVIEW_REQUIREMENTS)
    codes = [arg for arg in session.posargs[:1] if not arg.startswith("-")]
    chosen = edition(session, codes)
    session.run(
        "python", "-m", "tools.preview",
        "-b", "html",
        "-D", f"language={chosen.sphinx}",
        "-n",              # nitpicky, as in the release build
        "--keep-going",    # warnings are shown but do not stop the preview
        "--watch", "_ext",
        "--ignore", "*.mo",
        "--ignore", str(BUILD),  # every build's output, this preview's and the others'
        *session.posargs[len(codes):],
        str(HERE),
        str(BUILD / "serve" / chosen.code),
    )  # fmt: skip
