"""Every internal link and anchor of every edition resolves, offline: HTML and ePub alike."""

from __future__ import annotations

import posixpath
import zipfile
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from resume.languages import EDITIONS
from resume.outputs import published

EXTERNAL = ("http", "https", "mailto", "tel", "javascript", "data")


class _Page(HTMLParser):
    """A page's links (``a``/``link`` ``href``, ``script``/``img`` ``src``) and anchors (every
    ``id``, and ``a`` ``name``), read in one pass. The standard library's parser rather than a
    parsed tree: these tests read every page of every edition, and want nothing but attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        link = found.get("href") if tag in ("a", "link") else None
        if tag in ("script", "img"):
            link = found.get("src")
        if link:
            self.hrefs.append(link)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "a" and found.get("name"):
            self.ids.add(found["name"] or "")


def internal_links(html: str) -> list[str]:
    return [h for h in _Page(html).hrefs if urlsplit(h).scheme not in EXTERNAL]


def broken_links(files: dict[str, str], exists) -> list[str]:
    """Links of the given pages (path -> text) whose file or anchor is missing; each page is
    parsed once."""
    parsed = {path: _Page(text) for path, text in files.items()}
    broken = []
    for path, page in parsed.items():
        for href in page.hrefs:
            parts = urlsplit(href)
            if parts.scheme in EXTERNAL:
                continue
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
                if parts.path
                else path
            )
            if not exists(target):
                broken.append(f"{path}: {href} (no file {target})")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target in parsed and fragment not in parsed[target].ids:
                broken.append(f"{path}: {href} (no anchor #{parts.fragment})")
    return broken


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.code)
def test_html_links_resolve(good_release, edition):
    root = good_release / "html"
    folder = root / edition.code
    pages = {str(p.relative_to(root)): p.read_text("utf-8") for p in folder.rglob("*.html")}
    assert len(pages) >= 16
    broken = broken_links(pages, lambda target: (root / target).exists())
    assert broken == []


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.code)
def test_epub_links_resolve(good_release, edition):
    book = good_release / published("epub", edition.code, "epub")
    with zipfile.ZipFile(book) as archive:
        names = set(archive.namelist())
        pages = {n: archive.read(n).decode("utf-8") for n in names if n.endswith(".xhtml")}
    broken = broken_links(pages, lambda target: target in names)
    assert broken == []


def test_broken_links_are_found():
    pages = {
        "a/x.html": '<a href="../b.html#nope">b</a><a href="y.html">y</a>',
        "b.html": "<p id='here'></p>",
    }
    broken = broken_links(pages, lambda target: target in pages)
    assert broken == [
        "a/x.html: ../b.html#nope (no anchor #nope)",
        "a/x.html: y.html (no file a/y.html)",
    ]


def test_root_page_links_resolve(good_release):
    root = good_release / "html"
    page = (root / "index.html").read_text("utf-8")
    broken = broken_links({"index.html": page}, lambda target: (root / target).exists())
    assert broken == []
    assert len([h for h in internal_links(page) if h.endswith("/index.html")]) >= len(EDITIONS)
