"""The translation gate: an edition is published only when every part of every page is translated,
from the catalogs as they are now, with the same structure as its source.

One small project is written and translated once (its catalogs made from what ``-b gettext``
extracts); each row of ``CASES`` copies it, breaks or extends one thing, and builds the English
edition in this process (``helpers.build``: strict, from clean).
"""

from __future__ import annotations

import os
import shutil
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from resume import catalogs, markup

from helpers import build, write_project

CONF = """
myst_enable_extensions = ["colon_fence", "attrs_block", "attrs_inline"]
resume_locale_dirs = ["locales/"]
locale_dirs = []
gettext_compact = False
gettext_additional_targets = ["index"]
gettext_location = False
gettext_uuid = False
copyright = version = "1"
epub_basename = "book"
"""

PAGES = {
    "index.md": """\
# 首页

欢迎阅读本页。

:::{toctree}
:caption: 目录

second
:::
""",
    "second.md": """\
(second-label)=
# 第二页

这是**重要**的段落，见[首页](index.md)和{ref}`标签 <second-label>`。

![替代文字](pic.png)

:::{index} 关键词
:::

另一段文字。
""",
}

#: The English translation of every message the pages yield (and of the rows' additions).
ENGLISH = {
    "首页": "Home",
    "欢迎阅读本页。": "Welcome to this page.",
    "目录": "Contents",
    "第二页": "Second page",
    "这是**重要**的段落，见[首页](index.md)和{ref}`标签 <second-label>`。":
        "This is an **important** paragraph; see [home](index.md) and {ref}`the label <second-label>`.",
    "![替代文字](pic.png)": "![Alternative text](pic.png)",
    "替代文字": "Alternative text",
    "关键词": "Keyword",
    "另一段文字。": "Another paragraph.",
    # row 7: a MyST {table}
    "表格标题": "Table title",
    "名称": "Name",
    "说明": "Description",
    "甲": "Alpha",
    "**乙**很好": "**Beta** is good",
}  # fmt: skip
PARAGRAPH = "这是**重要**的段落，见[首页](index.md)和{ref}`标签 <second-label>`。"
TABLE = """
:::{table} 表格标题
:name: the-table

| 名称 | 说明 |
| --- | --- |
| 甲 | **乙**很好 |
:::
"""


def png() -> bytes:
    """A 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def po_path(src: Path, domain: str, language: str = "en") -> Path:
    return src / "locales" / language / "LC_MESSAGES" / f"{domain}.po"


def translate(src: Path, workdir: Path) -> None:
    """Extract the pages' messages (-b gettext) and write complete English catalogs."""
    pot = build(src, workdir / "gettext", "gettext")
    assert pot.returncode == 0, pot.stderr
    for template in sorted(pot.outdir.rglob("*.pot")):
        domain = template.relative_to(pot.outdir).with_suffix("").as_posix()
        if domain == "sphinx":
            continue
        with template.open("rb") as handle:
            source = read_po(handle)
        catalog = Catalog(locale="en", project="test", fuzzy=False)
        for message in source:
            if message.id:
                assert message.id in ENGLISH, f"no English for {message.id!r} ({domain})"
                catalog.add(message.id, ENGLISH[message.id])
        path = po_path(src, domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project, translated into English, that every row copies."""
    root = tmp_path_factory.mktemp("gate")
    src = write_project(root / "src", PAGES, CONF)
    (src / "pic.png").write_bytes(png())
    translate(src, root)
    return src


def entry_line(po: Path, msgid: str) -> int:
    with po.open("rb") as handle:
        for message in read_po(handle):
            if message.id == msgid:
                return message.lineno
    raise AssertionError(f"{msgid!r} not in {po}")


def set_translation(src: Path, domain: str, msgid: str, msgstr: str) -> str:
    """Change one entry's msgstr; the ``file:line`` the build must name."""
    po = po_path(src, domain)
    with po.open("rb") as handle:
        catalog = read_po(handle)
    catalog[msgid].string = msgstr
    with po.open("wb") as handle:
        write_po(handle, catalog, width=0)
    return f"{po}:{entry_line(po, msgid)}"


# -- the rows ------------------------------------------------------------------------------


def rename_page(src: Path) -> list[str]:
    """1. git mv second.md renamed.md, and the toctree updated: the catalog is not."""
    (src / "second.md").rename(src / "renamed.md")
    index = src / "index.md"
    index.write_text(index.read_text("utf-8").replace("\nsecond\n", "\nrenamed\n"), "utf-8")
    return [
        f"{po_path(src, 'renamed')}",
        "renamed",
        f"{po_path(src, 'second')}:1",
        "belongs to no page",
    ]


def delete_catalog(src: Path) -> list[str]:
    """2. One page's .po deleted."""
    po_path(src, "second").unlink()
    return [str(po_path(src, "second")), "it does not exist", "second.md:1"]


def break_plural_forms(src: Path) -> list[str]:
    """3. A Plural-Forms header that does not parse: gettext would refuse the .mo."""
    po = po_path(src, "second")
    lines = po.read_text("utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if line.startswith('"Plural-Forms:'))
    lines[number - 1] = '"Plural-Forms: nplurals=2; plural=(n != 1;\\n"\n'
    po.write_text("".join(lines), "utf-8")
    return [
        f"{po}:{number}",
        "Plural-Forms",
        "is not loaded",
        'write the line as "Plural-Forms: nplurals=2;',
    ]


def break_encoding(src: Path) -> list[str]:
    """3b. A catalog saved in another encoding."""
    po = po_path(src, "second")
    text = po.read_text("utf-8").replace("Another paragraph.", "Another paragraph é.")
    po.write_bytes(text.encode("latin-1", "replace"))
    number = text.splitlines().index(next(line for line in text.splitlines() if "é" in line)) + 1
    return [f"{po}:{number}", "not UTF-8", "save the file as UTF-8"]


def markup_row(msgstr: str, *expected: str) -> Callable[[Path], list[str]]:
    def mutate(src: Path) -> list[str]:
        return [set_translation(src, "second", PARAGRAPH, msgstr), "markup", *expected]

    return mutate


def blank_line(src: Path) -> list[str]:
    """6. A blank line inside a translation: Sphinx would keep only the first paragraph."""
    where = set_translation(
        src, "second", PARAGRAPH,
        "This is an **important** paragraph;\n\nsee [home](index.md) and {ref}`the label <second-label>`.",
    )  # fmt: skip
    return [where, "2 paragraphs where the source has 1"]


def table_half_translated(src: Path) -> list[str]:
    """7. A MyST {table} whose title is translated and whose cells are not."""
    page = src / "second.md"
    page.write_text(page.read_text("utf-8") + TABLE, "utf-8")
    po = po_path(src, "second")
    with po.open("rb") as handle:
        catalog = read_po(handle)
    catalog.add("表格标题", "Table title")
    with po.open("wb") as handle:
        write_po(handle, catalog, width=0)
    return [str(po), "untranslated message '甲'", "untranslated message '**乙**很好'"]


def reference_link(src: Path) -> list[str]:
    """8. A reference-style link in a translated paragraph."""
    page = src / "second.md"
    page.write_text(
        page.read_text("utf-8") + "\n参见[示例][ex]。\n\n[ex]: https://example.com/\n", "utf-8"
    )
    return ["second.md:", "reference-style link", "write the link inline"]


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Path], list[str]]


CASES = [
    Case("1-renamed-page", rename_page),
    Case("2-deleted-catalog", delete_catalog),
    Case("3-plural-forms", break_plural_forms),
    Case("3-encoding", break_encoding),
    Case("5-unbalanced-strong", markup_row(
        "This is an **important paragraph; see [home](index.md) and {ref}`the label <second-label>`.",
        "unbalanced or unterminated **")),
    Case("5-unterminated-role", markup_row(
        "This is an **important** paragraph; see [home](index.md) and {ref}`the label <second-label>.",
        "role missing or changed: ref")),
    Case("5-link-moved", markup_row(
        "This is an **important** paragraph; see [home](second.md) and {ref}`the label <second-label>`.",
        "link index.md", "link second.md")),
    Case("5-added-link", markup_row(
        "This is an **important** paragraph; see [home](index.md), {ref}`the label <second-label>` "
        "and [more](https://example.com/).", "not in the source: link https://example.com/")),
    Case("5-script", markup_row(
        "This is an **important** paragraph; see [home](index.md) and {ref}`the label <second-label>`."
        "<script>alert(1)</script>", "raw HTML not in the source: </script>, <script>")),
    Case("5-img-onerror", markup_row(
        "This is an **important** paragraph; see [home](index.md) and {ref}`the label <second-label>`."
        " <img src=x onerror=alert(1)>", "raw HTML not in the source: <img src=x onerror=alert(1)>")),
    Case("5-javascript-link", markup_row(
        'This is an **important** paragraph; see <a href="javascript:alert(1)">home</a> and '
        "{ref}`the label <second-label>`.", "link or reference target missing or changed: link index.md",
        'raw HTML not in the source: </a>, <a href="javascript:alert(1)">')),
    Case("6-blank-line", blank_line),
    # A translator's "copy source to target": the Chinese sentence as its own translation.
    Case("6-source-copied", lambda src: [
        set_translation(src, "second", "另一段文字。", "另一段文字。"),
        "the English translation still holds Chinese", "translate the whole message into English"]),
    Case("7-table-cells", table_half_translated),
    Case("8-reference-link", reference_link),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_gate_refuses(case: Case, project: Path, tmp_path: Path) -> None:
    """Each fault fails the build, naming the .po (or the one expected) and line, with what to do."""
    src = tmp_path / "src"
    shutil.copytree(project, src)
    expected = case.mutate(src)
    result = build(src, tmp_path / "build", "html", "en")
    assert result.returncode != 0, result.stderr
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    assert "What to do: " in result.stderr
    assert not list((src / "locales").rglob("*.mo"))


# -- what is published ---------------------------------------------------------------------


def copy_of(project: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(project, src)
    return src


def test_complete_translation_is_published(project: Path, tmp_path: Path) -> None:
    """9. Alt text, toctree caption, index entry: all translated, and the build is clean."""
    src = copy_of(project, tmp_path)
    result = build(src, tmp_path / "build", "html", "en")
    assert result.returncode == 0, result.stderr
    page = result.html("second")
    assert page.find("img")["alt"] == "Alternative text"
    assert "Another paragraph." in page.get_text()
    assert "Contents" in result.html("index").get_text()
    assert "Keyword" in (result.outdir / "genindex.html").read_text("utf-8")
    assert not list((src / "locales").rglob("*.mo")), "a .mo was written into the sources"


def test_stale_mo_is_never_read(project: Path, tmp_path: Path) -> None:
    """4. A .mo left in the sources, newer by time stamp than its changed .po: the .po wins."""
    src = copy_of(project, tmp_path)
    po = po_path(src, "second")
    with po.open("rb") as handle:
        old = read_po(handle)
    old["另一段文字。"].string = "An OLD paragraph."
    with po.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, old)
    later = time.time() + 3600
    os.utime(po.with_suffix(".mo"), (later, later))
    result = build(src, tmp_path / "build", "html", "en")
    assert result.returncode == 0, result.stderr
    text = result.html("second").get_text()
    assert "Another paragraph." in text and "OLD" not in text


def test_translated_table_is_published(project: Path, tmp_path: Path) -> None:
    """7. A MyST {table}'s cells reach the catalog, and their translations the page."""
    src = copy_of(project, tmp_path)
    page = src / "second.md"
    page.write_text(page.read_text("utf-8") + TABLE, "utf-8")
    translate(src, tmp_path)
    result = build(src, tmp_path / "build", "html", "en")
    assert result.returncode == 0, result.stderr
    table = result.html("second").find("table")
    assert [" ".join(c.get_text().split()) for c in table.find_all(["th", "td"])] == [
        "Name", "Description", "Alpha", "Beta is good",
    ]  # fmt: skip
    assert table.find("strong").get_text() == "Beta"


def test_catalog_edit_between_builds_in_one_process(project: Path, tmp_path: Path) -> None:
    """Two builds in one process: the second publishes the .po as it is then, not as cached."""
    src = copy_of(project, tmp_path)
    assert build(src, tmp_path / "one", "html", "en").returncode == 0
    set_translation(src, "second", "另一段文字。", "A changed paragraph.")
    result = build(src, tmp_path / "two", "html", "en")
    assert result.returncode == 0, result.stderr
    assert "A changed paragraph." in result.html("second").get_text()


def test_epub_documents_carry_their_language(project: Path, tmp_path: Path) -> None:
    """10. Every content document of the ePub has lang and xml:lang. (epubcheck agrees on the
    real ePubs: ``helpers.epubcheck`` refuses HTM-020 and HTM-021 among its usage notes.)"""
    src = copy_of(project, tmp_path)
    result = build(src, tmp_path / "build", "epub", "en")
    assert result.returncode == 0, result.stderr
    documents = list(result.outdir.glob("*.xhtml"))
    assert documents
    for document in documents:
        head = document.read_text("utf-8")[:400]
        assert 'lang="en" xml:lang="en"' in head, document.name


# -- the checks' units ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "msgstr", "expected"),
    [
        ("见**甲**", "See **A**", []),
        ("见[甲](a.md)和[乙](b.md)", "See [B](b.md) and [A](a.md)", []),  # any order
        ("见**甲**", "See **A", ["unbalanced or unterminated **"]),
        ("甲", "A\n\nB", ["2 paragraphs where the source has 1"]),
        ("见[甲](a.md)", "See [A](c.md)", ["missing or changed: link a.md", "not in the source: link c.md"]),
        ("见{ref}`甲 <t>`", "See {ref}`A <u>`", ["missing or changed: {ref} t"]),
        ("甲", "A <b>B</b>", ["raw HTML not in the source"]),
        ("用 `x`", "Use x", ["0 `code` where the source has 1"]),
    ],
)  # fmt: skip
def test_markup_differences(msgid: str, msgstr: str, expected: list[str]) -> None:
    found = " | ".join(markup.differences(msgid, msgstr))
    assert all(text in found for text in expected), found
    assert bool(found) == bool(expected), found


def test_header_problems_name_the_line(tmp_path: Path) -> None:
    po = tmp_path / "en" / "LC_MESSAGES" / "page.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Plural-Forms: nplurals=2; plural=n !=;\\n"\n'
        '"Content-Type: text/plain; charset=latin-1\\n"\n\nmsgid "甲"\nmsgstr "A"\n',
        "utf-8",
    )
    problems = {p.line: p for p in catalogs.catalog_problems(po)}
    assert set(problems) == {3, 4, 5}, problems
    assert "Language: en" in problems[3].what_to_do
    assert "nplurals=2; plural=(n != 1);" in problems[4].what_to_do
    assert "charset=UTF-8" in problems[5].what_to_do
    assert catalogs.compile_catalog(po, tmp_path / "page.mo", "en")
    assert not (tmp_path / "page.mo").exists()
