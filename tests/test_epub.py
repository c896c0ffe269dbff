"""The ePub: metadata a reader's library shows, and a table of contents with every page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile

import pytest

from resume_sources import conf_literal, pages, projects, roles

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}


@pytest.fixture(scope="module")
def book(epub):
    with zipfile.ZipFile(epub) as archive:
        yield archive


def test_mimetype_comes_first_and_is_stored(book):
    first = book.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert book.read("mimetype") == b"application/epub+zip"


def test_metadata(book):
    opf = ET.fromstring(book.read("content.opf"))
    meta = opf.find("opf:metadata", NS)

    def dc(name: str) -> str:
        return (meta.findtext(f"dc:{name}", namespaces=NS) or "").strip()

    owner, author = conf_literal("resume_owner")["zh_CN"], conf_literal("EPUB_AUTHORS")["zh_CN"]
    assert dc("title") == f"{owner['name']} · {owner['headline']}"
    assert dc("creator") == author
    assert dc("publisher") == author
    assert dc("language") == "zh-CN"
    assert dc("description") == conf_literal("DESCRIPTIONS")["zh_CN"]
    identifier = meta.find("dc:identifier", NS)
    assert identifier.text == "xu-xin-resume-zh-cn"
    assert opf.get("unique-identifier") == identifier.get("id")


def test_every_page_is_in_the_book_and_its_toc(book):
    names = set(book.namelist())
    assert {f"{page}.xhtml" for page in pages()} <= names
    ncx = ET.fromstring(book.read("toc.ncx"))
    targets = {
        point.find("ncx:content", NS).get("src").split("#")[0].removesuffix(".xhtml")
        for point in ncx.iter(f"{{{NS['ncx']}}}navPoint")
    }
    assert set(roles()) | set(projects()) <= targets
