"""The extension's messages: one warning type, ``resume``, and what to do about each subtype.

A reader of a failed build needs the problem, where it is and what to change. So every warning
and error of the extension goes through ``warn`` or ``error`` (and every exception it raises
through ``problem``), which end the message with ``What to do: …``, on the message's line: a
warning stays one line (an environment variable's error too, as README.md promises), and the
release build leaves the advice on that line, said once, keeping a summary of advice of its
own for Sphinx's and MyST's warnings only. The advice for a subtype is said once, in
``SUBTYPES``; a message that needs a more specific action passes its own. README.md's table of
messages is ``table()``, checked by ``tests/test_messages.py``.

Standard library only at import time: ``resume.environment`` raises through ``problem`` in
processes where Sphinx is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The warning type of every message of the extension (``[resume.<subtype>]`` in the output).
TYPE = "resume"
#: How the advice starts; the release build reads the rest of its line.
LEAD = "What to do: "
#: A message that ends with none of these gets a full stop before its advice.
SENTENCE_ENDS = (".", "!", "?", ":", ";", "。", "！", "？")


@dataclass(frozen=True)
class Subtype:
    """What the messages of one subtype are about, and what to do unless they say more."""

    about: str
    what_to_do: str


#: Every subtype, with its advice. A row of README.md's table each (``table()``).
SUBTYPES: dict[str, Subtype] = {
    "data": Subtype(
        "A data page without its one directive, a second directive on a page, a project naming "
        "a role that is no page, a bad resume_data_pages",
        "give the page its one data directive, or point the project at role pages",
    ),
    "directive": Subtype(
        "A data directive's option: a missing or empty key, a date that is not YYYY or YYYY-MM "
        "or is after today, an end before its start, a URL that is not https://, a bad tag",
        "correct the option the message names: dates are YYYY or YYYY-MM, not after today, end "
        "may be 'present'; a project needs name, url (https://) and relation",
    ),
    "catalog": Subtype(
        "A page's catalog that is missing or not loaded, a catalog of no page, an untranslated, "
        "fuzzy or obsolete entry, a line gettext cannot read",
        "run `nox -s catalogs`, then translate, unfuzzy or delete the entry",
    ),
    "figures": Subtype(
        "A translation that states other figures than its source",
        "make the translation state the same figures as its source",
    ),
    "markup": Subtype(
        "A translation whose Markdown differs from its source's, a reference-style link",
        "keep the source's Markdown in the translation: the same links and references, the "
        "same roles, ** and ` in pairs, one paragraph (no blank line inside), no raw HTML",
    ),
    "privacy": Subtype(
        "A value the owner keeps private or masked, in an output",
        "remove the private value from the page or catalog named; publish it only through "
        "RESUME_PHONE",
    ),
    "unsafe": Subtype(
        "Raw HTML, a link that is no web address, a meta element, a hard line break, a list in "
        "a list item, an overlong word",
        "write the page in Markdown: no raw HTML, links to https:// addresses or pages only",
    ),
    "insertion": Subtype(
        "A page that reads a file or an address (include, literalinclude, :file:, :url:), an "
        "image or download outside the source folder, hidden, too large or with script",
        "write the text, rows or file in the repository, inside the source folder; no page "
        "reads a file outside it or an address",
    ),
    "symlink": Subtype(
        "A symbolic link among the sources, _static/ or _templates/ that leaves the repository, "
        "points at a hidden or unpublished file, or nowhere",
        "replace the link the message names with the file itself, or delete it",
    ),
    "environment": Subtype(
        "An environment variable the build cannot use (READTHEDOCS_*, RESUME_GITHUB, "
        "SOURCE_DATE_EPOCH)",
        "set the variable the message names to a value of the form it gives, or unset it, "
        "then build again",
    ),
    "contact": Subtype(
        "A wrong resume_contact in conf.py, or a RESUME_PHONE its masked value cannot stand for",
        "correct resume_contact in conf.py, or the environment variable the message names "
        "(RESUME_PHONE, RESUME_GITHUB)",
    ),
    "variants": Subtype(
        "A malformed resume_variants, an unknown resume_variant, a variant's summary tag no "
        "paragraph has",
        "correct resume_variants in conf.py, or build a variant it declares, in its language "
        "(README.md, 'Variants')",
    ),
    "pdf": Subtype(
        "A PDF or text résumé not written: fonts not installed, a character without a glyph, "
        "more pages than allowed, Typst's own error",
        "fix the problems the build reported above (a page, a reference, a catalog), then "
        "build again",
    ),
    "card": Subtype(
        "The social card not written: its text runs over the card, has a character no font "
        "has, or holds a private value",
        "shorten the headline, or the bold leads of the home page's first three at-a-glance items",
    ),
    "redirects": Subtype(
        "A redirect list that is missing, a line of it that is not two paths, that redirects "
        "a page that still exists or a page a second time, or to no page",
        "correct the line of redirects.txt named (README.md, 'Updating the résumé')",
    ),
    "switcher": Subtype(
        "A canonical URL without the edition's language code in its path",
        "set READTHEDOCS_CANONICAL_URL to the edition's address, with its code (zh-cn, en, "
        "ja) as a part of the path (README.md, 'Hosting on Read the Docs')",
    ),
}


def _one_line(text: str) -> str:
    """``text`` with its whitespace (line breaks included) collapsed: the advice is one line."""
    return " ".join(text.split())


def problem(message: str, what_to_do: str | None = None, subtype: str = "") -> str:
    """The text of a message: ``message``, then ``What to do: …`` on its last line, the advice
    given or the subtype's. A message made by ``problem`` already (an exception's text, passed
    on) is returned as it is: its own advice is the more specific."""
    if subtype and subtype not in SUBTYPES:
        raise KeyError(f"unknown message subtype {subtype!r}; add it to resume.messages.SUBTYPES")
    if LEAD in message:
        return message
    advice = what_to_do if what_to_do is not None else SUBTYPES[subtype].what_to_do
    text = message.rstrip()
    stop = "" if text.endswith(SENTENCE_ENDS) else "."
    return f"{text}{stop} {LEAD}{_one_line(advice)}"


def _log(level: str, message: str, what_to_do: str | None, location: Any, subtype: str) -> None:
    from sphinx.util import logging

    text = problem(message, what_to_do, subtype)
    logger = logging.getLogger(__name__)
    logger.log(level, "%s", text, location=location, type=TYPE, subtype=subtype)


def warn(
    message: str, what_to_do: str | None = None, location: Any = None, *, subtype: str
) -> None:
    """Warn: ``location`` (a node, ``(docname, line)`` or ``"path:line"``), ``message``, its
    ``What to do`` line (the subtype's unless given), and ``[resume.<subtype>]``."""
    _log("WARNING", message, what_to_do, location, subtype)


def error(
    message: str, what_to_do: str | None = None, location: Any = None, *, subtype: str
) -> None:
    """As ``warn``, for a problem that fails the build whatever ``-W`` says."""
    _log("ERROR", message, what_to_do, location, subtype)


def table() -> str:
    """README.md's table of messages, one row per subtype."""
    rows = [
        "| Subtype | What it reports | What to do (unless the message says more) |",
        "|---|---|---|",
    ]
    for name, subtype in SUBTYPES.items():
        rows.append(f"| `{TYPE}.{name}` | {subtype.about} | {subtype.what_to_do[0].upper()}"
                    f"{subtype.what_to_do[1:]} |")  # fmt: skip
    return "\n".join(rows) + "\n"
