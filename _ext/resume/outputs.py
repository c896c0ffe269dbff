"""What the outputs are called, where the release publishes them, and which builder writes the
web site.

Standard library only: ``conf.py``, the release build, the tools and the tests import it too.
Every output file's name and published path comes from ``file_name`` and ``published``: the
sidebar's download links, ``epub_basename``, the release, the benchmark, Read the Docs' PDF job
and a recruiter's copy all ask them.
"""

from __future__ import annotations

import posixpath
from typing import Any

#: Every output file of an edition is named ``<BASENAME>-<code>.<ext>`` (``file_name``).
BASENAME = "xu-xin-resume"
#: The builders that write the web site (the ePub builder is an HTML builder too, but a book).
WEBSITE_BUILDERS = frozenset({"html", "dirhtml"})
#: The JSON Resume file at the root of each edition's web site.
RESUME_JSON = "resume.json"
#: The owner's contact card (vCard 4.0) at the root of each edition's web site.
VCARD = "contact.vcf"
#: The social preview card (PNG) at the root of each edition's web site: ``og:image``.
SOCIAL_CARD = "social-card.png"
#: The files the HTML builder writes at the root of every edition's web site besides its pages:
#: the release refuses an HTML output that lacks one.
SITE_FILES = (RESUME_JSON, VCARD, SOCIAL_CARD)
#: What each builder publishes in a release: ``{builder: {format folder: file extension}}``;
#: the HTML builder publishes its whole tree (no extension), the others one file each per
#: edition, ``<format>/<code>/<BASENAME>-<code>.<extension>`` (``resumepdf``: the PDF and the
#: text edition).
PUBLISHED = {
    "html": {"html": ""},
    "epub": {"epub": "epub"},
    "resumepdf": {"pdf": "pdf", "text": "txt"},
}
#: The format folders of a release, each also a fixed link in the build folder
#: (``_build/html`` → ``current/html``): the paths the README gives never change.
LINKS = ("html", "epub", "pdf", "text")
#: The folder of the variants' résumés, ``variants/<name>/``, each a PDF and a text; a link
#: in the build folder too while any variant is declared.
VARIANTS = "variants"


def file_name(name: str, extension: str = "") -> str:
    """An output file's name, ``<BASENAME>-<name>.<extension>``: ``name`` is an edition's code
    (``xu-xin-resume-en.pdf``) or a variant's name; without ``extension``, the stem that
    Sphinx's ``epub_basename`` takes."""
    return f"{BASENAME}-{name}.{extension}" if extension else f"{BASENAME}-{name}"


def published(folder: str, name: str, extension: str) -> str:
    """Where the release publishes an output file, relative to the build folder:
    ``<folder>/<name>/<file_name>``, ``pdf/en/xu-xin-resume-en.pdf``,
    ``variants/platform-en/xu-xin-resume-platform-en.txt``."""
    return f"{folder}/{name}/{file_name(name, extension)}"


def is_website(builder: Any) -> bool:
    """Whether ``builder`` (a Sphinx builder, or its name) writes the web site.

    The one answer to that question: JSON-LD, ``resume.json``, the language switcher, the
    search script, the sitemap and the head tags all ask it.
    """
    name = builder if isinstance(builder, str) else getattr(builder, "name", "")
    return name in WEBSITE_BUILDERS


def page_url(app: Any, docname: str) -> str | None:
    """A page's absolute address, as Sphinx writes its canonical link; None without a base URL."""
    if not app.config.html_baseurl:
        return None
    return posixpath.join(app.config.html_baseurl, app.builder.get_target_uri(docname))


def file_url(app: Any, name: str) -> str | None:
    """The absolute address of a file at the output's root; None without a base URL."""
    if not app.config.html_baseurl:
        return None
    return posixpath.join(app.config.html_baseurl, name)
