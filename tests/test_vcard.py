"""The contact card, ``contact.vcf``: vCard 4.0, parsed back by a vCard library (vobject), with
only what the privacy settings publish, linked from the home page's contact line."""

from __future__ import annotations

import re
import zipfile

import pytest
import vobject
from hypothesis import given
from hypothesis import strategies as st

from resume.languages import BY_SPHINX, EDITIONS, SOURCE
from resume.outputs import VCARD
from resume.vcard import LINE_OCTETS, escape, fold

from helpers import GITHUB, PHONE, SMALL_FULL, Build, build

SMALL_CONF = """
project = '名字'
resume_owner = {'zh_CN': {'name': 'Name', 'headline': 'Headline, with a comma; and a semicolon'}}
html_baseurl = 'https://example.org/zh-cn/'
resume_contact = {
    'phone': {'value': '+86 136 **** 3209', 'visibility': 'masked'},
    'email': {'value': 'hidden@example.org', 'visibility': 'private'},
    'website': {'value': 'https://example.org/blog', 'visibility': 'public'},
    'github': {'value': '', 'visibility': 'public'},
}
"""
HOME = "# Name\n\n(contact)=\n## Contact\n\n```{resume-contact}\n```\n"


def card(build: Build) -> vobject.base.Component:
    text = (build.outdir / VCARD).read_bytes().decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF only
    return vobject.readOne(text)


def values(component: vobject.base.Component, name: str) -> list[str]:
    return [line.value for line in component.contents.get(name, [])]


def built(result: Build) -> Build:
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("language", [e.sphinx for e in EDITIONS])
def test_each_edition_has_a_card_that_parses(build_site, language):
    """The real site: the name and headline as the home page's title gives them, in the
    edition's language and in the native form, and no contact value (the phone is masked)."""
    site = built(build_site(language, "html"))
    vcard = card(site)
    assert vcard.version.value == "4.0"
    name, headline = site.html("index").title.get_text().split(" · ", 1)
    names = {line.params["LANGUAGE"][0]: line.value for line in vcard.contents["fn"]}
    tag = BY_SPHINX[language].tag
    assert names[tag if tag in names else SOURCE.tag] == name
    assert SOURCE.tag in names  # the native form, whatever the edition
    assert values(vcard, "title") == [headline]
    # A masked number is left out, not printed masked; without a base URL there is no address.
    assert set(vcard.contents) <= {"version", "kind", "fn", "title", "rev"}
    text = (site.outdir / VCARD).read_text("utf-8")
    assert not any(mask in text for mask in PHONE.masks) and PHONE.shown[-1] not in text


def test_home_page_links_the_card_on_the_site_only(build_site, epub):
    site = built(build_site(SOURCE.sphinx, "html"))
    [link] = site.html("index").select(".resume-contact a.resume-vcard")
    assert link["href"] == VCARD and (site.outdir / link["href"]).is_file()
    # The ePub has no such file, so no link to it.
    with zipfile.ZipFile(epub) as book:
        assert not any(VCARD in book.read(n).decode("utf-8", "replace") for n in book.namelist())


def test_card_holds_only_what_is_published(make_project, tmp_path):
    src = make_project({"index.md": HOME}, SMALL_CONF)
    bare = built(build(src, tmp_path / "bare"))
    vcard = card(bare)
    assert values(vcard, "title") == ["Headline, with a comma; and a semicolon"]
    assert values(vcard, "fn") == ["Name", "名字"]
    assert values(vcard, "url") == [
        "https://example.org/zh-cn/index.html",
        "https://example.org/blog",
    ]
    assert "tel" not in vcard.contents and "email" not in vcard.contents
    text = (bare.outdir / VCARD).read_text("utf-8")
    assert "hidden@example.org" not in text and "****" not in text

    supplied = {"resume_contact_values": {"phone": SMALL_FULL, "github": GITHUB}}
    opted = built(build(src, tmp_path / "opted", confoverrides=supplied))
    vcard = card(opted)
    assert values(vcard, "tel") == ["tel:+8613612343209"]
    assert GITHUB in values(vcard, "url")
    assert "email" not in vcard.contents  # private stays private


def test_card_date_is_the_builds(make_project, tmp_path):
    src = make_project({"index.md": HOME}, SMALL_CONF)
    result = built(build(src, tmp_path / "out", confoverrides={"resume_build_date": 1700000000}))
    assert values(card(result), "rev") == ["20231114T221320Z"]


# Text a résumé may hold: any letters, CJK, punctuation, and the characters vCard escapes.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r") | st.just("\n"),
    min_size=1,
    max_size=200,
).filter(lambda text: text.strip() == text and text.strip())


@given(TEXT)
def test_any_text_survives_escaping_and_folding(text):
    line = fold(f"TITLE:{escape(text)}")
    for physical in line.split("\r\n"):
        assert len(physical.encode("utf-8")) <= LINE_OCTETS
    vcard = vobject.readOne(f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n{line}\r\nEND:VCARD\r\n")
    assert vcard.title.value == text


def test_folding_never_splits_a_character():
    line = fold("TITLE:" + "基础架构" * 40)
    assert all(re.fullmatch(r" ?[^\r\n]+", part) for part in line.split("\r\n"))
    assert line.replace("\r\n ", "") == "TITLE:" + "基础架构" * 40
