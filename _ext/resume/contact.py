"""Contact details, each with a visibility: what is private never reaches an output.

``resume_contact`` in ``conf.py`` maps each detail (``phone``, ``email``, ``website``,
``github``) to a dict:

* ``value``: what the repository may hold (for the phone, only the masked number);
* ``visibility``: ``public`` (publish the value), ``masked`` (publish the masked value; the full
  one only when the build supplies it), or ``private`` (never).

A build supplies a full or configured value through ``resume_contact_values``
(``{"phone": "+86 …"}``), which ``conf.py`` reads from ``RESUME_PHONE`` and ``RESUME_GITHUB``.
Every output (the pages, JSON-LD, ``resume.json``) asks ``published`` and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.locale import _
from sphinx.util.docutils import SphinxDirective

VISIBILITIES = ("public", "masked", "private")
KINDS = ("phone", "email", "website", "github")
#: The characters that stand for hidden digits in a masked value.
MASKS = "*•×"
#: Each detail's label: an interface string, translated by the theme catalogs (sphinx.po), so
#: that a detail that is empty or private in one build still has its label translated.
LABELS = {"phone": "Phone", "email": "Email", "website": "Website", "github": "GitHub"}


class ContactError(ValueError):
    """A contact detail that is configured wrongly."""


@dataclass(frozen=True)
class Published:
    """One contact detail as this build publishes it."""

    kind: str
    text: str
    href: str  # empty when the detail is not a link (a masked number)
    full: bool  # True when the owner's full value is published


def _href(kind: str, text: str) -> str:
    if kind == "phone":
        return "tel:" + re.sub(r"[^\d+]", "", text)
    if kind == "email":
        return f"mailto:{text}"
    return text


def validate(contact: Mapping[str, Mapping[str, Any]], values: Mapping[str, str] = {}) -> None:
    """Raise ``ContactError`` for an unknown detail or key, a bad visibility or a non-https URL."""
    for kind, detail in contact.items():
        if kind not in KINDS:
            raise ContactError(
                f"resume_contact: unknown detail {kind!r} (known: {', '.join(KINDS)})"
            )
        unknown = set(detail) - {"value", "visibility"}
        if unknown:
            raise ContactError(f"resume_contact[{kind!r}]: unknown keys {sorted(unknown)}")
        visibility = detail.get("visibility", "private")
        if visibility not in VISIBILITIES:
            raise ContactError(
                f"resume_contact[{kind!r}]: visibility {visibility!r} is not one of {VISIBILITIES}"
            )
        value = str(detail.get("value", ""))
        if visibility == "masked" and value and sum(value.count(c) for c in MASKS) < 3:
            raise ContactError(
                f"resume_contact[{kind!r}]: the masked value {value!r} hides nothing; replace "
                "the hidden digits with * (for example +86 136 **** 3209) and give the full "
                "value to the build that may publish it (RESUME_PHONE)"
            )
    for kind in values:
        if kind not in KINDS:
            raise ContactError(f"resume_contact_values: unknown detail {kind!r}")
    for kind in ("website", "github"):
        value = values.get(kind) or str(contact.get(kind, {}).get("value", ""))
        if value and not value.startswith("https://"):
            raise ContactError(f"resume_contact[{kind!r}]: {value!r} is not an https:// URL")


def published(
    contact: Mapping[str, Mapping[str, Any]], values: Mapping[str, str] = {}
) -> dict[str, Published]:
    """What this build may show of each detail; private and empty details are left out.

    ``values`` holds the full values this build supplies (``resume_contact_values``).
    """
    validate(contact, values)
    result = {}
    for kind, detail in contact.items():
        visibility = detail.get("visibility", "private")
        supplied = values.get(kind, "").strip()
        if visibility == "private":
            continue
        if visibility == "masked":
            if supplied:
                result[kind] = Published(kind, supplied, _href(kind, supplied), True)
            elif detail.get("value"):
                result[kind] = Published(kind, str(detail["value"]), "", False)
            continue
        value = supplied or str(detail.get("value", ""))
        if value:
            result[kind] = Published(kind, value, _href(kind, value), True)
    return result


def published_by(config: Config) -> dict[str, Published]:
    """``published`` for this build's configuration."""
    return published(config.resume_contact, config.resume_contact_values)


class ContactDirective(SphinxDirective):
    """Contact details from the configuration: what is private never reaches a page."""

    def run(self) -> list[nodes.Node]:
        fields = nodes.field_list(classes=["resume-fields", "resume-contact"])
        for kind, detail in published_by(self.config).items():
            body: nodes.Node = nodes.Text(detail.text)
            if detail.href:
                body = nodes.reference(detail.text, detail.text, refuri=detail.href)
            fields += self.field(kind, nodes.paragraph("", "", body))
        return [fields] if fields.children else []

    def field(self, key: str, body: nodes.paragraph) -> nodes.field:
        label = str(_(LABELS[key]))
        name = nodes.field_name(label, label, translatable=False)
        body["translatable"] = False  # a contact value is never copied into a catalog
        return nodes.field("", name, nodes.field_body("", body))


def check_config(app: Sphinx, config: Config) -> None:
    """A wrongly configured contact detail stops the build before anything is read."""
    try:
        validate(config.resume_contact, config.resume_contact_values)
    except ContactError as exc:
        raise ConfigError(str(exc)) from None


def setup_contact(app: Sphinx) -> None:
    app.add_config_value("resume_contact", {}, "env", types=[dict])
    # Full values a build supplies, never committed: {"phone": "+86 …", "github": "https://…"}.
    app.add_config_value("resume_contact_values", {}, "env", types=[dict])
    app.add_directive("resume-contact", ContactDirective)
    app.connect("config-inited", check_config)
