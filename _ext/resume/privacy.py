"""The privacy gate: no output of any build holds what the owner keeps private.

After every build (``build-finished``), every file the builder wrote is scanned: pages, ePub
members (the zip is opened), ``objects.inv`` (decompressed), the search index, JSON-LD,
``resume.json``, the sitemap, and any other file. The scan looks for:

* the full number a ``masked`` contact detail stands for: its visible digits with any digits in
  the masked places (``+86 136 **** 3209`` → ``136`` four digits ``3209``, with or without the
  country code), unless this build supplies that detail (``RESUME_PHONE``: an opt-in);
* the value of every ``private`` detail.

The gate compares what a reader reads, normalised (``resume.reading``): every digit in any
script, invisible characters and separators between digits ignored, pages read as text and
link targets. A hit fails the build with the output's name, the source page or catalog and line
where the value was typed, and what to do; the outputs that hold it are deleted, so that
nothing private stays in the output folder.

The build's log is an output too (Read the Docs publishes it): from ``config-inited`` on, every
record of Sphinx's loggers (the extension's, Sphinx's and MyST's warnings, errors and status
lines) passes ``Redaction`` first, which cuts out each run of words that holds a secret
(``reading.redact``). The messages that quote a page or a catalog quote nothing of a text
that holds one (``reading.quoted``, ``catalogs.withheld``), and keep its file and line.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from .messages import error, warn
from .reading import (
    CLEAN_FILES,
    Secret,
    clean_in_note,
    holds,
    keep_clean_note,
    masked_pattern,
    normalise,
    readable,
    redact,
    scan,
    secrets_of,
    texts,
    typed_at,
)
from .settings import settings

__all__ = ["Secret", "masked_pattern", "normalise", "readable", "scan", "secrets", "texts"]

_SKIPPED_BUILDERS = {"gettext", "linkcheck"}


def secrets(config: Config) -> list[Secret]:
    """What this build must not publish, from ``resume_contact`` and ``resume_contact_values``."""
    return secrets_of(settings(config).contact, settings(config).contact_values)


def where_typed(app: Sphinx, secret: Secret) -> list[str]:
    """The source pages and catalogs, with the line, where the value was typed."""
    places = []
    sources = [Path(app.env.doc2path(name)) for name in sorted(app.env.found_docs)]
    # The catalogs' own folders (resume_locale_dirs): locale_dirs names the compiled ones.
    for locale_dir in settings(app.config).locale_dirs or app.config.locale_dirs:
        folder = Path(app.srcdir, locale_dir, app.config.language or "", "LC_MESSAGES")
        sources += sorted(folder.rglob("*.po")) if folder.is_dir() else []
    for source in sources:
        try:
            lines = source.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        places += typed_at(source, lines, secret)
    return places


def check_outputs(app: Sphinx, exception: Exception | None) -> None:
    """Fail the build when any output holds a secret (see the module's docstring)."""
    if exception is not None or app.builder.name in _SKIPPED_BUILDERS:
        return
    found = secrets(app.config)
    if not found:
        return
    hits = _scan(app, found)
    if not hits:
        return
    kinds = sorted({secret.kind for parts in hits.values() for _, secret in parts})
    for path, parts in hits.items():
        for name, secret in parts:
            places = where_typed(app, secret) or ["(not typed in any page or catalog)"]
            warn(
                f"the full {secret.kind}, which the owner keeps {secret.visibility}, is in "
                f"{name}; typed at {', '.join(places)}",
                location=places[0] if ":" in places[0] else None,
                subtype="privacy",
            )
        path.unlink(missing_ok=True)
    # An error, not an exception: Sphinx reports it like any other, and the build fails
    # whether or not warnings are errors (-W).
    error(
        f"{len(hits)} output file(s) held the owner's private {', '.join(kinds)} and were deleted",
        "remove the value from the page or catalog named above (the masked value in conf.py is "
        "the only form the sources may hold); to publish it on purpose, give it to this build "
        "only (RESUME_PHONE=…).",
        subtype="privacy",
    )
    app.statuscode = 1


def _scan(app: Sphinx, found: list[Secret]) -> dict[Path, list[tuple[str, Secret]]]:
    """``scan`` of the builder's outputs, skipping those the last scan in this doctree folder,
    for the same secrets and rules, found clean (same result: a file is known by its name and
    content)."""
    doctrees = Path(app.doctreedir)
    remembered = doctrees / f"{app.builder.name}-{CLEAN_FILES}"
    known = clean_in_note(remembered, found)
    clean: set[str] = set()
    hits = scan(Path(app.outdir), found, skip=doctrees, known_clean=known, clean=clean)
    if doctrees.is_dir():
        keep_clean_note(remembered, found, clean)
    return hits


class Redaction(logging.Filter):
    """A log record with each run of words that holds one of ``found`` cut out (``redact``),
    its location too; set on each handler of Sphinx's loggers, before any other filter (the one
    that turns a warning into an exception with ``-W`` formats the message itself)."""

    def __init__(self, found: list[Secret]) -> None:
        super().__init__()
        self.found = found

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = str(record.msg % record.args if record.args else record.msg)
        except (TypeError, ValueError):
            message = str(record.msg)
        if holds(message, self.found):
            record.msg, record.args = redact(message, self.found), ()
        location = getattr(record, "location", None)
        if isinstance(location, str) and holds(location, self.found):
            record.location = redact(location, self.found)
        return True


def redact_log(app: Sphinx, config: Config) -> None:
    """Put this build's ``Redaction`` first on every handler of Sphinx's loggers (``sphinx``,
    whose children every extension's logger is), replacing an earlier build's."""
    try:
        found = secrets(config)
    except (AttributeError, TypeError, ValueError):  # a malformed resume_contact: its own error
        found = []
    for handler in logging.getLogger("sphinx").handlers:
        handler.filters = [f for f in handler.filters if not isinstance(f, Redaction)]
        if found:
            handler.filters.insert(0, Redaction(found))


def setup_privacy(app: Sphinx) -> None:
    app.connect("config-inited", redact_log, priority=0)
    # After every other build-finished handler (resume.json, sitemap), which write outputs.
    app.connect("build-finished", check_outputs, priority=900)
