"""Tags and variants: a résumé cut for one job, from the same pages.

A data directive takes ``:tags:`` (``early-career, ml``), and a single bullet or "at a glance"
item takes a ``{tag}`` role (`` {tag}`early-career` ``, written anywhere in the item and kept by
its translation as any role is). A tag says nothing on the site: every edition shows everything.

``resume_variants`` in ``conf.py`` declares the variants once::

    resume_variants = {
        "platform-en": {"language": "en", "pages": 1, "exclude": ["early-career"]},
    }

each with its ``language`` (the Sphinx language or the folder code), ``include`` and ``exclude``
tags, ``pages`` (1 or 2) and, optionally, ``summary``: a tag of the home page's summary section
whose paragraph replaces the summary (such a paragraph is the variant's, and the site does not
show it). ``-b resumepdf -D resume_variant=<name>`` writes the variant's PDF and text résumé.

Standard library only, apart from ``setup_variants``: the release build reads the declared
variants (``declared``) without Sphinx.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .languages import BY_CODE, BY_SPHINX
from .messages import problem
from .settings import settings

#: A tag, and a variant's name: lower-case ASCII words joined by hyphens (``early-career``).
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEYS = ("language", "pages", "include", "exclude", "summary")
PAGES = (1, 2)


class VariantError(ValueError):
    """``resume_variants`` or ``resume_variant`` is malformed; the message says how to fix it."""


@dataclass(frozen=True)
class Variant:
    """One declared variant: its name, Sphinx ``language``, tags and page count."""

    name: str
    language: str
    pages: int = 2
    include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    summary: str = ""  # the summary paragraph's tag, "" for the home page's own summary

    def keeps(self, tags: Iterable[str]) -> bool:
        """Whether the variant shows an item of ``tags``: not when it has an excluded tag; with
        ``include``, an untagged item or one with an included tag only."""
        tags = set(tags)
        if tags & self.exclude:
            return False
        return not self.include or not tags or bool(tags & self.include)


def keeps(variant: Variant | None, tags: Iterable[str]) -> bool:
    """``variant.keeps(tags)``; with no variant (an edition), everything is kept."""
    return variant is None or variant.keeps(tags)


def split_tags(text: str) -> tuple[str, ...]:
    """The tags of a ``:tags:`` option or a ``{tag}`` role: comma-separated names, each once.
    Raises ``VariantError`` for a name that is not ``NAME``."""
    tags = [tag.strip() for tag in re.split(r"[,，、\s]+", text) if tag.strip()]
    for tag in tags:
        if not NAME.fullmatch(tag):
            raise VariantError(
                f"{tag!r} is not a tag: write lower-case ASCII letters and digits, words joined "
                "by hyphens (early-career)"
            )
    return tuple(dict.fromkeys(tags))


def _tag_list(key: str, value: object) -> frozenset[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise VariantError(
            f'[{key!r}] = {value!r}: expected a list of tags, such as ["early-career"]'
        )
    try:
        return frozenset(split_tags(",".join(value)))
    except VariantError as error:
        raise VariantError(f"[{key!r}]: {error}") from None


def parse(raw: object) -> dict[str, Variant]:
    """The variants of ``resume_variants``, checked; raises ``VariantError`` saying what is wrong
    and what to write instead."""
    if not isinstance(raw, dict):
        raise VariantError(
            f"resume_variants = {raw!r}: expected a dict of variants by name, such as "
            '{"platform-en": {"language": "en", "pages": 1, "exclude": ["early-career"]}}'
        )
    variants = {}
    for name, spec in raw.items():
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise VariantError(
                f"resume_variants: {name!r} is not a variant name: write lower-case ASCII "
                "letters and digits, words joined by hyphens (platform-en); it names the folder "
                "_build/variants/<name>/"
            )
        if name in BY_CODE:
            raise VariantError(
                f"resume_variants: {name!r} is an edition's code; give the variant another name"
            )
        if not isinstance(spec, dict):
            raise VariantError(f"resume_variants[{name!r}] = {spec!r}: expected a dict")
        # Every wrong key of the variant, in one message: the owner corrects them at once.
        wrong = []
        unknown = sorted(map(str, set(spec) - set(KEYS)))
        if unknown:
            wrong.append(
                f"unknown key {', '.join(map(repr, unknown))} (allowed keys: {', '.join(KEYS)})"
            )
        language = spec.get("language")
        edition = BY_SPHINX.get(language) or BY_CODE.get(language)  # type: ignore[arg-type]
        if edition is None:
            wrong.append(
                f"['language'] = {language!r}: expected one of "
                f"{', '.join(map(repr, BY_SPHINX))} (or the folder codes "
                f"{', '.join(map(repr, BY_CODE))})"
            )
        pages = spec.get("pages", 2)
        if isinstance(pages, bool) or pages not in PAGES:
            wrong.append(f"['pages'] = {pages!r}: expected 1 or 2")
        lists = {}
        for key in ("include", "exclude"):
            try:
                lists[key] = _tag_list(key, spec.get(key, []))
            except VariantError as error:
                wrong.append(str(error))
        include, exclude = lists.get("include", frozenset()), lists.get("exclude", frozenset())
        if both := sorted(include & exclude):
            wrong.append(f"{', '.join(both)} is both included and excluded; keep it in one list")
        summary = spec.get("summary", "")
        if not isinstance(summary, str) or (summary and not NAME.fullmatch(summary)):
            wrong.append(
                f"['summary'] = {summary!r}: expected the tag of a paragraph of the home "
                "page's summary section"
            )
        if wrong or edition is None:
            at = f"resume_variants[{name!r}]"
            raise VariantError("; ".join(at + w if w[0] == "[" else f"{at}: {w}" for w in wrong))
        variants[name] = Variant(name, edition.sphinx, pages, include, exclude, summary)
    return variants


def chosen(variants: dict[str, Variant], name: str, language: str) -> Variant | None:
    """The variant ``resume_variant`` names (None for ``""``), which must be declared and be in
    the build's ``language``; raises ``VariantError`` otherwise."""
    if not name:
        return None
    if name not in variants:
        raise VariantError(
            f"resume_variant = {name!r} is not declared in resume_variants (declared: "
            f"{', '.join(variants) or 'none'})"
        )
    variant = variants[name]
    if variant.language != language:
        raise VariantError(
            f"resume_variant = {name!r} is a variant in {variant.language!r}; build it with "
            f"-D language={variant.language}"
        )
    return variant


def declared(source: Path) -> dict[str, Variant]:
    """The variants that ``source/conf.py`` declares, checked: what the release build builds.

    Read from the file's text, never run: ``conf.py`` runs in the builds (a configuration may
    be slow or have effects), and ``resume_variants`` is a literal there. Raises
    ``VariantError``; a ``conf.py`` that cannot be read or parsed is left to the build to report.
    """
    try:
        tree = ast.parse((source / "conf.py").read_text("utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    value: ast.expr | None = None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(node, ast.Assign | ast.AnnAssign) and any(
            isinstance(t, ast.Name) and t.id == "resume_variants" for t in targets
        ):
            value = node.value
    if value is None:
        return {}
    try:
        raw = ast.literal_eval(value)
    except ValueError:
        raise VariantError(
            f"resume_variants in conf.py (line {value.lineno}) is not a literal: write the dict "
            "itself, with strings, numbers and lists only"
        ) from None
    return parse(raw)


def unknown(variants: Collection[str], names: Iterable[str]) -> list[str]:
    """The ``names`` that are not among ``variants``."""
    return [name for name in names if name not in variants]


# -- Sphinx --------------------------------------------------------------------------------


def check_config(app: Any, config: Any) -> None:
    """``resume_variants`` and ``resume_variant`` as ``ConfigError``, with no traceback."""
    from sphinx.errors import ConfigError

    try:
        chosen(parse(settings(config).variants), settings(config).variant, config.language)
    except VariantError as error:
        raise ConfigError(problem(str(error), subtype="variants")) from None


def variant_of(config: Any) -> Variant | None:
    """The variant this build writes (``-D resume_variant=<name>``), or None."""
    return chosen(parse(settings(config).variants), settings(config).variant, config.language)


def hide_variant_summaries(app: Any, doctree: Any, docname: str) -> None:
    """A paragraph of the summary section with a ``{tag}`` is a variant's summary: the site and
    the ePub show the home page's own (gettext still extracts it, the PDF reads the doctree)."""
    from docutils import nodes

    from .model import SUMMARY_LABEL
    from .nodes import tag_marker

    if app.builder.format != "html":
        return
    labels = app.env.domains.standard_domain.labels
    if labels.get(SUMMARY_LABEL, ("",))[0] != docname:
        return
    labelid = labels[SUMMARY_LABEL][1]
    for section in doctree.findall(nodes.section):
        if labelid in section["ids"]:
            for para in list(section.children):
                if isinstance(para, nodes.paragraph) and any(para.findall(tag_marker)):
                    section.remove(para)


def setup_variants(app: Any) -> None:
    from .nodes import tag_marker

    app.connect("config-inited", check_config)
    app.connect("doctree-resolved", hide_variant_summaries)

    def tag_role(
        name: str, rawtext: str, text: str, lineno: int, inliner: Any, *args: Any, **kw: Any
    ) -> tuple[list[Any], list[Any]]:
        try:
            return [tag_marker(tags=list(split_tags(text)))], []
        except VariantError as error:
            message = inliner.reporter.error(
                problem(
                    f"{{tag}}: {error}",
                    "write the tag as the message says (README.md, 'Variants')",
                    "variants",
                ),
                line=lineno,
            )
            return [], [message]

    app.add_role("tag", tag_role)
