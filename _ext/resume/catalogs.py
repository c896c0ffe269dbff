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
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .figures import advice, differences
from .messages import SUBTYPES, problem
from .reading import WITHHELD, Secret, holding, holds

KINDS = ("syntax", "untranslated", "fuzzy", "obsolete", "figures", "markup", "placeholders")

#: What to do about each kind of problem; a problem may carry a more precise hint of its own.
HINTS = {
    "syntax": 'write the line as gettext does (msgid "…", msgstr "…", each string in double '
    "quotes, one entry per msgid), or run `nox -s catalogs` to rewrite the file",
    "untranslated": "translate the entry (after `nox -s catalogs` if the page changed)",
    "fuzzy": "check the translation against its msgid, then delete the `#, fuzzy` line",
    "obsolete": "delete the `#~` entry: no page has this message any more",
    "figures": SUBTYPES["figures"].what_to_do,
    "markup": SUBTYPES["markup"].what_to_do,
    "placeholders": "copy each %(name)s of the msgid into the translation exactly as it is "
    "written there (the theme fills them in; a misspelt one stops the page from rendering)",
}
#: A Python format placeholder, as the theme's messages use them: ``%(title)s``.
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")

#: A Plural-Forms header gettext can load, per language family.
PLURAL_FORMS = {"en": "nplurals=2; plural=(n != 1);", "ja": "nplurals=1; plural=0;",
                "zh_CN": "nplurals=1; plural=0;"}  # fmt: skip

_STRING = r'"(?:[^"\\]|\\["\\abfnrtv]|\\[0-7]{1,3}|\\x[0-9a-fA-F]+)*"'
_KEYWORD = re.compile(rf"(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+{_STRING}\s*")
_CONTINUATION = re.compile(rf"{_STRING}\s*")


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    kind: str
    message: str
    hint: str = ""

    @property
    def what_to_do(self) -> str:
        return self.hint or HINTS[self.kind]

    def __str__(self) -> str:
        return problem(f"{self.path}:{self.line}: {self.kind}: {self.message}", self.what_to_do)


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _text(path: Path) -> tuple[str | None, list[Problem]]:
    """The file as text, or the problem that stops it being read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [
            Problem(
                path,
                1,
                "syntax",
                f"cannot be read: {error.strerror}",
                "make the file readable, or restore it with `git checkout -- <file>`",
            )
        ]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                path,
                line,
                "syntax",
                f"not UTF-8 text (byte 0x{data[error.start]:02x})",
                "save the file as UTF-8; the header must say charset=UTF-8",
            )
        ]


_HEADER = re.compile(r'^"(?P<key>[A-Za-z-]+):\s*(?P<value>.*?)(?:\\n)?"\s*$')


def header_problems(path: Path, text: str, language: str | None = None) -> list[Problem]:
    """The header fields gettext needs to load the compiled catalog: charset and Plural-Forms.

    Babel compiles a catalog whose Plural-Forms does not parse; Python's gettext then refuses the
    ``.mo``, and Sphinx, without a word, publishes the whole page (for ``sphinx.po``, the whole
    interface) in the source language.
    """
    import gettext

    if language is None and "LC_MESSAGES" in path.parts:  # locales/<language>/LC_MESSAGES/…
        language = path.parts[path.parts.index("LC_MESSAGES") - 1]
    problems = []
    in_header = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith('msgid ""'):
            in_header = True
            continue
        if in_header and line.startswith("msgid"):
            break
        match = _HEADER.match(line) if in_header else None
        if not match:
            continue
        key, value = match["key"].lower(), match["value"].strip()
        if key == "content-type":
            charset = re.search(r"charset=([\w-]+)", value)
            if not charset or charset.group(1).lower().replace("-", "") != "utf8":
                problems.append(Problem(
                    path, number, "syntax", f"the header's charset is {charset.group(1) if charset else 'missing'}",
                    'write the line as "Content-Type: text/plain; charset=UTF-8\\n" and save the file as UTF-8',
                ))  # fmt: skip
        elif key == "plural-forms":
            plural = re.search(r"plural=([^;]*)", value)
            nplurals = re.search(r"nplurals\s*=\s*(\d+)", value)
            try:
                if not (plural and nplurals):
                    raise ValueError("nplurals=… and plural=… are both needed")
                gettext.c2py(plural.group(1).strip())
            except (ValueError, RecursionError) as error:
                example = PLURAL_FORMS.get(language or "", "nplurals=1; plural=0;")
                problems.append(Problem(
                    path, number, "syntax",
                    f"Plural-Forms {value!r} does not parse ({error}): gettext would refuse the compiled "
                    "catalog and Sphinx would publish the page in Chinese",
                    f'write the line as "Plural-Forms: {example}\\n"',
                ))  # fmt: skip
        elif key == "language" and language and value.replace("-", "_").lower() != language.lower():
            problems.append(Problem(
                path, number, "syntax", f"the header's Language is {value!r} in the {language} folder",
                f'write the line as "Language: {language}\\n", or move the file to its language\'s folder',
            ))  # fmt: skip
    return problems


def syntax_problems(path: Path) -> list[Problem]:
    """Lines that GNU msgfmt would reject, and that Babel reads without complaint; the encoding,
    and the header fields gettext needs."""
    content, problems = _text(path)
    if content is None:
        return problems
    entries: list[tuple[int, dict[str, str]]] = []
    current: dict[str, str] = {}
    last = ""
    for number, raw in enumerate(content.splitlines(), start=1):
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
            elif "msgid" not in current and keyword != "msgid":
                # A msgstr (or msgid_plural) with no msgid before it: gettext refuses the file.
                problems.append(
                    Problem(path, number, "syntax", "an entry needs a msgid and a msgstr")
                )
                current = {}
            elif keyword in current:
                problems.append(Problem(path, number, "syntax", f"{keyword} twice in one entry"))
            current[keyword] = text.strip()[1:-1]
            last = keyword
        elif _CONTINUATION.fullmatch(line) and last:
            current[last] += line[1:-1]
        else:
            problems.append(Problem(path, number, "syntax", f"not a catalog line: {_excerpt(raw)}"))
    if not any(entry.get("msgid") == "" and "msgctxt" not in entry for _, entry in entries):
        problems.append(Problem(
            path, 1, "syntax", 'the catalog has no header: an entry msgid "" with its fields',
        ))  # fmt: skip
    seen: set[tuple[str, str]] = set()
    for number, entry in entries:
        if "msgid" not in entry or not any(k.startswith("msgstr") for k in entry):
            problems.append(Problem(path, number, "syntax", "an entry needs a msgid and a msgstr"))
            continue
        plural, indexed = "msgid_plural" in entry, any(k.startswith("msgstr[") for k in entry)
        if plural != indexed or (plural and "msgstr" in entry):
            problems.append(Problem(
                path, number, "syntax",
                "a msgid_plural takes msgstr[0], msgstr[1] …, a msgid alone one msgstr",
            ))  # fmt: skip
        key = (entry.get("msgctxt", ""), entry["msgid"])
        if key in seen:
            problems.append(Problem(path, number, "syntax", f"duplicate msgid {_excerpt(key[1])}"))
        seen.add(key)
    return problems + header_problems(path, content)


def _read(path: Path, problems: list[Problem]) -> Any:
    """The catalog as Babel reads it, or ``None`` (with the reason added to ``problems``)."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        with path.open("rb") as handle:
            return read_po(handle, abort_invalid=True)
    except PoFileError as error:
        problems.append(Problem(path, getattr(error, "lineno", 1) or 1, "syntax", str(error)))
    except (OSError, ValueError) as error:
        problems.append(Problem(path, 1, "syntax", f"Babel cannot read it: {error}"))
    return None


def catalog_problems(path: Path, md: object = None, markup: bool | None = None) -> list[Problem]:
    """Every problem of one ``.po`` file: syntax first, then completeness, figures and markup.

    ``markup`` (the default: every catalog but the theme's ``sphinx.po``) compares each
    translation's Markdown structure with its source's (``resume.markup``), parsed by ``md``.
    """
    problems = syntax_problems(path)
    if problems:
        return problems  # what Babel would read from a malformed file cannot be trusted
    catalog = _read(path, problems)
    if catalog is None:
        return problems
    if markup is None:
        markup = path.name != "sphinx.po"
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
        elif stand_in := _stand_in(msgid, strings):
            problems.append(Problem(path, message.lineno, "untranslated", stand_in[0], stand_in[1]))
        elif copied := _source_left(msgid, strings, _language(path)):
            problems.append(Problem(path, message.lineno, "untranslated", copied[0], copied[1]))
        else:
            problems.extend(_figure_problems(path, message.lineno, message.id, strings))
            problems.extend(_placeholder_problems(path, message.lineno, msgid, strings))
            if markup and isinstance(message.id, str):
                problems.extend(_markup_problems(path, message.lineno, message.id, strings[0], md))
    for message in catalog.obsolete.values():
        problems.append(Problem(path, message.lineno or 1, "obsolete", _excerpt(str(message.id))))
    return problems


def _language(path: Path) -> str:
    """The language of a catalog at ``locales/<language>/LC_MESSAGES/…``, or ""."""
    parts = path.parts
    return parts[parts.index("LC_MESSAGES") - 1] if "LC_MESSAGES" in parts[1:] else ""


_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Markup that is no prose: link targets, code spans, roles' names.
_NOT_PROSE = re.compile(r"\]\([^)]*\)|`[^`]*`|\{[a-z:-]+\}")
#: A Chinese name glossed in brackets after its translation: Wanhui Interconnect (万汇互联).
_GLOSS = re.compile(rf"\(\s*[{_HAN}·\s]{{1,20}}\)")
_CHINESE_LEFT = re.compile(rf"[{_HAN}\u3000-\u303f]+")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")


def simplified_only(char: str) -> bool:
    """A character of Simplified Chinese (GB 2312) that Japanese does not write (JIS X 0213):
    经, 语, 这; not 徐, 鑫, 医 or 数, which both write. The two standards' codecs are Python's
    own, so no list of characters is kept here."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    try:
        char.encode("euc_jis_2004")
    except UnicodeEncodeError:
        return True
    return False


#: What a translator writes for "not yet": TODO, TBD, FIXME, XXX, "translate me", 待翻译, 未翻訳,
#: 翻訳待ち, compared in lower case without spaces and punctuation.
_STAND_INS = re.compile(
    r"(todo|tbd|tba|fixme|x{2,}|translateme|totranslate|untranslated|notranslated|"
    r"待翻译|未翻译|待译|未翻訳|翻訳待ち|要翻訳)?"
)


def _stand_in(msgid: str, strings: tuple[str, ...]) -> tuple[str, str] | None:
    """(message, hint) when a translation holds no words of its own: a stand-in such as TODO,
    or only punctuation, while its source has words; ``None`` otherwise. Sphinx would publish
    it as the translation."""
    import unicodedata

    def words(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).casefold()
        return "".join(c for c in text if unicodedata.category(c)[0] in "LN")

    if not words(msgid):
        return None
    for translation in strings:
        if _STAND_INS.fullmatch(words(translation)):
            return (
                f"{_excerpt(msgid)}: the translation {_excerpt(translation, 24)} stands in for one",
                "translate the message: a placeholder is published as the translation",
            )
    return None


def _source_left(msgid: str, strings: tuple[str, ...], language: str) -> tuple[str, str] | None:
    """(message, hint) when a translation is still the Chinese source: an English one that keeps
    Chinese prose beyond names glossed in brackets, a Japanese one that is Chinese (characters
    only Simplified Chinese writes, and no kana). ``None`` when each reads as its language."""
    import unicodedata

    for translation in strings:
        text = _NOT_PROSE.sub(" ", unicodedata.normalize("NFKC", translation))
        if language == "en":
            left = _CHINESE_LEFT.findall(_GLOSS.sub(" ", text))
            if left:
                return (
                    f"{_excerpt(msgid)}: the English translation still holds Chinese "
                    f"({_excerpt(''.join(left), 24)})",
                    "translate the whole message into English; a Chinese name may stay only in "
                    "brackets after its English form, as in Wanhui Interconnect (万汇互联)",
                )
        elif language == "ja" and not _KANA.search(text):
            chinese = sorted({char for char in text if simplified_only(char)})
            if chinese:
                return (
                    f"{_excerpt(msgid)}: the Japanese translation is Chinese (no kana, and "
                    f"{''.join(chinese[:6])}, which only Simplified Chinese writes)",
                    "translate the message into Japanese, in Japanese kanji and kana",
                )
    return None


def _placeholder_problems(
    path: Path, line: int, msgid: str, strings: tuple[str, ...]
) -> list[Problem]:
    """A translation holds the same ``%(name)s`` placeholders as its source, no more, no fewer."""
    wanted = sorted(_PLACEHOLDER.findall(msgid))
    problems = []
    for translation in strings:
        found = sorted(_PLACEHOLDER.findall(translation))
        if found != wanted:
            problems.append(
                Problem(
                    path,
                    line,
                    "placeholders",
                    f"{_excerpt(msgid)}: the translation has "
                    f"{', '.join(f'%({n})s' for n in found) or 'no placeholder'}; "
                    f"the source has {', '.join(f'%({n})s' for n in wanted) or 'none'}",
                )
            )
    return problems


def _figure_problems(
    path: Path, line: int, msgid: str | tuple[str, ...], strings: tuple[str, ...]
) -> list[Problem]:
    """A translation must state the figures its source states, value for value."""
    sources = (msgid,) if isinstance(msgid, str) else (msgid[0],) + (msgid[1],) * (len(strings) - 1)
    problems = []
    for source, translation in zip(sources, strings, strict=True):
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
                    advice(lost, added),
                )
            )
    return problems


def _markup_problems(path: Path, line: int, msgid: str, msgstr: str, md: object) -> list[Problem]:
    """A translation keeps its source's Markdown structure (``resume.markup``)."""
    from .markup import differences as markup_differences

    found = markup_differences(msgid, msgstr, md)
    if not found:
        return []
    return [Problem(path, line, "markup", f"{_excerpt(msgid)}: " + "; ".join(found))]


def withheld(problems: Iterable[Problem], found: Collection[Secret]) -> list[Problem]:
    """``problems`` as they may be shown: one whose entry holds a value the owner keeps private
    or masked (``found``, in any form the privacy gate reads) quotes nothing of it, neither its
    text nor its figures (the hidden digits would be among them), and keeps its file, line, kind
    and what to do.

    An entry is a run of lines between blank lines (comments, msgid, msgstr and their
    continuations); neighbouring entries that hold a value only together (a number split across
    them) are all withheld.
    """
    problems = list(problems)
    if not found:
        return problems
    private: dict[Path, set[int]] = {}
    for path in {p.path for p in problems}:
        private[path] = _private_lines(path, found)
    return [
        replace(p, message=WITHHELD, hint="" if holds(p.hint, found) else p.hint)
        if p.line in private[p.path] or holds(p.message, found)
        else p
        for p in problems
    ]


#: A gettext string's escapes, and what each stands for (any other character for itself).
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def _private_lines(path: Path, found: Collection[Secret]) -> set[int]:
    """The lines of the entries of ``path`` that hold a secret, alone or with their neighbours:
    as written, or by their msgid or msgstr strings read in a row (``reading.holding``)."""
    try:
        lines = path.read_text("utf-8", "replace").splitlines()
    except OSError:
        return set()
    entries: list[range] = []
    start = 0
    for number, line in enumerate([*lines, ""], start=1):
        if not line.strip():
            if number > start + 1:
                entries.append(range(start + 1, number))
            start = number
    written = ["\n".join(lines[entry.start - 1 : entry.stop - 1]) for entry in entries]
    strings: dict[str, list[str]] = {"msgid": [], "msgstr": []}
    for entry in entries:
        said: dict[str, str] = {"msgid": "", "msgstr": ""}
        keyword = ""
        for line in lines[entry.start - 1 : entry.stop - 1]:
            line = line.strip().removeprefix("#~").strip()
            if re.match(r"msg\w+(\[\d+\])?\s", line):
                keyword, line = line.split(None, 1)
                keyword = next((k for k in said if keyword.startswith(k)), "")  # not msgctxt
            if keyword in said and line.startswith('"'):
                said[keyword] += _ESCAPE.sub(lambda m: _ESCAPES.get(m[1], m[1]), line.strip()[1:-1])
        for key, text in said.items():
            strings[key].append(text)
    held = holding(written, found) | holding(strings["msgid"], found)
    held |= holding(strings["msgstr"], found)
    return {number for index in held for number in entries[index]}


def compile_catalog(path: Path, target: Path, language: str) -> list[Problem]:
    """Compile ``path`` into ``target`` (a ``.mo``), and prove that gettext loads it.

    Nothing is compiled from a file with syntax problems; then ``target`` is removed, so that no
    earlier compilation can stand in for the current text. Fuzzy entries are left out, as Sphinx
    leaves them out. ``target`` is replaced atomically and only when its bytes change: two builds
    that share a folder never read a half-written file, and Sphinx sees an unchanged catalog as
    unchanged.
    """
    import gettext
    import io
    import os

    from babel.messages.mofile import write_mo

    problems = syntax_problems(path)
    catalog = None if problems else _read(path, problems)
    data = b""
    if catalog is not None:
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        data = buffer.getvalue()
        try:
            gettext.GNUTranslations(io.BytesIO(data))
        except Exception as error:
            problems.append(
                Problem(
                    path,
                    _header_line(path),
                    "syntax",
                    f"gettext cannot load the compiled catalog: {error}",
                    'correct the header (the msgid "" entry at the top of the file)',
                )
            )
    if problems:
        target.unlink(missing_ok=True)
        return problems
    if not (target.is_file() and target.read_bytes() == data):
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        temporary.write_bytes(data)
        temporary.replace(target)
    return []


def _header_line(path: Path) -> int:
    for number, line in enumerate(path.read_text("utf-8", "replace").splitlines(), start=1):
        if line.startswith('msgid ""'):
            return number
    return 1


def catalog_files(language: str, locales: Path) -> list[Path]:
    """Every ``.po`` file of ``language`` under ``locales`` (a ``locale_dirs`` folder), sorted."""
    return sorted((locales / language / "LC_MESSAGES").rglob("*.po"))


def language_problems(language: str, locales: Path) -> list[Problem]:
    """Every problem of every catalog of ``language`` under ``locales``."""
    return [p for path in catalog_files(language, locales) for p in catalog_problems(path)]
