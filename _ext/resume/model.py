"""The résumé as one typed snapshot, in the edition's language: what every document shows.

``resume(app, variant)`` reads the ``resume`` Domain's records and the home page's prose once
every page is read, and returns a ``Resume``, shaped after JSON Resume (https://jsonresume.org/
schema): the person (``Basics``), the summary, the "at a glance" items, the roles (``Work``),
projects, skills, languages, education, awards and certificates, the build's date. The PDF and
the text résumé (``resume.paper``), the JSON-LD and ``resume.json``
(``resume.machine_readable``), the social card (``resume.card``) and the contact card
(``resume.vcard``) are views of it: none reads the Domain or the doctrees itself, and every
choice of what comes first (roles newest first, awards before certificates) is made here.
A variant's model is the edition's, cut by its tags (``Resume.cut``). Each is built once per
builder and per variant, and built again when pages were read again.

A role option beyond the built-in ones is declared once, as a ``RoleOption``, with
``add_role_option`` (in an extension's or ``conf.py``'s ``setup``): ``resume-role`` then
accepts and checks it, each ``Work`` carries its value in ``details``, ``resume.json`` writes it
under its JSON Resume key, and, when it is shown text (it has a ``label``), the role's card,
the PDF and the text résumé show it.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.locale import _

from . import data
from .contact import LABELS, published_by
from .data import PRESENT, Detail, document_order, get_domain, tags_in
from .languages import edition
from .messages import problem
from .settings import settings
from .updated import last_updated
from .variants import Variant

#: The labels (``(label)=``) of the sections whose titles head the documents' sections.
SECTION_LABELS = {
    "summary": "summary",
    "highlights": "at-a-glance",
    "experience": "experience",
    "projects": "projects",
    "skills": "skills",
    "languages": "languages",
    "education": "education",
    "awards": "awards",
}
#: The label of the home page's summary section, ``(summary)=`` in index.md.
SUMMARY_LABEL = SECTION_LABELS["summary"]


# -- The model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of inline text as the page marks it: ``bold``, or a link to ``href``
    (an ``https://`` address as written)."""

    text: str
    bold: bool = False
    href: str = ""


@dataclass(frozen=True)
class Tagged:
    """A paragraph or bullet and the tags (``{tag}``) it carries."""

    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Glance:
    """An "at a glance" item: its inline text, the page it links to last (a role's, or ""), its
    tags."""

    spans: tuple[Span, ...]
    target: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    """A contact detail this build publishes: ``full`` when it is the owner's whole value (a
    masked phone number is not), ``label`` in the edition's language."""

    kind: str
    label: str
    text: str
    href: str
    full: bool


@dataclass(frozen=True)
class Basics:
    """The person: JSON Resume's ``basics``."""

    name: str  # in the edition's form
    native: str  # as the owner writes it (``project``)
    label: str  # the headline
    url: str  # the home page's address, "" when the site's address is unknown
    site: str  # the site's address (``html_baseurl``), ""
    contact: tuple[Contact, ...]

    def detail(self, kind: str) -> Contact | None:
        return next((c for c in self.contact if c.kind == kind), None)


@dataclass(frozen=True)
class Work:
    """A role: JSON Resume's ``work`` item, with the page it is stated on."""

    page: str  # docname
    heading: str  # the page's title
    name: str  # the organisation
    position: str
    url: str  # the role's page on the site, ""
    start: str  # YYYY or YYYY-MM
    end: str  # YYYY, YYYY-MM or "present"
    period: str  # as the edition writes it
    keywords: tuple[str, ...]  # technologies
    summary: str
    highlights: tuple[Tagged, ...]
    tags: tuple[str, ...] = ()
    details: tuple[Detail, ...] = ()  # declared role options (``RoleOption``)

    @property
    def current(self) -> bool:
        return self.end == PRESENT


@dataclass(frozen=True)
class Project:
    page: str
    name: str
    url: str
    relation: str  # the owner's relation to it
    paragraphs: tuple[str, ...]  # what it is, then what the owner did
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skill:
    name: str
    keywords: tuple[str, ...]
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Language:
    language: str
    fluency: str
    code: str  # BCP 47
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Education:
    area: str  # the field of study
    institution: str
    period: str
    start: str
    end: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Award:
    """An award or, with ``certificate``, a certification."""

    title: str
    summary: str
    date: str  # YYYY
    certificate: bool = False
    tags: tuple[str, ...] = ()


_T = TypeVar("_T", Work, Project, Skill, Language, Education, Award, Glance)


@dataclass(frozen=True)
class Resume:
    """One edition's résumé, or a variant's cut of it, every text in the edition's language."""

    language: str  # BCP 47
    basics: Basics
    summary: str
    summaries: tuple[Tagged, ...]  # the summary section's paragraphs: the variants' choice
    highlights: tuple[Glance, ...]
    work: tuple[Work, ...]  # newest first
    projects: tuple[Project, ...]  # in reading order
    skills: tuple[Skill, ...]
    languages: tuple[Language, ...]
    education: tuple[Education, ...]
    awards: tuple[Award, ...]  # awards, then certificates
    sections: dict[str, str]  # SECTION_LABELS' key → the site's title of that section
    last_modified: datetime.datetime  # the build's time (UTC)
    updated: str  # "Last updated on <date>", in the edition's language
    variant: str = ""  # the variant's name, "" for the edition

    @property
    def certificates(self) -> tuple[Award, ...]:
        return tuple(a for a in self.awards if a.certificate)

    @property
    def current(self) -> Work | None:
        """The role held now, the newest one that runs to the present."""
        return next((role for role in self.work if role.current), None)

    def cut(self, variant: Variant | None) -> Resume:
        """What ``variant`` keeps: the records and bullets its tags keep, its summary, and the
        "at a glance" items its tags keep but those about a role it leaves out."""
        if variant is None:
            return self
        cutting = variant

        def kept(items: Iterable[_T]) -> tuple[_T, ...]:
            return tuple(item for item in items if cutting.keeps(item.tags))

        work = tuple(
            replace(w, highlights=kept_bullets(w.highlights, variant)) for w in kept(self.work)
        )
        roles, left = {w.page for w in self.work}, {w.page for w in work}
        summary = self.summary
        if variant.summary:
            summary = next((p.text for p in self.summaries if variant.summary in p.tags), "")
        return replace(
            self,
            summary=summary,
            highlights=tuple(
                g for g in kept(self.highlights) if g.target not in roles or g.target in left
            ),
            work=work,
            projects=kept(self.projects),
            skills=kept(self.skills),
            languages=kept(self.languages),
            education=kept(self.education),
            awards=kept(self.awards),
            variant=variant.name,
        )


def kept_bullets(bullets: Iterable[Tagged], variant: Variant) -> tuple[Tagged, ...]:
    return tuple(b for b in bullets if variant.keeps(b.tags))


# -- Declared role options -----------------------------------------------------------------


def _text(value: str) -> str:
    """The default check: any non-empty text, its whitespace collapsed."""
    text = " ".join(value.split())
    if not text:
        raise ValueError("is empty")
    return text


@dataclass(frozen=True)
class RoleOption:
    """One more option of ``resume-role``, declared once (``add_role_option``).

    ``option`` is the directive's option (``:location:``), ``key`` the role's key in
    ``resume.json``'s ``work`` (JSON Resume's name where it has one), ``check`` turns the
    option's text into its value or raises ``ValueError`` saying what is wrong, ``label`` (an
    interface string, translated by the theme catalogs) makes it shown text: a field of the
    role's card, translated with its page, and a line under the role's dates in the PDF and the
    text résumé; without one the value is data only.
    """

    option: str
    key: str
    label: str = ""
    required: bool = False
    check: Callable[[str], str] = _text


#: The keys of a ``work`` item that ``resume.json`` writes from the built-in options.
WORK_KEYS = ("name", "position", "url", "startDate", "endDate", "summary", "highlights")
#: Each application's declared role options, in the order declared.
_OPTIONS: weakref.WeakKeyDictionary[Sphinx, tuple[RoleOption, ...]] = weakref.WeakKeyDictionary()


def role_options(app: Sphinx) -> tuple[RoleOption, ...]:
    return _OPTIONS.get(app, ())


def add_role_option(app: Sphinx, declared: RoleOption) -> None:
    """Declare ``declared``: ``resume-role`` accepts, checks and records it from now on."""
    from .directives import RoleDirective

    taken = {*RoleDirective.option_spec, "period", "projects"}
    taken |= {o.option for o in role_options(app)}
    if declared.option in taken or not re.fullmatch(r"[a-z][a-z0-9-]*", declared.option):
        raise ExtensionError(
            problem(
                f"resume-role option {declared.option!r}: the name is taken or not a lower-case "
                f"option name (taken: {', '.join(sorted(taken))})",
                "name it otherwise, in lower-case letters, digits and hyphens",
                subtype="directive",
            )
        )
    keys = {*WORK_KEYS, *(o.key for o in role_options(app))}
    if declared.key in keys or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", declared.key):
        raise ExtensionError(
            problem(
                f"resume-role option {declared.option!r}: resume.json's key {declared.key!r} is "
                f"taken or not a JSON Resume name (taken: {', '.join(sorted(keys))})",
                "give it JSON Resume's name for the field, or a camelCase name of its own",
                subtype="directive",
            )
        )
    options = _OPTIONS[app] = (*role_options(app), declared)
    app.add_directive("resume-role", RoleDirective.declaring(options), override=True)


# -- Building it ---------------------------------------------------------------------------


def owner(app: Sphinx) -> tuple[str, str]:
    """The owner's name and headline in this edition (``resume_owner``; the name defaults to
    ``project``)."""
    config = app.config
    found = settings(config)
    return found.name(config.language) or config.project, found.headline(config.language)


def _section(app: Sphinx, label: str, doctrees: dict[str, nodes.document]) -> nodes.section | None:
    """The section that ``(label)=`` names, from its page's doctree (kept in ``doctrees``:
    Sphinx unpickles a page's doctree anew at each ``get_doctree``, and most labels are on
    the home page)."""
    labels = app.env.domains.standard_domain.labels
    if label not in labels:
        return None
    docname, labelid, _title = labels[label]
    if docname not in doctrees:
        doctrees[docname] = app.env.get_doctree(docname)
    for section in doctrees[docname].findall(nodes.section):
        if labelid in section["ids"]:
            return section
    return None


def _title(section: nodes.section | None) -> str:
    if section is None:
        return ""
    title = next(iter(section.findall(nodes.title)), None)
    return " ".join(title.astext().split()) if title is not None else ""


def _spans(paragraph: nodes.Element) -> tuple[Span, ...]:
    """A paragraph's text, one span per text node (whitespace inside one is one space): bold
    stays bold, an external link stays a link."""
    found: list[Span] = []

    def walk(node: nodes.Node, bold: bool, href: str) -> None:
        if isinstance(node, nodes.Text):
            found.append(Span(re.sub(r"\s+", " ", node.astext()), bold, href))
            return
        if isinstance(node, nodes.strong):
            bold = True
        if isinstance(node, nodes.reference) and node.get("refuri", "").startswith("https://"):
            href = node["refuri"]
        for child in node.children:
            walk(child, bold, href)

    for child in paragraph.children:
        walk(child, False, "")
    return tuple(found)


def _glance(section: nodes.section | None) -> tuple[Glance, ...]:
    if section is None:
        return ()
    found = []
    for item in section.findall(nodes.list_item):
        if not (item.children and isinstance(item[0], nodes.paragraph)):
            continue
        targets = [
            xref.get("reftarget", "")
            for xref in item[0].findall(addnodes.pending_xref)
            if xref.get("refdomain") == "doc"
        ]
        found.append(Glance(_spans(item[0]), targets[-1] if targets else "", tags_in(item[0])))
    return tuple(found)


def _summaries(section: nodes.section | None) -> tuple[Tagged, ...]:
    if section is None:
        return ()
    return tuple(
        Tagged(" ".join(p.astext().split()), tags_in(p)) for p in section.findall(nodes.paragraph)
    )


def _page(base: str, docname: str) -> str:
    """A page's address as the web site names it (the HTML builder's ``<docname>.html``)."""
    return posixpath.join(base, f"{docname}.html") if base else ""


def build(app: Sphinx) -> Resume:
    """The edition's model from the Domain and the home page, once every page is read."""
    config, env = app.config, app.env
    domain = get_domain(env)
    base = str(config.html_baseurl or "")
    name, headline = owner(app)
    contact = tuple(
        Contact(kind, str(_(LABELS[kind])), d.text, d.href, d.full)
        for kind, d in published_by(config).items()
    )
    doctrees: dict[str, nodes.document] = {}  # read, never changed, here
    summaries = _summaries(_section(app, SUMMARY_LABEL, doctrees))
    work = tuple(
        Work(
            page=r.docname,
            heading=" ".join(env.titles[r.docname].astext().split())
            if r.docname in env.titles
            else "",
            name=r.organisation,
            position=r.title,
            url=_page(base, r.docname),
            start=r.start,
            end=r.end,
            period=r.period,
            keywords=r.technologies,
            summary=r.summary,
            highlights=tuple(
                Tagged(text, tags)
                for text, tags in zip(
                    r.highlights, r.highlight_tags or ((),) * len(r.highlights), strict=True
                )
            ),
            tags=r.tags,
            details=r.details,
        )
        for r in domain.get_roles()
    )
    awards = domain.get_entries(data.Award)
    return Resume(
        language=edition(config.language).tag,
        basics=Basics(
            name=name,
            native=str(config.project),
            label=headline,
            url=_page(base, config.root_doc),
            site=base,
            contact=contact,
        ),
        summary=next((p.text for p in summaries if not p.tags), ""),
        summaries=summaries,
        highlights=_glance(_section(app, SECTION_LABELS["highlights"], doctrees)),
        work=work,
        projects=tuple(
            Project(p.docname, p.name, p.url, p.relation, p.paragraphs, p.tags)
            for p in domain.get_projects(document_order(env))
        ),
        skills=tuple(
            Skill(e.name, e.keywords, e.tags) for e in domain.get_entries(data.SkillGroup)
        ),
        languages=tuple(
            Language(e.language, e.fluency, e.code, e.tags)
            for e in domain.get_entries(data.Language)
        ),
        education=tuple(
            Education(e.study, e.institution, e.period, e.start, e.end, e.tags)
            for e in domain.get_entries(data.Education)
        ),
        awards=tuple(
            Award(a.title, a.summary, a.date, a.certificate, a.tags)
            for a in [
                *(a for a in awards if not a.certificate),
                *(a for a in awards if a.certificate),
            ]
        ),
        sections={
            key: _title(_section(app, label, doctrees)) for key, label in SECTION_LABELS.items()
        },
        last_modified=datetime.datetime.fromtimestamp(
            int(settings(config).build_date), datetime.UTC
        ),
        updated=last_updated(config),
    )


#: Each builder's models by variant name ("" for the edition), until pages are read again.
_MODELS: weakref.WeakKeyDictionary[Any, dict[str, Resume]] = weakref.WeakKeyDictionary()


def resume(app: Sphinx, variant: Variant | None = None) -> Resume:
    """This build's model of the edition, or of ``variant``: built once, then kept."""
    models = _MODELS.setdefault(app.builder, {})
    if "" not in models:
        models[""] = build(app)
    key = variant.name if variant else ""
    if key not in models:
        models[key] = models[""].cut(variant)
    return models[key]


def forget(app: Sphinx, env: Any) -> None:
    """Pages were read: the next ``resume`` builds the model again."""
    _MODELS.pop(app.builder, None)


def setup_model(app: Sphinx) -> None:
    app.connect("env-updated", forget)
