"""What a reader reads in an output, spelt one way, and the values that must not be in it.

The privacy gate (``resume.privacy``) scans each builder's outputs with these; the release build
(``tools/release/``) scans the whole release with them before it is published, the editions
carried over from the live site included. Standard library only: the release build runs
without Sphinx.

Text is read as a reader reads it (``readable``): each output as it is, and, for a page, its
visible text with the markup taken out (text split by ``<strong>``, ``<code>`` or two list
items is read as one) and every attribute value (link targets). ``normalise`` then takes out
invisible and format characters (zero-width spaces, soft hyphens, word joiners), reads every
Unicode digit and every Chinese numeral as its value (``١``, ``６``, ``六``, ``陆``), decodes
HTML entities, percent-encoding and JSON's ``\\u`` escapes, and ignores anything that is not a
letter or a digit between two digits (spaces, dashes, commas, ``、``, underscores, ``+``).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

from .files import write_atomically

#: The characters that stand for hidden digits in a masked value.
MASKS = "*•×"

#: What a reader skips between two digits: anything but a letter or a digit (white space,
#: dashes, dots, commas, 、, underscores, brackets, plus signs, markup).
_SEPARATORS = re.compile(r"(?<=\d)[\W_]+(?=\d)")
#: Chinese numerals, each read as one digit (a number is spelt digit by digit: 一三六…).
CHINESE_DIGITS = dict(zip("〇零一二三四五六七八九", "00123456789", strict=True)) | dict(
    zip("壹贰貳叁參肆伍陆陸柒捌玖两兩", "12233456678922", strict=True)
)
#: A right-to-left override (U+202E) shows what follows it backwards, up to its end (U+202C,
#: another bidirectional control or the line's end): "\u202e9023 4321 631" reads 136 1234 3209;
#: a right-to-left embedding or isolate (U+202B, U+2067) keeps each number's digits in order but
#: shows numbers apart from one another right to left: "\u20673209 1234 136" reads the same.
_RIGHT_TO_LEFT = re.compile("([\u202b\u202e\u2067])([^\u202a-\u202e\u2066-\u2069\n]*)")
#: Digits spelt one by one as English words ("one three six …"), read as digits.
_WORD_DIGITS = dict(
    zip(
        ["zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
        "00123456789",
        strict=True,
    )
)
_DIGIT_WORDS = re.compile(rf"(?<![a-z])({'|'.join(_WORD_DIGITS)})(?![a-z])")
#: Letters a reader takes for digits in a run of digits ("l36", "32o9"): o for 0, l and i for 1.
_LOOKALIKES = re.compile(r"(?<![a-z])[oli]*\d[\doli]*(?![a-z])")
_LOOKALIKE_DIGITS = str.maketrans("oli", "011")
#: Characters no reader sees that Unicode does not class as format characters (Cf).
_INVISIBLE = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u180e"}
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
#: A run of percent-encoded bytes (``%e4%b8%ad``), decoded together.
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
#: How a zip archive (an ePub) begins.
_ZIP = b"PK\x03\x04"
#: Files read as pages: their visible text and attribute values are scanned too.
_MARKUP = (".html", ".xhtml", ".htm", ".xml", ".svg", ".opf", ".ncx")
#: Sphinx's own state, which lands in the output folder when no doctree folder is given: read
#: back by Sphinx, never published.
_NOT_OUTPUT = {".doctree", ".pickle"}


@dataclass(frozen=True)
class Secret:
    """What must not be published: ``kind`` names the contact detail, ``pattern`` matches it in
    normalised text."""

    kind: str
    pattern: re.Pattern[str]
    visibility: str  # "masked" or "private"


class _Spelling(dict[int, str | None]):
    """``str.translate``'s table: format and invisible characters out (``None``), every digit
    and Chinese numeral as its ASCII digit; each character looked up once, then kept."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        if unicodedata.category(char) == "Cf" or char in _INVISIBLE:
            spelt = None
        elif char in CHINESE_DIGITS:
            spelt = CHINESE_DIGITS[char]
        elif not char.isascii() and (value := unicodedata.digit(char, None)) is not None:
            spelt = str(value)
        else:
            spelt = char
        self[code] = spelt
        return spelt


_SPELLING = _Spelling()


def _unquote(text: str) -> str:
    """``urllib.parse.unquote(text)``, the same text (each run of ``%XX`` read as UTF-8, what
    is not valid replaced), faster: the standard one splits the text at every ``%`` and at
    every character outside ASCII, of which a PDF or an image read as text has many."""
    if "%" not in text:
        return text
    return _PERCENT_RUN.sub(
        lambda m: bytes.fromhex(m.group().replace("%", "")).decode("utf-8", "replace"), text
    )


def _decode(text: str) -> str:
    """Percent-encoding and JSON ``\\u`` escapes decoded (twice: an address encoded twice)."""
    for _ in range(2):
        text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), _unquote(text))
    return text


def _as_shown(match: re.Match[str]) -> str:
    """A right-to-left run as it is shown: reversed under an override, else word by word."""
    mark, run = match.groups()
    return run[::-1] if mark == "\u202e" else " ".join(reversed(run.split()))


def normalise(text: str) -> str:
    """What a reader reads in ``text``, spelt one way: HTML entities, percent-encoding and
    JSON escapes decoded, NFKC, lower case, invisible and format characters out, every digit
    and Chinese numeral as an ASCII digit, and nothing between two digits but the digits.
    What a right-to-left override or embedding shows in another order is read as shown; digits spelt as English
    words, and the letters o, l and i inside a run of digits, are read as digits."""
    text = unicodedata.normalize("NFKC", _decode(html.unescape(text))).lower()
    text = _RIGHT_TO_LEFT.sub(_as_shown, text)
    text = _DIGIT_WORDS.sub(lambda m: _WORD_DIGITS[m.group(1)], text).translate(_SPELLING)
    text = _LOOKALIKES.sub(lambda m: m.group(0).translate(_LOOKALIKE_DIGITS), text)
    return _SEPARATORS.sub("", text)


class _Reader(HTMLParser):
    """A page as a reader meets it: its text with the tags taken out, and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.extend(value for _, value in attrs if value)


def readable(name: str, text: str) -> list[str]:
    """The normalised forms of one output's ``text`` that the gate scans: the text as it is;
    for a page, also its visible text across elements and its attribute values."""
    forms = [normalise(text)]
    if name.lower().endswith(_MARKUP):
        reader = _Reader()
        try:
            reader.feed(text)
            reader.close()
        except (AssertionError, ValueError):  # a malformed page: its raw form is scanned
            return forms
        forms += [normalise("".join(reader.text)), normalise("\n".join(reader.attributes))]
    return forms


#: A phone number's country code: the digits after its leading ``+``, bracketed or not.
_COUNTRY_CODE = re.compile(r"\(?\+\s*(\d+)")


def national_form(masked: str) -> tuple[str, str]:
    """A masked number's country code (its digits, or "") and its national digits and masks:
    ``+1-415-***-0123`` → ``("1", "415***0123")``."""
    value = unicodedata.normalize("NFKC", masked).strip()
    code = _COUNTRY_CODE.match(value)
    country, value = (code[1], value[code.end() :]) if code else ("", value)
    return country, "".join(c for c in value if c.isdigit() or c in MASKS)


def masked_pattern(masked: str) -> re.Pattern[str]:
    """The full numbers a masked value stands for: ``+86 136 **** 3209`` → ``136\\d{4}3209``,
    with or without ``+86`` or ``86`` before it, however the value sets its country code apart
    (``+1-415-***-0123``, ``(+86) 136 …``). Any digit may stand beside it: normalised text
    joins digits across separators, and a digit put next to the number must not hide it."""
    country, national = national_form(masked)
    body = "".join(r"\d" if c in MASKS else c for c in national)
    prefix = rf"(?:\+?{country})?" if country else ""
    return re.compile(rf"{prefix}{body}")


def secrets_of(contact: Mapping[str, Any], supplied: Mapping[str, str]) -> list[Secret]:
    """What a build with these contact details (``resume_contact``) and supplied values
    (``resume_contact_values``) must not publish."""
    found = []
    for kind, detail in contact.items():
        value = str(detail.get("value", "")).strip()
        visibility = detail.get("visibility", "private")
        if visibility == "masked" and value and not supplied.get(kind):
            found.append(Secret(kind, masked_pattern(value), "masked"))
        elif visibility == "private":
            for text in (value, supplied.get(kind, "")):
                if normalise(text.strip()):
                    pattern = re.compile(re.escape(normalise(text.strip())))
                    found.append(Secret(kind, pattern, "private"))
    return found


def texts(path: Path) -> Iterator[tuple[str, str, str]]:
    """Each text a file holds, as (name shown in a message, text, ``digest`` of a zip member
    read as a file of its name would be, else ""): zip members one by one, ``objects.inv``
    decompressed."""
    data = path.read_bytes()
    if data[:4] == _ZIP:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                content = archive.read(member)
                name = PurePosixPath(member).name
                # A member is read as a text; a file of its name and content would be too,
                # unless it is a zip or an inventory: only then is the file's digest its own.
                alike = content[:4] != _ZIP and name != "objects.inv"
                known = digest(Path(name), content) if alike else ""
                yield f"{path}!{member}", content.decode("utf-8", "replace"), known
        return
    if path.name == "objects.inv":
        head, _, body = data.partition(b"zlib.\n")
        yield str(path), head.decode("utf-8", "replace"), ""
        try:
            inventory = zlib.decompress(body)
        except zlib.error:  # not compressed: read it as it is
            inventory = body
        yield f"{path} (decompressed)", inventory.decode("utf-8", "replace"), ""
        return
    yield str(path), data.decode("utf-8", "replace"), ""


def typed_at(source: Path, lines: list[str], secret: Secret) -> list[str]:
    """``source:line`` of each line that holds the secret; when none does, the line that
    begins the shortest run of up to ``SPAN`` lines that holds it (split across list items)."""

    def holds(start: int, end: int) -> bool:
        return bool(secret.pattern.search(normalise("\n".join(lines[start:end]))))

    found = [f"{source}:{n}" for n, line in enumerate(lines, 1) if holds(n - 1, n)]
    if found:
        return found
    for start in range(len(lines)):
        end = min(start + SPAN, len(lines))
        if holds(start, end):
            while start + 1 < end and holds(start + 1, end):
                start += 1
            return [f"{source}:{start + 1}"]
    return []


#: The most lines a value typed across lines (list items, say) is looked for in.
SPAN = 6


def scan(
    outdir: Path,
    found: list[Secret],
    skip: Path | None = None,
    known_clean: Collection[str] = (),
    clean: set[str] | None = None,
) -> dict[Path, list[tuple[str, Secret]]]:
    """Every file under ``outdir`` (but not under ``skip``, the doctrees) that holds a secret,
    with the part that holds it.

    ``known_clean``: digests (``digest``) of files an earlier scan, for the same secrets and
    rules, found to hold none; such a file is not read again, nor is a file (or a zip member
    read as that file would be: an ePub's page) this scan has already found clean. ``clean``
    collects the digests of the files and members this scan finds clean, for the next one."""
    hits: dict[Path, list[tuple[str, Secret]]] = {}
    remember = bool(known_clean) or clean is not None
    seen: set[str] = set()  # found clean by this scan

    def known(key: str) -> bool:
        if key and (key in known_clean or key in seen):
            seen.add(key)
            return True
        return False

    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        if (skip is not None and path.is_relative_to(skip)) or path.suffix in _NOT_OUTPUT:
            continue
        whole = digest(path, path.read_bytes()) if remember else ""
        if known(whole):
            continue
        for name, text, member in texts(path):
            if remember and known(member):
                continue
            forms = readable(name, text)
            held = [s for s in found if any(s.pattern.search(form) for form in forms)]
            if held:
                hits.setdefault(path, []).extend((name, secret) for secret in held)
            elif member:
                seen.add(member)
        if whole and path not in hits:
            seen.add(whole)
    if clean is not None:
        clean.update(seen)
    return hits


def digest(path: Path, data: bytes) -> str:
    """A file, by name and content, as ``scan`` remembers it: what it holds and how it is read
    (``texts`` and ``readable`` go by the name), wherever it lies."""
    return hashlib.blake2b(f"{path.name}\0".encode() + data, digest_size=16).hexdigest()


#: The digests of the outputs a builder's last scan found clean, beside its doctrees
#: (``<builder>-<CLEAN_FILES>``): the preview's rebuild changes a page or two, and the gate
#: reads only those again; the release build skips them in its scan of the whole release.
CLEAN_FILES = "privacy-clean-outputs.json"


def clean_in_note(note: Path, found: list[Secret]) -> frozenset[str]:
    """The outputs a scan's note (``CLEAN_FILES``) says it found clean for these secrets and
    rules; none when the note is missing, unreadable, or kept for other ones."""
    try:
        kept = json.loads(note.read_text("utf-8"))
        if kept.get("key") == rules_digest(found):
            return frozenset(str(item) for item in kept["clean"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # no note, or not ours: those outputs are read
    return frozenset()


def keep_clean_note(note: Path, found: list[Secret], clean: Collection[str]) -> None:
    """Write the note ``clean_in_note`` reads: the outputs found clean, under the key of these
    secrets and rules."""
    write_atomically(note, json.dumps({"key": rules_digest(found), "clean": sorted(clean)}))


def rules_digest(found: list[Secret]) -> str:
    """What a scan's result depends on besides the files: the secrets, and the rules that read
    them (this module's source)."""
    secrets = [(s.kind, s.pattern.pattern, s.visibility) for s in found]
    return digest(Path(__file__), repr(secrets).encode("utf-8") + Path(__file__).read_bytes())


#: What a message says in place of a text that holds a value the owner keeps private or masked:
#: the build's log is public (Read the Docs shows it), so no message quotes any of such a text.
WITHHELD = "(a text holding a value kept private; not shown)"


def holds(text: str, found: Collection[Secret]) -> bool:
    """Whether ``text``, read as the gate reads it (``normalise``), holds any of ``found``."""
    if not found or not text:
        return False
    form = normalise(text)
    return any(secret.pattern.search(form) for secret in found)


def quoted(text: str, found: Collection[Secret], width: int = 60) -> str:
    """``text`` quoted for a message, its white space collapsed and cut to ``width``; ``WITHHELD``
    when the whole text holds a secret (the cut alone might keep the hidden digits)."""
    if holds(text, found):
        return WITHHELD
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def redact(text: str, found: Collection[Secret]) -> str:
    """``text`` with each shortest run of words that holds a secret replaced by ``WITHHELD``,
    until none does: for messages whose author could not know (Sphinx's, MyST's), so that what
    they quote is cut where the value is, in any disguise ``normalise`` reads."""
    parts = re.split(r"(\s+)", text)
    while holds("".join(parts), found):
        end = next(e for e in range(1, len(parts) + 1) if holds("".join(parts[:e]), found))
        start = next(s for s in range(end - 1, -1, -1) if holds("".join(parts[s:end]), found))
        parts[start:end] = [WITHHELD]
    return "".join(parts)


def holding(texts: Sequence[str], found: Collection[Secret], span: int = SPAN) -> set[int]:
    """The indices of the ``texts`` (messages of a page, entries of a catalog, in order) that
    hold a secret, alone or with their neighbours (up to ``span`` in a row: a number split
    across list items): each shortest run that holds one."""
    held: set[int] = set()
    if not holds("\n".join(texts), found):  # no run can hold what all of them do not
        return held
    for start in range(len(texts)):
        for end in range(start + 1, min(start + span, len(texts)) + 1):
            if holds("\n".join(texts[start:end]), found):
                if not holds("\n".join(texts[start + 1 : end]), found):
                    held.update(range(start, end))
                break
    return held
