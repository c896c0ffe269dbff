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
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The schemes a link may have; a relative link has none.
SAFE_SCHEMES = frozenset({"", "http", "https", "mailto", "tel"})


#: A Markdown link to an address that markdown-it refuses to make a link of (its
#: ``validateLink``): the page would show the link's Markdown as text.
REFUSED_LINK = re.compile(r"\[[^\]]*\]\(\s*<?\s*(javascript|vbscript|file|data):", re.IGNORECASE)


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """Raw HTML and unsafe link schemes are errors, each at its line."""
    for raw in doctree.findall(nodes.raw):
        logger.warning(
            "raw HTML %s is not published: it would run in the reader's browser; "
            "write it in Markdown (in a translation, as its source writes it)",
            _excerpt(raw.astext()),
            location=raw,
            type="resume",
            subtype="unsafe",
        )
    _refused_links(doctree)
    for ref in doctree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        scheme = urlsplit(uri.strip()).scheme.lower() if uri else ""
        if scheme not in SAFE_SCHEMES:
            logger.warning(
                "the link %s has the scheme %r; link to an https:// address or a page",
                _excerpt(uri),
                scheme,
                location=ref,
                type="resume",
                subtype="unsafe",
            )


def _refused_links(doctree: nodes.document) -> None:
    """Markdown links that markdown-it left as text, their target being a script or a file."""
    for text in doctree.findall(nodes.Text):
        parent = text.parent
        if isinstance(parent, (nodes.literal, nodes.literal_block, nodes.raw)):
            continue  # code shows Markdown on purpose
        if match := REFUSED_LINK.search(text.astext()):
            logger.warning(
                "the link %s points at a %s: address, which is never made a link: the page "
                "would show its Markdown; link to an https:// address or a page",
                _excerpt(text.astext()[match.start() :]),
                match.group(1).lower(),
                location=parent,
                type="resume",
                subtype="unsafe",
            )


def setup_safety(app: Sphinx) -> None:
    app.connect("doctree-read", check_page)
