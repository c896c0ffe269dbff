"""Contact details: published only as their visibility allows, whatever the environment holds."""

from __future__ import annotations

import pytest

from resume.contact import ContactError, published
from resume.environment import read

from helpers import GITHUB, MADE_UP, build

CONTACT = {
    "phone": {"value": "+86 136 **** 3209", "visibility": "masked"},
    "github": {"value": "", "visibility": "public"},
    "email": {"value": "someone@example.org", "visibility": "private"},
}


def test_masked_by_default():
    shown = published(CONTACT, {})
    assert shown["phone"].text == "+86 136 **** 3209"
    assert shown["phone"].href == "" and not shown["phone"].full
    assert "github" not in shown  # empty: renders nothing
    assert "email" not in shown  # private: never


def test_full_number_only_from_the_environment():
    shown = published(CONTACT, {"phone": MADE_UP})
    assert shown["phone"].text == MADE_UP
    assert shown["phone"].href == "tel:+8613912345678"
    assert shown["phone"].full


def test_private_stays_private_even_when_the_build_supplies_it():
    assert "email" not in published(CONTACT, {"email": "x@example.org"})


def test_configured_profile_is_public():
    shown = published(CONTACT, {"github": "https://github.com/example"})
    assert shown["github"].href == "https://github.com/example"


@pytest.mark.parametrize(
    "contact",
    [
        {"fax": {"value": "1", "visibility": "public"}},
        {"phone": {"value": "1", "visibility": "secret"}},
        {"phone": {"value": "1", "visibility": "public", "colour": "red"}},
        {"github": {"value": "http://github.com/x", "visibility": "public"}},
        {"phone": {"value": "1", "visibility": "masked", "env": "RESUME_PHONE"}},
    ],
    ids=["unknown-kind", "unknown-visibility", "unknown-key", "not-https", "env-key-is-gone"],
)
def test_bad_configuration_is_refused(contact):
    with pytest.raises(ContactError):
        published(contact, {})


def test_the_environment_supplies_the_values():
    """conf.py reads RESUME_PHONE and RESUME_GITHUB into resume_contact_values, and only them."""
    environ = {"RESUME_PHONE": f" {MADE_UP} ", "RESUME_GITHUB": GITHUB, "RESUME_EMAIL": "x@e.org"}
    assert read(environ).contact_values == {"phone": MADE_UP, "github": GITHUB}
    assert read({"RESUME_PHONE": "", "RESUME_GITHUB": " "}).contact_values == {}


def test_full_number_reaches_the_page_only_with_the_opt_in(make_project, tmp_path):
    conf = f"resume_contact = {CONTACT!r}\n"
    src = make_project({"index.md": "# 首页\n\n```{resume-contact}\n```\n"}, conf)
    default = build(src, tmp_path / "default")
    opt_in = build(
        src, tmp_path / "opt-in", confoverrides={"resume_contact_values": {"phone": MADE_UP}}
    )
    assert default.stderr == "" and opt_in.stderr == "", default.stderr + opt_in.stderr
    assert "+86 136 **** 3209" in default.html("index").get_text()
    assert "1234 5678" not in (default.outdir / "index.html").read_text("utf-8")
    link = opt_in.html("index").find("a", href="tel:+8613912345678")
    assert link is not None and link.get_text() == MADE_UP


@pytest.mark.parametrize(
    ("language", "labels"),
    [("zh_CN", ["电话", "GitHub"]), ("en", ["Phone", "GitHub"]), ("ja", ["電話", "GitHub"])],
)
def test_every_edition_labels_a_configured_detail(opt_in, language, labels):
    """The real site with RESUME_GITHUB set (and RESUME_PHONE: the opt-in builds)."""
    site = opt_in(language, "html")
    assert site.stderr == ""
    contact = site.html("index").select_one("article .resume-contact")
    assert [dt.get_text(strip=True).rstrip(":") for dt in contact.select("dt")] == labels
    assert contact.find("a", href=GITHUB)
