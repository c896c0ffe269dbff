"""The translation gate: an English or Japanese edition is published complete, or not at all.

Completeness is measured against the source, never against Sphinx's ``translated`` flags, which
Sphinx sets only on the nodes it did translate (a page whose catalog is missing or does not load
has none, and would be published in Chinese).

* ``config-inited``: every catalog of the edition (``resume_locale_dirs``, the source folders) is
  checked line by line and compiled, from its current text, into the build's own folder
  (``<doctreedir>/resume-catalogs``); each compiled catalog is loaded with gettext to prove that
  it loads. Sphinx is pointed there (``locale_dirs``), so no ``.mo`` file is ever read from, or
  written into, the source tree, and none left from an earlier build can stand in for the current
  text. The theme's interface is reloaded from the compiled ``sphinx.mo``.
* ``builder-inited``: the problems found, each with its ``.po`` file and line and what to do:
  syntax, header and encoding, untranslated, fuzzy, obsolete, figures (``resume.figures``) and
  markup (``resume.markup``: the translation parses to its source's structure).
* Reading each page, before Sphinx translates it (``RecordMessages``, priority 19 < 20): every
  message the Chinese page yields, as ``-b gettext`` extracts them (paragraphs, titles, table
  cells, alt text, toctree captions, index entries). After (``CheckTranslated``, 21): each has a
  non-empty translation in the catalog Sphinx actually loaded, or the build names the page,
  the message and the ``.po``.
* In every edition: the cells of a MyST ``{table}`` directive are made translatable (docutils
  gives them no source, so Sphinx skipped them), and a reference-style link (``[text][label]``),
  which Sphinx cannot translate, is refused where it is written.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
import pickle
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

from .catalogs import Problem, catalog_files, catalog_problems, compile_catalog
from .languages import SOURCE, edition

logger = logging.getLogger(__name__)

#: The folder, under the build's doctree folder, that the catalogs are compiled into.
COMPILED = "resume-catalogs"
#: How many missing messages of one page are listed one by one.
LISTED = 8

WHAT_TO_DO = "\n  What to do: "


@dataclass
class Catalogs:
    """What this build compiled: for each domain (``experience/tencent``), its ``.po`` file."""

    language: str
    folder: Path
    sources: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # domain -> why it did not compile
    problems: list[Problem] = field(default_factory=list)


def _warn(message: str, hint: str, location: Any, subtype: str) -> None:
    logger.warning(
        "%s%s%s", message, WHAT_TO_DO, hint, location=location, type="resume", subtype=subtype
    )


def _source_folders(app: Sphinx, config: Config) -> list[Path]:
    return [Path(app.srcdir, folder) for folder in config.resume_locale_dirs]


# Checking and compiling a catalog depend on its bytes alone. Both are kept per process, by the
# file's content, so that builders run one after the other in one process (the release build's
# ePub and PDF after the HTML, tools/edition_build.py) check and compile each file once.
_compiled: dict[tuple[str, str, str, str], list[Problem]] = {}
_checked: dict[tuple[str, str, str], list[Problem]] = {}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def compile_once(po: Path, target: Path, language: str) -> list[Problem]:
    """``catalogs.compile_catalog``, done once per content of ``po`` while ``target`` is there."""
    digest = _digest(po)
    key = (str(po), digest or "", str(target), language)
    known = _compiled.get(key) if digest else None
    if known is not None and (known or target.is_file()):
        if known:
            target.unlink(missing_ok=True)  # a catalog that does not compile leaves none
        return list(known)
    _compiled[key] = list(compile_catalog(po, target, language))
    return list(_compiled[key])


#: The checks' own code: a result kept in a doctree folder by an earlier, more lenient check
#: (a figure rule or language test added since) is not taken for this one's.
_CHECKS = hashlib.sha256(
    b"".join(
        (Path(__file__).parent / name).read_bytes()
        for name in ("catalogs.py", "figures.py", "markup.py")
    )
).hexdigest()


def check_once(po: Path, md: Any, md_config: str) -> list[Problem]:
    """``catalogs.catalog_problems``, done once per content of ``po``, MyST configuration and
    version of the checks."""
    digest = _digest(po)
    if digest is None:
        return catalog_problems(po, md)
    key = (str(po), digest, md_config + _CHECKS)
    if key not in _checked:
        _checked[key] = list(catalog_problems(po, md))
    return list(_checked[key])


def _stable_repr(value: Any) -> str:
    """``repr`` with the members of every set in order: a set of strings is listed in another
    order by each process (hash randomisation), and the key must hold across processes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _stable_repr(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return f"{type(value).__name__}({fields})"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_stable_repr(v) for v in value)) + "}"
    if isinstance(value, dict):
        return repr(sorted((_stable_repr(k), _stable_repr(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return repr([_stable_repr(v) for v in value])
    return repr(value)


#: In the doctree folder: what ``compile_once`` and ``check_once`` found, for the edition's
#: next builder (the release build's ePub and PDF builders run in processes of their own, on
#: the HTML builder's doctrees and compiled catalogs).
KEPT = "catalog-checks.pickle"


def _recall(folder: Path) -> None:
    """Add what a builder kept in ``folder`` to this process's records."""
    try:
        kept = pickle.loads((folder / KEPT).read_bytes())
        compiled, checked = kept["compiled"], kept["checked"]
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, KeyError):
        return  # none kept, or by another version of this module: done again
    _compiled.update(compiled)
    _checked.update(checked)


def _keep(folder: Path) -> None:
    """Write this process's records into ``folder`` (whole or not at all)."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{KEPT}.{os.getpid()}"
    temporary.write_bytes(pickle.dumps({"compiled": _compiled, "checked": _checked}))
    os.replace(temporary, folder / KEPT)


def compile_catalogs(app: Sphinx, config: Config) -> None:
    """Compile the edition's catalogs into this build's folder, and point Sphinx there."""
    language = config.language or SOURCE.sphinx
    _recall(Path(app.doctreedir))
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
            problems = compile_once(po, target, language)
            if problems:
                state.failed[domain] = f"{po} did not compile: {problems[0].message}"
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
    md_config = _stable_repr(getattr(app.env, "myst_config", None))
    reported = {(p.path, p.line, p.message) for p in state.problems}
    problems = list(state.problems)
    known = len(_compiled), len(_checked)
    for domain, po in sorted(state.sources.items()):
        if domain not in state.failed:
            problems.extend(
                p
                for p in check_once(po, md, md_config)
                if (p.path, p.line, p.message) not in reported
            )
    if (len(_compiled), len(_checked)) != known or not (Path(app.doctreedir) / KEPT).is_file():
        _keep(Path(app.doctreedir))
    for problem in problems:
        _warn(
            f"{problem.kind}: {problem.message}",
            problem.what_to_do,
            f"{problem.path}:{problem.line}",
            {"figures": "figures", "markup": "markup"}.get(problem.kind, "catalog"),
        )


def report_orphans(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """A catalog that belongs to no page: left behind by a page renamed or deleted."""
    state: Catalogs | None = getattr(app, "resume_catalogs", None)
    if state is None or app.builder.name == "gettext" or edition(state.language) == SOURCE:
        return
    pages = {docname_to_domain(doc, app.config.gettext_compact) for doc in env.found_docs}
    for domain, po in sorted(state.sources.items()):
        if domain != "sphinx" and domain not in pages:
            _warn(
                f"catalog: {po.name} belongs to no page ({domain} is not a document)",
                "if the page was renamed, rename its catalog with it (git mv) in every language and "
                "run `nox -s catalogs`; if the page was deleted, delete its catalogs",
                f"{po}:1",
                "catalog",
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
            _warn(
                f"a reference-style link ([text][label]) cannot be translated: {message[:60]!r}; "
                "each translation is parsed without the page's link definitions, so the link "
                "would be published as raw markup",
                "write the link inline, [text](https://…), delete the definition line "
                "([label]: https://…) and run `nox -s catalogs`",
                node,
                "markup",
            )


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
        catalog: Any
        catalog, loaded = init_locale(dirs, self.config.language, domain)
        page = self.env.doc2path(self.env.docname)
        if not loaded:
            why = state.failed.get(domain) or (
                "it does not exist" if po is None else "gettext did not load it"
            )
            _warn(
                f"catalog: the page {self.env.docname} cannot be translated: its catalog {expected} "
                f"is not loaded ({why}); the page would be published in Chinese",
                "if the page is new or renamed, run `nox -s catalogs` (or git mv the old "
                "catalog with the page in every language) and translate it; else fix the "
                "catalog as its own message says",
                f"{page}:1",
                "catalog",
            )
            return
        merged: dict[str, str] = {}
        chain = [catalog]
        while (catalog := getattr(catalog, "_fallback", None)) is not None:
            chain.append(catalog)
        for each in reversed(chain):
            merged |= getattr(each, "_catalog", None) or {}
        missing = [(node, text) for node, text in messages if not merged.get(text, "").strip()]
        for node, text in missing[:LISTED]:
            excerpt = " ".join(text.split())
            _warn(
                f"catalog: untranslated message {excerpt[:60] + ('…' if len(excerpt) > 60 else '')!r}"
                f" of {self.env.docname}: {expected} has no translation for it",
                "run `nox -s catalogs`, then translate the entry (and delete its `#, fuzzy` line)",
                node if getattr(node, "source", None) else f"{page}:1",
                "catalog",
            )
        if len(missing) > LISTED:
            _warn(
                f"catalog: {len(missing) - LISTED} more untranslated messages of "
                f"{self.env.docname} in {expected}",
                "run `nox -s catalogs`, then translate them",
                f"{page}:1",
                "catalog",
            )


def _default_settings_once() -> None:
    """Sphinx parses each translated message as a document of its own (``publish_msgstr``),
    and for each MyST (5.2.0) builds docutils' default settings anew, only to drop them: its
    renderer evaluates ``options.get("document", make_document())`` while the document is
    given. That is a third of reading a translated edition. The defaults are computed once per
    parser here and each caller gets its own copy, which is all docutils' function promises."""
    from docutils.frontend import get_default_settings
    from myst_parser.mdit_to_docutils import base

    if getattr(base.get_default_settings, "resume_cached", False):
        return
    defaults: dict[tuple[Any, ...], Any] = {}

    def default_settings(*components: Any) -> Any:
        if components not in defaults:
            defaults[components] = get_default_settings(*components)
        return copy.deepcopy(defaults[components])

    default_settings.resume_cached = True  # type: ignore[attr-defined]
    base.get_default_settings = default_settings


def setup_translation(app: Sphinx) -> None:
    _default_settings_once()
    # The source catalogs; Sphinx's own locale_dirs is set to the compiled ones on every build.
    app.add_config_value("resume_locale_dirs", ["locales/"], "env", types=[list])
    app.connect("config-inited", compile_catalogs, priority=900)
    app.connect("builder-inited", report_catalogs, priority=900)  # after MyST's configuration
    app.connect("env-before-read-docs", report_orphans)
    app.add_transform(TranslatableTableCells)
    app.add_transform(RecordMessages)
    app.add_transform(CheckTranslated)
