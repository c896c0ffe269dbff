"""Search, in every edition: what the index holds, and queries typed into a real browser."""

from __future__ import annotations

import json
import re
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from resume.search import SCRIPT, USER_DICTIONARY, JapaneseSplitter

from browser import Watched
from helpers import Build, site_pages
from resume_sources import current


@dataclass(frozen=True)
class Query:
    """A query and two pages, by the names they had when it was written (``current`` follows
    the owner's renames since)."""

    text: str
    expected: str  # a page among the first three results
    unrelated: str  # a page that must not rank above it

    def __str__(self) -> str:
        return self.text


QUERIES: dict[str, list[Query]] = {
    "zh_CN": [
        Query("网关", "projects/apisix", "experience/abeam"),
        Query("鉴权", "projects/hydra", "projects/prometheus"),
        Query("网关鉴权", "experience/tencent", "experience/wanhui"),
        Query("微服务网关", "experience/wanhui", "projects/hydra"),
        Query("模型分级缓存", "experience/bytedance", "experience/tencent"),
        Query("GPU利用率", "experience/bytedance", "experience/tencent"),
        Query("推理交付平台", "experience/bytedance", "experience/juding"),
        Query("云原生", "experience/tencent", "experience/juding"),
        Query("可观测性", "projects/prometheus", "projects/kubernetes"),
        Query("指标采集", "projects/prometheus", "experience/bytedance"),
        Query("字节跳动", "experience/bytedance", "experience/tencent"),
        Query("事件系统", "experience/wanhui", "experience/abeam"),
        Query("kubernetes", "projects/kubernetes", "projects/apisix"),
        Query("APISIX", "projects/apisix", "projects/hydra"),
        Query("oauth2", "projects/hydra", "projects/apisix"),
        Query("comfyUI", "experience/bytedance", "experience/tencent"),
        Query("100GB/s", "experience/bytedance", "experience/tencent"),
        Query("ＡＰＩＳＩＸ", "projects/apisix", "projects/hydra"),
        Query("CustomMethod", "projects/go-restful", "projects/apisix"),
        Query("BatchRequest", "projects/apisix", "projects/hydra"),
        Query("软考", "index", "projects/apisix"),
    ],
    "en": [
        Query("gateways", "projects/apisix", "experience/abeam"),
        Query("monitored", "projects/prometheus", "projects/kubernetes"),
        Query("controllers", "projects/kubernetes", "projects/prometheus"),
        Query("authorization", "projects/hydra", "projects/prometheus"),
        Query("observability", "projects/prometheus", "projects/kubernetes"),
        Query("tiered model caching", "experience/bytedance", "experience/tencent"),
        Query("GPU utilization", "experience/bytedance", "experience/tencent"),
        Query("cloud native", "experience/tencent", "experience/juding"),
        Query("event system", "experience/wanhui", "experience/abeam"),
        Query("ByteDance", "experience/bytedance", "experience/tencent"),
        Query("kubernetes", "projects/kubernetes", "projects/apisix"),
        Query("APISIX", "projects/apisix", "projects/hydra"),
        Query("oauth2", "projects/hydra", "projects/apisix"),
        Query("redis", "experience/tencent", "experience/wanhui"),
        Query("100GB/s", "experience/bytedance", "experience/tencent"),
        Query("１００ＧＢ", "experience/bytedance", "experience/tencent"),
        Query("Custom Method", "projects/go-restful", "projects/apisix"),
        Query("batch-requests", "projects/apisix", "projects/hydra"),
        Query("Ruankao", "index", "projects/apisix"),
    ],
    "ja": [
        Query("ゲートウェイ", "projects/apisix", "experience/abeam"),
        Query("ゲートウェイ認証", "experience/tencent", "experience/wanhui"),
        Query("テンセントのゲートウェイ", "experience/tencent", "experience/bytedance"),
        Query("認証", "projects/hydra", "projects/prometheus"),
        Query("クラウドネイティブ", "experience/tencent", "experience/juding"),
        Query("オブザーバビリティ", "projects/prometheus", "projects/kubernetes"),
        Query("メトリクス収集", "projects/prometheus", "experience/bytedance"),
        Query("モデルの階層型キャッシュ", "experience/bytedance", "experience/tencent"),
        Query("GPU利用率", "experience/bytedance", "experience/tencent"),
        Query("イベントシステム", "experience/wanhui", "experience/abeam"),
        Query("バイトダンス", "experience/bytedance", "experience/tencent"),
        Query("kubernetes", "projects/kubernetes", "projects/apisix"),
        Query("APISIX", "projects/apisix", "projects/hydra"),
        Query("oauth2", "projects/hydra", "projects/apisix"),
        Query("100GB/s", "experience/bytedance", "experience/tencent"),
        Query("ｹﾞｰﾄｳｪｲ", "projects/apisix", "experience/abeam"),
        Query("CustomMethod", "projects/go-restful", "projects/apisix"),
        Query("軟考", "index", "projects/apisix"),
    ],
}

# Forms a reader may type for one thing, which find the same pages: full-width and half-width
# forms (NFKC), words joined, apart or in camel case, and the aliases of search_aliases.txt.
# (edition, one form, another form, a page both find)
SAME_PAGES = [
    ("zh_CN", "ＡＰＩＳＩＸ", "APISIX", "projects/apisix"),
    ("zh_CN", "１００ＧＢ", "100GB", "experience/bytedance"),
    ("zh_CN", "CustomMethod", "Custom Method", "projects/go-restful"),
    ("zh_CN", "BatchRequest", "batch-requests", "projects/apisix"),
    ("zh_CN", "k8s", "Kubernetes", "projects/go-restful"),
    ("zh_CN", "ES", "Elasticsearch", "index"),
    ("zh_CN", "软考", "计算机技术与软件专业技术资格考试", "index"),
    ("en", "ＡＰＩＳＩＸ", "APISIX", "projects/apisix"),
    ("en", "１００ＧＢ", "100GB", "experience/bytedance"),
    ("en", "CustomMethod", "custom method", "projects/go-restful"),
    ("en", "BatchRequest", "batch requests", "projects/apisix"),
    ("en", "k8s", "Kubernetes", "projects/go-restful"),
    ("en", "ES", "Elasticsearch", "index"),
    ("en", "Ruankao", "软考", "index"),
    ("ja", "ＡＰＩＳＩＸ", "APISIX", "projects/apisix"),
    ("ja", "ｹﾞｰﾄｳｪｲ", "ゲートウェイ", "projects/apisix"),
    ("ja", "１００ＧＢ", "100GB", "experience/bytedance"),
    ("ja", "CustomMethod", "Custom Method", "projects/go-restful"),
    ("ja", "BatchRequest", "batch-requests", "projects/apisix"),
    ("ja", "k8s", "Kubernetes", "projects/go-restful"),
    ("ja", "ES", "Elasticsearch", "index"),
    ("ja", "軟考", "软考", "index"),
]
#: The start of the summary sentence, in each edition's language.
SUMMARIES = {"zh_CN": "搜索完成", "en": "Search finished", "ja": "検索が完了"}

#: The summary and the results, each with its snippet, once the search for the query has shown
#: them all: on the results page of that query (not the previous one's, still shown while the
#: browser goes to the next), after searchtools.js has shown its last result (it then titles
#: the page "Search Results"; the summary sentence comes before the results, which are shown
#: one by one).
SHOWN = """(query) => {
    if (new URLSearchParams(location.search).get("q") !== query || typeof Search !== "object"
        || Search.title?.innerText !== Documentation.gettext("Search Results")) return null;
    const summary = document.querySelector("#search-results .search-summary");
    const results = [...document.querySelectorAll("ul.search > li")];
    if (!summary || summary.innerText.trim() === ""
        || !results.every((li) => li.querySelector("p.context"))) return null;
    return {
        summary: summary.innerText,
        results: results.map((li) => ({
            href: li.querySelector("a").getAttribute("href"),
            snippet: li.querySelector("p.context").textContent,
        })),
    };
}"""


@pytest.fixture(scope="session")
def site_url(build_site: Callable[..., Build], serve: Callable[[Path], str]):
    """``site_url(language)``: the base URL of that HTML edition, built strictly and served."""

    def url(language: str) -> str:
        build = build_site(language, "html")
        assert build.returncode == 0, build.stderr
        return serve(build.outdir)

    return url


#: What each search showed, by the edition's base URL and the text (``search``).
SEARCHED: dict[tuple[str, str], tuple[list[tuple[str, str]], str, float]] = {}


def search(watched: Watched, base: str, text: str) -> tuple[list[tuple[str, str]], str, float]:
    """``typed_search``, once per edition and text in this test process: the same text typed
    into the same static pages shows the same results, and several tests search for some."""
    if (base, text) not in SEARCHED:
        SEARCHED[base, text] = typed_search(watched, base, text)
    return SEARCHED[base, text]


def typed_search(
    watched: Watched, base: str, text: str
) -> tuple[list[tuple[str, str]], str, float]:
    """Type ``text`` into the sidebar's search box and press Enter: on the home page, or on the
    page this reader is on, when it is one of the edition's (a previous search's results).

    Returns the results as (page, snippet), the summary sentence, and the seconds from the
    last keystroke to the last result with its snippet.
    """
    page = watched.page
    if not page.url.startswith(base):
        page.goto(base + "index.html", wait_until="domcontentloaded")  # the box is a plain form
    box = page.locator("input.sidebar-search")
    box.fill(text)
    began = time.perf_counter()
    box.press("Enter")
    shown = page.wait_for_function(SHOWN, arg=text, timeout=10_000).json_value()
    seconds = time.perf_counter() - began
    results = [
        (item["href"].split("#")[0].removesuffix(".html"), item["snippet"])
        for item in shown["results"]
    ]
    return results, shown["summary"], seconds


@pytest.mark.parametrize(
    ("language", "query"),
    [(language, query) for language, queries in QUERIES.items() for query in queries],
    ids=str,
)
def test_query_finds_the_page(
    site_url: Callable[[str], str],
    reader: Callable[[str], Watched],
    language: str,
    query: Query,
    record_property: Callable[[str, object], None],
) -> None:
    watched = reader(language)
    results, summary, seconds = search(watched, site_url(language), query.text)
    record_property("seconds_from_keystroke_to_results", round(seconds, 3))
    pages = [page for page, _ in results]
    expected = current(query.expected)
    try:
        unrelated: str | None = current(query.unrelated)
    except LookupError:  # retired since: it cannot rank above anything
        unrelated = None

    assert expected in pages[:3], f"{query.text!r} → {pages}"
    if unrelated in pages:
        assert pages.index(unrelated) > pages.index(expected), pages
    assert len(pages) == len(set(pages)), f"a page is listed twice: {pages}"
    assert summary.startswith(SUMMARIES[language]), summary
    assert str(len(pages)) in summary or len(pages) == 1, summary
    for page, snippet in results:
        assert len(snippet.strip()) > 20, f"{page}: no useful snippet: {snippet!r}"
    assert watched.errors == []
    assert watched.outside == []


@pytest.mark.parametrize(
    ("language", "one", "other", "page"),
    SAME_PAGES,
    ids=[f"{lang}:{a}={b}" for lang, a, b, _ in SAME_PAGES],
)
def test_forms_of_one_word_find_the_same_pages(
    site_url: Callable[[str], str],
    reader: Callable[[str], Watched],
    language: str,
    one: str,
    other: str,
    page: str,
) -> None:
    watched = reader(language)
    base = site_url(language)
    page = current(page)
    found = [{page for page, _ in search(watched, base, text)[0]} for text in (one, other)]
    said = f"{one!r} → {sorted(found[0])}; {other!r} → {sorted(found[1])}"
    assert page in found[0] and page in found[1], said
    if len(one) > 2:
        assert found[0] == found[1], said
    else:
        # Sphinx also matches a short word inside an index entry's name (ES in "Mesh"): the
        # longer form's pages are among the short one's.
        assert found[1] <= found[0], said
    assert watched.errors == []


def test_the_index_is_normalised_and_holds_each_alias(build_site: Callable[..., Build]) -> None:
    """Every edition indexes NFKC text, camel-case parts, joined forms and each alias."""
    from resume.search import extra_terms, normalise, read_aliases

    assert normalise("ＡＰＩＳＩＸ ｹﾞｰﾄｳｪｲ １００ＧＢ") == "APISIX ゲートウェイ 100GB"
    words = extra_terms("Custom Method、CustomMethod、batch-requests、k8s", str.split)
    assert {"CustomMethod", "Custom", "Method", "batchrequests", "Kubernetes"} <= set(words)
    assert ("Kubernetes", "k8s") in [group[:2] for group in read_aliases()]
    for language in QUERIES:
        terms = search_index(build_site(language, "html").outdir)["terms"]
        assert {"custommethod", "batchrequest"} <= set(terms), language
        assert "ｹﾞｰﾄｳｪｲ" not in terms and "ＡＰＩＳＩＸ".lower() not in terms, language


def test_unindexed_characters_are_never_searched_alone(
    site_url: Callable[[str], str], reader: Callable[[str], Watched]
) -> None:
    """A word the index lacks finds nothing: it is not cut into single characters."""
    watched = reader("zh_CN")
    results, summary, _ = typed_search(watched, site_url("zh_CN"), "火箭")  # the page is read next
    assert results == []
    assert summary.startswith("您的搜索没有匹配到文档")
    terms = watched.page.evaluate(
        "() => [...Search._parseQuery('网关的鉴权')[1]]"
    )  # 的 alone is dropped
    assert sorted(terms) == ["网关", "鉴权"]
    assert watched.errors == []


def test_a_reader_reaches_nothing_but_the_site(
    site_url: Callable[[str], str], reader: Callable[[str], Watched]
) -> None:
    """What a page asks of any other address is refused by the browser, and listed: even a
    server of this machine (127.0.0.2, loopback too), which would answer."""
    other = ThreadingHTTPServer(("127.0.0.2", 0), BaseHTTPRequestHandler)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    urls = [
        f"http://127.0.0.2:{other.server_address[1]}/",
        f"http://localhost:{other.server_address[1]}/",
        "https://example.com/",
    ]
    watched = reader("en")
    try:
        watched.page.goto(site_url("en") + "index.html", wait_until="domcontentloaded")
        outcomes = watched.page.evaluate(
            """(urls) => Promise.all(urls.map((url) => fetch(url, {mode: "no-cors"})
                .then(() => "reached", () => "refused")))""",
            urls,
        )
    finally:
        other.shutdown()
        other.server_close()
        thread.join()
    assert outcomes == ["refused"] * len(urls)
    assert watched.outside == urls
    assert len(watched.errors) == len(urls), watched.errors


# -- The index and the pages, without a browser --------------------------------------------


def test_japanese_words_are_indexed_whole_without_punctuation() -> None:
    words = JapaneseSplitter({}).split(
        "ORY Hydra は、OAuth2 を実装した。推論 GPU の日平均利用率（k8s）"
    )
    assert {"OAuth2", "k8s", "GPU", "日平均利用率", "利用", "平均"} <= set(words)
    assert not [word for word in words if set(word) & set("、。（）")]


def test_jieba_loads_only_our_dictionary_once(site: Build) -> None:
    """Sphinx's default would load jieba's whole dictionary again as a user dictionary."""
    assert site.returncode == 0, site.stderr
    assert site.jieba_dictionaries == [str(USER_DICTIONARY)]


def test_jieba_is_quiet(good_release_log: tuple[Path, str]) -> None:
    """No "Building prefix dict…" on stderr: the release build's own processes, jieba fresh."""
    _, log = good_release_log
    assert "[html/zh-cn]" in log
    assert "prefix dict" not in log.lower(), log


def search_index(outdir: Path) -> dict[str, Any]:
    text = (outdir / "searchindex.js").read_text("utf-8")
    return json.loads(text.removeprefix("Search.setIndex(").removesuffix(")"))


def test_user_dictionary_words_are_index_terms(build_site: Callable[..., Build]) -> None:
    terms = search_index(build_site("zh_CN", "html").outdir)["terms"]
    words = ("网关", "鉴权", "云原生", "可观测性", "分级缓存", "模型分级缓存", "字节跳动")
    assert [word for word in words if word not in terms] == []


@pytest.mark.parametrize("language", list(QUERIES))
def test_every_page_links_to_the_technology_index(
    build_site: Callable[..., Build], language: str
) -> None:
    build = build_site(language, "html")
    assert build.returncode == 0, build.stderr
    pages = [build.outdir / name for name in site_pages(build.outdir)]
    assert len(pages) > 10
    for path in pages:
        docname = path.relative_to(build.outdir).with_suffix("").as_posix()
        links = build.html(docname).select(".sidebar-drawer .resume-index-link a[href]")
        assert links, f"{docname}: no link to the index"
        target = path if links[0]["href"] == "#" else path.parent / links[0]["href"]
        assert target.resolve() == build.outdir / "genindex.html", docname
    genindex = build.html("genindex")
    targets = {a["href"].split("#")[0] for a in genindex.select("table.indextable a[href]")}
    assert {"experience/tencent.html", "projects/kubernetes.html"} <= targets
    words = " ".join(table.get_text(" ") for table in genindex.select("table.indextable"))
    assert "Kubernetes" in words and "APISIX" in words


def test_search_script_is_on_the_search_page_only(build_site: Callable[..., Build]) -> None:
    build = build_site("zh_CN", "html")
    assert build.html("search").select(f'script[src^="_static/{SCRIPT}"]')
    assert not build.html("index").select(f'script[src*="{SCRIPT}"]')
    epub = build_site("zh_CN", "epub")
    assert epub.returncode == 0, epub.stderr
    (book,) = epub.outdir.glob("*.epub")
    with zipfile.ZipFile(book) as package:
        names = package.namelist()
        pages = [package.read(name).decode() for name in names if name.endswith(".xhtml")]
    assert not [name for name in names if name.endswith(SCRIPT)]
    assert not [page for page in pages if SCRIPT in page]


def test_the_c_stemmer_gives_snowballs_own_stems(build_site: Callable[..., Build]) -> None:
    """The index is stemmed by PyStemmer (requirements.txt), which snowballstemmer uses when it
    is installed; every English word of the site must get the stem of Snowball's pure-Python
    stemmer, the one the index was made with before (and the browser's is Snowball's too)."""
    import Stemmer
    from snowballstemmer.english_stemmer import EnglishStemmer

    build = build_site("en", "html")
    text = " ".join(path.read_text("utf-8") for path in build.outdir.rglob("*.html"))
    words = {word.lower() for word in re.findall(r"[A-Za-z]{3,}", text)}
    assert len(words) > 500
    fast, reference = Stemmer.Stemmer("english"), EnglishStemmer()
    assert [w for w in sorted(words) if fast.stemWord(w) != reference.stemWord(w)] == []
