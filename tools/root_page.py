"""The root page, ``_build/html/index.html``: it sends a browser to the edition of the reader's
preferred language (Chinese otherwise) and lists the editions for a reader without JavaScript.

Written by the release build after the editions, from what they state and the build's settings,
never from their pages: each edition's ``resume.json`` gives the owner's name, headline and
summary in its language (the list, the title and the description, cut as a page's is), and
``RESUME_NOINDEX`` (``resume.environment``, as the editions read it) the site root's
``robots.txt`` beside it, written by the editions' rule (``resume.crawlers``). The page has the
editions' favicon, a heading and a description, and no ``hreflang`` alternates: they would be
relative, which search engines reject (the listed links carry ``hreflang``).

Standard library only.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from string import Template
from typing import Any

from resume import environment
from resume.crawlers import ROBOTS, robots_txt, shorten
from resume.files import write_atomically
from resume.languages import EDITIONS, SOURCE, Edition
from resume.outputs import RESUME_JSON
from resume.settings import title as owner_title

from . import REPO

#: The page's template (``string.Template``, not Jinja: no Sphinx is needed to fill it).
TEMPLATE = REPO / "_templates" / "root-index.html.in"
#: Each edition's favicon (resume.theme), which the root page shows too.
FAVICON = "_static/favicon.svg"


def primary_subtag(tag: str) -> str:
    """``zh-CN`` → ``zh``: what a browser's language is matched on."""
    return re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]


def redirect_table(editions: Sequence[Edition] = EDITIONS) -> dict[str, Any]:
    """What the root page's script reads: each language's edition, and the one for the rest."""
    fallback = SOURCE if SOURCE in editions else editions[0]
    return {
        "languages": {primary_subtag(e.tag): f"{e.code}/index.html" for e in editions},
        "fallback": f"{fallback.code}/index.html",
    }


def choose_edition(preferences: Iterable[str], table: Mapping[str, Any]) -> str:
    """The root page's script, in Python: the first preferred language with an edition wins."""
    for tag in preferences:
        target = table["languages"].get(primary_subtag(tag))
        if target:
            return target
    return str(table["fallback"])


def owner(edition_dir: Path) -> dict[str, str]:
    """What the edition in ``edition_dir`` states of its owner (``resume.json``'s ``basics``):
    name, label (the headline) and summary, in its language. Nothing when the file is missing or
    no JSON object: the edition is then listed by its label alone (the release checks that the
    editions' files are there, not what they hold)."""
    try:
        data = json.loads((edition_dir / RESUME_JSON).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    basics = data.get("basics") if isinstance(data, dict) else None
    if not isinstance(basics, dict):
        return {}
    return {key: str(basics.get(key) or "") for key in ("name", "label", "summary")}


def title(basics: Mapping[str, str]) -> str:
    """The owner's name and headline, as the edition's site is titled."""
    return owner_title(basics.get("name", ""), basics.get("label", ""))


def write_root_index(build_dir: Path, noindex: bool | None = None) -> Path:
    """Write ``build_dir/index.html`` for the editions built in ``build_dir/<code>/``, and
    ``build_dir/robots.txt`` (``noindex``: unlisted; by default as ``RESUME_NOINDEX`` says).

    ``build_dir`` is the HTML output's parent, ``_build/html``. Raises ``FileNotFoundError``
    when no edition is there.
    """
    build_dir = Path(build_dir)
    built = [e for e in EDITIONS if (build_dir / e.code / "index.html").is_file()]
    if not built:
        raise FileNotFoundError(f"no edition in {build_dir} (looked for <code>/index.html)")
    if noindex is None:
        noindex = environment.read(os.environ).noindex
    owners = {e.code: owner(build_dir / e.code) for e in built}
    titles = {code: title(basics) for code, basics in owners.items()}
    items = "\n".join(
        f'      <li lang="{e.tag}"><a href="{e.code}/index.html" lang="{e.tag}" hreflang="{e.tag}">'
        f"{html.escape(e.label)}</a>"
        + (f" — {html.escape(titles[e.code])}" if titles[e.code] else "")
        + "</li>"
        for e in built
    )
    first = SOURCE if SOURCE in built else built[0]
    table = json.dumps(redirect_table(built), ensure_ascii=False)
    table = table.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    page = Template(TEMPLATE.read_text("utf-8")).substitute(
        lang=SOURCE.tag,
        title=html.escape(" | ".join(t for t in titles.values() if t)),
        heading=html.escape(titles[first.code] or first.label),
        description=html.escape(shorten(owners[first.code].get("summary", "")), quote=True),
        favicon=f"{first.code}/{FAVICON}",
        table=table,
        items=items,
        # Unlisted: robots.txt keeps crawlers out, and the page says so to any that read it.
        robots='\n    <meta name="robots" content="noindex">' if noindex else "",
    )
    target = build_dir / "index.html"
    write_atomically(target, page)
    write_atomically(build_dir / ROBOTS, robots_txt(noindex))
    return target
