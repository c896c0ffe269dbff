"""Contact details, each with a visibility: what is private never reaches an output.

``resume_contact`` in ``conf.py`` maps each detail to a dict:

* ``value``: what the repository may hold (for the phone, only the masked number);
* ``visibility``: ``public`` (publish the value), ``masked`` (publish the masked value; the
  full one only when a build sets the environment variable ``env``), or ``private`` (never);
* ``env``: the environment variable that carries the full or configured value for a build.

Every output (the pages, JSON-LD, ``resume.json``) asks ``published`` and nothing else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

VISIBILITIES = ("public", "masked", "private")
KINDS = ("phone", "email", "website", "github")


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


def validate(contact: Mapping[str, Mapping[str, Any]]) -> None:
    for kind, detail in contact.items():
        if kind not in KINDS:
            raise ContactError(f"resume_contact: unknown detail {kind!r} (known: {', '.join(KINDS)})")
        unknown = set(detail) - {"value", "visibility", "env"}
        if unknown:
            raise ContactError(f"resume_contact[{kind!r}]: unknown keys {sorted(unknown)}")
        visibility = detail.get("visibility", "private")
        if visibility not in VISIBILITIES:
            raise ContactError(
                f"resume_contact[{kind!r}]: visibility {visibility!r} is not one of {VISIBILITIES}"
            )
        if kind in ("website", "github") and detail.get("value", "") and not str(
            detail["value"]
        ).startswith("https://"):
            raise ContactError(f"resume_contact[{kind!r}]: {detail['value']!r} is not an https:// URL")


def published(
    contact: Mapping[str, Mapping[str, Any]], environ: Mapping[str, str] = os.environ
) -> dict[str, Published]:
    """What this build may show of each detail; private and empty details are left out."""
    validate(contact)
    result = {}
    for kind, detail in contact.items():
        visibility = detail.get("visibility", "private")
        from_env = environ.get(detail.get("env", ""), "").strip() if detail.get("env") else ""
        if visibility == "private":
            continue
        if visibility == "masked":
            if from_env:
                result[kind] = Published(kind, from_env, _href(kind, from_env), True)
            elif detail.get("value"):
                result[kind] = Published(kind, str(detail["value"]), "", False)
            continue
        value = from_env or str(detail.get("value", ""))
        if value:
            result[kind] = Published(kind, value, _href(kind, value), True)
    return result
