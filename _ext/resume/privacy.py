"""The privacy gate: no output of any build holds what the owner keeps private.

After every build (``build-finished``), every file the builder wrote is scanned: pages, ePub
members (the zip is opened), ``objects.inv`` (decompressed), the search index, JSON-LD,
``resume.json``, the sitemap, and any other file. The scan looks for:

* the full number a ``masked`` contact detail stands for: its visible digits with any digits in
  the masked places (``+86 136 **** 3209`` → ``136`` four digits ``3209``, with or without the
  country code), unless this build supplies that detail (``RESUME_PHONE``: an opt-in);
* the value of every ``private`` detail.

Text is normalised first: Unicode compatibility forms (full-width digits) and the separators
people put between digits (spaces, dashes, dots, brackets) are taken out. A hit fails the build
with the output's name, the source page or catalog and line where the value was typed, and what
to do; the outputs that hold it are deleted, so that nothing private stays in the output folder.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from .contact import MASKS

logger = logging.getLogger(__name__)

#: What people write between digits: white space, dashes, dots, slashes, brackets.
_SEPARATORS = re.compile(r"(?<=\d)[\s\-‐‑‒–—―.·/()（）]{1,3}(?=[\d(（])")
_SKIPPED_BUILDERS = {"gettext", "linkcheck"}
#: Sphinx's own state, which lands in the output folder when no doctree folder is given: read
#: back by Sphinx, never published.
_NOT_OUTPUT = {".doctree", ".pickle"}


@dataclass(frozen=True)
class Secret:
    """What must not be published: ``kind`` names the contact detail, ``pattern`` matches it in
    normalised text."""

    kind: str
    pattern: re.Pattern[str]
    visibility: str  # "masked" or "private"


def normalise(text: str) -> str:
    """NFKC (full-width digits become ASCII), lower case, no separators between digits."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("&nbsp;", " ").replace("&#160;", " ")
    return _SEPARATORS.sub("", text)


def masked_pattern(masked: str) -> re.Pattern[str]:
    """The full numbers a masked value stands for: ``+86 136 **** 3209`` → ``136\\d{4}3209``,
    with or without ``+86`` or ``86`` before it and no digit on either side."""
    value = unicodedata.normalize("NFKC", masked).strip()
    country = ""
    if value.startswith("+"):
        country, _, value = value[1:].partition(" ")
        country = re.sub(r"\D", "", country)
    national = "".join(c for c in value if c.isdigit() or c in MASKS)
    body = "".join(r"\d" if c in MASKS else c for c in national)
    prefix = rf"(?:\+?{country})?" if country else ""
    return re.compile(rf"(?<!\d){prefix}{body}(?!\d)")


def secrets(config: Config) -> list[Secret]:
    """What this build must not publish, from ``resume_contact`` and ``resume_contact_values``."""
    found = []
    supplied = config.resume_contact_values
    for kind, detail in config.resume_contact.items():
        value = str(detail.get("value", "")).strip()
        visibility = detail.get("visibility", "private")
        if visibility == "masked" and value and not supplied.get(kind):
            found.append(Secret(kind, masked_pattern(value), "masked"))
        elif visibility == "private":
            for text in (value, supplied.get(kind, "")):
                if text.strip():
                    pattern = re.compile(re.escape(normalise(text.strip())))
                    found.append(Secret(kind, pattern, "private"))
    return found


def texts(path: Path) -> Iterator[tuple[str, str]]:
    """Each text a file holds, as (name shown in a message, text): zip members one by one,
    ``objects.inv`` decompressed."""
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                yield f"{path}!{member}", archive.read(member).decode("utf-8", "replace")
        return
    if path.name == "objects.inv":
        head, _, body = data.partition(b"zlib.\n")
        yield str(path), head.decode("utf-8", "replace")
        try:
            inventory = zlib.decompress(body)
        except zlib.error:  # not compressed: read it as it is
            inventory = body
        yield f"{path} (decompressed)", inventory.decode("utf-8", "replace")
        return
    yield str(path), data.decode("utf-8", "replace")


def where_typed(app: Sphinx, secret: Secret) -> list[str]:
    """The source pages and catalogs, with the line, where the value was typed."""
    places = []
    sources = [Path(app.env.doc2path(name)) for name in sorted(app.env.found_docs)]
    # The catalogs' own folders (resume_locale_dirs): locale_dirs names the compiled ones.
    for locale_dir in app.config.resume_locale_dirs or app.config.locale_dirs:
        folder = Path(app.srcdir, locale_dir, app.config.language or "", "LC_MESSAGES")
        sources += sorted(folder.rglob("*.po")) if folder.is_dir() else []
    for source in sources:
        try:
            lines = source.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, start=1):
            if secret.pattern.search(normalise(line)):
                places.append(f"{source}:{number}")
    return places


def scan(
    outdir: Path, found: list[Secret], skip: Path | None = None
) -> dict[Path, list[tuple[str, Secret]]]:
    """Every file under ``outdir`` (but not under ``skip``, the doctrees) that holds a secret,
    with the part that holds it."""
    hits: dict[Path, list[tuple[str, Secret]]] = {}
    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        if (skip is not None and path.is_relative_to(skip)) or path.suffix in _NOT_OUTPUT:
            continue
        for name, text in texts(path):
            normal = normalise(text)
            for secret in found:
                if secret.pattern.search(normal):
                    hits.setdefault(path, []).append((name, secret))
    return hits


def check_outputs(app: Sphinx, exception: Exception | None) -> None:
    """Fail the build when any output holds a secret (see the module's docstring)."""
    if exception is not None or app.builder.name in _SKIPPED_BUILDERS:
        return
    found = secrets(app.config)
    if not found:
        return
    hits = scan(Path(app.outdir), found, skip=Path(app.doctreedir))
    if not hits:
        return
    kinds = sorted({secret.kind for parts in hits.values() for _, secret in parts})
    for path, parts in hits.items():
        for name, secret in parts:
            places = where_typed(app, secret) or ["(not typed in any page or catalog)"]
            logger.warning(
                "the full %s, which the owner keeps %s, is in %s; typed at %s",
                secret.kind,
                secret.visibility,
                name,
                ", ".join(places),
                location=places[0] if ":" in places[0] else None,
                type="resume",
                subtype="privacy",
            )
        path.unlink(missing_ok=True)
    # An error, not an exception: Sphinx reports it like any other, and the build fails
    # whether or not warnings are errors (-W).
    logger.error(
        "%d output file(s) held the owner's private %s and were deleted. What to do: remove "
        "the value from the page or catalog named above (the masked value in conf.py is the "
        "only form the sources may hold); to publish it on purpose, give it to this build only "
        "(RESUME_PHONE=…).",
        len(hits),
        ", ".join(kinds),
        type="resume",
        subtype="privacy",
    )
    app.statuscode = 1


def setup_privacy(app: Sphinx) -> None:
    # After every other build-finished handler (resume.json, sitemap), which write outputs.
    app.connect("build-finished", check_outputs, priority=900)
