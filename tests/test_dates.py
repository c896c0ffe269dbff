"""Dates are data: the builder writes each role's and degree's period in the edition's own form
(``resume/dates.py``), on the page, in the timeline and in the PDF and text résumé; no catalog
holds one."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resume.data import Date
from resume.dates import PRESENT, format_date, format_period
from resume.languages import EDITIONS

from helpers import build, write_project

LANGUAGES = [e.sphinx for e in EDITIONS]


@pytest.mark.parametrize(
    ("start", "end", "language", "shown"),
    [
        (Date(2025, 1), None, "en", "Jan 2025 – Present"),
        (Date(2025, 1), None, "zh_CN", "2025年1月 – 至今"),
        (Date(2025, 1), None, "ja", "2025年1月 – 現在"),
        (Date(2019), Date(2021), "en", "2019 – 2021"),
        (Date(2019), Date(2021, 12), "en", "2019 – Dec 2021"),
        (Date(2014, 9), Date(2016, 3), "ja", "2014年9月 – 2016年3月"),
    ],
)
def test_named_periods(start, end, language, shown):
    assert format_period(start, end, language) == shown


dates = st.builds(Date, st.integers(1900, 2100), st.integers(0, 12))


@given(dates, st.sampled_from(LANGUAGES))
def test_every_date_states_its_year_and_month_once(date, language):
    """The year, and the month when given, are the only figures a written date holds; an open
    end reads as the edition's word for the present."""
    text = format_date(date, language)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    expected = [date.year] if language == "en" or not date.month else [date.year, date.month]
    assert numbers == expected, text
    if date.month and language == "en":
        assert re.fullmatch(r"[A-Z][a-z]{2} \d{4}", text), text
    assert format_period(date, None, language).endswith(PRESENT[language])


ROLE = """\
(x)=
# 某公司

```{resume-role}
:organisation: 某公司
:title: 工程师
:start: 2025-01
:end: present
```

(x-timeline)=
## 时间线

```{resume-timeline}
```
"""
HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: {}\\n"\n'
    '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
)
CATALOG = 'msgid "某公司"\nmsgstr "Example Tech"\n\nmsgid "工程师"\nmsgstr "Engineer"\n\nmsgid "时间线"\nmsgstr "Timeline"\n'  # fmt: skip


@pytest.mark.parametrize(
    ("language", "shown"), [("zh_CN", "2025年1月 – 至今"), ("en", "Jan 2025 – Present")]
)
def test_the_page_and_the_timeline_write_the_period_of_the_edition(tmp_path, language, shown):
    pages = {
        "index.md": ROLE,
        "locales/en/LC_MESSAGES/index.po": HEADER.format("en") + CATALOG,
    }
    src = write_project(tmp_path / "src", pages, "resume_locale_dirs = ['locales/']\n")
    result = build(src, tmp_path / "out", "html", language)
    assert result.returncode == 0, result.stderr
    card = result.html("index").select_one(".resume-role")
    assert shown in card.get_text(" ")
    period = result.html("index").select_one(".resume-timeline-period")
    assert period.get_text() == shown
