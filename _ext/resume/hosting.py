"""Hosting: what the published web site needs besides its pages (``html`` builder only).

Read the Docs builds each edition as a project of its own (``zh-cn`` the parent, ``en`` and ``ja``
its translations) and gives each build its address, ``READTHEDOCS_CANONICAL_URL``, which
``conf.py`` makes ``html_baseurl``: Sphinx then writes ``<link rel="canonical">``. Here:

* each page's meta description: its first paragraph of prose, shortened; a page with no prose
  of its own (the search page, the index) has the edition's description (``epub_description``);
* each page's head: OpenGraph tags (title, the page's meta description, type, locale and the
  other editions' locales, site name, and ``og:url`` when the address is known); the
  ``hreflang`` alternates only when they are absolute, as search engines require (without a
  base URL the switcher links relatively, and the head has none), with ``x-default`` beside
  them; ``<meta name="robots" content="noindex">`` on the search and "not found" pages, and
  on every page when ``resume_noindex`` is set;
* ``sitemap.xml``: every listed page, absolute, with its editions as ``xhtml:link`` alternates;
  written only when the address is known (a sitemap holds absolute URLs) and the site is listed;
* ``robots.txt`` at the edition's root, naming its sitemap and the other editions' (Read the
  Docs serves the parent project's default version's file at the domain's root, and no other),
  or ``Disallow: /`` when ``resume_noindex`` is set;
* the "not found" page, ``404.md``: Read the Docs serves it for a missing URL at any depth, so
  once it is written its relative links are made absolute, and it has no canonical address;
* each page's links to the edition's ePub and PDF (``_templates/sidebar/resume-downloads.html``);
* furo's links to the page's source: none, also when Read the Docs fills ``html_context``.

The ePub builder is an HTML builder too: a book gets none of this. Nothing depends on the clock.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from babel.core import Locale, get_global
from docutils import nodes
from markupsafe import Markup
from sphinx.application import Sphinx

from .crawlers import ROBOTS, robots_txt, shorten
from .data import document_order
from .files import write_atomically
from .languages import EDITIONS, SOURCE, edition
from .outputs import is_website, page_url, published
from .settings import settings
from .switcher import EditionLink, edition_links, edition_roots

#: The "not found" page, a document (``404.md``).
NOT_FOUND = "404"
#: Pages that no search engine should list, nor the sitemap.
UNLISTED = ("search", NOT_FOUND)
SITEMAP = "sitemap.xml"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
X_DEFAULT = "x-default"
#: What Read the Docs used to inject into ``html_context``, and furo still reads: with these,
#: furo's footer links the repository and its edit/view buttons fall back on GitHub.
NO_SOURCE_LINKS = {"display_github": False, "github_user": "None", "github_repo": "None",
                   "conf_py_path": ""}  # fmt: skip
#: The attributes that hold a URL in Sphinx's and furo's pages.
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|action|data-content_root)=")([^"]*)(")')
#: An alternate link in a page's head, as ``resume.switcher`` writes it.
_ALTERNATE = re.compile(r'<link rel="alternate" hreflang="[^"]*" href="([^"]*)" />\n?')


# -- Addresses -----------------------------------------------------------------------------


def is_absolute(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def og_locale(tag: str) -> str:
    """OpenGraph's ``language_TERRITORY`` for a BCP 47 tag: ``zh-CN`` → ``zh_CN``, ``en`` →
    ``en_US``; a tag without a region gets its language's likeliest one (CLDR, through Babel)."""
    language, *subtags = tag.split("-")
    region = next((s for s in subtags if (len(s) == 2 and s.isalpha()) or s.isdigit()), "")
    if not region:
        likely = get_global("likely_subtags").get(language.lower())
        region = (Locale.parse(likely).territory or "") if likely else ""
    return f"{language.lower()}_{region.upper()}" if region else language.lower()


@dataclass(frozen=True)
class Download:
    """One download of the edition, as the sidebar shows it."""

    format: str
    href: str
    type: str


def download_href(app: Sphinx, pagename: str, fmt: str, extension: str) -> str:
    """The edition's download in ``fmt`` (``epub``, ``pdf``), from the page: Read the Docs'
    download URL there, else relative, to where the release publishes it
    (``_build/html/<code>/<page>`` → ``_build/<fmt>/<code>/<file>``)."""
    if prefix := settings(app.config).downloads_url:
        return f"{prefix}{fmt}/"
    code = edition(app.config.language).code
    up = "../" * (app.builder.get_target_uri(pagename).count("/") + 2)
    return up + published(fmt, code, extension)


def alternates(app: Sphinx, docname: str, base_url: str) -> list[tuple[str, str]]:
    """The page in every edition and ``x-default`` (the source's), as (hreflang, URL) pairs;
    none when ``base_url`` has no ``/<code>/`` part to replace."""
    target = app.builder.get_target_uri(docname)
    try:
        links = edition_links(target, edition(app.config.language), base_url)
    except ValueError:
        return []
    pairs = [(link.tag, link.href) for link in links]
    return [*pairs, *((X_DEFAULT, link.href) for link in links if link.code == SOURCE.code)]


# -- Each page's head ----------------------------------------------------------------------


def meta_description(doctree: nodes.document | None) -> str:
    """The page's first paragraph of its own prose, shortened: a description in its language."""
    if doctree is None:
        return ""
    # The first paragraph under a subsection: the page's prose, not a headline under its title.
    for para in doctree.findall(nodes.paragraph):
        parent = para.parent
        if isinstance(parent, nodes.section) and isinstance(parent.parent, nodes.section):
            return shorten(para.astext())
    return ""


def _meta(attribute: str, key: str, content: str) -> str:
    return f'<meta {attribute}="{key}" content="{html.escape(content)}" />\n'


def head_tags(app: Sphinx, pagename: str, context: dict[str, Any], doctree: Any) -> str:
    """The description, the robots directive and the OpenGraph tags of one page."""
    config = app.config
    tags = []
    description = meta_description(doctree) or (
        config.epub_description if doctree is None or pagename in UNLISTED else ""
    )
    if description:
        tags.append(_meta("name", "description", description))
    # furo's search page says noindex itself.
    if (settings(config).noindex or pagename in UNLISTED) and pagename != "search":
        tags.append(_meta("name", "robots", "noindex"))
    home = pagename == config.root_doc
    title = config.html_title if home else Markup(context.get("title", "")).striptags()
    tags.append(_meta("property", "og:title", title))
    if description:
        tags.append(_meta("property", "og:description", description))
    tags.append(_meta("property", "og:type", "profile" if home else "website"))
    if url := context.get("pageurl"):
        tags.append(_meta("property", "og:url", url))
    current = edition(config.language)
    tags.append(_meta("property", "og:locale", og_locale(current.tag)))
    for other in EDITIONS:
        if other != current:
            tags.append(_meta("property", "og:locale:alternate", og_locale(other.tag)))
    tags.append(_meta("property", "og:site_name", config.html_title))
    return "".join(tags)


def add_hosting(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Head tags, ``x-default`` and the downloads of a page of the web site."""
    if not is_website(app.builder):
        return
    context.update(NO_SOURCE_LINKS)
    if pagename == NOT_FOUND:
        context["pageurl"] = None  # a "not found" answer has no canonical address
    # An hreflang alternate must be absolute: without a base URL, none (the switcher still links).
    context["metatags"] = _ALTERNATE.sub(
        lambda match: match.group(0) if is_absolute(html.unescape(match.group(1))) else "",
        context.get("metatags", ""),
    )
    links: list[EditionLink] = context.get("resume_editions") or []
    source = next((link for link in links if link.code == SOURCE.code), None)
    if source and is_absolute(source.href):  # hreflang links count only when absolute
        tag = f'<link rel="alternate" hreflang="{X_DEFAULT}" href="{html.escape(source.href)}" />\n'
        context["metatags"] = context.get("metatags", "") + tag
    context["resume_downloads"] = [
        Download("ePub", download_href(app, pagename, "epub", "epub"), "application/epub+zip"),
        Download("PDF", download_href(app, pagename, "pdf", "pdf"), "application/pdf"),
    ]
    context["metatags"] = context.get("metatags", "") + head_tags(app, pagename, context, doctree)


# -- Files beside the pages ----------------------------------------------------------------


def listed_pages(app: Sphinx) -> list[str]:
    """The pages a sitemap lists: every document in reading order, then the index."""
    order = document_order(app.env)
    docs = sorted(
        (name for name in app.env.found_docs if name not in UNLISTED),
        key=lambda name: (order.get(name, len(order)), name),
    )
    return [*docs, "genindex"] if app.config.html_use_index else docs


def sitemap(app: Sphinx) -> bytes:
    """``sitemap.xml`` for ``html_baseurl``: each page with its editions and ``x-default``."""
    base = app.config.html_baseurl
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for name in listed_pages(app):
        entry = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = page_url(app, name)
        for hreflang, href in alternates(app, name, base):
            ET.SubElement(
                entry, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=hreflang, href=href
            )
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def robots(app: Sphinx) -> str:
    """``robots.txt``: all or nothing, and where the sitemaps are."""
    if settings(app.config).noindex:
        return robots_txt(noindex=True)
    bases: dict[str, None] = {}
    if base := app.config.html_baseurl:
        try:
            roots = edition_roots(base, edition(app.config.language))
        except ValueError:
            roots = {}
        # Only the parent's robots.txt is ever read: it names every edition's sitemap.
        bases = dict.fromkeys([base, *roots.values()])
    return robots_txt(False, [posixpath.join(root, SITEMAP) for root in bases])


def absolute_links(page: str, page_url: str) -> str:
    """The page with each relative URL resolved against ``page_url`` (fragments kept)."""

    def resolve(match: re.Match[str]) -> str:
        value = html.unescape(match.group(2))
        if not value or value.startswith("#"):
            return match.group(0)
        return match.group(1) + html.escape(urljoin(page_url, value)) + match.group(3)

    return _URL_ATTRIBUTE.sub(resolve, page)


def write_files(app: Sphinx, exception: Exception | None) -> None:
    """``robots.txt``, ``sitemap.xml`` and the absolute "not found" page, once all is written."""
    if exception is not None or not is_website(app.builder):
        return
    outdir = Path(app.outdir)
    base = app.config.html_baseurl
    write_atomically(outdir / ROBOTS, robots(app))
    if base and not settings(app.config).noindex:
        write_atomically(outdir / SITEMAP, sitemap(app))
    else:
        (outdir / SITEMAP).unlink(missing_ok=True)  # from an earlier build into this folder
    if (url := page_url(app, NOT_FOUND)) and NOT_FOUND in app.env.found_docs:
        page = outdir / app.builder.get_target_uri(NOT_FOUND)
        text = page.read_text("utf-8")
        write_atomically(page, absolute_links(text, url))


def setup_hosting(app: Sphinx) -> None:
    # After resume.switcher's handler, whose links the x-default alternate draws on.
    app.connect("html-page-context", add_hosting, priority=600)
    app.connect("build-finished", write_files)
