"""A renamed or retired page's old address sends its reader on, in every edition's web site, and
the redirect list (``redirects.txt``) is checked by every build at its file and line."""

from __future__ import annotations

import re
import zipfile

import pytest

from helpers import build, write_project

CONF = (
    "extensions.append('sphinxext.rediraffe')\nrediraffe_redirects = 'redirects.txt'\n"
    "copyright = version = 'test'\n"  # the ePub builder warns without them
)
PAGES = {
    "index.md": "# 首页\n\n```{toctree}\nnotes/new\n```\n",
    "notes/new.md": "# 新页\n\n正文。\n",
}
HEADER = "# old new\n\n"


def project(tmp_path, redirects: str):
    return write_project(tmp_path / "src", {**PAGES, "redirects.txt": HEADER + redirects}, CONF)


def refresh_target(page: str) -> str:
    match = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page)
    assert match, page
    return match[1]


@pytest.mark.parametrize(
    ("line", "old", "target"),
    [
        ("notes/old.md notes/new.md", "notes/old.html", "new.html"),
        ("notes/gone.md index.md", "notes/gone.html", "../index.html"),
        ("about.md notes/new.md", "about.html", "notes/new.html"),
    ],
    ids=["renamed", "retired", "moved-into-a-folder"],
)
def test_an_old_address_sends_the_reader_on(tmp_path, line, old, target):
    result = build(project(tmp_path, line + "\n"), tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = (result.outdir / old).read_text("utf-8")
    assert refresh_target(page) == target
    assert (result.outdir / old).parent.joinpath(target).resolve().is_file()
    assert '<html lang="zh-CN">' in page and 'name="robots" content="noindex"' in page
    assert "<script" not in page and f'<a href="{target}">' in page


def test_the_epub_holds_no_redirect(tmp_path):
    result = build(project(tmp_path, "notes/old.md notes/new.md\n"), tmp_path / "o", "epub")
    assert result.returncode == 0, result.stderr
    (book,) = result.outdir.glob("*.epub")
    with zipfile.ZipFile(book) as archive:
        assert not [name for name in archive.namelist() if "old" in name]


@pytest.mark.parametrize("builder", ["html", "epub"])
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("notes/old.md notes/newer.md", "redirects notes/old to notes/newer, which is not a page"),
        ("notes/new.md index.md", "redirects notes/new, which is still a page"),
        ("notes/old.md", "the line 'notes/old.md' is not two paths"),
        ("notes/x.md index.md", "redirects notes/x a second time"),
    ],
    ids=["to-no-page", "from-a-page", "one-path", "twice"],
)  # fmt: skip
def test_a_bad_line_fails_the_build_at_its_line(tmp_path, builder, line, problem):
    """One warning, at the line, and no more: rediraffe is not handed the broken list."""
    src = project(tmp_path, "notes/x.md notes/new.md\n" + line + "\n")
    result = build(src, tmp_path / "out", builder)
    assert result.returncode != 0
    assert f"{src / 'redirects.txt'}:4: WARNING: {problem}" in result.stderr, result.stderr
    said = [line for line in result.stderr.splitlines() if re.search(r"WARNING|ERROR|rror", line)]
    assert len(said) == 1, result.stderr
