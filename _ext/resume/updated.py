"""When the résumé was last updated: the build's date, in each edition's own date form.

Recruiters ask how current a résumé is. The date is ``resume_build_date`` (``SOURCE_DATE_EPOCH``,
else the time of the build), so two builds of one commit say the same. It is written:

* on the page, where ``resume-updated`` stands (the home page, under the headline), as the
  theme's own sentence "Last updated on …" (furo's message, translated in ``sphinx.po``);
* in the PDF and the text résumé (``resume.paper``), and as ``meta.lastModified`` in
  ``resume.json`` (``resume.machine_readable``), through ``last_updated`` and ``iso_timestamp``.

The date is formatted by Babel (CLDR's "long" form of the edition's locale: ``2026年12月6日``,
``December 6, 2026``), not by ``strftime``, which knows neither Chinese nor Japanese dates.
The sentence is filled in when the page is written, so an incremental build whose date moved
says the new one without reading the page again.
"""

from __future__ import annotations

import datetime
from typing import Any

from babel.dates import format_date
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util.docutils import SphinxDirective

from .languages import edition
from .settings import settings

#: furo's footer sentence, already in every edition's theme catalog.
SENTENCE = "Last updated on %(last_updated)s"
CLASS = "resume-updated"


def build_day(config: Any) -> datetime.date:
    """The build's date (UTC) from ``resume_build_date``."""
    return datetime.datetime.fromtimestamp(int(settings(config).build_date), datetime.UTC).date()


def formatted_date(config: Any) -> str:
    """The build's date in the edition's long date form (CLDR, through Babel)."""
    return format_date(build_day(config), format="long", locale=edition(config.language).sphinx)


def last_updated(config: Any) -> str:
    """The sentence "Last updated on <date>", in the edition's language (theme catalogs)."""
    return str(_(SENTENCE)) % {"last_updated": formatted_date(config)}


def iso_timestamp(config: Any) -> str:
    """The build's time as JSON Resume's ``meta.lastModified`` wants it: YYYY-MM-DDThh:mm:ss."""
    moment = datetime.datetime.fromtimestamp(int(settings(config).build_date), datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


class UpdatedDirective(SphinxDirective):
    """``resume-updated``: where the page says when the résumé was last updated."""

    def run(self) -> list[nodes.Node]:
        # Empty and untranslatable: filled when the page is written (``fill``), never a message.
        para = nodes.paragraph(classes=[CLASS], translatable=False)
        self.set_source_info(para)
        return [para]


def fill(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Write the sentence into each ``resume-updated`` paragraph, for every builder."""
    for para in doctree.findall(nodes.paragraph):
        if CLASS in para["classes"] and not para.children:
            para += nodes.Text(last_updated(app.config))


def setup_updated(app: Sphinx) -> None:
    app.add_directive("resume-updated", UpdatedDirective)
    app.connect("doctree-resolved", fill)
