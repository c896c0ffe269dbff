"""Contact details: published only as their visibility allows, whatever the environment holds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resume.contact import ContactError, published, validate
from resume.environment import read

from helpers import GITHUB, SMALL_FULL, build, write_project

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
    shown = published(CONTACT, {"phone": SMALL_FULL})
    assert shown["phone"].text == SMALL_FULL
    assert shown["phone"].href == "tel:+8613612343209"
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


@pytest.mark.parametrize(
    ("full", "why"),
    [
        ("call me", "characters other than digits and a phone number's separators"),
        ("+86 139 1234 5678", "5 of the digits the masked value shows differ"),
        ("+86 136 1234 320", "it has 12 digits where the masked value has 13"),
        ("136 1234 3209", "it has 11 digits where the masked value has 13"),
    ],
)
def test_a_full_number_the_mask_cannot_stand_for_is_refused(full, why):
    """RESUME_PHONE must be the number whose masked form conf.py holds; the error says why and
    what to do, and never quotes the number (a build's log is often public)."""
    with pytest.raises(ContactError) as raised:
        published(CONTACT, {"phone": full})
    message = str(raised.value)
    assert why in message and "What to do:" in message and "RESUME_PHONE" in message
    assert full not in message


@pytest.mark.parametrize("full", [SMALL_FULL, "+86-136-1234-3209", "(+86) １３６ 1234 3209"])
def test_any_spelling_of_a_fitting_number_is_published_as_given(full):
    assert published(CONTACT, {"phone": full})["phone"].text == full


def test_a_build_with_a_number_the_mask_cannot_stand_for_fails(tmp_path):
    conf = f"resume_contact = { ({'phone': CONTACT['phone']})!r}\n"
    src = write_project(tmp_path / "src", {"index.md": "# Home\n"}, conf)
    result = build(
        src, tmp_path / "out", confoverrides={"resume_contact_values": {"phone": "call me"}}
    )
    assert result.returncode != 0
    assert "does not fit the masked value" in result.stderr and "What to do:" in result.stderr
    assert not (result.outdir / "index.html").exists()


def test_the_environment_supplies_the_values():
    """conf.py reads RESUME_PHONE and RESUME_GITHUB into resume_contact_values, and only them."""
    environ = {
        "RESUME_PHONE": f" {SMALL_FULL} ",
        "RESUME_GITHUB": GITHUB,
        "RESUME_EMAIL": "x@e.org",
    }
    assert read(environ).contact_values == {"phone": SMALL_FULL, "github": GITHUB}
    assert read({"RESUME_PHONE": "", "RESUME_GITHUB": " "}).contact_values == {}


def test_full_number_reaches_the_page_only_with_the_opt_in(make_project, tmp_path):
    conf = f"resume_contact = {CONTACT!r}\n"
    src = make_project({"index.md": "# 首页\n\n```{resume-contact}\n```\n"}, conf)
    default = build(src, tmp_path / "default")
    opt_in = build(
        src, tmp_path / "opt-in", confoverrides={"resume_contact_values": {"phone": SMALL_FULL}}
    )
    assert default.stderr == "" and opt_in.stderr == "", default.stderr + opt_in.stderr
    assert "+86 136 **** 3209" in default.html("index").get_text()
    assert "1234 3209" not in (default.outdir / "index.html").read_text("utf-8")
    link = opt_in.html("index").find("a", href="tel:+8613612343209")
    assert link is not None and link.get_text() == SMALL_FULL


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("zh_CN", ["电话", "GitHub", "联系人名片"]),
        ("en", ["Phone", "GitHub", "Contact card"]),
        ("ja", ["電話", "GitHub", "連絡先カード"]),
    ],
)
def test_every_edition_labels_a_configured_detail(opt_in, language, labels):
    """The real site with RESUME_GITHUB set (and RESUME_PHONE: the opt-in builds); the contact
    card (resume.vcard) comes last."""
    site = opt_in(language, "html")
    assert site.stderr == ""
    contact = site.html("index").select_one("article .resume-contact")
    assert [dt.get_text(strip=True).rstrip(":") for dt in contact.select("dt")] == labels
    assert contact.find("a", href=GITHUB)


# A masked phone number: how many of its digits it shows besides its country code.
MASKED_PHONES = st.builds(
    lambda code, digits, hidden: f"+{code} " + "".join(digits) + "*" * hidden,
    st.sampled_from(["1", "86", "852"]),
    st.lists(st.sampled_from("0123456789"), max_size=8),
    st.integers(min_value=3, max_value=6),
)


@given(masked=MASKED_PHONES)
def test_a_masked_phone_shows_four_digits_or_is_refused(masked):
    """A mask showing fewer would fit the pages' own dates and figures: the privacy check would
    take them for the owner's number."""
    shown = sum(c.isdigit() for c in masked.split(" ", 1)[1])
    contact = {"phone": {"value": masked, "visibility": "masked"}}
    if shown >= 4:
        validate(contact)
    else:
        with pytest.raises(ContactError, match=rf"shows {shown} digits besides its country code"):
            validate(contact)


@pytest.mark.parametrize("masked", ["***-****", "+86 *** **** *209", "(+1) 415-***-****"])
def test_a_mask_that_shows_too_little_is_refused_with_what_to_do(masked):
    with pytest.raises(ContactError, match=r"What to do: show 4 of its digits or more"):
        validate({"phone": {"value": masked, "visibility": "masked"}})
    validate({"phone": {"value": "+86 136 **** 3209", "visibility": "masked"}})


@pytest.mark.parametrize(
    "masked", ["+86 13a **** 3209", "+86 136 **** 32O9", "+1 415 ***-0123 ext"]
)
def test_a_masked_phone_with_other_characters_is_refused(masked):
    """The privacy check reads a masked number's digits and masks alone: with a letter in it,
    it would look for another number than the one meant."""
    with pytest.raises(ContactError, match=r"neither a digit.*What to do: write the number"):
        validate({"phone": {"value": masked, "visibility": "masked"}})
    validate({"phone": {"value": "(+1) 415-***-0123", "visibility": "masked"}})


@given(
    at=st.integers(min_value=0, max_value=17),
    letter=st.characters(categories=["L", "So"], exclude_characters="*•×"),
)
def test_any_letter_in_a_masked_phone_is_refused(at, letter):
    masked = "+86 136 **** 3209"
    with pytest.raises(ContactError, match="neither a digit"):
        validate({"phone": {"value": masked[:at] + letter + masked[at:], "visibility": "masked"}})


def test_a_mask_in_full_width_asterisks_hides_its_digits():
    """NFKC reads ＊ as *, as the privacy check and RESUME_PHONE's check do."""
    validate({"phone": {"value": "+86 136 ＊＊＊＊ 3209", "visibility": "masked"}})
