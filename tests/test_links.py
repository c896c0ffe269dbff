"""Every internal link and anchor of every edition resolves, offline: HTML and ePub alike."""

from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from resume.languages import EDITIONS
from resume.outputs import published

EXTERNAL = ("http", "https", "mailto", "tel", "javascript", "data")


def internal_links(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    hrefs = [a.get("href") for a in soup.find_all(["a", "link"])]
    hrefs += [tag.get("src") for tag in soup.find_all(["script", "img"])]
    return [h for h in hrefs if h and urlsplit(h).scheme not in EXTERNAL]


def ids(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    return {tag["id"] for tag in soup.find_all(id=True)} | {
        tag["name"] for tag in soup.find_all("a", attrs={"name": True})
    }


def broken_links(files: dict[str, str], exists) -> list[str]:
    """Links of the given pages (path -> text) whose file or anchor is missing."""
    anchors: dict[str, set[str]] = {}
    broken = []
    for path, text in files.items():
        for href in internal_links(text):
            parts = urlsplit(href)
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
                if parts.path
                else path
            )
            if not exists(target):
                broken.append(f"{path}: {href} (no file {target})")
                continue
            if parts.fragment and target in files:
                anchors.setdefault(target, ids(files[target]))
                if unquote(parts.fragment) not in anchors[target]:
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
