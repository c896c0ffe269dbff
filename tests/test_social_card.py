"""The social preview card: one 1200×630 PNG per edition, named on every page of the site with
its size, its alt text in the edition's language and ``twitter:card``; reproducible; refused
when its text cannot be set or would show what the owner keeps private."""

from __future__ import annotations

import os
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from resume.card import HEIGHT, WIDTH
from resume.languages import EDITIONS, SOURCE
from resume.outputs import SOCIAL_CARD

from helpers import OPT_IN_BASEURL, build, site_pages
from resume_sources import allowed_han

#: Han, kana and CJK punctuation: a Chinese or Japanese text has some, an English one none.
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height from its header chunk (IHDR), which must be intact."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    body = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert zlib.crc32(kind + body) == crc, "a damaged header"
    width, height = struct.unpack(">II", body[:8])
    return width, height


def meta(page: BeautifulSoup, key: str) -> str | None:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.code)
def test_every_page_names_the_card(opt_in, edition):
    """Built with a base URL: every page has the card's tags, absolute, and the file is there."""
    site = opt_in(edition.sphinx, "html")
    assert site.returncode == 0, site.stderr
    base = OPT_IN_BASEURL.format(edition.code)
    card = (site.outdir / SOCIAL_CARD).read_bytes()
    assert png_size(card) == (WIDTH, HEIGHT) == (1200, 630)

    home = site.html("index")
    name, headline = home.title.get_text().split(" · ", 1)
    native = opt_in(SOURCE.sphinx, "html").html("index").title.get_text().split(" · ")[0]
    leads = [strong.get_text(" ", strip=True) for strong in home.select("#at-a-glance li strong")]
    pages = [Path(name) for name in site_pages(site.outdir)]
    assert len(pages) > 5
    for path in pages:
        page = BeautifulSoup((site.outdir / path).read_text("utf-8"), "html.parser")
        assert meta(page, "og:image") == base + SOCIAL_CARD, path
        assert meta(page, "og:image:type") == "image/png", path
        assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
        assert meta(page, "twitter:card") == "summary_large_image", path
        alt = meta(page, "og:image:alt")
        # The card's text: the name, its native form, the headline, the first highlights' leads.
        assert alt.startswith(name) and headline in alt, (path, alt)
        assert native in alt
        assert sum(" ".join(lead.split()) in alt for lead in leads[:3]) >= 2, (alt, leads)
        # In the edition's language: English has no CJK but the native name and allowed names.
        own = alt.replace(native, "")
        if edition.code == "en":
            for allowed in allowed_han():
                own = own.replace(allowed, "")
            assert not CJK.search(own), alt
        else:
            assert CJK.search(own.replace("·", "")), alt


def test_no_tags_without_an_address(site):
    """An og:image must be absolute: without a base URL the pages name no card (it is written)."""
    assert site.returncode == 0, site.stderr
    assert png_size((site.outdir / SOCIAL_CARD).read_bytes()) == (WIDTH, HEIGHT)
    home = site.html("index")
    assert meta(home, "og:image") is None and meta(home, "twitter:card") is None


def test_card_is_byte_identical_in_two_releases(releases):
    first, second = releases
    for edition in EDITIONS:
        one, two = (b / "html" / edition.code / SOCIAL_CARD for b in (first, second))
        assert png_size(one.read_bytes()) == (WIDTH, HEIGHT)
        assert one.read_bytes() == two.read_bytes(), edition.code
    # Each edition's own text and fonts: three different pictures.
    cards = {(first / "html" / e.code / SOCIAL_CARD).read_bytes() for e in EDITIONS}
    assert len(cards) == len(EDITIONS)


def small_site(make_project, tmp_path: Path, headline: str, glance: str = "") -> tuple[Path, str]:
    conf = (
        f"resume_owner = {{'zh_CN': {{'name': 'Name', 'headline': {headline!r}}}}}\n"
        "html_baseurl = 'https://example.org/zh-cn/'\n"
        "resume_contact = {'phone': {'value': '+86 136 **** 3209', 'visibility': 'masked'}}\n"
    )
    page = "# Name\n\n(at-a-glance)=\n## Glance\n\n" + glance
    src = make_project({"index.md": page}, conf)
    result = build(src, tmp_path / "out")
    return result.outdir, result.stderr


def test_card_of_a_small_site(make_project, tmp_path):
    outdir, stderr = small_site(
        make_project, tmp_path, "Headline", "- **First** one\n- **Second** two\n- plain third\n"
    )
    assert stderr == ""
    assert png_size((outdir / SOCIAL_CARD).read_bytes()) == (WIDTH, HEIGHT)
    page = BeautifulSoup((outdir / "index.html").read_text("utf-8"), "html.parser")
    assert meta(page, "og:image:alt") == "Name · Headline：First、Second、plain third"


@pytest.mark.parametrize(
    ("headline", "glance", "message"),
    [
        ("Headline " * 90, "", "does not hold its text on one 1200×630 image"),
        ("Headline \U0001f600", "", "have no glyph for '\U0001f600'"),
        ("Headline", "- **Call 136 1234 3209** now\n", "would show the full phone"),
    ],
    ids=["too-long", "no-glyph", "private"],
)
def test_a_card_that_cannot_be_made_fails_the_build(make_project, tmp_path, headline, glance,
                                                    message):  # fmt: skip
    outdir, stderr = small_site(make_project, tmp_path, headline, glance)
    assert message in stderr and "What to do:" in stderr, stderr
    assert not (outdir / SOCIAL_CARD).exists()


def test_an_incremental_build_names_the_new_text_on_every_page(make_project, tmp_path):
    """A changed highlight is read from the home page alone, but every page's alt text says it."""
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp

    glance = "- **First** one\n- **Second** two\n"
    conf = (
        "resume_owner = {'zh_CN': {'name': 'Name', 'headline': 'Headline'}}\n"
        "html_baseurl = 'https://example.org/zh-cn/'\n"
    )
    toctree = "\n```{toctree}\nother\n```\n"
    home = "# Name\n\n(at-a-glance)=\n## Glance\n\n"
    src = make_project(
        {"index.md": home + glance + toctree, "other.md": "# Other\n\nText.\n"}, conf
    )

    def alt(page: str) -> str | None:
        text = (tmp_path / "out" / "html" / page).read_text("utf-8")
        return meta(BeautifulSoup(text, "html.parser"), "og:image:alt")

    for step, text in enumerate((glance, glance.replace("First", "Changed"))):
        (src / "index.md").write_text(home + text + toctree, "utf-8")
        later = time.time() + 10 * step  # newer than the first build, whatever the clock's grain
        os.utime(src / "index.md", (later, later))
        warnings = StringIO()
        app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out", warning=warnings,
                            status=StringIO())  # fmt: skip
        try:
            app.build()
        finally:
            app.cleanup()
        assert warnings.getvalue() == ""
    assert alt("index.html") == alt("other.html") == "Name · Headline：Changed、Second"


def test_a_card_kept_for_the_next_build_follows_its_font_files(make_project, tmp_path):
    """The card kept beside the doctrees serves a build with the same fonts, not one whose
    font folder has since lost a face: that build says the font is missing."""
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp

    from resume.pdf import SC, font_folders

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for folder in font_folders([]):
        for file in Path(folder).glob("*.tt[cf]"):
            (fonts / file.name).symlink_to(file)
    conf = (
        "resume_owner = {'zh_CN': {'name': 'Name', 'headline': 'Headline'}}\n"
        "html_baseurl = 'https://example.org/zh-cn/'\n"
        f"resume_pdf_font_paths = [{str(fonts)!r}]\n"
    )
    src = make_project(
        {"index.md": "# Name\n\n(at-a-glance)=\n## Glance\n\n- **First** one\n"}, conf
    )
    said = []
    for _ in range(2):
        warnings = StringIO()
        app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out", warning=warnings,
                            status=StringIO())  # fmt: skip
        try:
            app.build(force_all=True)
        except Exception as error:  # the card's PaperError, as Sphinx raises it
            warnings.write(str(error))
        finally:
            app.cleanup()
        said.append(warnings.getvalue())
        for link in fonts.iterdir():
            link.unlink()
    assert said[0] == ""
    assert f"the font {SC!r}" in said[1] and "What to do:" in said[1], said[1]
