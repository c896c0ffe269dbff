"""Build, check and preview the résumé: ``nox -s build``, ``nox -s tests``, ``nox -s serve``."""

from __future__ import annotations

import sys
from pathlib import Path

import nox

HERE = Path(__file__).parent.resolve()
sys.path.insert(0, str(HERE))

from tools import BUILD  # noqa: E402
from tools.release import (  # noqa: E402
    BASENAME,
    SITE_FILES,
    VARIANTS,
    release_build,
    resolve_editions,
    resolve_variants,
)

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


def split_variants(posargs: list[str]) -> tuple[list[str], list[str] | None]:
    """The edition codes and the ``--variant NAME`` (or ``--variant=NAME``) of the arguments;
    ``None`` when no variant is named (then the editions' variants are built)."""
    codes: list[str] = []
    variants: list[str] = []
    arguments = iter(posargs)
    for argument in arguments:
        if argument == "--variant":
            variants.append(next(arguments, ""))
        elif argument.startswith("--variant="):
            variants.append(argument.partition("=")[2])
        else:
            codes.append(argument)
    return codes, (variants or None)


@nox.session
def build(session: nox.Session) -> None:
    """Release build, from clean, of every edition and every declared variant (or those named:
    nox -s build -- zh-cn, nox -s build -- --variant platform-en)."""
    install_build(session)
    python = str(Path(session.bin) / "python")
    codes, variants = split_variants(session.posargs)
    if not release_build(python, codes, variants=variants):
        session.error("the build failed; the previous output is untouched")
    editions = resolve_editions(codes) if codes or variants is None else []
    for edition in editions:
        code = edition.code
        session.log(f"{code}: {BUILD / 'html' / code}/index.html")
        for folder, extension in (("epub", "epub"), ("pdf", "pdf"), ("text", "txt")):
            session.log(f"{code}: {BUILD / folder / code / f'{BASENAME}-{code}.{extension}'}")
        for name in SITE_FILES:  # resume.json, the contact card, the social preview card
            session.log(f"{code}: {BUILD / 'html' / code / name}")
    for variant in resolve_variants(HERE, variants, editions)[1]:
        for extension in ("pdf", "txt"):
            name = f"{BASENAME}-{variant.name}.{extension}"
            session.log(f"{variant.name}: {BUILD / VARIANTS / variant.name / name}")


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
    (edition,) = resolve_editions(session.posargs[:1] or ["zh-cn"])
    session.run(
        "python", "-m", "sphinx",
        "-b", "linkcheck",
        "-D", f"language={edition.sphinx}",
        "-n", "-W", "--keep-going",
        str(HERE), str(BUILD / "linkcheck" / edition.code),
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
    (edition,) = resolve_editions(codes or ["zh-cn"])
    session.run(
        "python", "-m", "tools.preview",
        "-b", "html",
        "-D", f"language={edition.sphinx}",
        "-n",              # nitpicky, as in the release build
        "--keep-going",    # warnings are shown but do not stop the preview
        "--watch", "_ext",
        "--ignore", "*.mo",
        "--ignore", str(BUILD),  # every build's output, this preview's and the others'
        *session.posargs[len(codes):],
        str(HERE),
        str(BUILD / "serve" / edition.code),
    )  # fmt: skip
