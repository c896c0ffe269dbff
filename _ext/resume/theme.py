"""The theme: furo for the web site, in the page's language.

* ``_templates/page.html`` and ``_templates/partials/icons.html`` are copies of furo
  ``FURO_VERSION``'s files whose English interface strings go through ``_()``; a builder with
  another theme (the ePub) renders that theme's own ``page.html`` instead.
* furo labels the navigation's expand toggles "Toggle navigation of …" in Python, in English;
  the label is replaced with the catalog's.
* The sidebar's link to the technology index is labelled with Sphinx's own "Index".
* A page of the web site loads only what it uses: no ``pygments.css`` when no page has code, no
  ``furo-extensions.css`` (its rules style extensions and Read the Docs widgets that the site
  does not have), and no source maps are published (nor named in the files that had them).
  furo's stylesheet keeps only the rules that can match: a rule whose selector names a class or
  an id that no page and no script of the site has is dropped (about 40% of the file), once
  every page is written, from furo's own file each time.
* The favicon, ``_static/favicon.svg`` (the owner's surname, 徐, in the brand colour), on every
  page of the web site; the ePub, which shows no icon, leaves it out.
* A toctree's caption (``role="heading"``, from Sphinx) gets the level its place implies, 2:
  ARIA requires one.
* The templates are compiled once, not at every build: Jinja's bytecode cache, beside the
  doctrees, keeps them from one build to the next (``cache_compiled_templates``).
"""

from __future__ import annotations

import html
import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import _

from .data import get_domain
from .outputs import is_website

#: The furo release the template copies in ``_templates/`` were taken from (a test compares).
FURO_VERSION = "2025.12.19"
#: furo's English label of a navigation toggle (furo/navigation.py), and the catalog's message.
FURO_TOGGLE = re.compile(r'aria-label="Toggle navigation of ([^"]*)"')
TOGGLE_MESSAGE = "Toggle navigation of %(title)s"
#: The favicon, in ``html_static_path``.
FAVICON = "favicon.svg"
#: Stylesheets the web site never needs: furo-extensions.css styles sphinx-design, sphinx-tabs,
#: sphinx-copybutton, Read the Docs' ads and old version menu, none of which the site has.
UNUSED_CSS = ("styles/furo-extensions.css",)
#: Sphinx's code colours: loaded only when some page has highlighted code.
PYGMENTS_CSS = "pygments.css"
#: A source map named at the end of a stylesheet or a script.
_SOURCE_MAP = re.compile(r"\n?/[*/]# sourceMappingURL=\S+?\.map(?: ?\*/)?[ \t]*(?=\n|$)")
#: furo's stylesheet as furo ships it, which the web site's copy is trimmed from.
FURO_CSS = (
    Path(str(getattr(importlib.util.find_spec("furo"), "origin", ""))).parent
    / "theme" / "furo" / "static" / "styles" / "furo.css"
)  # fmt: skip
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_NAME = re.compile(r"[.#](-?[A-Za-z_][\w-]*)")
_WORD = re.compile(r"[\w-]+")
_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
_PSEUDO = re.compile(r"::?[\w-]+")
_TYPE = re.compile(r"(?<![\w-])([a-z][a-z0-9]*)(?![\w-])")
#: An element in a page (``<li``) or made by a script (``createElement("li")``).
_ELEMENT = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)|createElement\(\s*[\"'`]([a-zA-Z0-9]+)")
_PROPERTY = re.compile(r"(?<![\w-])(--[\w-]+)\s*:")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_DECLARATION = re.compile(r"""(?<=[{;])\s*(--[\w-]+)\s*:(?:[^;{}'"]|'[^']*'|"[^"]*")*;?""")
_FUNCTIONAL = re.compile(r":[\w-]+\([^()]*(?:\([^()]*\)[^()]*)*\)")
#: Sphinx's toctree caption: a heading to ARIA, with no level.
_CAPTION = '<p class="caption" role="heading">'


def translate_toggles(tree: str, gettext: Callable[[str], str]) -> str:
    """furo's English labels of the navigation toggles, in the catalog's language."""
    message = gettext(TOGGLE_MESSAGE)

    def label(match: re.Match[str]) -> str:
        title = {"title": html.unescape(match.group(1))}
        try:
            text = message % title
        except (KeyError, ValueError, TypeError):  # a misspelt placeholder: the catalog check
            text = TOGGLE_MESSAGE % title  # reports it at its line; the page keeps the source
        return f'aria-label="{html.escape(text, quote=True)}"'

    return FURO_TOGGLE.sub(label, tree)


def translate_navigation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if tree := context.get("furo_navigation_tree"):
        context["furo_navigation_tree"] = translate_toggles(tree, app.translator.gettext)


def keep_theme_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> str | None:
    """``_templates/page.html`` is furo's: a builder with another theme (the ePub) renders the
    theme's own page instead (``!`` skips ``templates_path``)."""
    theme = getattr(app.builder, "theme", None)
    if templatename == "page.html" and theme is not None and theme.name != "furo":
        return "!page.html"
    return None


def index_label(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The sidebar's index link: the genindex page's own title, from Sphinx's catalog."""
    context["resume_index_title"] = str(_("Index"))


# -- What a page loads ---------------------------------------------------------------------


def has_code(app: Sphinx) -> bool:
    """Whether any page has a code block (``ResumeDomain.code_pages``)."""
    return bool(get_domain(app.env).code_pages & app.env.found_docs)


def unused_stylesheets(app: Sphinx) -> set[str]:
    """The stylesheets no page of the web site uses."""
    return {*UNUSED_CSS, *(() if has_code(app) else (PYGMENTS_CSS,))}


def lean_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """A page of the web site: only the stylesheets it uses, the favicon, ARIA's heading level."""
    if not is_website(app.builder):
        return
    unused = {f"_static/{name}" for name in unused_stylesheets(app)}
    if "css_files" in context:
        context["css_files"] = [
            css
            for css in context["css_files"]
            if str(getattr(css, "filename", css)).partition("?")[0] not in unused
        ]
    context["favicon_url"] = context["pathto"](f"_static/{FAVICON}", resource=True)
    if body := context.get("body"):
        context["body"] = body.replace(_CAPTION, _CAPTION[:-1] + ' aria-level="2">')


def css_blocks(css: str) -> list[tuple[str, str | None]]:
    """The top-level statements of a stylesheet without comments: (prelude, block), with
    ``None`` for a block-less statement (``@charset …;``)."""
    found: list[tuple[str, str | None]] = []
    position = 0
    while (start := css.find("{", position)) >= 0:
        prelude = css[position:start]
        while ";" in prelude:  # statements without a block before this rule
            head, _, prelude = prelude.partition(";")
            found.append((head.strip() + ";", None))
        depth, end = 1, start + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        found.append((prelude.strip(), css[start + 1 : end - 1]))
        position = end
    return found


def selector_can_match(selector: str, words: set[str], tags: set[str]) -> bool:
    """Whether every class and id the selector requires is among ``words``, and every element
    among ``tags``; what is inside ``:not(…)``, ``:is(…)`` and the like requires nothing here,
    nor do attributes."""
    required = _FUNCTIONAL.sub("", _ATTRIBUTE.sub("", selector))
    if not all(name in words for name in _NAME.findall(required)):
        return False
    return all(tag in tags for tag in _TYPE.findall(_PSEUDO.sub("", _NAME.sub("", required))))


def purge_css(css: str, words: set[str], tags: set[str]) -> str:
    """The rules of ``css`` that can match a document made of ``words`` and ``tags``."""
    kept = []
    for prelude, block in css_blocks(css):
        if block is None:
            kept.append(prelude)
        elif prelude.startswith(("@media", "@supports", "@layer", "@container")):
            if inner := purge_css(block, words, tags):
                kept.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):  # @font-face, @keyframes, @page …: kept whole
            kept.append(f"{prelude}{{{block}}}")
        elif selectors := [s for s in prelude.split(",") if selector_can_match(s, words, tags)]:
            kept.append(f"{','.join(selectors)}{{{block}}}")
    return "".join(kept)


def drop_unused_properties(css: str, elsewhere: str) -> str:
    """``css`` without the custom properties (``--name: …``) that nothing reads with ``var()``:
    neither ``css`` itself nor ``elsewhere`` (the other stylesheets, the pages)."""
    while True:
        declared = set(_PROPERTY.findall(css))
        read = set(_VAR.findall(css)) | set(_VAR.findall(elsewhere))
        unused = declared - read
        if not unused:
            return css

        def drop(match: re.Match[str], unused: set[str] = unused) -> str:
            return "" if match.group(1) in unused else match.group(0)

        css = _DECLARATION.sub(drop, css)
        css = re.sub(r";}", "}", css)


def trim_furo_stylesheet(outdir: Path) -> None:
    """``_static/styles/furo.css`` with only the rules that can match the site's pages (and
    the snippets' sources) or a class or id its scripts set: from furo's own file."""
    words: set[str] = set()
    tags = {"html", "body"}
    pages = ""
    for pattern in ("**/*.html", "**/*.snippet.txt", "_static/**/*.js"):
        for path in outdir.glob(pattern):
            text = path.read_text("utf-8")
            words.update(_WORD.findall(text))
            tags.update((m.group(1) or m.group(2)).lower() for m in _ELEMENT.finditer(text))
            pages += text if path.suffix == ".html" else ""
    target = outdir / "_static" / "styles" / "furo.css"
    others = "".join(
        path.read_text("utf-8") for path in (outdir / "_static").rglob("*.css") if path != target
    )
    css = FURO_CSS.read_text("utf-8")
    licences = "".join(f"{c}\n" for c in _COMMENT.findall(css) if c.startswith("/*!"))
    trimmed = drop_unused_properties(purge_css(_COMMENT.sub("", css), words, tags), others + pages)
    target.write_text(licences + trimmed + "\n", "utf-8")


def strip_source_maps(static: Path) -> None:
    """Delete the source maps under ``static``, and their names from the files that had them."""
    for source_map in static.rglob("*.map"):
        source_map.unlink()
    for path in [*static.rglob("*.css"), *static.rglob("*.js")]:
        text = path.read_text("utf-8")
        if "sourceMappingURL" in text:
            path.write_text(_SOURCE_MAP.sub("", text), "utf-8")


def publish_lean(app: Sphinx, exception: Exception | None) -> None:
    """The web site's ``_static`` without what no page loads: source maps, unused stylesheets."""
    if exception is not None or not is_website(app.builder):
        return
    static = Path(app.outdir) / "_static"
    if (static / "styles" / "furo.css").is_file():  # furo's site, not another theme's
        trim_furo_stylesheet(Path(app.outdir))
    strip_source_maps(static)
    for name in unused_stylesheets(app):
        (static / name).unlink(missing_ok=True)


def keep_favicon_out_of_epub(app: Sphinx, config: Config) -> None:
    config.epub_exclude_files = [*config.epub_exclude_files, f"_static/{FAVICON}"]


def cache_compiled_templates(app: Sphinx) -> None:
    """Keep the builder's compiled templates in ``<doctrees>/jinja2`` (``keep_compiled``). Each
    build makes a new Jinja environment, which compiles every template it renders again: a
    third of the preview's rebuild after a saved page. The doctrees are no output, so nothing of
    it is published."""
    keep_compiled(app, Path(app.doctreedir) / "jinja2")


def keep_compiled(app: Sphinx, folder: Path) -> None:
    """Give the builder's Jinja environment, if it has one, Jinja's own bytecode cache in
    ``folder``. Jinja compares each template's source with the one the cached code was compiled
    from, so an edited template is compiled again."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None:  # a builder without Jinja templates
        return
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup_theme(app: Sphinx) -> None:
    app.connect("builder-inited", cache_compiled_templates)
    app.connect("config-inited", keep_favicon_out_of_epub)
    app.connect("html-page-context", lean_page)
    # After furo's own (which writes its pygments.css when the build has finished).
    app.connect("build-finished", publish_lean, priority=900)
    app.connect("html-page-context", keep_theme_page)
    app.connect("html-page-context", index_label)
    # After furo's own handler (priority 500), which makes the navigation tree.
    app.connect("html-page-context", translate_navigation, priority=600)
