"""The editions, linked page to page: the language switcher, and the root page that picks one.

* On every page of the ``html`` builder, ``resume_editions`` lists this page in each edition
  (label, BCP 47 tag, link, whether it is the current one) for
  ``_templates/components/language-switcher.html`` and the ``<link rel="alternate">`` tags.
  Locally the editions sit side by side (``_build/html/{zh-cn,en,ja}/``), so the links are
  relative: ``../en/experience/tencent.html`` from ``zh-cn/experience/tencent.html``. On Read
  the Docs, ``READTHEDOCS_CANONICAL_URL`` (``https://<project>.readthedocs.io/zh-cn/latest/``)
  gives each edition's absolute address: its ``/<code>/`` part is replaced.
* furo labels the navigation's expand toggles "Toggle navigation of …" in Python, in English;
  the label is replaced with the catalog's.
* ``_templates/page.html`` is furo's page: a builder with another theme (the ePub) renders
  the theme's own ``page.html`` instead.
* ``write_root_index(build_dir)`` writes ``index.html`` beside the editions' folders: it sends a
  browser to the edition of the reader's preferred language (Chinese otherwise) and lists the
  editions for a reader without JavaScript. It needs the standard library only, so that the
  release build can call it without Sphinx.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .languages import EDITIONS, SOURCE, Edition, edition

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Set by Read the Docs at build time: the edition's root, ``https://x.readthedocs.io/en/latest/``.
CANONICAL_URL_VARIABLE = "READTHEDOCS_CANONICAL_URL"
#: furo's English label of a navigation toggle (furo/navigation.py), and the catalog's message.
FURO_TOGGLE = re.compile(r'aria-label="Toggle navigation of ([^"]*)"')
TOGGLE_MESSAGE = "Toggle navigation of %(title)s"


# -- Links between the editions ------------------------------------------------------------


@dataclass(frozen=True)
class EditionLink:
    """One edition of the current page, as the templates show it."""

    label: str
    tag: str
    code: str
    href: str
    current: bool


def edition_roots(canonical_url: str, current: Edition) -> dict[str, str]:
    """Each edition's root URL on Read the Docs, from the current edition's canonical URL.

    Raises ``ValueError`` when the URL has no ``/<code>/`` part for the current edition.
    """
    parts = urlsplit(canonical_url)
    segments = parts.path.split("/")
    try:
        index = [segment.lower() for segment in segments].index(current.code)
    except ValueError:
        raise ValueError(
            f"{CANONICAL_URL_VARIABLE}={canonical_url!r} has no /{current.code}/ part"
        ) from None
    roots = {}
    for other in EDITIONS:
        path = "/".join([*segments[:index], other.code, *segments[index + 1 :]])
        path = path if path.endswith("/") else path + "/"
        roots[other.code] = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return roots


def edition_links(
    target: str, current: Edition, canonical_url: str | None = None
) -> list[EditionLink]:
    """The page whose output file is ``target`` (``experience/tencent.html``), in every edition.

    Relative to the page in the local layout; absolute when ``canonical_url`` is given.
    """
    if canonical_url:
        roots = edition_roots(canonical_url, current)
    else:
        up = "../" * (target.count("/") + 1)  # from the page's folder to the editions' parent
        roots = {e.code: f"{up}{e.code}/" for e in EDITIONS}
    return [
        EditionLink(e.label, e.tag, e.code, roots[e.code] + target, e == current) for e in EDITIONS
    ]


def canonical_url() -> str | None:
    return os.environ.get(CANONICAL_URL_VARIABLE, "").strip() or None


# -- Sphinx --------------------------------------------------------------------------------


def check_canonical_url(app: Sphinx) -> None:
    """On Read the Docs, say once, before writing, if the switcher cannot use the URL."""
    url = canonical_url()
    if app.builder.name != "html" or not url:
        return
    try:
        edition_roots(url, edition(app.config.language))
    except ValueError as error:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(
            "%s; the language switcher links relatively", error, type="resume", subtype="switcher"
        )


def add_edition_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The page in every edition, for the switcher and the alternate links (html builder only)."""
    if app.builder.name != "html":
        return
    current = edition(app.config.language)
    target = app.builder.get_target_uri(pagename)
    try:
        links = edition_links(target, current, canonical_url())
    except ValueError:  # reported once by check_canonical_url
        links = edition_links(target, current)
    context["resume_editions"] = links


def translate_navigation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if tree := context.get("furo_navigation_tree"):
        context["furo_navigation_tree"] = translate_toggles(tree, app.translator.gettext)


def keep_theme_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> str | None:
    """``_templates/page.html`` is furo's: a builder with another theme (the ePub) renders the
    theme's own page instead (``!`` skips ``templates_path``)."""
    theme = getattr(app.builder, "theme", None)
    if templatename == "page.html" and theme is not None and theme.name != "furo":
        return "!page.html"
    return None


def translate_toggles(tree: str, gettext: Callable[[str], str]) -> str:
    """furo's English labels of the navigation toggles, in the catalog's language."""
    message = gettext(TOGGLE_MESSAGE)

    def label(match: re.Match[str]) -> str:
        text = message % {"title": html.unescape(match.group(1))}
        return f'aria-label="{html.escape(text, quote=True)}"'

    return FURO_TOGGLE.sub(label, tree)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", check_canonical_url)
    app.connect("html-page-context", add_edition_links)
    app.connect("html-page-context", keep_theme_page)
    # After furo's own handler (priority 500), which makes the navigation tree.
    app.connect("html-page-context", translate_navigation, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
