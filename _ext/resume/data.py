"""The résumé's structured data: dates and periods, one typed record per kind, and the Domain
that collects them from every page and checks them across pages.

The directives (``resume.directives``) turn each page's options into nodes; the Domain reads
those nodes in ``process_doc``, which Sphinx runs after the page is translated, so every text
here is in the edition's language. ``clear_doc`` and ``merge_domaindata`` keep the data right
in incremental and parallel builds, as ``sphinx.ext.todo`` does.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Set
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Any, TypeVar

from docutils import nodes
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from . import nodes as resume_nodes
from .messages import problem, warn
from .settings import settings

PRESENT = "present"
_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2}))?")


#: A page whose data directive failed its own check holds it all the same, for the checks
#: across pages (``ResumeDomain.check_consistency``), which are not to report it missing too:
#: this attribute, on a comment node in the directive's place, names the directive.
FAILED = "resume_failed"


class DataError(ValueError):
    """A structured field that is missing or malformed; ``key`` names it where one is to blame,
    ``line`` the source line where that is not the key's first line."""

    def __init__(
        self, message: str, key: str | None = None, line: int | None = None,
        what_to_do: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.key = key
        self.line = line
        self.what_to_do = what_to_do


@dataclass(frozen=True, order=True)
class Date:
    """A year, or a year and month: what a résumé period gives."""

    year: int
    month: int = 0  # 0: the month is not given

    @classmethod
    def parse(cls, text: str, *, key: str) -> Date:
        """Parse ``YYYY`` or ``YYYY-MM``; raises ``DataError`` naming ``key`` otherwise."""
        match = _DATE.fullmatch(text.strip())
        if not match:
            raise DataError(f"{key}: {text!r} is not a date; write YYYY or YYYY-MM", key)
        year, month = int(match["year"]), int(match["month"] or 0)
        if not 1900 <= year <= 2100:
            raise DataError(f"{key}: year {year} is out of range", key)
        if match["month"] and not 1 <= month <= 12:
            raise DataError(f"{key}: month {match['month']} is not 01 to 12", key)
        return cls(year, month)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else f"{self.year}"

    @property
    def value(self) -> float:
        """The date as a fractional year, for drawing the timeline."""
        return self.year + ((self.month - 1) / 12 if self.month else 0)


def parse_period(start: str, end: str) -> tuple[Date, Date | None]:
    """Parse ``start`` and ``end`` (a date or ``present``); ``None`` stands for the present.

    Raises ``DataError`` for a malformed date or an end before its start.
    """
    begin = Date.parse(start, key="start")
    if end.strip().lower() == PRESENT:
        return begin, None
    finish = Date.parse(end, key="end")
    if finish < begin:
        raise DataError(f"end {finish} is before start {begin}", "end")
    return begin, finish


def split_list(text: str) -> list[str]:
    """Split a comma-separated option (``,``, ``，`` or ``、``) into stripped, non-empty items."""
    return [item.strip() for item in re.split(r"[,，、]", text) if item.strip()]


# -- Records: one per kind, every text already translated ----------------------------------


@dataclass(frozen=True)
class Detail:
    """The value of a declared role option (``resume.model.RoleOption``): its ``option``, its
    key in ``resume.json``, its ``label`` as shown ("" when it is not shown text)."""

    option: str
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class Role:
    """One position held, as its page states it."""

    docname: str
    line: int
    organisation: str
    title: str
    period: str  # as shown: "2019 – 2021"
    start: str  # YYYY or YYYY-MM
    end: str  # YYYY, YYYY-MM or "present"
    technologies: tuple[str, ...] = ()
    summary: str = ""  # the page's first paragraph
    highlights: tuple[str, ...] = ()  # the page's bullet points
    tags: tuple[str, ...] = ()  # for the variants (resume.variants)
    highlight_tags: tuple[tuple[str, ...], ...] = ()  # each bullet's {tag}s, when any has one
    details: tuple[Detail, ...] = ()  # the declared role options given

    @property
    def sort_key(self) -> tuple[int, int]:
        begin = Date.parse(self.start, key="start")
        return (begin.year, begin.month)


@dataclass(frozen=True)
class Project:
    """One open-source project and the owner's relation to it."""

    docname: str
    line: int
    name: str
    url: str
    relation: str
    roles: tuple[str, ...] = ()  # docnames of role pages
    paragraphs: tuple[str, ...] = ()  # what it is, what the owner did
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkillGroup:
    docname: str
    line: int
    name: str
    keywords: tuple[str, ...]  # as the page shows them, translated
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Language:
    docname: str
    line: int
    language: str
    fluency: str
    code: str  # BCP 47
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Education:
    docname: str
    line: int
    study: str
    institution: str
    period: str
    start: str
    end: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Award:
    """An award or, with ``certificate`` set, a certification."""

    docname: str
    line: int
    title: str
    summary: str
    date: str  # YYYY
    certificate: bool = False
    tags: tuple[str, ...] = ()


Entry = SkillGroup | Language | Education | Award
_E = TypeVar("_E", SkillGroup, Language, Education, Award)


# -- Reading the records off a page's nodes ------------------------------------------------


def _text(node: nodes.Node) -> str:
    return " ".join(node.astext().split())


def _fields(card: nodes.Element) -> dict[str, str]:
    """The card's translated field values by key, and field names that are data by name key."""
    values: dict[str, str] = {}
    for item in card.findall(nodes.field):
        if "resume_key" in item:
            values[item["resume_key"]] = _text(item[1].children[0])
        if "resume_name" in item:
            values[item["resume_name"]] = _text(item[0])
    return values


def tags_in(node: nodes.Element) -> tuple[str, ...]:
    """The tags that ``{tag}`` roles give inside ``node`` (a bullet's paragraph), each once."""
    found = [tag for marker in node.findall(resume_nodes.tag_marker) for tag in marker["tags"]]
    return tuple(dict.fromkeys(found))


def _prose(
    doctree: nodes.document,
) -> tuple[list[str], list[str], list[tuple[str, ...]]]:
    """The page's own paragraphs, bullet points and each bullet's tags, outside any data card."""
    paragraphs: list[str] = []
    bullets: list[str] = []
    tags: list[tuple[str, ...]] = []
    for node in doctree.findall(nodes.paragraph):
        if isinstance(node.parent, nodes.section):
            paragraphs.append(_text(node))
        elif isinstance(node.parent, nodes.list_item) and isinstance(
            node.parent.parent.parent, nodes.section
        ):
            bullets.append(_text(node))
            tags.append(tags_in(node))
    return paragraphs, bullets, tags


def _entry(docname: str, card: resume_nodes.entry_card) -> Entry:
    values, kind, line = _fields(card), card["kind"], card["line"]
    tags: tuple[str, ...] = tuple(card.get("tags", ()))
    if kind == "skills":
        keywords = tuple(word.strip() for word in values["keywords"].split("·") if word.strip())
        return SkillGroup(docname, line, values["name"], keywords, tags)
    if kind == "language":
        return Language(docname, line, values["language"], values["fluency"], card["code"], tags)
    if kind == "education":
        return Education(docname, line, values["study"], values["institution"],
                         values["period"], card["start"], card["end"], tags)  # fmt: skip
    return Award(docname, line, values["title"], values["summary"], card["date"],
                 certificate=kind == "certificate", tags=tags)  # fmt: skip


def _details(card: nodes.Element, values: dict[str, str]) -> tuple[Detail, ...]:
    """The declared role options the card holds; a shown one as its page gives it, translated."""
    declared: list[dict[str, str]] = card.get("details", [])
    return tuple(
        Detail(d["option"], d["key"], d["label"], values.get(d["option"], d["value"]))
        for d in declared
    )


class ResumeDomain(Domain):
    """Holds every page's role, project and entry records, so that any page can draw on them.

    ``data`` maps ``"roles"`` and ``"projects"`` to ``{docname: record}``, ``"entries"`` to
    ``{docname: [record, …]}``, ``"failed"`` to ``{docname: directive}`` for a page whose data
    directive failed its own check, ``"code"`` to the set of docnames with a code block (whose
    colours the theme then loads), and ``"drawing"`` to the set of docnames whose output draws on
    other pages' records (they are rewritten whenever any page is read again).
    """

    name = "resume"
    label = "Résumé"
    initial_data: dict[str, Any] = {  # noqa: RUF012 (Sphinx's Domain declares it so)
        "roles": {}, "projects": {}, "entries": {}, "failed": {}, "code": set(), "drawing": set(),
    }  # fmt: skip
    data_version = 6

    @property
    def role_pages(self) -> dict[str, Role]:
        return self.data["roles"]  # type: ignore[no-any-return,unused-ignore]

    @property
    def project_pages(self) -> dict[str, Project]:
        return self.data["projects"]  # type: ignore[no-any-return,unused-ignore]

    @property
    def failed_pages(self) -> dict[str, str]:
        return self.data["failed"]  # type: ignore[no-any-return,unused-ignore]

    @property
    def entry_pages(self) -> dict[str, list[Entry]]:
        return self.data["entries"]  # type: ignore[no-any-return,unused-ignore]

    @property
    def code_pages(self) -> set[str]:
        return self.data["code"]  # type: ignore[no-any-return,unused-ignore]

    @property
    def drawing_pages(self) -> set[str]:
        return self.data["drawing"]  # type: ignore[no-any-return,unused-ignore]

    def get_roles(self) -> list[Role]:
        """Every role, newest first; a tie is broken by the page's name, whatever the order read."""
        return sorted(self.role_pages.values(), key=lambda r: (r.sort_key, r.docname), reverse=True)

    def get_projects(self, order: dict[str, int] | None = None) -> list[Project]:
        """Every project, in reading order when ``order`` (``document_order``) is given."""
        order = order or {}
        return sorted(
            self.project_pages.values(), key=lambda p: (order.get(p.docname, len(order)), p.docname)
        )

    def get_entries(self, kind: type[_E]) -> list[_E]:
        """Every entry of one record type, by page name and then in page order."""
        return [
            e for d in sorted(self.entry_pages) for e in self.entry_pages[d] if isinstance(e, kind)
        ]

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        """Collect the page's records from its nodes (after translation)."""
        for mark in list(document.findall(nodes.comment)):
            if FAILED in mark.attributes:
                self.failed_pages.setdefault(docname, mark[FAILED])
                mark.parent.remove(mark)
        entries = [_entry(docname, card) for card in document.findall(resume_nodes.entry_card)]
        if entries:
            self.entry_pages[docname] = entries
        if any(True for _ in document.findall(resume_nodes.placeholder)):
            self.drawing_pages.add(docname)
        if any(True for _ in document.findall(nodes.literal_block)):
            self.code_pages.add(docname)
        paragraphs, bullets, bullet_tags = _prose(document)
        cards: list[nodes.Element] = [
            *document.findall(resume_nodes.role_card), *document.findall(resume_nodes.project_card)
        ]  # fmt: skip
        for extra in cards[1:]:
            warn(
                "a page describes one role or project only",
                "move this one to a page of its own",
                (docname, extra["line"]),
                subtype="data",
            )
        for card in cards[:1]:
            values = _fields(card)
            if isinstance(card, resume_nodes.role_card):
                self.role_pages[docname] = Role(
                    docname=docname,
                    line=card["line"],
                    organisation=values["organisation"],
                    title=values["title"],
                    period=values["period"],
                    start=card["start"],
                    end=card["end"],
                    technologies=tuple(card["technologies"]),
                    summary=paragraphs[0] if paragraphs else "",
                    highlights=tuple(bullets),
                    tags=tuple(card.get("tags", ())),
                    highlight_tags=tuple(bullet_tags) if any(bullet_tags) else (),
                    details=_details(card, values),
                )
            else:
                self.project_pages[docname] = Project(
                    docname=docname,
                    line=card["line"],
                    name=values["name"],
                    url=card["url"],
                    relation=values["relation"],
                    roles=tuple(card["roles"]),
                    paragraphs=tuple(paragraphs),
                    tags=tuple(card.get("tags", ())),
                )

    def check_consistency(self) -> None:
        """Every page under ``resume_data_pages``' patterns (but an index) holds its directive,
        and every role a project names is a page with a ``resume-role`` directive."""
        recorded: dict[str, Collection[str]] = {
            "resume-role": self.role_pages,
            "resume-project": self.project_pages,
        }
        for pattern, directive in settings(self.env.config).data_pages.items():
            for docname in sorted(self.env.found_docs):
                if not fnmatch(docname, pattern) or docname.rsplit("/", 1)[-1] == "index":
                    continue
                if docname not in recorded[directive] and (
                    self.failed_pages.get(docname) != directive
                ):
                    warn(
                        f"this page has no {directive} directive: every page matching "
                        f"{pattern!r} states its data once, at its top",
                        f"add the {directive} directive at the page's top (README.md, 'Editing "
                        "a page'), or move the page out of that folder",
                        (docname, 1),
                        subtype="data",
                    )
        roles = {*self.role_pages, *(d for d, n in self.failed_pages.items() if n == "resume-role")}
        for project in self.get_projects():
            for name in unknown_roles(project, roles):
                warn(
                    f"roles: {name!r} is not a page with a resume-role directive (known: "
                    f"{', '.join(sorted(self.role_pages)) or 'none'})",
                    "name role pages in the project's roles, as the known ones are written",
                    (project.docname, project.line),
                    subtype="data",
                )

    def clear_doc(self, docname: str) -> None:
        self.role_pages.pop(docname, None)
        self.project_pages.pop(docname, None)
        self.entry_pages.pop(docname, None)
        self.failed_pages.pop(docname, None)
        self.drawing_pages.discard(docname)
        self.code_pages.discard(docname)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for kind in ("roles", "projects", "entries", "failed"):
            for docname, item in otherdata[kind].items():
                if docname in docnames:
                    self.data[kind][docname] = item
        for kind in ("code", "drawing"):
            self.data[kind].update(name for name in otherdata[kind] if name in docnames)

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


def get_domain(env: BuildEnvironment) -> ResumeDomain:
    return env.get_domain(ResumeDomain.name)  # type: ignore[return-value]


def unknown_roles(project: Project, known: Iterable[str]) -> list[str]:
    """The docnames in ``project.roles`` that are not among ``known`` role pages."""
    known = set(known)
    return [name for name in project.roles if name not in known]


def document_order(env: BuildEnvironment) -> dict[str, int]:
    """Each page's position in a walk of the toctrees from the root: the order readers see."""
    order: dict[str, int] = {}

    def walk(docname: str) -> None:
        if docname in order:
            return
        order[docname] = len(order)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(env.config.root_doc)
    return order


def check_data_pages(app: Any, config: Any) -> None:
    """``resume_data_pages`` maps docname patterns to ``resume-role`` or ``resume-project``."""
    from sphinx.errors import ConfigError

    for pattern, directive in settings(config).data_pages.items():
        if directive not in ("resume-role", "resume-project"):
            raise ConfigError(
                problem(
                    f"resume_data_pages[{pattern!r}] = {directive!r}: "
                    "expected 'resume-role' or 'resume-project'",
                    "map each pattern of resume_data_pages in conf.py to 'resume-role' or "
                    "'resume-project'",
                    "data",
                )
            )


def setup_data(app: Any) -> None:
    app.add_domain(ResumeDomain)
    app.connect("config-inited", check_data_pages)
