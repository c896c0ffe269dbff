"""The extension's event handlers and node visitors, registered by ``setup``."""

from __future__ import annotations

import html
import os
import time
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.util import logging

from . import directives as d
from . import contact
from .catalogs import language_problems
from .languages import SOURCE, edition
from .data import PRESENT, Date, Project, ResumeDomain, Role, get_domain, unknown_roles

logger = logging.getLogger(__name__)

#: How many characters of a page's first paragraph make its meta description.
DESCRIPTION_LENGTH = 150


# -- Collecting: after translation, from the nodes themselves ------------------------------


def _fields(card: nodes.Element) -> dict[str, str]:
    return {
        field["resume_key"]: field[1].astext().strip()
        for field in card.findall(nodes.field)
        if "resume_key" in field
    }


def _prose(doctree: nodes.document) -> tuple[list[str], list[str]]:
    """The page's own paragraphs and bullet points, outside any data card."""
    paragraphs, bullets = [], []
    for node in doctree.findall(nodes.paragraph):
        if isinstance(node.parent, nodes.section):
            paragraphs.append(" ".join(node.astext().split()))
        elif isinstance(node.parent, nodes.list_item) and isinstance(
            node.parent.parent.parent, nodes.section
        ):
            bullets.append(" ".join(node.astext().split()))
    return paragraphs, bullets


def _entry(card: d.entry_card) -> dict[str, Any]:
    entry = {key: card[key] for key in card.attributes if key not in ("ids", "classes", "names", "dupnames", "backrefs")}
    for field in card.findall(nodes.field):
        if "resume_key" in field:
            entry[field["resume_key"]] = " ".join(field[1][0].astext().split())
        if "resume_name" in field:
            entry[field["resume_name"]] = " ".join(field[0].astext().split())
    return entry


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """Store the page's role, project and entry data, in the page's own language."""
    domain = get_domain(app.env)
    docname = app.env.docname
    domain.add_entries(docname, [_entry(card) for card in doctree.findall(d.entry_card)])
    paragraphs, bullets = _prose(doctree)
    cards = list(doctree.findall(d.role_card)) + list(doctree.findall(d.project_card))
    for extra in cards[1:]:
        logger.warning(
            "a page describes one role or project only; move this one to a page of its own",
            location=(docname, extra["line"]),
            type="resume",
        )
    for card in cards[:1]:
        texts = _fields(card)
        if isinstance(card, d.role_card):
            domain.add_role(
                Role(
                    docname=docname,
                    line=card["line"],
                    organisation=texts["organisation"],
                    title=texts["title"],
                    period=texts["period"],
                    start=card["start"],
                    end=card["end"],
                    technologies=card["technologies"],
                    summary=paragraphs[0] if paragraphs else "",
                    highlights=bullets,
                )
            )
        else:
            domain.add_project(
                Project(
                    docname=docname,
                    line=card["line"],
                    name=texts["name"],
                    url=card["url"],
                    relation=texts["relation"],
                    roles=card["roles"],
                    paragraphs=paragraphs,
                )
            )


def check_consistency(app: Sphinx, env: BuildEnvironment) -> None:
    """Every role a project names must be a role page."""
    domain = get_domain(env)
    known = domain.role_pages.keys()
    for project in domain.get_projects():
        for name in unknown_roles(project, known):
            logger.warning(
                "roles: %r is not a page with a resume-role directive (known: %s)",
                name,
                ", ".join(sorted(known)) or "none",
                location=(project.docname, project.line),
                type="resume",
            )


# -- Drawing: once every page is read ------------------------------------------------------


def _link(app: Sphinx, fromdocname: str, docname: str, text: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdocname, docname)
    return nodes.reference("", text, internal=True, refuri=uri)


def _joined(items: list[nodes.Node], separator: str) -> nodes.paragraph:
    para = nodes.paragraph()
    for index, item in enumerate(items):
        if index:
            para += nodes.Text(separator)
        para += item
    return para


def document_order(env: BuildEnvironment) -> dict[str, int]:
    """Each page's position in a walk of the toctrees: the order readers see."""
    order: dict[str, int] = {}

    def walk(docname: str) -> None:
        if docname in order:
            return
        order[docname] = len(order)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(env.config.root_doc)
    return order


def present_year() -> int:
    """The year a running role reaches on the timeline: that of the build's source date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return time.gmtime(int(epoch) if epoch else None).tm_year


def _timeline(app: Sphinx, fromdocname: str, roles: list[Role]) -> nodes.Element:
    first = min(Date.parse(role.start, key="start").value for role in roles)
    last = present_year() + 1
    span = max(last - first, 1)
    timeline = nodes.bullet_list(classes=["resume-timeline"])
    for role in roles:
        begin = Date.parse(role.start, key="start").value
        end = last if role.end == PRESENT else Date.parse(role.end, key="end").value + 1
        item = nodes.list_item(classes=["resume-timeline-item"])
        item += nodes.paragraph(
            "",
            "",
            nodes.inline("", role.period, classes=["resume-timeline-period"]),
            nodes.Text(" "),
            nodes.strong("", "", _link(app, fromdocname, role.docname, role.organisation)),
            nodes.Text(" · "),
            nodes.inline("", role.title, classes=["resume-timeline-title"]),
        )
        item += d.timeline_bar(start=(begin - first) / span, width=(end - begin) / span)
        timeline += item
    return timeline


def fill(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace each placeholder with what the collected data says."""
    domain = get_domain(app.env)
    roles = {role.docname: role for role in domain.get_roles()}
    order = document_order(app.env)
    separator = edition(app.config.language).separator
    projects = sorted(domain.get_projects(), key=lambda p: order.get(p.docname, 0))
    for node in list(doctree.findall(d.placeholder)):
        kind = node["kind"]
        replacement: list[nodes.Node] = []
        if kind == "timeline" and roles:
            replacement = [_timeline(app, fromdocname, list(roles.values()))]
        elif kind == "project-list":
            items = nodes.bullet_list(classes=["resume-project-list"])
            for project in projects:
                items += nodes.list_item(
                    "",
                    nodes.paragraph(
                        "",
                        "",
                        nodes.strong("", "", _link(app, fromdocname, project.docname, project.name)),
                        nodes.Text(" · "),
                        nodes.Text(project.relation),
                    ),
                )
            replacement = [items]
        elif kind == "projects-of-role":
            links = [
                _link(app, fromdocname, p.docname, p.name)
                for p in projects
                if fromdocname in p.roles
            ]
            replacement = [_joined(links, separator)] if links else [nodes.paragraph("", "—")]
        elif kind == "roles-of-project":
            project = domain.project_pages.get(fromdocname)
            names = project["roles"] if project else []
            links = [
                _link(app, fromdocname, name, roles[name].organisation)
                for name in names
                if name in roles
            ]
            replacement = [_joined(links, separator)] if links else [nodes.paragraph("", "—")]
        node.replace_self(replacement)


# -- HTML ----------------------------------------------------------------------------------


def visit_timeline_bar(self: Any, node: d.timeline_bar) -> None:
    style = f"--start: {node['start']:.4f}; --width: {node['width']:.4f}"
    self.body.append(
        f'<span class="resume-timeline-bar" aria-hidden="true">'
        f'<span class="resume-timeline-span" style="{style}"></span></span>'
    )
    raise nodes.SkipNode


def skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def depart_nothing(self: Any, node: nodes.Node) -> None:
    pass


def visit_card(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "div", CLASS=" ".join(node["classes"])))


def depart_card(self: Any, node: nodes.Element) -> None:
    self.body.append("</div>\n")


def visit_plain(self: Any, node: nodes.Node) -> None:
    pass


def meta_description(doctree: nodes.document | None) -> str:
    """The page's first paragraph of its own prose, shortened: a description in its language."""
    if doctree is None:
        return ""
    # The first paragraph under a subsection: the page's prose, not a headline under its title.
    for para in doctree.findall(nodes.paragraph):
        parent = para.parent
        if isinstance(parent, nodes.section) and isinstance(parent.parent, nodes.section):
            text = " ".join(para.astext().split())
            if len(text) > DESCRIPTION_LENGTH:
                text = text[: DESCRIPTION_LENGTH - 1].rstrip() + "…"
            return text
    return ""


def add_meta_description(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    description = meta_description(doctree)
    if description:
        tag = f'<meta name="description" content="{html.escape(description)}" />\n'
        context["metatags"] = context.get("metatags", "") + tag


# -- Translations: an edition is published complete, or not at all ------------------------


def check_catalogs(app: Sphinx) -> None:
    """Before reading: the edition's catalogs (for Chinese, the theme's) are complete and exact."""
    if app.builder.name == "gettext":
        return
    for locale_dir in app.config.locale_dirs:
        for problem in language_problems(app.config.language, Path(app.srcdir, locale_dir)):
            logger.warning(
                "%s: %s; run `nox -s catalogs` and translate it",
                problem.kind,
                problem.message,
                location=f"{problem.path}:{problem.line}",
                type="resume",
                subtype="catalog",
            )


def check_translated(app: Sphinx, doctree: nodes.document) -> None:
    """After translation: every message of the page has one (a stale catalog has not)."""
    if app.builder.name == "gettext" or edition(app.config.language) == SOURCE:
        return
    for node in doctree.findall(nodes.Element):
        if isinstance(node, addnodes.toctree):
            # Sphinx translates a toctree's caption without marking the node translated.
            untranslated = bool(node.get("rawcaption")) and node["caption"] == node["rawcaption"]
            text = node.get("rawcaption", "")
        else:
            untranslated = node.get("translated") is False
            text = " ".join(node.astext().split())
        if untranslated:
            logger.warning(
                "untranslated message %r; run `nox -s catalogs` and translate it in %s",
                text if len(text) < 60 else text[:59] + "…",
                f"locales/{app.config.language}/LC_MESSAGES/{app.env.docname}.po",
                location=node,
                type="resume",
                subtype="catalog",
            )


# -- Configuration -------------------------------------------------------------------------


def check_config(app: Sphinx, config: Config) -> None:
    """A wrongly configured contact detail stops the build before anything is read."""
    try:
        contact.validate(config.resume_contact)
    except contact.ContactError as exc:
        raise ConfigError(str(exc)) from None


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("resume_contact", {}, "env", types=[dict])

    app.add_domain(ResumeDomain)
    app.add_directive("resume-role", d.RoleDirective)
    app.add_directive("resume-project", d.ProjectDirective)
    app.add_directive("resume-skills", d.SkillsDirective)
    app.add_directive("resume-language", d.LanguageDirective)
    app.add_directive("resume-education", d.EducationDirective)
    app.add_directive("resume-award", d.AwardDirective)
    app.add_directive("resume-certificate", d.CertificateDirective)
    app.add_directive("resume-timeline", d.TimelineDirective)
    app.add_directive("resume-projects", d.ProjectListDirective)
    app.add_directive("resume-contact", d.ContactDirective)

    card = {fmt: (visit_card, depart_card) for fmt in ("html",)}
    plain = {fmt: (visit_plain, depart_nothing) for fmt in ("latex", "text", "man", "texinfo")}
    app.add_node(d.role_card, **card, **plain)
    app.add_node(d.project_card, **card, **plain)
    app.add_node(d.entry_card, **card, **plain)
    app.add_node(d.placeholder, html=(skip, None), **{k: (skip, None) for k in plain})
    app.add_node(
        d.timeline_bar, html=(visit_timeline_bar, None), **{k: (skip, None) for k in plain}
    )

    app.connect("config-inited", check_config)
    app.connect("builder-inited", check_catalogs)
    app.connect("doctree-read", check_translated)
    app.connect("doctree-read", collect)
    app.connect("env-check-consistency", check_consistency)
    app.connect("doctree-resolved", fill)
    app.connect("html-page-context", add_meta_description)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
