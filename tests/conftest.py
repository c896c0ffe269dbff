"""Shared fixtures: builds of the real site, and of small projects, in temporary folders."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "_ext"))
sys.path.insert(0, str(REPO))

from resume.languages import BY_SPHINX  # noqa: E402
from resume.outputs import BASENAME
from tools.release import release_build  # noqa: E402

# Sphinx's test fixtures, and the browser fixtures of tests/browser.py, registered once for the
# whole session (a session fixture imported into two modules would be two browsers).
pytest_plugins = ["sphinx.testing.fixtures", "browser"]

EPOCH = "1700000000"  # SOURCE_DATE_EPOCH of the release builds under test


@dataclass
class Build:
    """One sphinx-build run: its exit status, what it printed, and where it wrote."""

    returncode: int
    stdout: str
    stderr: str
    outdir: Path

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if "WARNING" in line or "ERROR" in line]

    def html(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup((self.outdir / f"{docname}.html").read_text("utf-8"), "html.parser")


def sphinx_build(
    srcdir: Path,
    outdir: Path,
    builder: str = "html",
    language: str = "zh_CN",
    *options: str,
    env: dict[str, str] | None = None,
) -> Build:
    """Run sphinx-build strictly, as the release build does, in a fresh environment."""
    command = [
        sys.executable, "-m", "sphinx", "-b", builder, "-D", f"language={language}",
        "-n", "-W", "--keep-going", "-E", "-q",
        "-d", str(outdir.parent / f".doctrees-{outdir.name}"),
        *options, str(srcdir), str(outdir),
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    return Build(result.returncode, result.stdout, result.stderr, outdir)


@pytest.fixture(scope="session")
def build_site(tmp_path_factory: pytest.TempPathFactory):
    """Build the real site once per (language, builder) for the whole test session."""
    cache: dict[tuple[str, str], Build] = {}

    def build(language: str = "zh_CN", builder: str = "html") -> Build:
        if (language, builder) not in cache:
            code = BY_SPHINX[language].code
            outdir = tmp_path_factory.mktemp(f"{builder}-{code}") / code
            cache[language, builder] = sphinx_build(REPO, outdir, builder, language)
        return cache[language, builder]

    return build


@pytest.fixture(scope="session")
def site(build_site) -> Build:
    """The Chinese HTML edition."""
    return build_site("zh_CN", "html")


@pytest.fixture(scope="session")
def epub(build_site) -> Path:
    """The Chinese ePub."""
    build = build_site("zh_CN", "epub")
    assert build.returncode == 0, build.stderr
    return build.outdir / f"{BASENAME}-zh-cn.epub"


@pytest.fixture
def make_project(tmp_path: Path):
    """Write a small project that uses the résumé extension; return its source folder."""

    def make(pages: dict[str, str], conf: str = "") -> Path:
        src = tmp_path / "src"
        src.mkdir(exist_ok=True)
        (src / "conf.py").write_text(
            "import sys\n"
            f"sys.path.insert(0, {str(REPO / '_ext')!r})\n"
            "extensions = ['myst_parser', 'resume']\n"
            "language = 'zh_CN'\n"
            "nitpicky = True\n" + conf,
            "utf-8",
        )
        for name, text in pages.items():
            path = src / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        return src

    return make


EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


def epubcheck(book: Path) -> str:
    """Validate an ePub with the reference validator: no fatal, error or warning allowed.

    Without Java or epubcheck the test is skipped, saying why; in CI it fails instead.
    """
    java = shutil.which("java")
    if not (java and EPUBCHECK.is_file()):
        reason = "epubcheck needs Java and /usr/share/java/epubcheck.jar (apt-get install epubcheck)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    result = subprocess.run([java, "-jar", str(EPUBCHECK), str(book)], capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in output, output
    return output


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def copy_project(target: Path) -> Path:
    shutil.copytree(
        REPO,
        target,
        ignore=shutil.ignore_patterns("_build", ".nox", ".git", "__pycache__", "*.mo", ".venv"),
    )
    return target


def _release(build: Path) -> Path:
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        assert release_build(build=build), "the release build of the real site failed"
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    return build


@pytest.fixture(scope="session")
def good_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean release build of every edition, with a fixed SOURCE_DATE_EPOCH."""
    return _release(tmp_path_factory.mktemp("first") / "_build")


@pytest.fixture(scope="session")
def releases(good_release: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two clean release builds of every edition, with the same SOURCE_DATE_EPOCH."""
    return good_release, _release(tmp_path_factory.mktemp("second") / "_build")
