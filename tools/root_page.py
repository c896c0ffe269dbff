"""The root page, ``_build/html/index.html``: it sends a browser to the edition of the reader's
preferred language (Chinese otherwise) and lists the editions for a reader without JavaScript.

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


def write_root_index(build_dir: Path) -> Path:
    """Write ``build_dir/index.html`` for the editions built in ``build_dir/<code>/``.

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
    alternates = "\n".join(
        f'    <link rel="alternate" hreflang="{e.tag}" href="{e.code}/index.html">' for e in built
    )
    table = json.dumps(redirect_table(built), ensure_ascii=False)
    table = table.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    page = Template(TEMPLATE.read_text("utf-8")).substitute(
        lang=SOURCE.tag,
        title=html.escape(" | ".join(t for t in titles.values() if t)),
        alternates=alternates,
        table=table,
        items=items,
    )
    target = build_dir / "index.html"
    target.write_text(page, "utf-8")
    return target
