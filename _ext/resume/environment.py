"""The build's environment variables, read once, in ``conf.py``, into typed config values.

No other module reads ``os.environ`` while building: the values below are config values, so an
incremental build whose environment changed re-reads what depends on them, as for any other
setting. Standard library only.

=============================  ============================  =====================================
Variable                       Config value                  Meaning
=============================  ============================  =====================================
``RESUME_PHONE``               ``resume_contact_values``     the full phone number, published
``RESUME_GITHUB``              ``resume_contact_values``     the GitHub profile, published
``RESUME_NOINDEX``             ``resume_noindex``            ``1``: unlist the site
``READTHEDOCS_CANONICAL_URL``  ``html_baseurl``              the edition's address
``READTHEDOCS``,               ``resume_downloads_url``      where Read the Docs serves the
``READTHEDOCS_PROJECT``,                                     edition's downloads
``READTHEDOCS_LANGUAGE``,
``READTHEDOCS_VERSION``
``SOURCE_DATE_EPOCH``          ``resume_build_date``         the build's date (seconds since the
                                                             epoch); the current time otherwise
=============================  ============================  =====================================

Read the Docs' variables: https://docs.readthedocs.com/platform/stable/reference/environment-variables.html
``SOURCE_DATE_EPOCH``: https://reproducible-builds.org/specs/source-date-epoch/
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .messages import problem


class SettingError(ValueError):
    """A variable whose value cannot be used; the message names it and says what it takes."""


@dataclass(frozen=True)
class Settings:
    """What the environment sets for one build."""

    contact_values: dict[str, str]
    noindex: bool
    canonical_url: str
    downloads_url: str
    build_date: int

    def config(self) -> dict[str, Any]:
        """The config values, by name, for ``conf.py``'s namespace."""
        return {
            "resume_contact_values": self.contact_values,
            "resume_noindex": self.noindex,
            "html_baseurl": self.canonical_url,
            "resume_downloads_url": self.downloads_url,
            "resume_build_date": self.build_date,
        }


#: The latest date Python's ``datetime`` (and so the build) can write: 9999-12-31 23:59:59 UTC.
LATEST_EPOCH = 253402300799
#: A host name as DNS spells it (letters, digits, hyphens, dots), with an optional port.
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::\d{1,5})?")
#: A part of a path that Read the Docs names (a project, a language, a version).
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _shown(value: str) -> str:
    """The value as a message quotes it: short, on one line."""
    value = value if len(value) <= 40 else value[:39] + "…"
    return repr(value)


def https_url(name: str, value: str) -> str:
    """``value`` when it is an ``https://`` address with a host name and nothing a page could
    run or that would break out of an attribute; else ``SettingError`` naming ``name``.

    Read the Docs' address reaches every page's links, the sitemap and the PDF: a
    ``javascript:`` address there would run when a reader clicks it.
    """
    parts = urlsplit(value)
    unsafe = any(c.isspace() or c in "\"'<>`\\" or ord(c) < 32 for c in value)
    if parts.scheme != "https" or not _HOST.fullmatch(parts.netloc.lower()) or unsafe:
        raise SettingError(
            problem(
                f"{name}={_shown(value)} is not an https:// address with a host name",
                f"set {name} to one (such as https://example.org/en/latest/), or unset it",
                subtype="environment",
            )
        )
    return value


def _slug(name: str, value: str) -> str:
    if value and not _SLUG.fullmatch(value):
        raise SettingError(
            problem(
                f"{name}={_shown(value)} is not a name of letters, digits, '.', '_' and '-'",
                f"set {name} to one, or unset it",
                subtype="environment",
            )
        )
    return value


def downloads_url(environ: Mapping[str, str]) -> str:
    """Read the Docs' download prefix for this edition, ``https://<host>/_/downloads/<language>/
    <version>/`` (the format's name follows), or ``""`` off Read the Docs."""
    if environ.get("READTHEDOCS", "").strip().lower() != "true":
        return ""
    if url := environ.get("READTHEDOCS_CANONICAL_URL", "").strip():
        parts = urlsplit(https_url("READTHEDOCS_CANONICAL_URL", url))
        root = f"{parts.scheme}://{parts.netloc}/"
    elif project := _slug("READTHEDOCS_PROJECT", environ.get("READTHEDOCS_PROJECT", "").strip()):
        root = f"https://{project}.readthedocs.io/"
    else:
        return ""
    language = _slug("READTHEDOCS_LANGUAGE", environ.get("READTHEDOCS_LANGUAGE", "").strip())
    version = _slug("READTHEDOCS_VERSION", environ.get("READTHEDOCS_VERSION", "").strip())
    version = version or "latest"
    return f"{root}_/downloads/{language}/{version}/" if language else ""


def build_date(environ: Mapping[str, str]) -> int:
    """``SOURCE_DATE_EPOCH`` as an integer, else the current time (seconds since the epoch).

    Raises ``SettingError`` when the variable is set but not a non-negative integer, or names a
    date after 9999, which no date format of the build can write.
    """
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return int(time.time())
    if not value.isascii() or not value.isdigit() or int(value) > LATEST_EPOCH:
        raise SettingError(
            problem(
                f"SOURCE_DATE_EPOCH={_shown(value)} is not a number of seconds since 1970-01-01 "
                f"up to {LATEST_EPOCH} (the end of 9999)",
                "set it to an integer, such as the output of `git log -1 --format=%ct`, or "
                "unset it",
                subtype="environment",
            )
        )
    return int(value)


def read(environ: Mapping[str, str]) -> Settings:
    """Everything the build takes from ``environ``."""
    contact = {
        kind: value
        for kind, name in (("phone", "RESUME_PHONE"), ("github", "RESUME_GITHUB"))
        if (value := environ.get(name, "").strip())
    }
    if "github" in contact:
        https_url("RESUME_GITHUB", contact["github"])
    canonical_url = environ.get("READTHEDOCS_CANONICAL_URL", "").strip()
    return Settings(
        contact_values=contact,
        noindex=environ.get("RESUME_NOINDEX", "").strip() == "1",
        canonical_url=canonical_url and https_url("READTHEDOCS_CANONICAL_URL", canonical_url),
        downloads_url=downloads_url(environ),
        build_date=build_date(environ),
    )
