"""The theme: furo for the web site, in the page's language.

* ``_templates/page.html`` and ``_templates/partials/icons.html`` are copies of furo
  ``FURO_VERSION``'s files whose English interface strings go through ``_()``; a builder with
  another theme (the ePub) renders that theme's own ``page.html`` instead.
* furo labels the navigation's expand toggles "Toggle navigation of …" in Python, in English;
  the label is replaced with the catalog's.
* The sidebar's link to the technology index is labelled with Sphinx's own "Index".
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx
from sphinx.locale import _

#: The furo release the template copies in ``_templates/`` were taken from (a test compares).
FURO_VERSION = "2025.12.19"
#: furo's English label of a navigation toggle (furo/navigation.py), and the catalog's message.
FURO_TOGGLE = re.compile(r'aria-label="Toggle navigation of ([^"]*)"')
TOGGLE_MESSAGE = "Toggle navigation of %(title)s"


def translate_toggles(tree: str, gettext: Callable[[str], str]) -> str:
    """furo's English labels of the navigation toggles, in the catalog's language."""
    message = gettext(TOGGLE_MESSAGE)

    def label(match: re.Match[str]) -> str:
        text = message % {"title": html.unescape(match.group(1))}
        return f'aria-label="{html.escape(text, quote=True)}"'

    return FURO_TOGGLE.sub(label, tree)


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


def index_label(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The sidebar's index link: the genindex page's own title, from Sphinx's catalog."""
    context["resume_index_title"] = str(_("Index"))


def setup_theme(app: Sphinx) -> None:
    app.connect("html-page-context", keep_theme_page)
    app.connect("html-page-context", index_label)
    # After furo's own handler (priority 500), which makes the navigation tree.
    app.connect("html-page-context", translate_navigation, priority=600)
