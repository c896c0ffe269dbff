"""Machine-readable résumé data, drawn from the data the pages show, in the edition's language.

* On the web site's home page: a schema.org ``Person`` in JSON-LD, for search engines and link
  previews (https://schema.org/Person). The ePub builder is an HTML builder too; a book gets none.
* Beside the web site's pages, ``resume.json``: the résumé in the JSON Resume format (schema
  1.2.1, https://jsonresume.org/schema).

Contact details come from ``contact.published`` only. A masked phone number is no telephone
number, so neither output carries it; the full one appears only when the build publishes it
(``RESUME_PHONE``). Both outputs are deterministic: the same sources give the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx

from .contact import published_by
from .data import (
    PRESENT,
    Award,
    Education,
    Language,
    ResumeDomain,
    Role,
    SkillGroup,
    document_order,
    get_domain,
    tags_in,
)
from .languages import edition
from .outputs import RESUME_JSON, file_url, is_website, page_url
from .settings import settings
from .updated import iso_timestamp

#: The label of the home page's summary section, ``(summary)=`` in index.md.
SUMMARY_LABEL = "summary"


# -- What both outputs draw on -------------------------------------------------------------


def owner(app: Sphinx) -> tuple[str, str]:
    """The owner's name and headline in this edition (``resume_owner``; the name defaults to
    ``project``)."""
    config = app.config
    return settings(config).name(config.language) or config.project, settings(config).headline(
        config.language
    )


def summary(app: Sphinx, tag: str = "") -> str:
    """The home page's summary: the first paragraph of its ``(summary)=`` section, translated;
    with ``tag``, the paragraph a variant's ``{tag}`` marks (an untagged one otherwise)."""
    labels = app.env.domains.standard_domain.labels
    if SUMMARY_LABEL not in labels:
        return ""
    docname, labelid, _ = labels[SUMMARY_LABEL]
    for section in app.env.get_doctree(docname).findall(nodes.section):
        if labelid in section["ids"]:
            for para in section.findall(nodes.paragraph):
                if tag in tags_in(para) if tag else not tags_in(para):
                    return " ".join(para.astext().split())
    return ""


def current_role(domain: ResumeDomain) -> Role | None:
    return next((role for role in domain.get_roles() if role.end == PRESENT), None)


def github_username(url: str) -> str:
    return urlsplit(url).path.strip("/").split("/")[0]


# -- schema.org JSON-LD --------------------------------------------------------------------


def person(app: Sphinx) -> dict[str, Any]:
    """The owner as a schema.org ``Person``, its texts tagged with the edition's language."""
    domain = get_domain(app.env)
    name, headline = owner(app)
    contact = published_by(app.config)
    data: dict[str, Any] = {
        # schema.org's context, and the language of every text value in this edition.
        "@context": ["https://schema.org", {"@language": edition(app.config.language).tag}],
        "@type": "Person",
        "name": name,
    }
    if headline:
        data["jobTitle"] = headline
    if text := summary(app):
        data["description"] = text
    if url := page_url(app, app.config.root_doc):
        data["url"] = url
    if role := current_role(domain):
        data["worksFor"] = {"@type": "Organization", "name": role.organisation}
        data["hasOccupation"] = {"@type": "Occupation", "name": role.title}
    if schools := [e.institution for e in domain.get_entries(Education)]:
        data["alumniOf"] = [{"@type": "EducationalOrganization", "name": s} for s in schools]
    if languages := domain.get_entries(Language):
        data["knowsLanguage"] = [
            {"@type": "Language", "name": e.language, "alternateName": e.code} for e in languages
        ]
    all_awards = domain.get_entries(Award)
    awards = [e.title for e in all_awards if not e.certificate]
    awards += [e.title for e in all_awards if e.certificate]
    if awards:
        data["award"] = awards
    if (phone := contact.get("phone")) and phone.full:
        data["telephone"] = phone.text  # a masked number is not a telephone
    if github := contact.get("github"):
        data["sameAs"] = [github.href]
    return data


def script(data: dict[str, Any]) -> str:
    """A ``<script>`` element of JSON-LD. ``<``, ``>`` and ``&`` are written as JSON escapes
    (``\\u003c`` …), so no text can end the element or open a comment in it (HTML's
    "script data" state: https://html.spec.whatwg.org/#restrictions-for-contents-of-script-elements).
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def add_json_ld(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The home page of the web site describes its owner; no other page, and no ePub, does."""
    if not is_website(app.builder) or pagename != app.config.root_doc:
        return
    context["metatags"] = context.get("metatags", "") + script(person(app))


# -- JSON Resume ---------------------------------------------------------------------------


def _dates(item: dict[str, Any], start: str, end: str) -> dict[str, Any]:
    """JSON Resume's ``startDate`` and ``endDate`` (YYYY or YYYY-MM); a running one has no end."""
    item["startDate"] = start
    if end != PRESENT:
        item["endDate"] = end
    return item


def json_resume(app: Sphinx) -> dict[str, Any]:
    """The résumé in the JSON Resume format, in the edition's language."""
    domain = get_domain(app.env)
    name, headline = owner(app)
    contact = published_by(app.config)

    basics: dict[str, Any] = {"name": name, "label": headline}
    if (phone := contact.get("phone")) and phone.full:
        basics["phone"] = phone.text
    if url := page_url(app, app.config.root_doc):
        basics["url"] = url
    if text := summary(app):
        basics["summary"] = text
    basics["profiles"] = []
    if github := contact.get("github"):
        basics["profiles"].append(
            {"network": "GitHub", "username": github_username(github.href), "url": github.href}
        )

    work = []
    for role in domain.get_roles():
        item: dict[str, Any] = {"name": role.organisation, "position": role.title}
        if url := page_url(app, role.docname):
            item["url"] = url
        _dates(item, role.start, role.end)
        item["summary"] = role.summary
        item["highlights"] = list(role.highlights)
        work.append(item)

    projects = domain.get_projects(document_order(app.env))
    awards = domain.get_entries(Award)
    resume: dict[str, Any] = {
        "basics": basics,
        "work": work,
        "education": [
            _dates({"institution": e.institution, "area": e.study}, e.start, e.end)
            for e in domain.get_entries(Education)
        ],
        "awards": [
            {"title": e.title, "date": e.date, "summary": e.summary}
            for e in awards
            if not e.certificate
        ],
        "certificates": [{"name": e.title, "date": e.date} for e in awards if e.certificate],
        "skills": [
            {"name": e.name, "keywords": list(e.keywords)} for e in domain.get_entries(SkillGroup)
        ],
        "languages": [
            {"language": e.language, "fluency": e.fluency} for e in domain.get_entries(Language)
        ],
        "projects": [
            {
                "name": p.name,
                "url": p.url,
                "description": p.paragraphs[0] if p.paragraphs else "",
                "highlights": list(p.paragraphs[1:]),
                "roles": [p.relation],
            }
            for p in projects
        ],
        "meta": {
            "language": edition(app.config.language).tag,
            "lastModified": iso_timestamp(app.config),
        },
    }
    if url := file_url(app, RESUME_JSON):
        resume["meta"]["canonical"] = url
    return resume


def write_json_resume(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_website(app.builder):
        return
    text = json.dumps(json_resume(app), ensure_ascii=False, indent=2) + "\n"
    Path(app.outdir, RESUME_JSON).write_text(text, encoding="utf-8")


def setup_machine_readable(app: Sphinx) -> None:
    app.connect("html-page-context", add_json_ld)
    app.connect("build-finished", write_json_resume)
