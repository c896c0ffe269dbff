"""What the résumé says, read from its own sources: the pages' data directives and the catalogs.

The tests of the real site check invariants of these sources (every role of the pages is on the
timeline, in the PDF, with its dates as the edition writes them), never a copy of this year's
content: an owner who adds, removes or rewords a role, a project or a figure, correctly
translated, changes what these functions return, and the tests follow.
"""

from __future__ import annotations

import ast
import calendar
import itertools
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "_ext") not in sys.path:
    sys.path.insert(0, str(REPO / "_ext"))

from resume.data import Date, parse_period  # noqa: E402
from resume.figures import figures  # noqa: E402
from resume.languages import BY_SPHINX, SOURCE  # noqa: E402
from resume.reading import MASKS, national_form  # noqa: E402

#: Where the role and project pages are (conf.py: include_patterns).
ROLE_FOLDER, PROJECT_FOLDER = "experience", "projects"
_DIRECTIVE = re.compile(r"^```\{(?P<name>resume-[\w-]+)\}\n(?P<body>.*?)^```$", re.M | re.S)
_OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$", re.M)
_HAN = "\u3400-\u9fff"


@dataclass(frozen=True)
class Role:
    docname: str
    organisation: str
    title: str
    start: Date
    end: Date | None  # None: present
    bullets: int  # the items of the page's highlights section


@dataclass(frozen=True)
class Project:
    docname: str
    name: str
    url: str
    roles: tuple[str, ...]


def source(docname: str, root: Path = REPO) -> str:
    return (root / f"{docname}.md").read_text("utf-8")


def directives(text: str) -> list[tuple[str, dict[str, str]]]:
    """Each data directive of a page: its name and its options."""
    return [
        (match["name"], {m["key"]: m["value"].strip() for m in _OPTION.finditer(match["body"])})
        for match in _DIRECTIVE.finditer(text)
    ]


def conf_literal(name: str, root: Path = REPO) -> Any:
    """A setting that conf.py gives as a literal (``resume_owner``, ``DESCRIPTIONS`` …), read
    without running conf.py: what the owner wrote there, for the tests to expect."""
    for node in ast.parse((root / "conf.py").read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):  # fmt: skip
            return ast.literal_eval(node.value)
    raise LookupError(f"conf.py gives no literal {name}")


@dataclass(frozen=True)
class Phone:
    """The owner's phone number as conf.py masks it (``resume_contact``), and what the tests of
    the real site derive from it: a made-up full number that fits the mask (each hidden digit
    filled with 1, 2, 3, 4, 1 … in turn; the tests never hold the owner's real number), its
    groups of digits and its link. An owner who writes another number, masked, with another
    grouping, changes these, and the tests follow."""

    masked: str  # "+86 136 **** 3209"

    @property
    def made_up(self) -> str:
        """The masked value with its hidden digits made up, in the form the outputs write a
        number (NFKC: a mask in full-width digits gives ASCII ones): ``+86 136 1234 3209``."""
        digits = itertools.cycle("1234")
        return "".join(next(digits) if c in MASKS else c for c in _nfkc(self.masked))

    @property
    def country(self) -> str:
        """The country code's digits, after the leading ``+`` (``86``); "" without one: as the
        privacy gate reads it (``reading.national_form``)."""
        return national_form(self.masked)[0]

    def _national(self, runs: list[str]) -> list[str]:
        """``runs`` of digits without the country code's, at the start of the first."""
        if runs and self.country:
            runs = [runs[0].removeprefix(self.country), *runs[1:]]
        return [run for run in runs if run]

    @property
    def groups(self) -> list[str]:
        """The made-up number's groups of digits, the country code aside: 136, 1234, 3209."""
        return self._national(re.findall(r"\d+", self.made_up))

    @property
    def national(self) -> str:
        """The made-up number's digits without the country code (``13612343209``): any
        spelling of the number holds them."""
        return "".join(self.groups)

    @property
    def shown(self) -> list[str]:
        """The digits the mask shows, group by group, the country code aside: 136, 3209."""
        return self._national(re.findall(r"\d+", _nfkc(self.masked)))

    @property
    def masks(self) -> list[str]:
        """Each run of hidden digits as the masked value writes it: ``****`` (or ``＊＊＊＊``, a
        mask that NFKC reads as one)."""
        runs = itertools.groupby(self.masked, lambda c: _nfkc(c) in MASKS)
        return ["".join(run) for hidden, run in runs if hidden]

    @property
    def tel(self) -> str:
        """The made-up number's link, as a page writes it: ``tel:+8613612343209``."""
        return "tel:" + re.sub(r"[^\d+]", "", self.made_up)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def phone(root: Path = REPO) -> Phone:
    """The owner's masked phone number, as ``resume_contact`` in conf.py writes it."""
    return Phone(str(conf_literal("resume_contact", root)["phone"]["value"]))


def pages(root: Path = REPO) -> set[str]:
    """Every page's docname, as conf.py's include_patterns read them (the 404 page aside)."""
    found = {"index"}
    for folder in (ROLE_FOLDER, PROJECT_FOLDER):
        found |= {f"{folder}/{path.stem}" for path in (root / folder).glob("*.md")}
    return found


def moves(root: Path = REPO) -> dict[str, str]:
    """Each old page of ``redirects.txt`` and the page it sends its reader to (``index`` for a
    retired page)."""
    path = root / "redirects.txt"
    lines = path.read_text("utf-8").splitlines() if path.is_file() else []
    pairs = (line.split() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return {old.removesuffix(".md"): new.removesuffix(".md") for old, new, *_ in pairs}


def redirected(root: Path = REPO) -> set[str]:
    """The old pages that ``redirects.txt`` sends on: each writes a redirect page, not a page."""
    return set(moves(root))


def current(docname: str, root: Path = REPO) -> str:
    """The page that a test names by the name it had when the test was written, under its name
    of today: a page the owner renamed as README.md says (its line in ``redirects.txt``) is
    followed, so that the test goes on checking it. A retired page cannot be: the test must
    name another, and says so."""
    moved = moves(root)
    now, seen = docname, {docname}
    while now in moved and moved[now] not in seen:
        now = moved[now]
        seen.add(now)
    if now == "index" != docname:
        raise LookupError(
            f"{docname} is retired (redirects.txt): name another page in the test that uses it"
        )
    return now


def _section_items(text: str, label: str) -> int:
    """The top-level list items of the section labelled ``(label)=``."""
    section = text.partition(f"({label})=")[2]
    section = re.split(r"^\(|^#", section.split("\n", 2)[-1], flags=re.M)[0]
    return len(re.findall(r"^- ", section, re.M))


@cache
def roles(root: Path = REPO) -> dict[str, Role]:
    """Each role page's data, newest first, as the timeline lists them."""
    found = []
    for docname in sorted(p for p in pages(root) if p.startswith(f"{ROLE_FOLDER}/")):
        text = source(docname, root)
        for name, options in directives(text):
            if name == "resume-role":
                start, end = parse_period(options["start"], options["end"])
                stem = docname.split("/")[1]
                bullets = _section_items(text, f"{stem}-highlights")
                found.append(
                    Role(docname, options["organisation"], options["title"], start, end, bullets)
                )
    # As the Domain orders them (Domain.get_roles): newest start first, a tie by the page's name.
    found.sort(key=lambda role: ((role.start.year, role.start.month), role.docname), reverse=True)
    return {role.docname: role for role in found}


@cache
def projects(root: Path = REPO) -> dict[str, Project]:
    found = {}
    for docname in sorted(p for p in pages(root) if p.startswith(f"{PROJECT_FOLDER}/")):
        for name, options in directives(source(docname, root)):
            if name == "resume-project":
                roles_ = tuple(r.strip().strip("/") for r in re.split(r"[,，、]", options.get("roles", "")) if r.strip())  # fmt: skip
                found[docname] = Project(docname, options["name"], options["url"], roles_)
    return found


def newest_date(root: Path = REPO) -> Date:
    """The newest date the pages state: a start or end in their data, or a year in their prose
    ("截止 2024 年")."""
    dates = []
    for docname in pages(root):
        for _name, options in directives(source(docname, root)):
            if "start" in options:
                start, end = parse_period(options["start"], options["end"])
                dates += [start, end or start]
        years = (v.partition("year:")[2] for v in prose_figures(docname, root))
        dates += [Date(int(year)) for year in years if year.isdigit()]
    return max(dates)


def epoch_after_sources(root: Path = REPO) -> int:
    """A build date that no date of the sources is after: the last second of the newest
    date's month (or year), in UTC. Fixed for fixed sources, so two builds compare byte for
    byte; it moves with the content instead of holding it back."""
    newest = newest_date(root)
    month = newest.month or 12
    last_day = calendar.monthrange(newest.year, month)[1]
    return calendar.timegm((newest.year, month, last_day, 23, 59, 59, 0, 0, 0))


def prose_figures(docname: str, root: Path = REPO) -> set[str]:
    """The figures the page's prose states (resume.figures' values), its data and labels aside."""
    text = re.sub(r"^```.*?^```$", "", source(docname, root), flags=re.M | re.S)
    text = re.sub(r"^\([\w-]+\)=$", "", text, flags=re.M)
    return set(figures(text))


def sentences(docname: str, root: Path = REPO) -> list[str]:
    """The page's prose, message by message: each one-line paragraph and list item of its own
    text (its data directive, headings and labels aside) that both translated catalogs hold
    whole as a message; a paragraph over several lines is left out. A test that edits, breaks
    or leaves untranslated a sentence of the résumé takes it from here, not from a copy of this
    year's wording."""
    text = re.sub(r"^```.*?^```$", "", source(docname, root), flags=re.M | re.S)
    lines = (line.removeprefix("- ").strip() for line in text.splitlines())
    keyed = [line for line in lines if line and not re.match(r"^(#|\([\w-]+\)=$)", line)]
    return [
        line
        for line in keyed
        if all(line in catalog(language, docname, root) for language in ("en", "ja"))
    ]


@cache
def catalog(language: str, docname: str, root: Path = REPO) -> dict[str, str]:
    """The page's translations in ``language`` (``{}`` for the source)."""
    if language == SOURCE.sphinx:
        return {}
    path = root / "locales" / language / "LC_MESSAGES" / f"{docname}.po"
    with path.open("rb") as file:
        return {
            m.id: m.string
            for m in read_po(file)
            if isinstance(m.id, str) and m.id and isinstance(m.string, str)
        }


def translate(language: str, docname: str, message: str, root: Path = REPO) -> str:
    return catalog(language, docname, root).get(message, message) if message else message


def allowed_han(root: Path = REPO) -> set[str]:
    """Chinese script that an English or Japanese page may show: a Han name glossed in brackets
    after its Latin name in an English catalog ("Wanhui Interconnect (万汇互联)"), each role's
    organisation and page title as the Japanese catalog writes it (a company's own name in
    kanji), and the language switcher's labels, each in its own language."""
    allowed = {BY_SPHINX[SOURCE.sphinx].label, BY_SPHINX["ja"].label}
    gloss = re.compile(rf"[A-Za-z.,)]\s*[(（]([{_HAN}]+)[)）]")
    for docname in pages(root):
        allowed |= {m[1] for text in catalog("en", docname, root).values() for m in gloss.finditer(text)}  # fmt: skip
    for docname, role in roles(root).items():
        title = re.search(r"^# (.+)$", source(docname, root), re.M)
        for message in (role.organisation, title[1] if title else ""):
            text = translate("ja", docname, message, root)
            allowed |= set(re.findall(rf"[{_HAN}]{{2,}}", text)) if not re.search(r"[\u3040-\u30ff]", text) else set()  # fmt: skip
    return allowed
