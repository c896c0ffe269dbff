"""The root page, ``_build/html/index.html``: it sends a browser to the edition of the reader's
preferred language (Chinese otherwise) and lists the editions for a reader without JavaScript.

Beside it, ``_build/html/robots.txt``, the site root's: the same rule as the editions' own
(``resume.hosting.robots``), all allowed, or ``Disallow: /`` when the editions were built with
``RESUME_NOINDEX``, as their ``robots.txt`` says. The page has the editions' favicon, a heading
and a description, and no ``hreflang`` alternates: they would be relative, which search engines
reject (the listed links carry ``hreflang``).

Written by the release build after the editions; standard library only.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from string import Template
from typing import Any

from resume.languages import EDITIONS, SOURCE, Edition

from . import REPO

#: The page's template (``string.Template``, not Jinja: no Sphinx is needed to fill it).
TEMPLATE = REPO / "_templates" / "root-index.html.in"

_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)"')
#: The site root's robots.txt, as each edition writes its own (resume.hosting.robots).
ROBOTS = "robots.txt"
ALLOW_ALL = "User-agent: *\nAllow: /\n"
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
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


def _home_title(index: Path) -> str:
    match = _TITLE.search(index.read_text("utf-8"))
    return " ".join(html.unescape(match.group(1)).split()) if match else ""


def _home_description(index: Path) -> str:
    match = _DESCRIPTION.search(index.read_text("utf-8"))
    return html.unescape(match.group(1)) if match else ""


def root_robots(build_dir: Path, editions: Sequence[Edition]) -> str:
    """The root's ``robots.txt``: ``Disallow: /`` when an edition says so (built with
    ``RESUME_NOINDEX``), else all allowed. The editions' sitemaps are named in their own
    files (Read the Docs serves the parent's at the domain's root); here, with no address,
    there is none to name."""
    for e in editions:
        robots = build_dir / e.code / ROBOTS
        if robots.is_file() and "Disallow: /" in robots.read_text("utf-8").splitlines():
            return DISALLOW_ALL
    return ALLOW_ALL


def write_root_index(build_dir: Path) -> Path:
    """Write ``build_dir/index.html`` for the editions built in ``build_dir/<code>/``, and
    ``build_dir/robots.txt``.

    ``build_dir`` is the HTML output's parent, ``_build/html``. Raises ``FileNotFoundError``
    when no edition is there.
    """
    build_dir = Path(build_dir)
    built = [e for e in EDITIONS if (build_dir / e.code / "index.html").is_file()]
    if not built:
        raise FileNotFoundError(f"no edition in {build_dir} (looked for <code>/index.html)")
    titles = {e.code: _home_title(build_dir / e.code / "index.html") for e in built}
    items = "\n".join(
        f'      <li lang="{e.tag}"><a href="{e.code}/index.html" lang="{e.tag}" hreflang="{e.tag}">'
        f"{html.escape(e.label)}</a>"
        + (f" — {html.escape(titles[e.code])}" if titles[e.code] else "")
        + "</li>"
        for e in built
    )
    first = SOURCE if SOURCE in built else built[0]
    description = _home_description(build_dir / first.code / "index.html")
    table = json.dumps(redirect_table(built), ensure_ascii=False)
    table = table.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    page = Template(TEMPLATE.read_text("utf-8")).substitute(
        lang=SOURCE.tag,
        title=html.escape(" | ".join(t for t in titles.values() if t)),
        heading=html.escape(titles[first.code] or first.label),
        description=html.escape(description, quote=True),
        favicon=f"{first.code}/{FAVICON}",
        table=table,
        items=items,
    )
    target = build_dir / "index.html"
    target.write_text(page, "utf-8")
    (build_dir / ROBOTS).write_text(root_robots(build_dir, built), "utf-8")
    return target
