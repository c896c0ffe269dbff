"""Machine-readable résumé data, drawn from the data the pages show, in the edition's language.

* On the web site's home page: a schema.org ``Person`` in JSON-LD, for search engines and link
  previews (https://schema.org/Person). The ePub builder is an HTML builder too; a book gets none.
* Beside the web site's pages, ``resume.json``: the résumé in the JSON Resume format (schema
  1.2.1, https://jsonresume.org/schema).

Both are views of the edition's model (``resume.model``). Contact details come from
``contact.published`` only. A masked phone number is no telephone number, so neither output
carries it; the full one appears only when the build publishes it
(``RESUME_PHONE``). Both outputs are deterministic: the same sources give the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx

from .data import PRESENT
from .model import Resume, resume
from .outputs import RESUME_JSON, file_url, is_website


def github_username(url: str) -> str:
    return urlsplit(url).path.strip("/").split("/")[0]


# -- schema.org JSON-LD --------------------------------------------------------------------


def person(model: Resume) -> dict[str, Any]:
    """The owner as a schema.org ``Person``, its texts tagged with the edition's language."""
    basics = model.basics
    data: dict[str, Any] = {
        # schema.org's context, and the language of every text value in this edition.
        "@context": ["https://schema.org", {"@language": model.language}],
        "@type": "Person",
        "name": basics.name,
    }
    if basics.label:
        data["jobTitle"] = basics.label
    if model.summary:
        data["description"] = model.summary
    if basics.url:
        data["url"] = basics.url
    if role := model.current:
        data["worksFor"] = {"@type": "Organization", "name": role.name}
        data["hasOccupation"] = {"@type": "Occupation", "name": role.position}
    if schools := [e.institution for e in model.education]:
        data["alumniOf"] = [{"@type": "EducationalOrganization", "name": s} for s in schools]
    if model.languages:
        data["knowsLanguage"] = [
            {"@type": "Language", "name": e.language, "alternateName": e.code}
            for e in model.languages
        ]
    if awards := [e.title for e in model.awards]:
        data["award"] = awards
    if (phone := basics.detail("phone")) and phone.full:
        data["telephone"] = phone.text  # a masked number is not a telephone
    if github := basics.detail("github"):
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
    context["metatags"] = context.get("metatags", "") + script(person(resume(app)))


# -- JSON Resume ---------------------------------------------------------------------------


def _dates(item: dict[str, Any], start: str, end: str) -> dict[str, Any]:
    """JSON Resume's ``startDate`` and ``endDate`` (YYYY or YYYY-MM); a running one has no end."""
    item["startDate"] = start
    if end != PRESENT:
        item["endDate"] = end
    return item


def json_resume(model: Resume, canonical: str | None = None) -> dict[str, Any]:
    """The résumé in the JSON Resume format, in the edition's language; ``canonical`` is the
    file's own address, when known."""
    basics_of = model.basics
    basics: dict[str, Any] = {"name": basics_of.name, "label": basics_of.label}
    if (phone := basics_of.detail("phone")) and phone.full:
        basics["phone"] = phone.text
    if basics_of.url:
        basics["url"] = basics_of.url
    if model.summary:
        basics["summary"] = model.summary
    basics["profiles"] = []
    if github := basics_of.detail("github"):
        basics["profiles"].append(
            {"network": "GitHub", "username": github_username(github.href), "url": github.href}
        )

    work = []
    for role in model.work:
        item: dict[str, Any] = {"name": role.name, "position": role.position}
        if role.url:
            item["url"] = role.url
        _dates(item, role.start, role.end)
        item["summary"] = role.summary
        item["highlights"] = [h.text for h in role.highlights]
        item.update((d.key, d.value) for d in role.details)
        work.append(item)

    resume: dict[str, Any] = {
        "basics": basics,
        "work": work,
        "education": [
            _dates({"institution": e.institution, "area": e.area}, e.start, e.end)
            for e in model.education
        ],
        "awards": [
            {"title": e.title, "date": e.date, "summary": e.summary}
            for e in model.awards
            if not e.certificate
        ],
        "certificates": [{"name": e.title, "date": e.date} for e in model.certificates],
        "skills": [{"name": e.name, "keywords": list(e.keywords)} for e in model.skills],
        "languages": [{"language": e.language, "fluency": e.fluency} for e in model.languages],
        "projects": [
            {
                "name": p.name,
                "url": p.url,
                "description": p.paragraphs[0] if p.paragraphs else "",
                "highlights": list(p.paragraphs[1:]),
                "roles": [p.relation],
            }
            for p in model.projects
        ],
        "meta": {
            "language": model.language,
            "lastModified": model.last_modified.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    }
    if canonical:
        resume["meta"]["canonical"] = canonical
    return resume


def write_json_resume(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_website(app.builder):
        return
    text = (
        json.dumps(
            json_resume(resume(app), file_url(app, RESUME_JSON)), ensure_ascii=False, indent=2
        )
        + "\n"
    )
    Path(app.outdir, RESUME_JSON).write_text(text, encoding="utf-8")


def setup_machine_readable(app: Sphinx) -> None:
    app.connect("html-page-context", add_json_ld)
    app.connect("build-finished", write_json_resume)
