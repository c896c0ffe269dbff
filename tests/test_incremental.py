"""The live preview's incremental builds give the same output as a clean build.

``nox -s serve`` rebuilds only what changed. Pages that draw on other pages' data (the home
page's timeline and JSON-LD, each role's projects, each project's roles) and every output that
depends on the environment (``RESUME_PHONE``) must still come out as a clean build writes them.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

import pytest

from helpers import EPOCH, MADE_UP, PHONE, REPO, sphinx_forked
from resume_sources import projects, roles

IGNORED = shutil.ignore_patterns(
    "_build",
    ".nox",
    ".git",
    "tests",
    "__pycache__",
    "*.mo",
    ".venv",
    "venv",
    ".pytest_cache",
    "node_modules",
)


def build(src: Path, out: Path, *, clean: bool, phone: str = "") -> list[str]:
    """sphinx-build of the Chinese web site as the preview runs it, forked from a process with
    Sphinx loaded as the preview forks it (``clean``: as a release, from a fresh environment);
    returns the pages it wrote, as Sphinx names them ("writing output... [ 50%] index")."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "RESUME_PHONE": phone}
    arguments = [
        "-b", "html", "-n", "-W", "--keep-going", "-N",
        *(["-E"] if clean else []), "-d", str(out / ".doctrees"), str(src), str(out / "html"),
    ]  # fmt: skip
    result = sphinx_forked(arguments, env)
    assert result.returncode == 0, result.stderr
    plain = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", result.stdout)  # a terminal's erase-line codes
    return re.findall(r"^writing output\.\.\. \[\s*\d+%\] (\S+)$", plain, re.MULTILINE)


def outputs(root: Path) -> dict[str, bytes]:
    """Every file the web site holds, by path (the doctrees and build info are not output)."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".buildinfo"
    }


def differing(a: Path, b: Path) -> list[str]:
    left, right = outputs(a), outputs(b)
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the sources and a preview built from it (environment kept for the next build)."""
    root = tmp_path_factory.mktemp("incremental")
    src = shutil.copytree(REPO, root / "src", ignore=IGNORED)
    build(src, root / "preview", clean=False)
    return src, root / "preview"


def test_a_changed_organisation_reaches_every_page_that_names_it(preview, tmp_path):
    src, out = preview
    # A role that a project names (its :roles:): its organisation shows on the project's page.
    named = [(project, role) for project in projects().values() for role in project.roles if role in roles()]  # fmt: skip
    assert named, f"no project names a role page in its :roles:: {sorted(projects())}"
    project, role = named[0]
    organisation = roles()[role].organisation
    renamed = f"新{organisation}"
    page = src / f"{role}.md"
    line = re.compile(rf"^:organisation:[ \t]*{re.escape(organisation)}[ \t]*$", re.M)
    text, count = line.subn(f":organisation: {renamed}", page.read_text("utf-8"))
    assert count == 1, f"{role}.md: no single :organisation: line of {organisation}"
    page.write_text(text, "utf-8")
    build(src, out, clean=False)
    build(src, tmp_path / "clean", clean=True)
    # Every page, the search index, resume.json and the index included.
    assert differing(out / "html", tmp_path / "clean" / "html") == []
    shown = (out / "html" / f"{project.docname}.html").read_text("utf-8")
    assert html.escape(renamed, quote=False) in shown


def test_publishing_the_phone_number_reaches_page_json_ld_and_resume_json(preview, tmp_path):
    src, out = preview
    build(src, out, clean=False, phone=MADE_UP)
    build(src, tmp_path / "clean", clean=True, phone=MADE_UP)
    assert differing(out / "html", tmp_path / "clean" / "html") == []
    home = (out / "html" / "index.html").read_text("utf-8")
    assert f'href="{PHONE.tel}"' in home
    assert f'"telephone": "{MADE_UP}"' in home
    assert MADE_UP in (out / "html" / "resume.json").read_text("utf-8")
    # And back: without the opt-in, no trace of the number remains, the search index included.
    build(src, out, clean=False)
    spaced, national = " ".join(PHONE.groups).encode(), PHONE.national.encode()
    for name, data in outputs(out / "html").items():
        assert spaced not in data and national not in data, name


def test_saved_prose_rewrites_its_page_alone_and_a_new_title_every_page(preview, tmp_path):
    """A paragraph added to a role page changes no record that other pages show: that page is
    written alone, with the contents page that lists it (as Sphinx does). A project's new title
    is in every page's navigation: every page is written."""
    src, out = preview
    edited, other = list(roles())[:2]  # any two role pages, and any project
    project = next(iter(projects()))
    role = src / f"{edited}.md"
    role.write_text(role.read_text("utf-8") + "\n新写的一段话。\n", "utf-8")
    assert build(src, out, clean=False) == sorted(["experience/index", edited])
    # The pages not written again keep all they had in the search index (terms, titles and
    # the technology index's entries, which Sphinx itself does not carry over).
    build(src, tmp_path / "clean-1", clean=True)
    assert differing(out / "html", tmp_path / "clean-1" / "html") == []
    page = src / f"{project}.md"
    text = page.read_text("utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("# "))
    page.write_text(text.replace(heading, heading + "（新标题）", 1), "utf-8")
    written = build(src, out, clean=False)
    assert len(written) > 10 and "index" in written and edited in written, written
    build(src, tmp_path / "clean", clean=True)
    assert differing(out / "html", tmp_path / "clean" / "html") == []
    assert "新写的一段话" in (out / "html" / f"{edited}.html").read_text("utf-8")
    assert "（新标题）" in (out / "html" / f"{other}.html").read_text("utf-8")
