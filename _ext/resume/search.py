"""Search in every edition: words indexed per language, queries split into those words.

* Chinese: Sphinx indexes with jieba. ``html_search_options["dict"]`` names the résumé's own
  terms (``jieba_userdict.txt``), which Sphinx loads once with ``jieba.load_userdict``; naming
  it also stops Sphinx from reloading jieba's whole default dictionary as a "user dictionary".
  jieba's start-up chatter is silenced here.
* Japanese: ``JapaneseSplitter`` (``html_search_options["type"]``) runs TinySegmenter on the
  Japanese text only, so that punctuation never sticks to a word and Latin words and figures
  (``OAuth2``, ``100GB``, ``k8s``) are indexed whole, as the other editions index them.
* Every edition's splitter first normalises the text with NFKC, as ``resume-search.js`` normalises
  a query: full-width Latin letters and digits and half-width katakana (ＡＰＩＳＩＸ, １００ＧＢ,
  ｹﾞｰﾄｳｪｲ) are indexed as their usual forms. It then adds, as extra words of the same text:
  the parts of a camel-case word (CustomMethod → Custom, Method), the joined form of words
  written apart or hyphenated (Custom Method, batch-requests → CustomMethod, batchrequests),
  and the other forms of each alias the text holds (k8s → Kubernetes; ``search_aliases.txt``,
  beside the jieba dictionary). So a word written joined, apart or in camel case, or by any of
  its aliases, finds the same pages. Chinese and English get these through subclasses of
  Sphinx's own languages (``app.add_search_language``), Japanese through ``JapaneseSplitter``.
* In the browser, ``resume-search.js`` splits a query into the words the index holds, gives
  each result a snippet and the summary sentence in the page's language. It is added to the
  web site's search page only, never to the ePub.
* Snippets are cut from each page's article alone: beside every page of the web site,
  ``<page>.snippet.txt`` holds its article's HTML (a few KiB, where the whole page is about
  20 KiB), and the search page fetches that instead of the page (``FILE_SUFFIX``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .outputs import is_website

#: The résumé's own terms, one a line, in jieba's user dictionary format.
USER_DICTIONARY = Path(__file__).with_name("jieba_userdict.txt")
#: Aliases of the résumé's technologies, one group a line, forms separated by " = ".
ALIASES = Path(__file__).with_name("search_aliases.txt")
#: The browser side, in ``html_static_path``.
SCRIPT = "resume-search.js"
#: What the search page fetches for a result's snippet: ``<docname>`` + this, the article alone.
SNIPPET_SUFFIX = ".snippet.txt"
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_START_TAG = re.compile(r"<([a-zA-Z][\w-]*)(\s[^>]*?)?\s*(/?)>")
_ID = re.compile(r'\sid="[^"]*"')

# Chinese and Japanese characters (not the middle dot ・, which separates words), and what
# else makes a word: Latin letters, digits, the underscore.
_CJK = (
    r"\u3005\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff"  # 々, hiragana, katakana, ー
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"  # kanji / hanzi, half-width kana
)
_RUNS = re.compile(rf"[{_CJK}]+|[^\W{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
_KANJI = re.compile(r"[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc-\u30ff]{2,}")


_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Two capitalised words written apart: Custom Method, Model Multiplexing (overlapping pairs).
_APART = re.compile(
    r"(?<![A-Za-z0-9])(?=([A-Z][A-Za-z0-9]*)[ \t]+([A-Z][A-Za-z0-9]*)(?![A-Za-z0-9]))"
)


def normalise(text: str) -> str:
    """The text as the index and the query script read it: NFKC (ＡＰＩＳＩＸ → APISIX,
    ｹﾞｰﾄｳｪｲ → ゲートウェイ)."""
    return unicodedata.normalize("NFKC", text)


def read_aliases(path: Path = ALIASES) -> list[tuple[str, ...]]:
    """The alias groups of ``path``: each a tuple of forms."""
    groups = []
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append(tuple(normalise(form.strip()) for form in line.split(" = ")))
    return groups


def _form_pattern(form: str) -> re.Pattern[str]:
    """A form matches as a whole word; one or two Latin letters only as written (ES)."""
    if re.fullmatch(r"[\x00-\x7f]+", form):
        words = r"\W+".join(re.escape(word) for word in re.findall(r"[A-Za-z0-9.]+", form))
        flags = 0 if len(form) <= 2 else re.IGNORECASE
        return re.compile(rf"(?<![A-Za-z0-9]){words}(?![A-Za-z0-9])", flags)
    return re.compile(re.escape(form))


_GROUPS = [(group, [_form_pattern(form) for form in group]) for group in read_aliases()]


def _word_forms(text: str) -> list[str]:
    """Camel-case parts and joined forms of the Latin words of ``text``."""
    extra: list[str] = []
    for word in _LATIN_WORD.findall(text):
        parts = [part for part in re.split(r"[-.]", word) if part]
        if len(parts) > 1:
            extra.append("".join(parts))  # batch-requests → batchrequests
        for part in parts:
            camel = [piece for piece in _CAMEL.split(part) if len(piece) > 1]
            if len(camel) > 1:
                extra.extend(camel)  # CustomMethod → Custom, Method
    extra.extend(first + second for first, second in _APART.findall(text))  # Custom Method
    return extra


def extra_terms(text: str, split: Callable[[str], list[str]]) -> list[str]:
    """The words to index besides ``split(text)``: camel-case parts, joined forms, aliases."""
    extra = _word_forms(text)
    for group, patterns in _GROUPS:
        found = [
            form for form, pattern in zip(group, patterns, strict=True) if pattern.search(text)
        ]
        if found:
            for form in group:
                if form not in found:
                    extra.extend(split(form))
                    extra.extend(_word_forms(form))
    return extra


def normalising(split: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """``split``, on the normalised text, with the extra terms of ``extra_terms``."""

    def split_normalised(text: str) -> list[str]:
        text = normalise(text)
        return split(text) + extra_terms(text, split)

    return split_normalised


class JapaneseSplitter:
    """TinySegmenter's words, plus each run of kanji whole and in pairs, and each run of katakana.

    TinySegmenter alone cuts compounds unpredictably (日平均利用率 → 日平 均利 用率); the
    runs and pairs make every compound findable. Any other word (``OAuth2``, ``100GB``,
    ``k8s``) is indexed whole, without punctuation, as the other editions index it.
    """

    def __init__(self, options: dict[str, str]) -> None:
        from sphinx.search.ja import DefaultSplitter

        self.tiny = DefaultSplitter(options)
        self.split = normalising(self._split)  # type: ignore[method-assign,assignment]

    def split(self, input: str) -> list[str]:  # noqa: A002 (Sphinx's SearchLanguage.split)
        return self._split(input)  # replaced per instance by the normalising split

    def _split(self, input: str) -> list[str]:  # noqa: A002
        words: list[str] = []
        for run in _RUNS.findall(input):
            if not _IS_CJK.match(run):
                words.append(run)
                continue
            words.extend(self.tiny.split(run))
            for kanji in _KANJI.findall(run):
                words.append(kanji)
                if len(kanji) > 2:
                    words.extend(kanji[i : i + 2] for i in range(len(kanji) - 1))
            words.extend(_KATAKANA.findall(run))
        return words


def _normalising_languages() -> list[type]:
    """Sphinx's Chinese and English search languages, splitting as ``normalising`` does."""
    from sphinx.search.en import SearchEnglish
    from sphinx.search.zh import SearchChinese

    languages = []
    for base in (SearchChinese, SearchEnglish):

        def init(self: Any, options: dict[str, str], _base: Any = base) -> None:
            _base.init(self, options)
            self.split = normalising(super(type(self), self).split)

        languages.append(type(f"Resume{base.__name__}", (base,), {"init": init}))
    return languages


def quiet_jieba(app: Sphinx, config: Config) -> None:
    """jieba logs "Building prefix dict…" at DEBUG to stderr on every build: only warnings."""
    language = config.html_search_language or config.language or ""
    if not language.startswith("zh"):
        return
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)


def keep_out_of_epub(app: Sphinx, config: Config) -> None:
    """The ePub has no search page, so it does not carry the script either."""
    config.epub_exclude_files = [*config.epub_exclude_files, f"_static/{SCRIPT}"]


def add_to_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The query splitter, on the web site's search page only (never in the ePub)."""
    if pagename == "search" and is_website(app.builder):
        # Deferred: it runs after searchtools.js, before the search starts.
        app.add_js_file(SCRIPT, defer="defer")


def write_snippet_source(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Beside each page the search can find, its article's HTML, for the results' snippets."""
    if doctree is None or not is_website(app.builder) or "body" not in context:
        return
    if app.env.metadata.get(pagename, {}).get("nosearch"):
        return
    path = Path(app.outdir, pagename + SNIPPET_SUFFIX)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<div role="main">{lean_article(context["body"])}</div>\n', "utf-8")


def lean_article(body: str) -> str:
    """An article's HTML as a snippet needs it: the text, the elements and their ids (a result
    may point at a section), no other attribute and no permalink."""

    def tag(match: re.Match[str]) -> str:
        found = _ID.search(match.group(2) or "")
        return f"<{match.group(1)}{found.group(0) if found else ''}>"

    return _START_TAG.sub(tag, _HEADERLINK.sub("", body))


def repair_incremental_index(app: Sphinx) -> list[Any]:
    """Make an incremental build's search index what a clean build writes (``html-collect-pages``,
    which runs before the index is written). We keep these two small fixes rather than a
    subclassed index builder, which would copy more of Sphinx's internals.

    On an incremental build Sphinx 8.2 loads the previous ``searchindex.js`` and prunes it to
    the pages it does not write again (``IndexBuilder.load`` and ``prune``), but:

    * it keeps a word that no page holds any more, with no pages: a word from an earlier build
      (the full phone number before an opt-out, say) would stay in the published index. Such
      words are dropped.
    * it does not load the index entries (the technology index's terms, ``indexentries``): those
      of every page not written again would be lost. They are read back from the previous file,
      in the order a clean build gives them (by page name).
    """
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None:
        return []
    for mapping in (indexer._mapping, indexer._title_mapping):
        for word in [word for word, pages in mapping.items() if not pages]:
            del mapping[word]
    kept = set(indexer._titles) - set(indexer._index_entries)
    if kept:
        entries = dict(indexer._index_entries)
        for docname, restored in _previous_index_entries(app, kept).items():
            entries[docname] = restored
        indexer._index_entries.clear()
        indexer._index_entries.update(sorted(entries.items()))
    return []


def _previous_index_entries(app: Sphinx, docnames: set[str]) -> dict[str, list[Any]]:
    """The index entries of ``docnames`` in the search index on disk, as Sphinx feeds them:
    ``{docname: [(entry, id, "main" or ""), …]}`` (entries come back lower-cased, as Sphinx
    writes them in any case)."""
    from sphinx.search import js_index

    try:
        text = Path(app.outdir, app.builder.searchindex_filename).read_text("utf-8")  # type: ignore[attr-defined]
        frozen = js_index.loads(text)
        names = frozen["docnames"]
        stored = frozen["indexentries"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    found: dict[str, set[tuple[str, str, str]]] = {}
    for entry, references in stored.items():
        for index, target, main in references:
            if 0 <= index < len(names) and names[index] in docnames:
                found.setdefault(names[index], set()).add((entry, target, "main" if main else ""))
    return {docname: sorted(items) for docname, items in found.items()}


def setup_search(app: Sphinx) -> None:
    for language in _normalising_languages():
        app.add_search_language(language)
    app.connect("config-inited", quiet_jieba)
    app.connect("config-inited", keep_out_of_epub)
    app.connect("html-page-context", add_to_page)
    app.connect("html-page-context", write_snippet_source)
    app.connect("html-collect-pages", repair_incremental_index)
