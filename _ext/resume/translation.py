"""The translation gate: an English or Japanese edition is published complete, or not at all.

Completeness is measured against the source, never against Sphinx's ``translated`` flags, which
Sphinx sets only on the nodes it did translate (a page whose catalog is missing or does not load
has none, and would be published in Chinese).

* ``config-inited``: every catalog of the edition (``resume_locale_dirs``, the source folders) is
  checked line by line and compiled, from its current text, into the build's own folder
  (``<doctreedir>/resume-catalogs``); each compiled catalog is loaded with gettext to prove that
  it loads. Sphinx is pointed there (``locale_dirs``), so no ``.mo`` file is ever read from, or
  written into, the source tree, and none left from an earlier build can stand in for the current
  text. The theme's interface is reloaded from the compiled ``sphinx.mo``. Each file is checked
  and compiled once per content (``resume.catalog_cache``).
* ``builder-inited``: the problems found, each with its ``.po`` file and line and what to do:
  syntax, header and encoding, untranslated, fuzzy, obsolete, figures (``resume.figures``) and
  markup (``resume.markup``: the translation parses to its source's structure).
* Reading each page, before Sphinx translates it (``RecordMessages``, priority 19 < 20): every
  message the Chinese page yields, as ``-b gettext`` extracts them (paragraphs, titles, table
  cells, alt text, toctree captions, index entries). After (``CheckTranslated``, 21): each has a
  non-empty translation in the compiled catalog Sphinx actually loaded (read with Babel), or the
  build names the page, the message and the ``.po``.
* In every edition: the cells of a MyST ``{table}`` directive are made translatable (docutils
  gives them no source, so Sphinx skipped them), and a reference-style link (``[text][label]``),
  which Sphinx cannot translate, is refused where it is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages, traverse_translatable_index

from . import catalog_cache
from .catalogs import Problem, catalog_files, withheld
from .languages import SOURCE, edition
from .messages import warn
from .privacy import secrets
from .reading import WITHHELD, holding, quoted
from .settings import settings

logger = logging.getLogger(__name__)

#: The folder, under the build's doctree folder, that the catalogs are compiled into.
COMPILED = "resume-catalogs"
#: How many missing messages of one page are listed one by one.
LISTED = 8


@dataclass
class Catalogs:
    """What this build compiled: for each domain (``experience/tencent``), its ``.po`` file."""

    language: str
    folder: Path
    sources: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # domain -> why it did not compile
    problems: list[Problem] = field(default_factory=list)


def _source_folders(app: Sphinx, config: Config) -> list[Path]:
    return [Path(app.srcdir, folder) for folder in settings(config).locale_dirs]


def compile_catalogs(app: Sphinx, config: Config) -> None:
    """Compile the edition's catalogs into this build's folder, and point Sphinx there."""
    language = config.language or SOURCE.sphinx
    catalog_cache.recall(Path(app.doctreedir))
    folder = Path(app.doctreedir, COMPILED)
    state = Catalogs(language, folder)
    compiled = folder / language / "LC_MESSAGES"
    wanted: set[Path] = set()
    for locales in _source_folders(app, config):
        for po in catalog_files(language, locales):
            domain = po.relative_to(locales / language / "LC_MESSAGES").with_suffix("").as_posix()
            if domain in state.sources:
                continue  # an earlier folder of resume_locale_dirs wins, as in locale_dirs
            state.sources[domain] = po
            target = compiled / f"{domain}.mo"
            wanted.add(target)
            problems = catalog_cache.compile_once(po, target, language)
            if problems:
                shown = withheld(problems[:1], secrets(config))[0].message
                state.failed[domain] = f"{po} did not compile: {shown}"
                state.problems.extend(problems)
    # A catalog deleted since the last build must not live on in its compiled form.
    for stale in compiled.rglob("*.mo") if compiled.is_dir() else ():
        if stale not in wanted:
            stale.unlink()
    config.locale_dirs = [os.fspath(folder)]
    app.resume_catalogs = state  # type: ignore[attr-defined]
    _reload_translations(app, language, folder, state.sources)


def _reload_translations(app: Sphinx, language: str, folder: Path, domains: Any) -> None:
    """Load the theme's interface from the compiled catalog, and forget any page catalog an
    earlier build in this process loaded (Sphinx caches them by name)."""
    from sphinx import locale, package_dir

    for domain in [*domains, "sphinx"]:
        locale.translators.pop(("general", domain), None)
    app.translator, _ = locale.init([folder, None, Path(package_dir, "locale")], language)


def report_catalogs(app: Sphinx) -> None:
    """Every problem of the edition's catalogs, with its file and line and what to do."""
    state: Catalogs | None = getattr(app, "resume_catalogs", None)
    if state is None or app.builder.name == "gettext":
        return
    md = _markdown(app)
    myst_config = getattr(app.env, "myst_config", None)
    reported = {(p.path, p.line, p.message) for p in state.problems}
    problems = list(state.problems)
    for domain, po in sorted(state.sources.items()):
        if domain not in state.failed:
            problems.extend(
                p
                for p in catalog_cache.check_once(po, md, myst_config)
                if (p.path, p.line, p.message) not in reported
            )
    catalog_cache.keep(Path(app.doctreedir))
    for problem in withheld(problems, secrets(app.config)):
        warn(
            f"{problem.kind}: {problem.message}",
            problem.what_to_do,
            f"{problem.path}:{problem.line}",
            subtype={"figures": "figures", "markup": "markup"}.get(problem.kind, "catalog"),
        )


def report_orphans(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """A catalog that belongs to no page: left behind by a page renamed or deleted."""
    state: Catalogs | None = getattr(app, "resume_catalogs", None)
    if state is None or app.builder.name == "gettext" or edition(state.language) == SOURCE:
        return
    pages = {docname_to_domain(doc, app.config.gettext_compact) for doc in env.found_docs}
    for domain, po in sorted(state.sources.items()):
        if domain != "sphinx" and domain not in pages:
            warn(
                f"catalog: {po.name} belongs to no page ({domain} is not a document)",
                "if the page was renamed, rename its catalog with it (git mv) in every language and "
                "run `nox -s catalogs`; if the page was deleted, delete its catalogs",
                f"{po}:1",
                subtype="catalog",
            )


def _markdown(app: Sphinx) -> Any:
    from .markup import parser

    return parser(getattr(app.env, "myst_config", None))


def _translating(transform: SphinxTransform) -> bool:
    return (
        transform.app.builder.name != "gettext"
        and edition(transform.config.language) != SOURCE
        and hasattr(transform.app, "resume_catalogs")
    )


class TranslatableTableCells(SphinxTransform):
    """A MyST ``{table}`` directive's cells carry no source, so Sphinx neither extracts nor
    translates them (a plain pipe table's do): give each the table's source and line."""

    default_priority = 15

    def apply(self, **kwargs: Any) -> None:
        for table in self.document.findall(nodes.table):
            source, line = table.source or self.document["source"], table.line
            for cell in table.findall(nodes.TextElement):
                if not cell.source and cell.rawsource and not isinstance(cell, nodes.title):
                    cell.source, cell.line = source, cell.line or line


class RecordMessages(SphinxTransform):
    """Before Sphinx translates the page (``Locale``, priority 20): what it has to translate."""

    default_priority = 19

    def apply(self, **kwargs: Any) -> None:
        # The page's metadata (front matter) is no message: docutils makes the page's first field
        # list its docinfo (at priority 340), and Sphinx takes that out before -b gettext extracts.
        # (docutils' type stubs do not take its own mix-in classes here)
        first = self.document.first_child_not_matching_class(nodes.PreBibliographic)  # type: ignore[arg-type]
        info = self.document[first] if first is not None else None
        metadata = (
            {id(n) for n in info.findall()}
            if isinstance(info, (nodes.field_list, nodes.docinfo))
            else set()
        )
        messages = [
            (node, message)
            for node, message in extract_messages(self.document)
            if id(node) not in metadata
            and (not isinstance(node, nodes.image) or message == node.get("alt"))
        ]
        _refuse_reference_links(self, messages)
        if not _translating(self):
            return
        if "index" in self.config.gettext_additional_targets:
            from sphinx.util.index_entries import split_index_msg

            for node, entries in traverse_translatable_index(self.document):
                for entry_type, value, *_ in entries:
                    messages.extend((node, part) for part in split_index_msg(entry_type, value))
        self.env.temp_data["resume_messages"] = messages


def _refuse_reference_links(transform: SphinxTransform, messages: list[tuple[Any, str]]) -> None:
    """Sphinx parses each translation alone, without the page's link definitions: a
    reference-style link would be published as raw markup. It is refused in every edition."""
    source = transform.document.get("source", "")
    if not source.endswith(".md") or not os.path.isfile(source):
        return
    md = _markdown(transform.app)
    env: dict[str, Any] = {}
    with open(source, encoding="utf-8") as handle:
        md.parse(handle.read(), env)
    references = env.get("references")
    if not references:
        return

    def links(text: str, page_env: dict[str, Any]) -> int:
        return sum(
            1
            for token in md.parse(text, page_env)
            for child in token.children or []
            if child.type in ("link_open", "image")
        )

    for node, message in messages:
        if links(message, {"references": references}) > links(message, {}):
            warn(
                "a reference-style link ([text][label]) cannot be translated: "
                f"{quoted(message, secrets(transform.config))}; "
                "each translation is parsed without the page's link definitions, so the link "
                "would be published as raw markup",
                "write the link inline, [text](https://…), delete the definition line "
                "([label]: https://…) and run `nox -s catalogs`",
                node,
                subtype="markup",
            )


def _translations(dirs: list[Path], language: str, domain: str) -> dict[str, str]:
    """What the catalogs Sphinx loaded for ``domain`` translate each message into: the same
    ``.mo`` files as ``sphinx.locale.init``, the first folder's winning, read with Babel (a
    ``gettext`` object can answer a message with itself, translated or not, and tells no more
    without its private fields)."""
    from babel.messages.mofile import read_mo

    merged: dict[str, str] = {}
    for folder in reversed(dirs):
        path = folder / language / "LC_MESSAGES" / f"{domain}.mo"
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            catalog = read_mo(handle)
        merged |= {
            str(message.id): message.string
            for message in catalog
            if message.id and isinstance(message.id, str) and isinstance(message.string, str)
        }
    return merged


class CheckTranslated(SphinxTransform):
    """After Sphinx translated the page: every message recorded has a translation in the
    catalog that Sphinx loaded for it."""

    default_priority = 21

    def apply(self, **kwargs: Any) -> None:
        messages = self.env.temp_data.pop("resume_messages", None)
        if not messages or not _translating(self):
            return
        from sphinx.locale import init as init_locale

        state: Catalogs = self.app.resume_catalogs  # type: ignore[attr-defined]
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        po = state.sources.get(domain)
        expected = po or Path(
            _source_folders(self.app, self.config)[0], state.language, "LC_MESSAGES", f"{domain}.po"
        )
        if po is not None:
            self.env.note_dependency(os.fspath(po))  # a changed .po reads the page again
        dirs = [Path(self.env.srcdir, folder) for folder in self.config.locale_dirs]
        _, loaded = init_locale(dirs, self.config.language, domain)
        page = self.env.doc2path(self.env.docname)
        if not loaded:
            why = state.failed.get(domain) or (
                "it does not exist" if po is None else "gettext did not load it"
            )
            warn(
                f"catalog: the page {self.env.docname} cannot be translated: its catalog {expected} "
                f"is not loaded ({why}); the page would be published in Chinese",
                "if the page is new or renamed, run `nox -s catalogs` (or git mv the old "
                "catalog with the page in every language) and translate it; else fix the "
                "catalog as its own message says",
                f"{page}:1",
                subtype="catalog",
            )
            return
        merged = _translations(dirs, self.config.language, domain)
        missing = [
            (number, node, text)
            for number, (node, text) in enumerate(messages)
            if not merged.get(text, "").strip()
        ]
        # A message that holds a private value, alone or with its neighbours, is not quoted.
        found = secrets(self.config) if missing else []
        held = holding([text for _, text in messages], found)
        for number, node, text in missing[:LISTED]:
            shown = WITHHELD if number in held else quoted(text, found)
            warn(
                f"catalog: untranslated message {shown} of {self.env.docname}: "
                f"{expected} has no translation for it",
                "run `nox -s catalogs`, then translate the entry (and delete its `#, fuzzy` line)",
                node if getattr(node, "source", None) else f"{page}:1",
                subtype="catalog",
            )
        if len(missing) > LISTED:
            warn(
                f"catalog: {len(missing) - LISTED} more untranslated messages of "
                f"{self.env.docname} in {expected}",
                "run `nox -s catalogs`, then translate them",
                f"{page}:1",
                subtype="catalog",
            )


def setup_translation(app: Sphinx) -> None:
    app.connect("config-inited", compile_catalogs, priority=900)
    app.connect("builder-inited", report_catalogs, priority=900)  # after MyST's configuration
    app.connect("env-before-read-docs", report_orphans)
    app.add_transform(TranslatableTableCells)
    app.add_transform(RecordMessages)
    app.add_transform(CheckTranslated)
