"""The structured data of roles and projects: parsing, validation, and the domain that holds it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from dataclasses import asdict, dataclass, field
from typing import Any

from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

PRESENT = "present"
_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2}))?")


class DataError(ValueError):
    """A structured field that is missing or malformed; ``key`` names it where one is to blame."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, order=True)
class Date:
    """A year, or a year and month: what a résumé period gives."""

    year: int
    month: int = 0  # 0: the month is not given

    @classmethod
    def parse(cls, text: str, *, key: str) -> Date:
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
    """Parse ``start`` and ``end`` (a date or ``present``); ``None`` stands for the present."""
    begin = Date.parse(start, key="start")
    if end.strip().lower() == PRESENT:
        return begin, None
    finish = Date.parse(end, key="end")
    if finish < begin:
        raise DataError(f"end {finish} is before start {begin}", "end")
    return begin, finish


def split_list(text: str) -> list[str]:
    """Split a comma-separated option into its stripped, non-empty items."""
    return [item.strip() for item in re.split(r"[,，、]", text) if item.strip()]


@dataclass
class Role:
    """One position held, as the page states it (texts already translated)."""

    docname: str
    line: int
    organisation: str
    title: str
    period: str
    start: str
    end: str  # a date or "present"
    technologies: list[str] = field(default_factory=list)
    summary: str = ""
    highlights: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple[int, int]:
        begin = Date.parse(self.start, key="start")
        return (begin.year, begin.month)


@dataclass
class Project:
    """One open-source project and the owner's relation to it."""

    docname: str
    line: int
    name: str
    url: str
    relation: str
    roles: list[str] = field(default_factory=list)  # docnames of role pages
    paragraphs: list[str] = field(default_factory=list)  # what it is, what the owner did


class ResumeDomain(Domain):
    """Holds every page's role and project data, so that any page can draw on it."""

    name = "resume"
    label = "Résumé"
    initial_data: dict[str, Any] = {"roles": {}, "projects": {}, "entries": {}}
    data_version = 1

    @property
    def role_pages(self) -> dict[str, dict[str, Any]]:
        return self.data.setdefault("roles", {})

    @property
    def project_pages(self) -> dict[str, dict[str, Any]]:
        return self.data.setdefault("projects", {})

    @property
    def entry_pages(self) -> dict[str, list[dict[str, Any]]]:
        return self.data.setdefault("entries", {})

    def add_entries(self, docname: str, entries: list[dict[str, Any]]) -> None:
        if entries:
            self.entry_pages[docname] = entries

    def get_entries(self, kind: str) -> list[dict[str, Any]]:
        """Every entry of one kind (skills, language, education, award, certificate)."""
        return [e for d in sorted(self.entry_pages) for e in self.entry_pages[d] if e["kind"] == kind]

    def add_role(self, role: Role) -> None:
        self.role_pages[role.docname] = asdict(role)

    def add_project(self, project: Project) -> None:
        self.project_pages[project.docname] = asdict(project)

    def get_roles(self) -> list[Role]:
        """Every role, newest first."""
        roles = [Role(**item) for item in self.role_pages.values()]
        return sorted(roles, key=lambda r: r.sort_key, reverse=True)

    def get_projects(self) -> list[Project]:
        return [Project(**item) for item in self.project_pages.values()]

    def clear_doc(self, docname: str) -> None:
        self.role_pages.pop(docname, None)
        self.project_pages.pop(docname, None)
        self.entry_pages.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for kind in ("roles", "projects", "entries"):
            for docname, item in otherdata.get(kind, {}).items():
                if docname in docnames:
                    self.data.setdefault(kind, {})[docname] = item

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


def get_domain(env: BuildEnvironment) -> ResumeDomain:
    return env.get_domain(ResumeDomain.name)  # type: ignore[return-value]


def unknown_roles(project: Project, known: Iterable[str]) -> list[str]:
    known = set(known)
    return [name for name in project.roles if name not in known]
