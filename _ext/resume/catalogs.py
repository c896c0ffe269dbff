"""Check translation catalogs: complete, exact and well-formed, or a list of what is not.

"Exact" means that every translation states the figures of its source (``figures``).

Sphinx drops fuzzy entries silently, and Babel reads a malformed ``.po`` file with no more than a
warning, after which Sphinx publishes a truncated translation. So the catalogs are checked here,
line by line, before anything is built from them.

``nox -s catalogs-check`` (``tools/check_catalogs.py``) prints the counts per file and language
and exits non-zero when any catalog is incomplete. The extension runs the same check
at the start of every build of an edition, on that edition's catalogs only: the Chinese edition
(whose only catalog is the theme's) builds whatever the state of the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .figures import differences

KINDS = ("syntax", "untranslated", "fuzzy", "obsolete", "figures")

_STRING = r'"(?:[^"\\]|\\["\\abfnrtv]|\\[0-7]{1,3}|\\x[0-9a-fA-F]+)*"'
_KEYWORD = re.compile(rf"(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+{_STRING}\s*")
_CONTINUATION = re.compile(rf"{_STRING}\s*")


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.message}"


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def syntax_problems(path: Path) -> list[Problem]:
    """Lines that GNU msgfmt would reject, and that Babel reads without complaint."""
    problems = []
    entries: list[tuple[int, dict[str, str]]] = []
    current: dict[str, str] = {}
    last = ""
    for number, raw in enumerate(path.read_text("utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            last = ""
            continue
        if _KEYWORD.fullmatch(line):
            keyword, text = line.split(None, 1)
            starts_entry = keyword == "msgctxt" or (
                keyword == "msgid" and ("msgid" in current or "msgctxt" not in current)
            )
            if starts_entry:
                current = {}
                entries.append((number, current))
            current[keyword] = text.strip()[1:-1]
            last = keyword
        elif _CONTINUATION.fullmatch(line) and last:
            current[last] += line[1:-1]
        else:
            problems.append(Problem(path, number, "syntax", f"not a catalog line: {_excerpt(raw)}"))
    seen: set[tuple[str, str]] = set()
    for number, entry in entries:
        if "msgid" not in entry or not any(k.startswith("msgstr") for k in entry):
            problems.append(Problem(path, number, "syntax", "an entry needs a msgid and a msgstr"))
            continue
        key = (entry.get("msgctxt", ""), entry["msgid"])
        if key in seen:
            problems.append(Problem(path, number, "syntax", f"duplicate msgid {_excerpt(key[1])}"))
        seen.add(key)
    return problems


def catalog_problems(path: Path) -> list[Problem]:
    """Every problem of one ``.po`` file: syntax first, then completeness."""
    from babel.messages.pofile import read_po

    problems = syntax_problems(path)
    if problems:
        return problems  # what Babel would read from a malformed file cannot be trusted
    with path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    for message in catalog:
        if not message.id:
            if message.fuzzy:
                problems.append(Problem(path, message.lineno or 1, "fuzzy", "the header is fuzzy"))
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(Problem(path, message.lineno, "fuzzy", _excerpt(msgid)))
        elif not all(s and s.strip() for s in strings):
            problems.append(Problem(path, message.lineno, "untranslated", _excerpt(msgid)))
        else:
            problems.extend(_figure_problems(path, message.lineno, message.id, strings))
    for message in catalog.obsolete.values():
        problems.append(Problem(path, message.lineno or 1, "obsolete", _excerpt(str(message.id))))
    return problems


def _figure_problems(
    path: Path, line: int, msgid: str | tuple[str, ...], strings: tuple[str, ...]
) -> list[Problem]:
    """A translation must state the figures its source states, value for value."""
    sources = (msgid,) if isinstance(msgid, str) else (msgid[0],) + (msgid[1],) * (len(strings) - 1)
    problems = []
    for source, translation in zip(sources, strings):
        lost, added = differences(source, translation)
        if lost or added:
            lost_text = ", ".join(sorted(lost.elements())) or "-"
            added_text = ", ".join(sorted(added.elements())) or "-"
            problems.append(
                Problem(
                    path,
                    line,
                    "figures",
                    f"{_excerpt(source)}: missing or changed {lost_text}; not in the source {added_text}",
                )
            )
    return problems


def catalog_files(language: str, locales: Path) -> list[Path]:
    """Every ``.po`` file of ``language`` under ``locales`` (a ``locale_dirs`` folder), sorted."""
    return sorted((locales / language / "LC_MESSAGES").rglob("*.po"))


def language_problems(language: str, locales: Path) -> list[Problem]:
    """Every problem of every catalog of ``language`` under ``locales``."""
    return [p for path in catalog_files(language, locales) for p in catalog_problems(path)]
