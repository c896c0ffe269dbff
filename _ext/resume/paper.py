"""The résumé on paper: what the two-page PDF and the plain-text edition say, and the text.

``Paper`` is a view of the résumé's model (``resume.model``), the edition's or a variant's:
what paper shows of it, in the order it shows it. Nothing here is typed a second time: a
section's title on paper is the title of its section on the site, in the same edition.

Texts are lists of runs (``Run``): plain, bold, linked, or marked as Chinese. A Chinese name in
the English or Japanese edition is marked so that the PDF sets it in Simplified Chinese glyph
forms: the owner's name (``project`` in ``conf.py``), and a run of Han characters followed by its
romanisation in brackets in the Japanese edition, and every run of Han characters in the English
one (``Wanhui Interconnect (万汇互联)``) (``chinese_names``).

``plain_text`` renders a ``Paper`` for pasting into job portals: one line per paragraph or item,
never wrapped, and every fact of the edition's pages, whatever the PDF leaves out to fit its
pages. ``resume.pdf`` typesets it: when the résumé runs over, ``Paper.condensed`` gives up
repetition first (a highlight that restates one paragraph of the role it links to, ``repeats``)
and facts last, and ``left_out`` says what went.
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sphinx.application import Sphinx

from .figures import figures
from .languages import EDITIONS, SOURCE
from .model import Resume, Span, resume
from .variants import Variant

#: What separates a label from its value, and the items of a short list, in each edition.
COLON = {"zh_CN": "：", "ja": "："}
ITEM_SEPARATOR = " · "
NBSP = "\u00a0"

_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
#: A Chinese name as the Japanese catalogs may give it: Han characters, then the romanisation in
#: brackets (elsewhere in that edition Han characters are Japanese kanji).
_CHINESE_NAME = re.compile(rf"{_HAN}+(?=\s?[（(][A-Za-z])")
#: In the English edition every run of Han characters is Chinese (``Wanhui Interconnect
#: (万汇互联)``): without a language, Typst would set them in Japanese glyph forms.
_HAN_RUN = re.compile(rf"{_HAN}+")
#: A space between a figure and its unit, or between a sign and its figure: never a line break.
_UNIT_AFTER = re.compile(
    r"(?<=[\d%+])[ ](?=(?:[A-Za-z]{1,12}\b|[年月天日个款种人倍位名项家次万亿千百]))"
)
_SIGN_BEFORE = re.compile(r"(?<=^|(?<=\s))([<>~≥≤]|QPS|GPU)[ ](?=\d)")


@dataclass(frozen=True)
class Run:
    """A stretch of text: ``bold``, a link to ``href``, or in the language ``lang`` (``zh``)."""

    text: str
    bold: bool = False
    href: str = ""
    lang: str = ""


Text = list[Run]


@dataclass
class RoleEntry:
    organisation: Text
    title: str
    period: str
    href: str  # the role's page on the site, when the site's address is known
    summary: Text
    highlights: list[Text]
    condensed: bool = False  # on paper: the summary only
    details: list[tuple[str, str]] = field(default_factory=list)  # shown role options


@dataclass
class ProjectEntry:
    name: str
    href: str
    relation: str
    paragraphs: list[Text]
    condensed: bool = False  # on paper: what the owner did only


@dataclass
class Paper:
    """One edition's résumé, as paper shows it."""

    language: str  # BCP 47
    code: str  # the edition's folder code
    name: Text
    headline: str
    url: str  # the edition's home page, when known
    contact: list[tuple[str, Run]]  # (label, value)
    titles: dict[str, str]  # section key → the site's title of that section
    summary: Text
    highlights: list[Text]
    roles: list[RoleEntry]
    projects: list[ProjectEntry]
    skills: list[tuple[str, str]]  # (group, keywords)
    languages: list[tuple[str, str]]  # (language, fluency)
    education: list[tuple[str, Text, str]]  # (study, institution, period)
    awards: list[tuple[str, Text, str]]  # (title, summary, year); title "" when summary says it
    colon: str = ": "
    date: tuple[int, int, int] = (1970, 1, 1)
    #: The highlights that restate one paragraph of the role they link to, by index, and the role.
    repeats: dict[int, str] = field(default_factory=dict)
    updated: str = ""  # "Last updated on <date>", in the edition's language (resume.updated)
    #: Set in smaller type (a one-page variant that does not fit otherwise).
    compact: bool = False

    def condensed(self, roles: int, projects: bool, repeats: int = 0) -> Paper:
        """The same résumé without the last ``repeats`` highlights that restate their role, with
        each project cut to what the owner did when ``projects`` is set, and the ``roles``
        oldest roles cut to their summary."""
        keep = len(self.roles) - roles
        dropped = set(sorted(self.repeats)[len(self.repeats) - repeats :]) if repeats else set()
        return replace(
            self,
            highlights=[h for i, h in enumerate(self.highlights) if i not in dropped],
            repeats={},
            roles=[replace(r, condensed=i >= keep) for i, r in enumerate(self.roles)],
            projects=[replace(p, condensed=projects) for p in self.projects],
        )

    def left_out(self, shown: Paper) -> list[str]:
        """What ``shown`` (a ``condensed`` copy of this résumé) leaves out, one line each."""
        gone = [
            f"a highlight that {self.repeats.get(i, 'a role')} says too: {flat(h)}"
            for i, h in enumerate(self.highlights)
            if h not in shown.highlights
        ]
        gone += [
            f"the description of {p.name}: {' '.join(flat(t) for t in p.paragraphs[:-1])}"
            for p in shown.projects
            if p.condensed and len(p.paragraphs) > 1
        ]
        gone += [
            f"the bullets of {flat(r.organisation)}: {' / '.join(flat(h) for h in r.highlights)}"
            for r in shown.roles
            if r.condensed and r.highlights
        ]
        return gone

    def as_data(self) -> dict[str, Any]:
        """Plain data (lists, dicts, strings) for the Typst template."""
        return asdict(self)


# -- Gathering -----------------------------------------------------------------------------


def bind_figures(text: str) -> str:
    """Non-breaking spaces between a figure and its unit (``100 GB/s``, ``7 款``, ``> 5d``)."""
    text = _UNIT_AFTER.sub(NBSP, text)
    return _SIGN_BEFORE.sub(lambda m: m.group(1) + NBSP, text)


def chinese_names(tag: str) -> re.Pattern[str] | None:
    """What a Chinese name looks like in the edition of BCP 47 ``tag``: none to mark in the
    Chinese edition, any Han run in the English one, a name with its romanisation in Japanese."""
    if tag.startswith("zh"):
        return None
    return _HAN_RUN if tag.startswith("en") else _CHINESE_NAME


def runs(text: str, names: re.Pattern[str] | None, bold: bool = False, href: str = "") -> Text:
    """``text`` as runs, the Chinese names that ``names`` finds (``chinese_names``) marked."""
    text = bind_figures(" ".join(text.split()))
    if names is None or not text:
        return [Run(text, bold, href)] if text else []
    result: Text = []
    position = 0
    for match in names.finditer(text):
        if match.start() > position:
            result.append(Run(text[position : match.start()], bold, href))
        result.append(Run(match.group(0), bold, href, "zh"))
        position = match.end()
    if position < len(text):
        result.append(Run(text[position:], bold, href))
    return result


def _edge_runs(text: str, chinese: re.Pattern[str] | None, bold: bool, href: str) -> Text:
    lead = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() and text.strip() else ""
    inner = runs(text, chinese, bold, href)
    if not inner:
        return [Run(" ", bold, href)] if text else []
    inner[0] = replace(inner[0], text=lead + inner[0].text)
    inner[-1] = replace(inner[-1], text=inner[-1].text + tail)
    return inner


def glance_runs(spans: Iterable[Span], chinese: re.Pattern[str] | None) -> Text:
    """An "at a glance" item's spans (``resume.model``) as runs, its Chinese names marked."""
    result: Text = []
    for span in spans:
        # Whitespace inside a paragraph is one space; at a node's edge it is kept.
        href = percent_encoded(span.href) if span.href else ""
        result.extend(_edge_runs(span.text, chinese, span.bold, href))
    if result:
        result[0] = replace(result[0], text=result[0].text.lstrip())
        result[-1] = replace(result[-1], text=result[-1].text.rstrip())
    return [run for run in result if run.text]


def restates(highlight: str, paragraphs: list[str]) -> bool:
    """Whether a highlight says again what one of ``paragraphs`` says: it states figures, and
    every one of them in that paragraph (the figure check compares them in any language)."""
    stated = set(figures(highlight))
    return bool(stated) and any(stated <= set(figures(p)) for p in paragraphs)


def percent_encoded(href: str) -> str:
    """A link's address as ASCII: the host in IDNA, anything else outside ASCII percent-encoded
    (a reader or parser may not take a raw UTF-8 address); what is already encoded stays."""
    parts = urllib.parse.urlsplit(href)
    host = parts.hostname or ""
    netloc = parts.netloc
    if host and not host.isascii():
        netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
    safe = "/:@!$&'()*+,;=%~-._"
    return urllib.parse.urlunsplit(
        (
            parts.scheme,
            netloc,
            urllib.parse.quote(parts.path, safe=safe),
            urllib.parse.quote(parts.query, safe=safe + "?"),
            urllib.parse.quote(parts.fragment, safe=safe + "?#"),
        )
    )


def _award(title: str, summary: str, names: re.Pattern[str] | None) -> tuple[str, Text]:
    """An award's title and summary, each name once: when the summary says the title (软考高级职称
    ——系统架构设计师), the summary alone, the title in it bold."""
    if title and title in summary:
        before, _, after = summary.partition(title)
        text = runs(before, names) + runs(title, names, bold=True) + runs(after, names)
        return "", _spaced(text, before, after)
    return title, runs(summary, names)


def _spaced(text: Text, before: str, after: str) -> Text:
    """Runs cut out of one string keep the spaces at their edges (``runs`` strips them)."""
    result: Text = []
    for run in text:
        if result and before[-1:].isspace() and run.bold and not result[-1].bold:
            result.append(Run(" "))
        if result and after[:1].isspace() and result[-1].bold and not run.bold:
            result.append(Run(" "))
        result.append(run)
    return result


def gather(app: Sphinx, variant: Variant | None = None) -> Paper:
    """The edition's résumé on paper, or ``variant``'s: a view of its model."""
    return view(resume(app, variant))


def view(model: Resume) -> Paper:
    """The résumé as paper shows it, from the model of the edition or of a variant."""
    ed = next(e for e in EDITIONS if e.tag == model.language)
    chinese = ed == SOURCE
    names = chinese_names(ed.tag)
    basics = model.basics

    contact = []
    for detail in basics.contact:
        href = detail.href if detail.href.startswith(("https://", "mailto:", "tel:")) else ""
        href = percent_encoded(href) if href.startswith("https://") else href
        contact.append((detail.label, Run(detail.text, href=href)))

    roles = [
        RoleEntry(
            organisation=runs(role.name, names),
            title=role.position,
            period=bind_figures(role.period),
            href=percent_encoded(role.url),
            summary=runs(role.summary, names),
            highlights=[runs(h.text, names) for h in role.highlights],
            details=[(d.label, d.value) for d in role.details if d.label],
        )
        for role in model.work
    ]
    projects = [
        ProjectEntry(
            name=project.name,
            href=percent_encoded(project.url),
            relation=project.relation,
            paragraphs=[runs(p, names) for p in project.paragraphs],
        )
        for project in model.projects
    ]
    glance = [(glance_runs(g.spans, names), g.target) for g in model.highlights]
    said = {role.page: [role.summary, *(h.text for h in role.highlights)] for role in model.work}
    heading = {role.page: role.heading for role in model.work}
    repeats = {
        i: heading[target]
        for i, (text, target) in enumerate(glance)
        if target in said and restates(flat(text), said[target])
    }
    # The owner's name as typed in Chinese (``project``) beside the edition's, when they differ.
    name, own = basics.name, basics.native
    name_runs = [Run(name, lang="" if chinese or name != own else "zh")]
    if not chinese and name != own:
        name_runs += [Run(" "), Run(own, lang="zh")]
    stamp = model.last_modified
    return Paper(
        language=ed.tag,
        code=ed.code,
        name=name_runs,
        headline=basics.label,
        url=percent_encoded(posixpath.join(basics.site, "")) if basics.site else "",
        contact=contact,
        titles=dict(model.sections),
        summary=runs(model.summary, names),
        highlights=[text for text, _target in glance],
        roles=roles,
        projects=projects,
        skills=[(e.name, ITEM_SEPARATOR.join(e.keywords)) for e in model.skills],
        languages=[(e.language, e.fluency) for e in model.languages],
        education=[
            (e.area, runs(e.institution, names), bind_figures(e.period)) for e in model.education
        ],
        awards=[(*_award(a.title, a.summary, names), a.date) for a in model.awards],
        colon=COLON.get(ed.sphinx, ": "),
        date=(stamp.year, stamp.month, stamp.day),
        repeats=repeats,
        updated=model.updated,
    )


# -- Plain text ----------------------------------------------------------------------------


def flat(text: Text) -> str:
    """Runs as plain text; no-break spaces become spaces (a portal may not keep them)."""
    return "".join(run.text for run in text).replace(NBSP, " ")


def plain_text(paper: Paper) -> str:
    """The résumé as plain text: headings, then one line per paragraph or item, unwrapped."""
    colon = paper.colon
    lines = [flat(paper.name), paper.headline]
    lines += [f"{label}{colon}{value.text}" for label, value in paper.contact]
    if paper.url:
        lines.append(paper.url)
    if paper.updated:
        lines.append(paper.updated)

    def section(key: str, body: list[str]) -> None:
        if body:
            lines.extend(["", "", paper.titles.get(key, key), ""])
            lines.extend(body)

    section("summary", [flat(paper.summary)] if paper.summary else [])
    section("highlights", [f"- {flat(item)}" for item in paper.highlights])
    experience: list[str] = []
    for role in paper.roles:
        if experience:
            experience.append("")
        experience.append(flat(role.organisation))
        experience.append(f"{role.title}{ITEM_SEPARATOR}{role.period.replace(NBSP, ' ')}")
        experience.extend(f"{label}{colon}{value}" for label, value in role.details)
        if role.summary:
            experience.append(flat(role.summary))
        if not role.condensed:
            experience.extend(f"- {flat(item)}" for item in role.highlights)
    section("experience", experience)
    projects: list[str] = []
    for project in paper.projects:
        if projects:
            projects.append("")
        projects.append(
            f"{project.name}{ITEM_SEPARATOR}{project.relation}{ITEM_SEPARATOR}{project.href}"
        )
        shown = project.paragraphs[-1:] if project.condensed else project.paragraphs
        projects.extend(flat(p) for p in shown)
    section("projects", projects)
    section("skills", [f"{name}{colon}{words}" for name, words in paper.skills])
    section("languages", [f"{lang}{colon}{fluency}" for lang, fluency in paper.languages])
    # Education and awards after their dates, as the PDF prints them.
    section(
        "education",
        [f"{period.replace(NBSP, ' ')}{ITEM_SEPARATOR}{study}{ITEM_SEPARATOR}{flat(school)}"
         for study, school, period in paper.education],
    )  # fmt: skip
    section(
        "awards",
        [
            f"{year}{ITEM_SEPARATOR}{title + ITEM_SEPARATOR if title else ''}{flat(text)}"
            for title, text, year in paper.awards
        ],
    )
    return "\n".join(lines).rstrip() + "\n"
