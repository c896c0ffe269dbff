"""Contact details: published only as their visibility allows, whatever the environment holds."""

from __future__ import annotations

import pytest
from resume.contact import ContactError, published

MADE_UP = "+86 139 1234 5678"  # not the owner's number: tests never hold the real one
CONTACT = {
    "phone": {"value": "+86 136 **** 3209", "visibility": "masked", "env": "RESUME_PHONE"},
    "github": {"value": "", "visibility": "public", "env": "RESUME_GITHUB"},
    "email": {"value": "someone@example.org", "visibility": "private", "env": "RESUME_EMAIL"},
}


def test_masked_by_default():
    shown = published(CONTACT, environ={})
    assert shown["phone"].text == "+86 136 **** 3209"
    assert shown["phone"].href == "" and not shown["phone"].full
    assert "github" not in shown  # empty: renders nothing
    assert "email" not in shown  # private: never


def test_full_number_only_from_the_environment():
    shown = published(CONTACT, environ={"RESUME_PHONE": MADE_UP})
    assert shown["phone"].text == MADE_UP
    assert shown["phone"].href == "tel:+8613912345678"
    assert shown["phone"].full


def test_private_stays_private_even_when_the_environment_has_it():
    assert "email" not in published(CONTACT, environ={"RESUME_EMAIL": "x@example.org"})


def test_configured_profile_is_public():
    shown = published(CONTACT, environ={"RESUME_GITHUB": "https://github.com/example"})
    assert shown["github"].href == "https://github.com/example"


@pytest.mark.parametrize(
    "contact",
    [
        {"fax": {"value": "1", "visibility": "public"}},
        {"phone": {"value": "1", "visibility": "secret"}},
        {"phone": {"value": "1", "visibility": "public", "colour": "red"}},
        {"github": {"value": "http://github.com/x", "visibility": "public"}},
    ],
    ids=["unknown-kind", "unknown-visibility", "unknown-key", "not-https"],
)
def test_bad_configuration_is_refused(contact):
    with pytest.raises(ContactError):
        published(contact, environ={})


def test_full_number_reaches_the_page_only_with_the_opt_in(make_project, tmp_path):
    from conftest import sphinx_build

    conf = f"resume_contact = {CONTACT!r}\n"
    src = make_project({"index.md": "# 首页\n\n```{resume-contact}\n```\n"}, conf)
    default = sphinx_build(src, tmp_path / "default")
    opt_in = sphinx_build(src, tmp_path / "opt-in", env={"RESUME_PHONE": MADE_UP})
    assert default.returncode == 0 and opt_in.returncode == 0, default.stderr + opt_in.stderr
    assert "+86 136 **** 3209" in default.html("index").get_text()
    assert "1234 5678" not in (default.outdir / "index.html").read_text("utf-8")
    link = opt_in.html("index").find("a", href="tel:+8613912345678")
    assert link is not None and link.get_text() == MADE_UP


@pytest.mark.parametrize(
    ("language", "labels"),
    [("zh_CN", ["电话", "GitHub"]), ("en", ["Phone", "GitHub"]), ("ja", ["電話", "GitHub"])],
)
def test_every_edition_labels_a_configured_detail(tmp_path, language, labels):
    from conftest import REPO, sphinx_build

    profile = "https://github.com/example"
    build = sphinx_build(REPO, tmp_path / "out", "html", language, env={"RESUME_GITHUB": profile})
    assert build.returncode == 0, build.stderr
    contact = build.html("index").select_one("article .resume-contact")
    assert [dt.get_text(strip=True).rstrip(":") for dt in contact.select("dt")] == labels
    assert contact.find("a", href=profile)
