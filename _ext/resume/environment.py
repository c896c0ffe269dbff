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

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


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


def downloads_url(environ: Mapping[str, str]) -> str:
    """Read the Docs' download prefix for this edition, ``https://<host>/_/downloads/<language>/
    <version>/`` (the format's name follows), or ``""`` off Read the Docs."""
    if environ.get("READTHEDOCS", "").strip().lower() != "true":
        return ""
    if url := environ.get("READTHEDOCS_CANONICAL_URL", "").strip():
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}/"
    elif project := environ.get("READTHEDOCS_PROJECT", "").strip():
        root = f"https://{project}.readthedocs.io/"
    else:
        return ""
    language = environ.get("READTHEDOCS_LANGUAGE", "").strip()
    version = environ.get("READTHEDOCS_VERSION", "").strip() or "latest"
    return f"{root}_/downloads/{language}/{version}/" if language else ""


def build_date(environ: Mapping[str, str]) -> int:
    """``SOURCE_DATE_EPOCH`` as an integer, else the current time (seconds since the epoch).

    Raises ``SettingError`` when the variable is set but not a non-negative integer.
    """
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return int(time.time())
    if not value.isdigit():
        raise SettingError(
            f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds since 1970-01-01; "
            "set it to an integer, such as the output of `git log -1 --format=%ct`, or unset it"
        )
    return int(value)


def read(environ: Mapping[str, str]) -> Settings:
    """Everything the build takes from ``environ``."""
    contact = {
        kind: value
        for kind, name in (("phone", "RESUME_PHONE"), ("github", "RESUME_GITHUB"))
        if (value := environ.get(name, "").strip())
    }
    return Settings(
        contact_values=contact,
        noindex=environ.get("RESUME_NOINDEX", "").strip() == "1",
        canonical_url=environ.get("READTHEDOCS_CANONICAL_URL", "").strip(),
        downloads_url=downloads_url(environ),
        build_date=build_date(environ),
    )
