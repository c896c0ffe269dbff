"""Content drawn from other pages' data, once every page is read: the career timeline, the
project list, and the links between roles and projects.

Each is a ``placeholder`` node on its page, replaced at ``doctree-resolved``. Because such a
page shows other pages' data, it is written again (``env-get-updated``) whenever what pages show
of each other changed while reading: an incremental build gives the same HTML as a clean one,
and saving a page's prose rewrites that page alone.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .data import PRESENT, Date, Role, document_order, get_domain
from .languages import edition
from .nodes import placeholder, timeline_bar
from .settings import settings


def _link(app: Sphinx, fromdocname: str, docname: str, text: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdocname, docname)
    return nodes.reference("", text, internal=True, refuri=uri)


def _joined(items: list[nodes.reference], separator: str) -> nodes.paragraph:
    para = nodes.paragraph()
    for index, item in enumerate(items):
        if index:
            para += nodes.Text(separator)
        para += item
    return para


def build_year(config: Any) -> int:
    """The year of the build's date (``resume_build_date``, from ``SOURCE_DATE_EPOCH``): where
    a running role ends on the timeline."""
    return time.gmtime(settings(config).build_date).tm_year


def timeline(app: Sphinx, fromdocname: str, roles: list[Role]) -> nodes.bullet_list:
    """The roles, newest first, each with its span on one shared axis (bars are fractions)."""
    first = min(Date.parse(role.start, key="start").value for role in roles)
    # A role that starts this month may be newer than the build's date (the last commit's).
    newest = max(Date.parse(role.start, key="start").year for role in roles)
    last = max(build_year(app.config), newest) + 1
    span = max(last - first, 1)
    items = nodes.bullet_list(classes=["resume-timeline"])
    for role in roles:
        begin = Date.parse(role.start, key="start").value
        end: float
        if role.end == PRESENT:
            end = last
        else:  # to the end of the year or month it names
            finish = Date.parse(role.end, key="end")
            end = finish.value + (1 / 12 if finish.month else 1)
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
        item += timeline_bar(start=(begin - first) / span, width=(end - begin) / span)
        items += item
    return items


def fill(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace each placeholder with what the collected data says."""
    domain = get_domain(app.env)
    roles = domain.get_roles()
    by_page = {role.docname: role for role in roles}
    projects = domain.get_projects(document_order(app.env))
    separator = edition(app.config.language).separator
    for node in list(doctree.findall(placeholder)):
        kind = node["kind"]
        replacement: list[nodes.Node] = []
        if kind == "timeline" and roles:
            replacement = [timeline(app, fromdocname, roles)]
        elif kind == "project-list":
            items = nodes.bullet_list(classes=["resume-project-list"])
            for project in projects:
                name = _link(app, fromdocname, project.docname, project.name)
                items += nodes.list_item(
                    "",
                    nodes.paragraph(
                        "", "", nodes.strong("", "", name), nodes.Text(" · "),
                        nodes.Text(project.relation),
                    ),
                )  # fmt: skip
            replacement = [items]
        elif kind == "projects-of-role":
            links = [
                _link(app, fromdocname, p.docname, p.name)
                for p in projects
                if fromdocname in p.roles
            ]
            replacement = [_joined(links, separator)] if links else [nodes.paragraph("", "—")]
        elif kind == "roles-of-project":
            this = domain.project_pages.get(fromdocname)
            names = this.roles if this else ()
            links = [
                _link(app, fromdocname, name, by_page[name].organisation)
                for name in names
                if name in by_page
            ]
            replacement = [_joined(links, separator)] if links else [nodes.paragraph("", "—")]
        node.replace_self(replacement)


def shared_view(env: BuildEnvironment) -> tuple[object, ...]:
    """What a page shows of the others: every record of the résumé Domain (less the source
    line, which only error messages use), whether any page has code (the theme's colours are
    loaded on every page then), the reading order and each page's title (furo's navigation,
    on every page)."""
    domain = get_domain(env)

    def shown(record: Any) -> Any:
        return dataclasses.replace(record, line=0)

    return (
        {name: shown(role) for name, role in domain.role_pages.items()},
        {name: shown(project) for name, project in domain.project_pages.items()},
        {name: [shown(entry) for entry in entries] for name, entries in domain.entry_pages.items()},
        bool(domain.code_pages & env.found_docs),
        document_order(env),
        {name: title.astext() for name, title in env.titles.items()},
    )


def note_changes(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Before any page is read again (``env-get-outdated``), keep what pages show of each other."""
    before = shared_view(env) if (added or changed or removed) else None
    app.resume_shared_view = before  # type: ignore[attr-defined]
    return []


def pages_drawing_on_others(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again after reading (``env-get-updated``): when the records changed, every
    page that draws on them (those with a placeholder, and the home page for its JSON-LD); when
    a title, the reading order or the presence of code changed, every page."""
    before = getattr(app, "resume_shared_view", None)
    app.resume_shared_view = None  # type: ignore[attr-defined]
    if before is None:
        return []
    after = shared_view(env)
    if before[3:] != after[3:]:
        return sorted(env.found_docs)
    if before[:3] == after[:3]:
        return []
    pages = get_domain(env).drawing_pages | {env.config.root_doc}
    return sorted(page for page in pages if page in env.found_docs)


def setup_crosspage(app: Sphinx) -> None:
    app.connect("doctree-resolved", fill)
    app.connect("env-get-outdated", note_changes)
    app.connect("env-get-updated", pages_drawing_on_others)
