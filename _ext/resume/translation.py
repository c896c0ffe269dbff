"""The translation gate: an English or Japanese edition is published complete, or not at all.

* Before reading (``builder-inited``): the edition's catalogs (for Chinese, the theme's) are
  well-formed, complete and exact (``resume.catalogs``), with the file and line of each problem.
* After translation (``doctree-read``): every message of the page has a translation; a stale
  catalog shows here.

Sphinx would otherwise fall back to the Chinese text for a fuzzy or missing entry, silently.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from .catalogs import language_problems
from .languages import SOURCE, edition

logger = logging.getLogger(__name__)


def check_catalogs(app: Sphinx) -> None:
    """Before reading: the edition's catalogs are complete and exact."""
    if app.builder.name == "gettext":
        return
    for locale_dir in app.config.locale_dirs:
        for problem in language_problems(app.config.language, Path(app.srcdir, locale_dir)):
            logger.warning(
                "%s: %s; run `nox -s catalogs` and translate it",
                problem.kind,
                problem.message,
                location=f"{problem.path}:{problem.line}",
                type="resume",
                subtype="figures" if problem.kind == "figures" else "catalog",
            )


def check_translated(app: Sphinx, doctree: nodes.document) -> None:
    """After translation: every message of the page has one (a stale catalog has not)."""
    if app.builder.name == "gettext" or edition(app.config.language) == SOURCE:
        return
    for node in doctree.findall(nodes.Element):
        if isinstance(node, addnodes.toctree):
            # Sphinx translates a toctree's caption without marking the node translated.
            untranslated = bool(node.get("rawcaption")) and node["caption"] == node["rawcaption"]
            text = node.get("rawcaption", "")
        else:
            untranslated = node.get("translated") is False
            text = " ".join(node.astext().split())
        if untranslated:
            logger.warning(
                "untranslated message %r; run `nox -s catalogs` and translate it in %s",
                text if len(text) < 60 else text[:59] + "…",
                f"locales/{app.config.language}/LC_MESSAGES/{app.env.docname}.po",
                location=node,
                type="resume",
                subtype="catalog",
            )


def setup_translation(app: Sphinx) -> None:
    app.connect("builder-inited", check_catalogs)
    app.connect("doctree-read", check_translated)
