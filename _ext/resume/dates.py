"""Dates and periods as each edition writes them: ``Jan 2025 – Present``, ``2025年1月 – 至今``.

A role's or degree's dates are data (``YYYY`` or ``YYYY-MM`` in its directive), never text of a
catalog: the builder writes them in the edition's language, the same in the pages, the timeline,
the PDF and the text résumé. Month names and the order of year and month come from the CLDR
through Babel (``format_skeleton``, the skeleton ``yMMM``), which Sphinx already depends on; the
word for an open end is ours, since the CLDR has none.
"""

from __future__ import annotations

import datetime

from babel import Locale
from babel.dates import format_skeleton

from .data import Date

#: What an open end (``end: present``) reads in each edition, by Sphinx ``language``.
PRESENT = {"zh_CN": "至今", "en": "Present", "ja": "現在"}
#: Between the start and the end, in every edition.
SEPARATOR = " – "


def format_date(date: Date, language: str) -> str:
    """``date`` in ``language``: a year alone as digits, a month by its CLDR abbreviation."""
    if not date.month:
        return str(date.year)
    day = datetime.date(date.year, date.month, 1)
    return format_skeleton("yMMM", day, locale=Locale.parse(language))


def format_period(start: Date, end: Date | None, language: str) -> str:
    """``start – end`` in ``language``; ``end`` ``None`` stands for the present."""
    finish = format_date(end, language) if end else PRESENT[language]
    return f"{format_date(start, language)}{SEPARATOR}{finish}"
