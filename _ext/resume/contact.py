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
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.locale import _
from sphinx.util.docutils import SphinxDirective

from .messages import problem
from .reading import MASKS, national_form
from .settings import settings

VISIBILITIES = ("public", "masked", "private")
KINDS = ("phone", "email", "website", "github")
#: What may stand between a phone number's digits.
PHONE_SEPARATORS = " +-().\u00a0"
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


#: The digits a masked phone number shows at the least, its country code aside: the privacy gate
#: takes any number that fits the mask for the full one, and a mask showing fewer would fit
#: the dates and figures of the pages themselves.
SHOWN_DIGITS = 4


def validate(contact: Mapping[str, Mapping[str, Any]], values: Mapping[str, str] = {}) -> None:
    """Raise ``ContactError`` for an unknown detail or key, a bad visibility, a non-https URL, a
    masked phone number that holds anything but digits, masks and separators or shows too little
    of itself (``SHOWN_DIGITS``), or a full phone number (``RESUME_PHONE``) that its masked
    value cannot stand for."""
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
        if (
            visibility == "masked"
            and value
            and sum(map(unicodedata.normalize("NFKC", value).count, MASKS)) < 3
        ):
            raise ContactError(
                problem(
                    f"resume_contact[{kind!r}]: the masked value {value!r} hides nothing",
                    "replace the hidden digits with * (for example +86 136 **** 3209) and give "
                    "the full value to the build that may publish it (RESUME_PHONE)",
                )
            )
        odd = sorted({c for c in unicodedata.normalize("NFKC", value) if not _phone_char(c)})
        if kind == "phone" and visibility == "masked" and odd:
            raise ContactError(
                problem(
                    f"resume_contact['phone']: the masked value {value!r} holds {''.join(odd)!r}, "
                    "which is neither a digit, a mask (*) nor a phone number's separator: the "
                    "privacy check would read the number without it",
                    "write the number with digits, * for each hidden one and spaces, dashes or "
                    "brackets between them (for example +86 136 **** 3209)",
                )
            )
        shown = sum(c.isdigit() for c in national_form(value)[1])
        if kind == "phone" and visibility == "masked" and value and shown < SHOWN_DIGITS:
            raise ContactError(
                problem(
                    f"resume_contact['phone']: the masked value {value!r} shows {shown} digits "
                    "besides its country code: the privacy check would take any number that "
                    "fits it in a page (a date, a figure) for the owner's",
                    f"show {SHOWN_DIGITS} of its digits or more (for example +86 136 **** 3209)",
                )
            )
    for kind in values:
        if kind not in KINDS:
            raise ContactError(f"resume_contact_values: unknown detail {kind!r}")
    for kind, detail in contact.items():
        mask, full = str(detail.get("value", "")), values.get(kind, "").strip()
        masked_phone = kind == "phone" and detail.get("visibility") == "masked"
        if masked_phone and mask and full and (why := mask_mismatch(mask, full)):
            raise ContactError(
                problem(
                    f"RESUME_PHONE does not fit the masked value {mask!r} of "
                    f"resume_contact['phone'] in conf.py: {why}.",
                    "set RESUME_PHONE to the full number whose masked form that is (digits "
                    "where the mask has *), or correct the masked value",
                )
            )
    for kind in ("website", "github"):
        value = values.get(kind) or str(contact.get(kind, {}).get("value", ""))
        if value and not value.startswith("https://"):
            raise ContactError(f"resume_contact[{kind!r}]: {value!r} is not an https:// URL")


def _phone_char(c: str) -> bool:
    return c.isdigit() or c in MASKS or c in PHONE_SEPARATORS


def mask_mismatch(mask: str, full: str) -> str:
    """Why ``full`` cannot be the value ``mask`` hides, or "" when it can: the same count of
    digits (after NFKC: full-width digits count), every digit the mask shows in its place, and
    nothing but digits and a phone number's separators. The full value itself is never quoted:
    a build's log is often public."""
    shown = [c for c in unicodedata.normalize("NFKC", mask) if c.isdigit() or c in MASKS]
    text = unicodedata.normalize("NFKC", full)
    if any(not (c.isdigit() or c in PHONE_SEPARATORS) for c in text):
        return "it holds characters other than digits and a phone number's separators"
    digits = [c for c in text if c.isdigit()]
    if len(digits) != len(shown):
        return f"it has {len(digits)} digits where the masked value has {len(shown)}"
    differ = sum(1 for m, d in zip(shown, digits, strict=True) if m not in MASKS and m != d)
    if differ:
        return f"{differ} of the digits the masked value shows differ in it"
    return ""


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
    return published(settings(config).contact, settings(config).contact_values)


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
        validate(settings(config).contact, settings(config).contact_values)
    except ContactError as exc:
        raise ConfigError(problem(str(exc), subtype="contact")) from None


def setup_contact(app: Sphinx) -> None:
    app.add_directive("resume-contact", ContactDirective)
    app.connect("config-inited", check_config)
