"""The structure of a message's Markdown, so that a translation can be held to its source's.

A message of a page's catalog is MyST Markdown: Sphinx parses each translation on its own and
puts what it gets in place of the source's nodes. A translation whose markup differs from its
source's is published as it parses: an unbalanced ``**`` or an unterminated role shows as raw
markup, a second paragraph (a blank line inside the translation) is dropped without a word, a
link may point elsewhere, and raw HTML runs in the reader's browser.

``shape(text)`` parses a message with markdown-it as MyST configures it (``create_md_parser``
with the project's ``MdParserConfig``) and reduces the tokens to what must not change:

* the blocks, in order (paragraphs, lists, headings, fences …);
* the link, image and reference targets, and the roles with their targets (in any order);
* the inline markup: emphasis, strong emphasis, inline code, each counted;
* raw HTML, each piece as written;
* markup characters that parsed as text: an unbalanced ``**`` or a stray backtick.

``differences(msgid, msgstr)`` lists, in words, how the translation's shape differs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

#: The MyST extensions of conf.py (``myst_enable_extensions``), for checks run outside Sphinx.
DEFAULT_EXTENSIONS = ("colon_fence", "attrs_block", "attrs_inline")

#: Roles whose content names a target (``text <target>`` or ``target``).
_REFERENCE_ROLES = {"ref", "doc", "numref", "term", "any", "download", "keyword", "option", "eq"}
_EXPLICIT_TARGET = re.compile(r"<([^<>]+)>\s*$")
#: Markup that should never be left as text; a source that has it as text may keep it.
_STRAY = {"**": re.compile(r"\*\*"), "__": re.compile(r"(?<![A-Za-z0-9])__|__(?![A-Za-z0-9])"),
          "`": re.compile(r"`"), "{role}`": re.compile(r"\{[A-Za-z][\w:+-]*\}`")}  # fmt: skip
_INLINE = {"em_open": "*emphasis*", "strong_open": "**strong emphasis**", "code_inline": "`code`",
           "s_open": "~~strikethrough~~"}  # fmt: skip


@dataclass
class Shape:
    blocks: list[str] = field(default_factory=list)
    targets: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    inline: Counter[str] = field(default_factory=Counter)
    html: Counter[str] = field(default_factory=Counter)
    stray: Counter[str] = field(default_factory=Counter)


@lru_cache(maxsize=8)
def _parser(extensions: tuple[str, ...]) -> Any:
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)


def parser(config: Any = None) -> Any:
    """markdown-it as MyST configures it: from a ``MdParserConfig`` (Sphinx's ``env.myst_config``)
    or, outside Sphinx, with conf.py's extensions."""
    if config is None:
        return _parser(DEFAULT_EXTENSIONS)
    from markdown_it.renderer import RendererHTML
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(config, RendererHTML)


def _role_target(name: str, content: str) -> str:
    if name.split(":")[-1] not in _REFERENCE_ROLES:
        return ""
    explicit = _EXPLICIT_TARGET.search(content)
    return (explicit.group(1) if explicit else content).strip()


def shape(text: str, md: Any = None, env: dict[str, Any] | None = None) -> Shape:
    """What of ``text``'s Markdown structure a translation must keep."""
    md = md or parser()
    result = Shape()
    for token in md.parse(text, env if env is not None else {}):
        if token.type == "html_block":
            result.html[token.content.strip()] += 1
        if token.type != "inline":
            if token.nesting >= 0:  # an opening or a whole block, not a closing one
                result.blocks.append(token.type.removesuffix("_open"))
            continue
        for child in token.children or []:
            kind = child.type
            if kind == "text":
                for mark, pattern in _STRAY.items():
                    result.stray[mark] += len(pattern.findall(child.content))
            elif kind == "link_open":
                result.targets[f"link {child.attrs.get('href', '')}"] += 1
            elif kind == "image":
                result.targets[f"image {child.attrs.get('src', '')}"] += 1
            elif kind == "myst_role":
                name = child.meta.get("name", "")
                result.roles[name] += 1
                if target := _role_target(name, child.content):
                    result.targets[f"{{{name}}} {target}"] += 1
            elif kind == "html_inline":
                result.html[child.content.strip()] += 1
            elif kind in _INLINE:
                result.inline[kind] += 1
    return result


def _listed(counter: Counter[str]) -> str:
    return ", ".join(f"{item}" + (f" ×{n}" if n > 1 else "") for item, n in sorted(counter.items()))


def differences(msgid: str, msgstr: str, md: Any = None) -> list[str]:
    """How ``msgstr``'s structure differs from ``msgid``'s, one sentence each; empty if it does not."""
    source, translation = shape(msgid, md), shape(msgstr, md)
    found = []
    if source.blocks != translation.blocks:
        in_source = source.blocks.count("paragraph")
        in_translation = translation.blocks.count("paragraph")
        if in_source != in_translation:
            found.append(
                f"{in_translation} paragraphs where the source has {in_source}: Sphinx keeps "
                "only the first"
                " (a blank line inside the translation?)"
            )
        else:
            found.append(
                f"its blocks are {', '.join(translation.blocks) or 'none'}; the source's are "
                f"{', '.join(source.blocks) or 'none'}"
            )
    for what, said, got in (
        ("link or reference target", source.targets, translation.targets),
        ("role", source.roles, translation.roles),
        ("raw HTML", source.html, translation.html),
    ):
        if missing := said - got:
            found.append(f"{what} missing or changed: {_listed(missing)}")
        if added := got - said:
            found.append(f"{what} not in the source: {_listed(added)}")
    for kind, label in _INLINE.items():
        if source.inline[kind] != translation.inline[kind]:
            found.append(
                f"{translation.inline[kind]} {label} where the source has {source.inline[kind]}"
            )
    for mark in _STRAY:
        if translation.stray[mark] > source.stray[mark]:
            found.append(f"unbalanced or unterminated {mark} (it would be printed as it is)")
    return found
