"""When the résumé was last updated: the build's date (``SOURCE_DATE_EPOCH``) in each edition's
own date form, on the home page, in the PDF and the text résumé, and in ``resume.json``."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from test_pdf import poppler, squeeze

from resume.languages import EDITIONS
from resume.outputs import RESUME_JSON, published
from resume.settings import PREFIX, Settings
from resume.updated import formatted_date, iso_timestamp

from helpers import EPOCH, build

SCHEMA = json.loads((Path(__file__).parent / "data" / "jsonresume.schema.json").read_text("utf-8"))
#: A fixed build date: 2023-11-14 22:13:20 UTC.
FIXED = 1700000000
#: The long date form of each edition's locale (CLDR) for FIXED.
LONG_DATES = {"zh_CN": "2023年11月14日", "en": "November 14, 2023", "ja": "2023年11月14日"}
#: What the theme catalogs make of "Last updated on %(last_updated)s", without the date.
SENTENCES = {"zh_CN": "最后更新于", "en": "Last updated on", "ja": "最終更新："}


def config(language: str, build_date: int) -> SimpleNamespace:
    """What the date functions read of Sphinx's configuration: the language, and every
    ``resume_*`` value (its default but for the build's date)."""
    values = dataclasses.asdict(Settings(build_date=build_date))
    return SimpleNamespace(language=language, **{PREFIX + k: v for k, v in values.items()})


@pytest.mark.parametrize("language", [e.sphinx for e in EDITIONS])
def test_date_in_the_editions_long_form(language):
    fixed = config(language, FIXED)
    assert formatted_date(fixed) == LONG_DATES[language]
    assert iso_timestamp(fixed) == "2023-11-14T22:13:20"


@given(st.integers(min_value=0, max_value=4102444799))  # up to 2099-12-31
def test_any_build_date_names_its_own_day(epoch):
    """Each form names the build's UTC day: its year, and its day of the month, as figures."""
    day = datetime.datetime.fromtimestamp(epoch, datetime.UTC).date()
    for edition in EDITIONS:
        text = formatted_date(config(edition.sphinx, epoch))
        assert [int(n) for n in re.findall(r"\d+", text)] in (
            [day.year, day.month, day.day],  # 2023年11月14日
            [day.day, day.year],  # November 14, 2023
        ), text
    stamp = config("en", epoch)
    assert datetime.datetime.fromisoformat(iso_timestamp(stamp)).date() == day


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.code)
def test_every_output_says_the_same_date(good_release, edition):
    """The release (SOURCE_DATE_EPOCH=EPOCH): the home page, the text, the PDF, resume.json."""
    sentence = f"{SENTENCES[edition.sphinx]}"
    build_date = config(edition.sphinx, int(EPOCH))
    date = formatted_date(build_date)
    html = good_release / "html" / edition.code
    home = BeautifulSoup((html / "index.html").read_text("utf-8"), "html.parser")
    [shown] = home.select("p.resume-updated")
    assert squeeze(shown.get_text()) == squeeze(sentence + date)

    text = (good_release / published("text", edition.code, "txt")).read_text()
    assert [line for line in text.splitlines() if date in line] == [shown.get_text()]

    pdf = good_release / published("pdf", edition.code, "pdf")
    assert squeeze(sentence + date) in squeeze(poppler("pdftotext", str(pdf), "-"))

    resume = json.loads((html / RESUME_JSON).read_text("utf-8"))
    assert resume["meta"]["lastModified"] == iso_timestamp(build_date)
    assert list(Draft7Validator(SCHEMA).iter_errors(resume)) == []


def test_the_page_says_the_date_of_this_build(make_project, tmp_path):
    """The sentence is filled when the page is written: a later build says its own date."""
    src = make_project({"index.md": "# Name\n\n```{resume-updated}\n```\n"})
    for epoch, day in ((1700000000, "2023年11月14日"), (1760000000, "2025年10月9日")):
        result = build(src, tmp_path / str(epoch), confoverrides={"resume_build_date": epoch})
        assert result.returncode == 0, result.stderr
        [para] = result.html("index").select("p.resume-updated")
        # The small project has no theme catalog: the sentence stays English, the date Chinese.
        assert para.get_text() == f"Last updated on {day}"
