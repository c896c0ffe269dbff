"""Sphinx configuration for 徐鑫's résumé.

The source language is Simplified Chinese; the English and Japanese editions come from the
catalogs in ``locales/``. Everything that depends on the language is computed in the
``config-inited`` handler at the bottom, because Read the Docs passes ``-D language=…``,
which code at the top level of this file cannot see.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).parent.resolve()
sys.path.insert(0, str(HERE / "_ext"))

from resume import environment  # noqa: E402
from resume.languages import edition  # noqa: E402
from resume.outputs import file_name  # noqa: E402
from resume.settings import settings  # noqa: E402

# The build's environment variables, read here and nowhere else (resume/environment.py):
# RESUME_PHONE, RESUME_GITHUB, RESUME_NOINDEX, Read the Docs' variables, SOURCE_DATE_EPOCH.
try:
    ENVIRONMENT = environment.read(os.environ)
except environment.SettingError as error:  # one line naming the variable, not a traceback
    from sphinx.errors import ConfigError

    raise ConfigError(str(error)) from None

# -- Project information -------------------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#project-information

project = "徐鑫"
author = "徐鑫"
copyright = "徐鑫"  # noqa: A001
version = release = "1.0"

# The owner's name and headline in each edition: the HTML title and the ePub's (below), and what
# the JSON-LD, resume.json, the PDF and the social card state (resume/settings.py).
resume_owner = {
    "zh_CN": {"name": "徐鑫", "headline": "基础架构技术负责人"},
    "en": {"name": "Xu Xin", "headline": "Infrastructure Tech Leader"},
    "ja": {"name": "徐鑫", "headline": "インフラテックリーダー"},
}
DESCRIPTIONS = {
    "zh_CN": "徐鑫的简历：AI 基础架构、云原生与开源（Apache APISIX PMC 成员）。",
    "en": "Xu Xin's résumé: AI infrastructure, cloud native and open source (Apache APISIX PMC member).",
    "ja": "徐鑫の職務経歴書：AI インフラ、クラウドネイティブ、オープンソース（Apache APISIX PMC メンバー）。",
}
# The owner's name in each edition's ePub metadata (creator, contributor, publisher): as the
# edition writes it, with the original script after a romanisation. Sphinx's content.opf has no
# alternate-script field, so the English edition gives it in brackets.
EPUB_AUTHORS = {"zh_CN": "徐鑫", "en": "Xu Xin (徐鑫)", "ja": "徐鑫"}
# -- General configuration -----------------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#general-configuration

extensions = [
    "myst_parser",
    "sphinxext.rediraffe",  # the old addresses of renamed and retired pages (redirects.txt)
    "resume",  # ours, in _ext/resume: every feature of the résumé
]

# Only these are pages: README.md, tests, .nox, venvs, node_modules and _build are never read.
include_patterns = ["index.md", "experience/*.md", "projects/*.md", "404.md"]
exclude_patterns = ["_build", ".nox", ".venv", "venv", "node_modules"]

root_doc = "index"
templates_path = ["_templates"]  # furo overrides, the switcher, the sidebar links
nitpicky = True
language = "zh_CN"

myst_enable_extensions = ["colon_fence", "attrs_block", "attrs_inline"]

# -- Options for internationalization ------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-internationalisation

# The catalogs (.po) are in locales/; resume.translation checks them and compiles them, on every
# build, into the build's own folder, and points locale_dirs there. Sphinx itself would compile
# them next to the sources, and trust a .mo by its time stamp: so it is given none here.
resume_locale_dirs = ["locales/"]
locale_dirs: list[str] = []  # nox -s catalogs names the folder to sphinx-intl itself
gettext_compact = False  # one catalog per page
gettext_additional_targets = ["index"]
gettext_location = False  # catalogs do not change when a line moves
gettext_uuid = False

# -- Options for HTML output ---------------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-html-output

html_theme = "furo"
html_static_path = ["_static"]
html_css_files = ["resume.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None  # reproducible output: no build timestamps
html_theme_options: dict[str, object] = {
    # The Markdown source is Chinese: no "view source" link on any edition.
    "top_of_page_buttons": [],
}

# -- Options for search --------------------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#confval-html_search_options

html_search_options = {
    # Chinese: jieba learns the résumé's own terms. Naming a dictionary also stops Sphinx from
    # reloading jieba's whole default one as a "user dictionary" (about a second a build).
    "dict": str(HERE / "_ext" / "resume" / "jieba_userdict.txt"),
    # Japanese: TinySegmenter without punctuation; Latin words and figures stay whole.
    "type": "resume.search.JapaneseSplitter",
}
# furo's sidebar, with the technology index (genindex) and the ePub linked under the navigation.
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/resume-index.html",
        "sidebar/resume-downloads.html",
        "sidebar/ethical-ads.html",
        "sidebar/scroll-end.html",
        "sidebar/variant-selector.html",
    ],
}

# -- Options for ePub output ---------------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-epub-output

epub_theme = "epub"  # furo is not a valid ePub theme
epub_css_files = ["resume.css"]
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_show_urls = "no"
epub_tocdepth = 3

# -- Options for hosting ------------------------------------------------------------------
# https://docs.readthedocs.com/platform/stable/reference/environment-variables.html

# Read the Docs gives each edition's address (https://<project>.readthedocs.io/<code>/<version>/):
# Sphinx writes the canonical link from it, resume.hosting the sitemap and og:url.
html_baseurl = ENVIRONMENT.canonical_url
# Where Read the Docs serves this edition's ePub; empty elsewhere (then links are relative).
resume_downloads_url = ENVIRONMENT.downloads_url
# One switch for an owner who wants the site unlisted: noindex on every page, robots.txt
# "Disallow: /", no sitemap (RESUME_NOINDEX=1).
resume_noindex = ENVIRONMENT.noindex
# The build's date: the timeline's present (SOURCE_DATE_EPOCH, else now).
resume_build_date = ENVIRONMENT.build_date
# No "view source" or "edit this page" on any host (resume.hosting also drops what Read the
# Docs may inject into html_context for furo).
html_theme_options.update(source_repository="", source_branch="", source_directory="")
# The web's "not found" page (404.md) is no chapter of the book.
epub_exclude_files = ["404.xhtml"]

# -- Options for redirects -----------------------------------------------------------------
# https://github.com/wpilibsuite/sphinxext-rediraffe

# A renamed or retired page's old address, and where it sends the reader: "old.md new.md" a
# line, checked by every build (resume/redirects.py; README.md, "Updating the résumé").
rediraffe_redirects = "redirects.txt"

# -- Options for the résumé extension ------------------------------------------------------

# Contact details, each with a visibility (see _ext/resume/contact.py). The repository holds the
# phone number only masked; a build publishes it in full only when RESUME_PHONE carries it.
# The GitHub profile shows only when set here or in RESUME_GITHUB ("https://github.com/<handle>").
resume_contact = {
    "phone": {"value": "+86 136 **** 3209", "visibility": "masked"},
    "github": {"value": "", "visibility": "public"},
}
resume_contact_values = ENVIRONMENT.contact_values


# -- Language-dependent settings -----------------------------------------------------------


def set_language_options(app, config) -> None:
    """Compute what depends on ``language``, which ``-D language=…`` may have changed."""
    ed = edition(config.language)
    name = settings(config).name(ed.sphinx)
    config.copyright = config.epub_copyright = name
    config.html_title = settings(config).title(ed.sphinx)
    config.html_short_title = name
    config.epub_title = config.html_title
    config.epub_description = DESCRIPTIONS[ed.sphinx]
    # No "unknown" contributor (Sphinx's default): the owner is the only one.
    config.epub_author = config.epub_publisher = config.epub_contributor = EPUB_AUTHORS[ed.sphinx]
    config.epub_language = ed.tag
    config.epub_basename = file_name(ed.code)
    # The ePub's unique identifier must be a valid XML name, and equal to epub_uid.
    config.epub_identifier = config.epub_uid = file_name(ed.code)


def setup(app):
    app.connect("config-inited", set_language_options)
