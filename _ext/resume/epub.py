"""The ePub: every content document in its edition's language.

Sphinx's ePub 3 builder writes its own ``<html>`` tag on each content document, without ``lang``
or ``xml:lang`` (only its navigation document has them), so a reading system cannot tell the
language of the text and epubcheck reports HTM-020 and HTM-021 for each page. The builder's tag
is replaced with one that carries the edition's BCP 47 tag in both attributes.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from .languages import edition

HTML_TAG = (
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
    'lang="{tag}" xml:lang="{tag}">'
)


def set_language(app: Sphinx) -> None:
    if hasattr(app.builder, "html_tag") and app.builder.name.startswith("epub"):
        app.builder.html_tag = HTML_TAG.format(tag=edition(app.config.language).tag)


def setup_epub(app: Sphinx) -> None:
    app.connect("builder-inited", set_language)
