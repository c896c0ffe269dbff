"""Shared fixtures: the session's builds of the real site, and small projects in temporary folders.

Every build of the real site is made once per test run, whatever the number of xdist workers,
and shared (``helpers.shared``): one in-process build per edition and builder (``build_site``),
one gettext extraction (``gettext``), the opt-in builds (``opt_in``), two release builds
(``good_release``, ``releases``) and Read the Docs' builds (``read_the_docs_builds``); so is
epubcheck's report on each batch of ePubs (``epubcheck_batch``), every ePub of the run in one
(``checked_epubs``). The helpers they use are in ``helpers.py``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import settings

from resume.languages import BY_SPHINX, EDITIONS, SOURCE
from resume.outputs import file_name, published

from helpers import (
    BUILD_VARIABLE_PREFIXES,
    BUILD_VARIABLES,
    GITHUB,
    INJECTED_CONTEXT,
    MADE_UP,
    OPT_IN_BASEURL,
    REPO,
    RTD_CODES,
    Build,
    ReadTheDocs,
    build,
    copy_project,
    elsewhere,
    epubcheck_passed,
    epubcheck_reports,
    file_digest,
    read_the_docs,
    release,
    shared,
    without_a_page,
    write_project,
)

# Sphinx's test fixtures, and the browser fixtures of tests/browser.py, registered once for the
# whole session (a session fixture imported into two modules would be two browsers).
pytest_plugins = ["sphinx.testing.fixtures", "browser"]

# No deadline for generated examples: a deadline is a timed test, which fails on a loaded machine
# (speed targets live in nox -s bench). Each test still sets how many examples it tries.
settings.register_profile("resume", deadline=None)
settings.load_profile("resume")


#: Tests that each keep one worker busy for a long while, longest first (a release build and a
#: nested run of the content checks; a browser over every page; builds of a copy after each edit;
#: a process killed at each step of publishing), by the start of their node ids.
LONG = (
    "tests/test_recipes.py::",
    "tests/test_accessibility.py::",
    "tests/test_incremental.py::",
    "tests/test_publish.py::test_killed_publish",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the long tests first, the rest in their order. pytest-xdist hands the tests out in
    this order: a long test that started late would leave the other workers idle at the end of
    the run while it finishes; started first, the short tests fill in around it."""

    def rank(item: pytest.Item) -> int:
        return next((n for n, start in enumerate(LONG) if item.nodeid.startswith(start)), len(LONG))

    items.sort(key=rank)


@pytest.fixture(scope="session", autouse=True)
def hermetic_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The session's builds see none of the shell's build variables (a RESUME_PHONE, say), and
    what their processes leave in a temporary folder (Sphinx's crash reports) goes to the
    session's own, which pytest removes, not to the system's."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name in BUILD_VARIABLES or name.startswith(BUILD_VARIABLE_PREFIXES):
            del os.environ[name]
    os.environ["TMPDIR"] = str(tmp_path_factory.mktemp("tmpdir"))
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def build_site(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Build]:
    """``build_site(language, builder)``: the real site, built once per test run (in the
    process of the worker that asks first)."""
    cache: dict[tuple[str, str], Build] = {}

    def site(language: str = SOURCE.sphinx, builder: str = "html") -> Build:
        if (language, builder) not in cache:
            code = BY_SPHINX[language].code
            cache[language, builder] = shared(
                tmp_path_factory,
                f"{builder}-{code}",
                lambda folder: build(REPO, folder, builder, language),
            )
        return cache[language, builder]

    return site


@pytest.fixture(scope="session")
def site(build_site: Callable[..., Build]) -> Build:
    """The Chinese HTML edition."""
    return build_site(SOURCE.sphinx, "html")


@pytest.fixture(scope="session")
def epub(build_site: Callable[..., Build]) -> Path:
    """The Chinese ePub."""
    book = build_site(SOURCE.sphinx, "epub")
    assert book.returncode == 0, book.stderr
    return book.outdir / file_name("zh-cn", "epub")


@pytest.fixture(scope="session")
def gettext(build_site: Callable[..., Build]) -> Path:
    """The message templates (``.pot``) that ``sphinx-build -b gettext`` extracts."""
    pot = build_site(SOURCE.sphinx, "gettext")
    assert pot.returncode == 0, pot.stderr
    return pot.outdir


@pytest.fixture(scope="session")
def opt_in(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Build]:
    """``opt_in(language, builder)``: the real site built as an owner publishing everything:
    ``RESUME_PHONE`` and ``RESUME_GITHUB`` set, and a base URL (``OPT_IN_BASEURL``)."""
    cache: dict[tuple[str, str], Build] = {}

    def site(language: str, builder: str = "html") -> Build:
        if (language, builder) not in cache:
            code = BY_SPHINX[language].code
            cache[language, builder] = shared(
                tmp_path_factory,
                f"opt-in-{builder}-{code}",
                lambda folder: build(
                    REPO,
                    folder,
                    builder,
                    language,
                    env={"RESUME_PHONE": MADE_UP, "RESUME_GITHUB": GITHUB},
                    confoverrides={"html_baseurl": OPT_IN_BASEURL.format(code)},
                ),
            )
        return cache[language, builder]

    return site


@pytest.fixture(scope="session")
def epubcheck_batch(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[Sequence[Path]], dict[Path, tuple[int, str]]]:
    """``epubcheck_batch(books)``: each book's report from the reference validator (its exit
    status and what it printed, ``helpers.epubcheck_reports``), by path.

    One Java process checks the whole batch the first time a test of the run asks, and its
    reports serve every test that asks about the same bytes (by SHA-256), whatever the worker:
    a JVM's start and its loading of the schemas are most of a book's check."""

    def check(books: Sequence[Path]) -> dict[Path, tuple[int, str]]:
        books = list(dict.fromkeys(books))
        digests = {path: file_digest(path) for path in books}
        batch = hashlib.sha256(" ".join(sorted(set(digests.values()))).encode()).hexdigest()
        reports = shared(
            tmp_path_factory, f"epubcheck-{batch[:16]}", lambda f: epubcheck_reports(books, f)
        )
        return {path: reports[digest] for path, digest in digests.items()}

    return check


@pytest.fixture(scope="session")
def checked_epubs(
    releases: tuple[Path, Path],
    read_the_docs_builds: dict[str, ReadTheDocs],
    tmp_path_factory: pytest.TempPathFactory,
) -> list[Path]:
    """Every ePub that the run checks with epubcheck, as one batch (``epubcheck_batch``), one Java
    process for them all whichever test asks first: a broken copy of the release's English ePub
    (``without_a_page``), then the release's three ePubs and Read the Docs' two."""
    build, _ = releases
    books = [build / published("epub", edition.code, "epub") for edition in EDITIONS]
    broken = shared(tmp_path_factory, "broken-epub", lambda f: without_a_page(books[1], f))
    theirs = [rtd.epub for rtd in read_the_docs_builds.values() if "epub" in rtd.returncodes]
    return [broken, *books, *theirs]


@pytest.fixture(scope="session")
def epubcheck(epubcheck_batch: Callable[..., dict[Path, tuple[int, str]]]) -> Callable[..., str]:
    """``epubcheck(book, batch)``: the book passes the reference validator (``helpers``'s
    ``epubcheck_passed``), checked with the books of ``batch`` in one Java process
    (``epubcheck_batch``); returns what epubcheck printed."""

    def check(book: Path, batch: Sequence[Path] = ()) -> str:
        return epubcheck_passed(*epubcheck_batch([*batch, book])[book])

    return check


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Write a small project that uses the résumé extension; return its source folder."""

    def make(pages: dict[str, str], conf: str = "") -> Path:
        return write_project(tmp_path / "src", pages, conf)

    return make


# -- Release builds (tools/release/, in subprocesses) ------------------------------------


@pytest.fixture(scope="session")
def good_release_log(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A clean release build of every edition, with a fixed SOURCE_DATE_EPOCH, and its output."""
    folder, ok, out, err = shared(
        tmp_path_factory, "first", lambda root: (root / "_build", *release(root / "_build"))
    )
    assert ok, f"the release build of the real site failed:\n{out}\n{err}"
    return folder, out + err


@pytest.fixture(scope="session")
def good_release(good_release_log: tuple[Path, str]) -> Path:
    return good_release_log[0]


@pytest.fixture(scope="session")
def releases(good_release: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two clean release builds of every edition with the same SOURCE_DATE_EPOCH: the
    session's, and ``nox -s build``'s of a copy of the project in another folder, run there
    with another time zone, locale, home and user name (``ELSEWHERE``)."""

    def build_elsewhere(folder: Path) -> tuple[Path, int, str]:
        checkout = copy_project(folder / "another-checkout")
        # What nox -s build runs, with the checkout's own tools, from its own folder.
        script = (
            "import sys\nfrom tools.release import release_build\nsys.exit(not release_build())"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=checkout,
            env=elsewhere(folder / "home"),
            capture_output=True,
            text=True,
        )
        return checkout / "_build", result.returncode, result.stderr

    other, returncode, stderr = shared(tmp_path_factory, "elsewhere", build_elsewhere)
    assert returncode == 0, f"the release build elsewhere failed:\n{stderr}"
    return good_release, other


# -- Read the Docs' builds (in subprocesses, as there) -------------------------------------


@pytest.fixture(scope="session")
def read_the_docs_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReadTheDocs]:
    """``zh-cn`` and ``en`` as Read the Docs builds them; ``unlisted``: the Chinese html with
    ``RESUME_NOINDEX=1`` and the html_context that Read the Docs used to inject."""
    done = shared(tmp_path_factory, "readthedocs", _read_the_docs_builds)
    for name, rtd in done.items():
        for builder, code in rtd.returncodes.items():
            assert code == 0, f"{name} {builder}:\n{rtd.logs[builder]}"
    return done


def _read_the_docs_builds(root: Path) -> dict[str, ReadTheDocs]:
    jobs = {
        **{code: lambda code=code: read_the_docs(code, root / code) for code in RTD_CODES},
        "unlisted": lambda: read_the_docs(
            SOURCE.code, root / "unlisted", ("html",), {"RESUME_NOINDEX": "1"},
            [f"-A{name}={value}" for name, value in INJECTED_CONTEXT.items()],
        ),
    }  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}
