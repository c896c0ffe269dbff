"""Nothing on a page runs in the reader's browser.

MyST passes raw HTML through to the page, translations included, and a link may point at a
``javascript:`` address. After each page is read (and translated), raw HTML and links whose
scheme is not a web, mail or telephone address are errors at their source line, and so is a
Markdown link that markdown-it refused to make (a ``javascript:`` or ``data:`` target, which
would show as its Markdown). The résumé needs
neither: Markdown says everything it says. The search page shows titles as text
(``_static/resume-search.js``), and the JSON-LD escapes ``<``, ``>`` and ``&``
(``resume.machine_readable.script``).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx

from .messages import warn
from .privacy import secrets
from .reading import WITHHELD, holds, quoted

#: The schemes a link may have; a relative link has none.
SAFE_SCHEMES = frozenset({"", "http", "https", "mailto", "tel"})


#: A Markdown link to an address that markdown-it refuses to make a link of (its
#: ``validateLink``): the page would show the link's Markdown as text.
REFUSED_LINK = re.compile(r"\[[^\]]*\]\(\s*<?\s*(javascript|vbscript|file|data):", re.IGNORECASE)


def _excerpt(text: str, doctree: nodes.document, width: int = 60, within: str = "") -> str:
    """``text`` quoted for a message (``reading.quoted``): nothing of it when it, or the text
    it was cut from (``within``), holds a value the owner keeps private (the log is public)."""
    env = getattr(doctree.settings, "env", None)
    found = secrets(env.config) if env is not None else []
    return WITHHELD if holds(within, found) else quoted(text, found, width)


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """Raw HTML and unsafe link schemes are errors, each at its line."""
    _hard_breaks(doctree)
    _head_elements(app.env.docname, doctree)
    _nested_lists(doctree)
    _long_words(doctree)
    for raw in list(doctree.findall(nodes.raw)):
        raw.parent.remove(raw)  # out of the page, as the message says: the preview only warns
        warn(
            f"raw HTML {_excerpt(raw.astext(), doctree)} is not published: it would run in the "
            "reader's browser",
            "write it in Markdown (in a translation, as its source writes it)",
            raw,
            subtype="unsafe",
        )
    _refused_links(doctree)
    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri", "")
        scheme = urlsplit(uri.strip()).scheme.lower() if uri else ""
        if scheme not in SAFE_SCHEMES:
            # The link's text stays, as text; the address goes, even where a warning does not
            # stop the build (the live preview).
            ref.replace_self(nodes.inline(ref.rawsource, "", *ref.children))
            warn(
                f"the link {_excerpt(uri, doctree)} has the scheme {scheme!r}",
                "link to an https:// address or a page",
                ref,
                subtype="unsafe",
            )


def _refused_links(doctree: nodes.document) -> None:
    """Markdown links that markdown-it left as text, their target being a script or a file."""
    for text in doctree.findall(nodes.Text):
        parent = text.parent
        if isinstance(parent, (nodes.literal, nodes.literal_block, nodes.raw)):
            continue  # code shows Markdown on purpose
        if match := REFUSED_LINK.search(text.astext()):
            shown = _excerpt(text.astext()[match.start() :], doctree, within=text.astext())
            warn(
                f"the link {shown} points at a {match.group(1).lower()}: address, which is never "
                "made a link: the page would show its Markdown",
                "link to an https:// address or a page",
                parent,
                subtype="unsafe",
            )


#: What MyST writes for a Markdown hard line break (a ``\\`` or two spaces ending a line).
HARD_BREAK = {("html", "<br />\n"), ("latex", "\\\\\n")}
#: The longest run of characters with no place to break a line: 40 of the widest letters fill
#: less than a line of the PDF (9.5 pt type on A4); a longer one could run off the page.
#: Spaces, hyphens, slashes and CJK characters are such places.
LONGEST_WORD = 40
_WORD = re.compile(
    rf"[^\s\-/\u2e80-\u9fff\u3000-\u30ff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]{{{LONGEST_WORD + 1},}}"
)


def _hard_breaks(doctree: nodes.document) -> None:
    """A hard line break has no equivalent in the PDF and the text résumé, which read the same
    paragraphs: it is refused with its own message, not as raw HTML."""
    for raw in list(doctree.findall(nodes.raw)):
        if (raw.get("format"), raw.astext()) not in HARD_BREAK:
            continue
        if raw.get("format") == "html":
            warn(
                "a hard line break (a \\ or two spaces at the end of a line) is not published: "
                "the PDF and the text résumé have no such break",
                "join the two lines, or make them two paragraphs or list items",
                raw.parent,
                subtype="unsafe",
            )
        raw.parent.replace(raw, nodes.Text(" " if raw.get("format") == "html" else ""))


def _head_elements(docname: str, doctree: nodes.document) -> None:
    """``.. meta::`` (in ``{eval-rst}``) and MyST's ``html_meta`` front matter write head
    elements: ``http-equiv="refresh"`` would send every reader elsewhere. The extension writes
    the head; a page or catalog adds nothing to it."""
    for meta in list(doctree.findall(nodes.meta)):
        shown = ", ".join(f"{k}={v!r}" for k, v in meta.attributes.items() if isinstance(v, str))
        warn(
            f"a page may not add a <meta> element ({_excerpt(shown, doctree)}): the site writes "
            "the head itself",
            "remove the meta directive or the html_meta front matter",
            (docname, _meta_line(doctree)),
            subtype="unsafe",
        )
        meta.parent.remove(meta)


#: Where a page asks for a <meta> element, when docutils gives the node no line.
_META = re.compile(r"^\s*(?:\.\.\s+meta::|html_meta\s*:)")


def _meta_line(doctree: nodes.document) -> int:
    """The line of the page's first ``.. meta::`` or ``html_meta:`` (docutils gives a meta
    element from ``{eval-rst}`` the block's first line, and one from front matter none)."""
    try:
        lines = Path(doctree.get("source", "")).read_text("utf-8").splitlines()
    except OSError:
        return 1
    return next((n for n, line in enumerate(lines, start=1) if _META.match(line)), 1)


def _nested_lists(doctree: nodes.document) -> None:
    """A list inside a list item (an indented bullet) shows on the site, but the PDF, the text
    résumé and ``resume.json`` read one level of items: refused, so that every output says the
    same."""
    for item in doctree.findall(nodes.list_item):
        for inner in item.findall(nodes.Element):
            if inner is not item and isinstance(inner, (nodes.bullet_list, nodes.enumerated_list)):
                warn(
                    "a list inside a list item (an indented bullet) is shown only on the site: "
                    "the PDF, the text résumé and resume.json have one level of items",
                    "make the inner items items of the outer list, or sentences of its item",
                    inner if inner.line else item,
                    subtype="unsafe",
                )
                break


def _long_words(doctree: nodes.document) -> None:
    """A word longer than a line of the PDF cannot be broken there and runs off the page."""
    for text in doctree.findall(nodes.Text):
        if isinstance(text.parent, (nodes.literal_block, nodes.raw, nodes.comment)):
            continue
        if match := _WORD.search(text.astext()):
            shown = _excerpt(match.group(), doctree, 30, text.astext())
            warn(
                f"a word of {len(match.group())} characters ({shown}) has no place to break a "
                "line, and would run off the PDF's page",
                "shorten it, or put spaces or hyphens in it",
                text.parent,
                subtype="unsafe",
            )


def setup_safety(app: Sphinx) -> None:
    app.connect("doctree-read", check_page)
