"""The editions, linked page to page: the language switcher and the alternate links.

* On every page of the web site, ``resume_editions`` lists this page in each edition
  (label, BCP 47 tag, link, whether it is the current one) for
  ``_templates/components/language-switcher.html``; the same links go into the page's head as
  ``<link rel="alternate" hreflang>``.
  Locally the editions sit side by side (``_build/html/{zh-cn,en,ja}/``), so the links are
  relative: ``../en/experience/tencent.html`` from ``zh-cn/experience/tencent.html``. On Read
  the Docs, ``html_baseurl`` (``READTHEDOCS_CANONICAL_URL``,
  ``https://<project>.readthedocs.io/zh-cn/latest/``) gives each edition's absolute address: its
  ``/<code>/`` part is replaced.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sphinx.application import Sphinx

from .languages import EDITIONS, Edition, edition
from .messages import warn
from .outputs import is_website

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
        raise ValueError(f"html_baseurl={canonical_url!r} has no /{current.code}/ part") from None
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


# -- Sphinx --------------------------------------------------------------------------------


def check_canonical_url(app: Sphinx) -> None:
    """On Read the Docs, say once, before writing, if the switcher cannot use the address."""
    url = app.config.html_baseurl
    if not is_website(app.builder) or not url:
        return
    try:
        edition_roots(url, edition(app.config.language))
    except ValueError as error:
        warn(f"{error}; the language switcher links relatively", subtype="switcher")


def add_edition_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The page in every edition, for the switcher and the head's alternate links."""
    if not is_website(app.builder):
        return
    current = edition(app.config.language)
    target = app.builder.get_target_uri(pagename)
    try:
        links = edition_links(target, current, app.config.html_baseurl or None)
    except ValueError:  # reported once by check_canonical_url
        links = edition_links(target, current)
    context["resume_editions"] = links
    tags = "".join(
        f'<link rel="alternate" hreflang="{link.tag}" href="{html.escape(link.href)}" />\n'
        for link in links
    )
    context["metatags"] = context.get("metatags", "") + tags


def setup_switcher(app: Sphinx) -> None:
    app.connect("builder-inited", check_canonical_url)
    app.connect("html-page-context", add_edition_links)
