"""Nothing on a page runs in the reader's browser.

MyST passes raw HTML through to the page, translations included, and a link may point at a
``javascript:`` address. After each page is read (and translated), raw HTML and links whose
scheme is not a web, mail or telephone address are errors at their source line. The résumé needs
neither: Markdown says everything it says. The search page shows titles as text
(``_static/resume-search.js``), and the JSON-LD escapes ``<``, ``>`` and ``&``
(``resume.machine_readable.script``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The schemes a link may have; a relative link has none.
SAFE_SCHEMES = frozenset({"", "http", "https", "mailto", "tel"})


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


def setup_safety(app: Sphinx) -> None:
    app.connect("doctree-read", check_page)
