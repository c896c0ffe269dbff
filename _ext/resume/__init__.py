"""A Sphinx extension for a résumé written as documentation: ``extensions = ["resume"]``.

One module per feature, each with its own ``setup_*``:

==================  ===========================================================================
``data``            the records (roles, projects, entries) and the Domain that collects them
``model``           the résumé as one typed snapshot, the documents' source; declared role options
``nodes``           the document nodes and how each writer renders them
``directives``      the data directives: ``resume-role``, ``resume-project``, ``resume-skills`` …
``crosspage``       what is drawn from other pages: timeline, project list, role ↔ project links
``contact``         contact details and their visibility: ``resume-contact``
``privacy``         the privacy gate: no output holds a private or masked value
``safety``          nothing on a page runs in the reader's browser: no raw HTML, no script links
``insertion``       pages read no file outside the repository and no URL; no link leaves it
``translation``     the gate: an edition is published only when completely translated
``myst_patch``      a speed patch of MyST: docutils' default settings computed once
``search``          search in every language: jieba, the Japanese splitter, the query script
``switcher``        the language switcher and the alternate links between editions
``hosting``         head tags, OpenGraph, sitemap, robots.txt, the 404 page, the downloads
``redirects``       the old addresses of renamed and retired pages: the list checked, a template
``machine_readable`` JSON-LD on the home page and ``resume.json``
``theme``           furo in the page's language
``epub``            the ePub's content documents in the edition's language
``pdf``             the résumé for paper: a two-page PDF (Typst) and a plain-text edition
``paper``           what the PDF and the text edition say: a view of the model
``card``            the social preview card (PNG, Typst) and its ``og:image`` tags
``updated``         when the résumé was last updated: ``resume-updated``, the PDF, ``resume.json``
``vcard``           the owner's contact card, ``contact.vcf``, linked from the contact line
``variants``        tags on the data and bullets, and the variants: a résumé cut for one job
==================  ===========================================================================

``settings`` declares every ``resume_*`` value, typed, and is how the others read them;
``catalog_cache`` keeps the translation gate's checks and compiled catalogs, ``dates`` writes
dates and periods in the edition's language, ``markup`` reduces a message's Markdown to the
structure its translation must keep.

Standard-library helpers, also used outside Sphinx: ``languages`` (the editions' names),
``outputs`` (file names and published paths, "is this the web site"), ``environment`` (the
build's environment variables, read once in ``conf.py``), ``crawlers`` (``robots.txt`` and a
meta description, for the editions and the root page), ``catalogs`` and ``figures`` (checking ``.po`` files),
``reading`` (what a reader reads in an output: the privacy gate's and the release build's scan).
"""

from __future__ import annotations

from typing import Any


def setup(app: Any) -> dict[str, Any]:
    from .card import setup_card
    from .contact import setup_contact
    from .crosspage import setup_crosspage
    from .data import setup_data
    from .directives import setup_directives
    from .epub import setup_epub
    from .hosting import setup_hosting
    from .insertion import setup_insertion
    from .machine_readable import setup_machine_readable
    from .model import setup_model
    from .myst_patch import setup_myst_patch
    from .nodes import setup_nodes
    from .pdf import setup_pdf
    from .privacy import setup_privacy
    from .redirects import setup_redirects
    from .safety import setup_safety
    from .search import setup_search
    from .settings import setup_settings
    from .switcher import setup_switcher
    from .theme import setup_theme
    from .translation import setup_translation
    from .updated import setup_updated
    from .variants import setup_variants
    from .vcard import setup_vcard

    app.setup_extension("myst_parser")
    for setup_feature in (
        setup_settings,
        setup_data,
        setup_model,
        setup_nodes,
        setup_directives,
        setup_crosspage,
        setup_contact,
        setup_myst_patch,
        setup_translation,
        setup_search,
        setup_switcher,
        setup_hosting,
        setup_redirects,
        setup_machine_readable,
        setup_theme,
        setup_privacy,
        setup_safety,
        setup_insertion,
        setup_epub,
        setup_pdf,
        setup_card,
        setup_updated,
        setup_vcard,
        setup_variants,
    ):
        setup_feature(app)
    return {
        "version": "2.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,
    }
