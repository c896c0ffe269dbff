"""Every ``resume_*`` configuration value, declared once, typed, and read through ``settings()``.

One dataclass holds the names, types, defaults and rebuild conditions (as sphinx-design's
``SdConfig`` does), so that a value is declared in one place whatever the number of modules that
read it, and a reader gets a typed attribute rather than ``config.resume_…`` of type ``Any``.
A new value is one field here; ``setup_settings`` registers it with Sphinx, with the type of its
default as the only type it accepts.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .languages import SOURCE

if TYPE_CHECKING:  # standard library only at run time: the release tool reads variants in nox
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Every configuration value of the extension is ``resume_<field>``.
PREFIX = "resume_"
#: Sphinx's ``rebuild`` condition of a value: what a change to it makes Sphinx do again.
ENV: dict[str, str] = {"rebuild": "env"}
HTML: dict[str, str] = {"rebuild": "html"}


@dataclass(frozen=True)
class Settings:
    """The ``resume_*`` values of one build, as ``conf.py`` (or ``-D``) set them."""

    #: The owner's name and headline in each edition: ``{language: {"name": …, "headline": …}}``
    #: (Sphinx ``language``); conf.py titles the site and the ePub from them, and the JSON-LD,
    #: ``resume.json``, the PDF and the social card state them.
    owner: dict[str, dict[str, str]] = field(default_factory=dict, metadata=ENV)
    #: The source catalogs (``.po``); Sphinx's own ``locale_dirs`` is pointed at the compiled
    #: ones on every build (``resume.translation``).
    locale_dirs: list[str] = field(default_factory=lambda: ["locales/"], metadata=ENV)
    #: Which pages must each hold one data directive: ``{docname pattern: directive}``.
    data_pages: dict[str, str] = field(
        default_factory=lambda: {"experience/*": "resume-role", "projects/*": "resume-project"},
        metadata=ENV,
    )
    #: Contact details, each with its visibility (``resume.contact``).
    contact: dict[str, Any] = field(default_factory=dict, metadata=ENV)
    #: Full values a build supplies, never committed: ``{"phone": "+86 …", "github": "https://…"}``.
    contact_values: dict[str, str] = field(default_factory=dict, metadata=ENV)
    #: The build's date, seconds since the epoch (``SOURCE_DATE_EPOCH``; ``resume.environment``):
    #: the timeline's present, the date of the PDF, the text, ``resume.json`` and the vCard.
    build_date: int = field(default_factory=lambda: int(time.time()), metadata={"rebuild": ""})
    #: One switch for an owner who wants the site unlisted (``RESUME_NOINDEX``).
    noindex: bool = field(default=False, metadata=HTML)
    #: Read the Docs' download prefix for this edition, "" elsewhere (``resume.environment``).
    downloads_url: str = field(default="", metadata=HTML)
    #: Folders with Noto Sans CJK instead of the pinned package's (empty: the package's); Typst
    #: reads no other font of the system.
    pdf_font_paths: list[str] = field(default_factory=list, metadata=ENV)
    #: How many pages the PDF résumé must fill (0: any number).
    pdf_pages: int = field(default=2, metadata=ENV)
    #: The tailored variants, declared once: ``{name: {"language": …, "pages": 1 or 2,
    #: "include": [tags], "exclude": [tags], "summary": tag}}`` (``resume.variants``).
    variants: dict[str, Any] = field(default_factory=dict, metadata={"rebuild": ""})
    #: The variant this ``resumepdf`` build writes ("" for the edition itself).
    variant: str = field(default="", metadata={"rebuild": ""})

    def name(self, language: str | None) -> str:
        """The owner's name in the edition of ``language`` (the source's when it has none)."""
        return self._owner(language).get("name", "")

    def headline(self, language: str | None) -> str:
        """The owner's headline in the edition of ``language``."""
        return self._owner(language).get("headline", "")

    def title(self, language: str | None) -> str:
        """The edition's title: the site's, the ePub's and the root page's entry for it."""
        return title(self.name(language), self.headline(language))

    def _owner(self, language: str | None) -> dict[str, str]:
        return self.owner.get(language or SOURCE.sphinx) or self.owner.get(SOURCE.sphinx) or {}


def title(name: str, headline: str) -> str:
    """The owner's name and headline as a title: ``name · headline``, or the name alone."""
    return " · ".join(part for part in (name, headline) if part)


def settings(config: Config) -> Settings:
    """This build's settings (read anew each time: a ``config-inited`` handler may set one)."""
    return Settings(
        **{f.name: getattr(config, PREFIX + f.name) for f in dataclasses.fields(Settings)}
    )


def setup_settings(app: Sphinx) -> None:
    for each in dataclasses.fields(Settings):
        factory = each.default_factory
        default = factory() if callable(factory) else each.default
        app.add_config_value(
            PREFIX + each.name, default, each.metadata["rebuild"], types=[type(default)]
        )
