"""The theme's interface in each edition's language, the language switcher, and the root page.

The three editions are the session's builds (``build_site``), copied side by side as the release
build lays them out (``html/{zh-cn,en,ja}/``), so that the switcher's relative links can be
followed exactly as a browser follows them.
"""

from __future__ import annotations

import functools
import json
import posixpath
import shutil
import tempfile
from pathlib import Path

import furo
import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment

from resume.catalogs import catalog_problems
from resume.crawlers import DESCRIPTION_LENGTH, robots_txt, shorten
from resume.languages import BY_CODE, EDITIONS, SOURCE
from resume.outputs import RESUME_JSON
from resume.switcher import edition_links, edition_roots
from resume.theme import translate_toggles
from tools.root_page import choose_edition, redirect_table, write_root_index

from helpers import REPO, RTD_BASE, site_pages
from resume_sources import roles

CODES = [e.code for e in EDITIONS]
CATALOG = "locales/{}/LC_MESSAGES/sphinx.po"
FURO = Path(furo.__file__).parent / "theme" / "furo"
TEMPLATES = REPO / "_templates"
RTD_URL = "https://example.readthedocs.io/{}/latest/"
LABELS = ("aria-label", "title", "placeholder", "alt")
#: Where the text is not the interface's: the article, and what is never shown.
HIDDEN = ["article", "script", "style"]


@functools.cache
def soup(path: Path) -> BeautifulSoup:
    """The page, parsed once: the tests read it, none changes it."""
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def follow(page: str, href: str) -> str:
    """Where a relative link on ``page`` (``zh-cn/experience/tencent.html``) leads, as a browser
    resolves it: lexically, from the page's folder."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def catalog(language: str) -> dict[str, str]:
    with (REPO / CATALOG.format(language)).open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


@pytest.fixture(scope="session")
def html_root(build_site, tmp_path_factory) -> Path:
    """The three HTML editions side by side, and the root page, as ``_build/html`` holds them."""
    root = tmp_path_factory.mktemp("layout") / "html"
    for edition in EDITIONS:
        build = build_site(edition.sphinx, "html")
        assert (build.outdir / "index.html").is_file(), build.stderr
        shutil.copytree(build.outdir, root / edition.code)
    write_root_index(root)
    return root


@pytest.fixture(scope="session")
def pot(gettext: Path) -> dict[str, str]:
    """The theme messages that ``sphinx-build -b gettext`` extracts from ``_templates``."""
    with (gettext / "sphinx.pot").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


# -- The theme catalogs --------------------------------------------------------------------


@pytest.mark.parametrize("language", [e.sphinx for e in EDITIONS])
def test_theme_catalog_is_complete_and_current(language, pot):
    path = REPO / CATALOG.format(language)
    assert [str(p) for p in catalog_problems(path)] == []
    assert set(catalog(language)) == set(pot), f"{path} is stale: update it from sphinx.pot"


def furo_messages(template: Path) -> set[str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    return {
        " ".join(message.split())
        for _, _, message in env.extract_translations(  # type: ignore[attr-defined]  # jinja2.ext.i18n adds it
            template.read_text("utf-8")
        )
        if isinstance(message, str)
    }


def test_every_furo_message_is_translated(pot):
    """furo's templates that are not overridden here still reach the page: their messages too
    are extracted (``_templates/partials/messages.html``), so a new one in a furo upgrade shows."""
    missing = {}
    for template in sorted(FURO.rglob("*.html")):
        name = template.relative_to(FURO)
        if (TEMPLATES / name).exists():
            continue  # an override: its own messages are extracted
        if left := furo_messages(template) - set(pot):
            missing[str(name)] = sorted(left)
    assert missing == {}


# Names that every language writes alike.
PROPER_NAMES = {"GitHub"}


@pytest.mark.parametrize("language", ["zh_CN", "ja"])
def test_catalog_translates_into_the_language(language):
    """Chinese and Japanese interface text is not left in English (the English catalog is)."""
    english = {msgid for msgid, msgstr in catalog(language).items() if msgstr == msgid}
    assert english - PROPER_NAMES == set()
    assert {msgid for msgid, msgstr in catalog("en").items() if msgstr != msgid} == set()


# -- The interface, on every page ----------------------------------------------------------


def interface(page: BeautifulSoup) -> list[str]:
    """What the theme shows or says around the content: text outside the article (and out of
    scripts and styles), and every label (the article's too: its headings' permalinks have a
    title)."""
    texts = [tag[name] for tag in page.find_all(True) for name in LABELS if tag.has_attr(name)]
    texts += [" ".join(tag.get_text(" ").split()) for tag in page.select("article noscript p")]
    texts += [
        " ".join(s.split())
        for s in page.body.find_all(string=True)
        if s.strip() and s.find_parent(HIDDEN) is None
    ]
    return texts


# The English that each message shows, whole or (a format) up to its first argument.
ENGLISH = sorted(
    {msgid.split("%(")[0].strip() for msgid in catalog("en") if msgid.split("%(")[0].strip()}
)


@pytest.mark.parametrize("code", ["zh-cn", "ja"])
def test_no_english_interface(html_root, code):
    left = {}
    for name in site_pages(html_root / code):
        texts = interface(soup(html_root / code / name))
        found = sorted(english for english in ENGLISH for text in texts if text.startswith(english))
        if found:
            left[name] = found
    assert left == {}


@pytest.mark.parametrize(
    "code, expected",
    [
        ("zh-cn", ["跳到正文", "回到顶部", "本页目录", "链接到此标题"]),
        ("en", ["Skip to content", "Back to top", "On this page", "Link to this heading"]),
        ("ja", ["本文へ移動", "ページの先頭へ", "このページの目次", "この見出しへのリンク"]),
    ],
)  # fmt: skip
def test_interface_is_translated(html_root, code, expected):
    texts = set(interface(soup(html_root / code / "index.html")))
    assert [text for text in expected if text not in texts] == []


@pytest.mark.parametrize("code", CODES)
def test_navigation_toggles_are_labelled_in_the_language(html_root, code):
    label = catalog(BY_CODE[code].sphinx)["Toggle navigation of %(title)s"]
    toggles = soup(html_root / code / "index.html").select(".sidebar-tree input.toctree-checkbox")
    assert toggles
    for toggle in toggles:
        title = toggle.find_previous_sibling("a").get_text()
        assert toggle["aria-label"] == label % {"title": title}


@pytest.mark.parametrize("code", ["zh-cn", "ja"])
def test_footer_is_one_translated_sentence(html_root, code):
    footer = soup(html_root / code / "index.html").select_one(".bottom-of-page .left-details")
    text = " ".join(footer.get_text(" ").split())
    assert "Made with" not in text and "'s" not in text
    assert {a["href"] for a in footer.find_all("a")} >= {
        "https://www.sphinx-doc.org/",
        "https://github.com/pradyunsg/furo",
    }


# -- The language switcher -----------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_html_lang_is_the_bcp47_tag(html_root, code):
    tag = BY_CODE[code].tag
    wrong = {
        name: lang
        for name in site_pages(html_root / code)
        if (lang := soup(html_root / code / name).html.get("lang")) != tag
    }
    assert wrong == {}


@pytest.mark.parametrize("code", CODES)
def test_switcher_links_the_same_page_in_the_other_editions(html_root, code):
    current = BY_CODE[code]
    names = site_pages(html_root / code)
    assert len(names) > 10
    for name in names:
        page = f"{code}/{name}"
        switcher = soup(html_root / page).select_one("nav.language-switcher")
        assert switcher is not None, f"{page}: no language switcher"
        assert switcher.get("aria-label")
        items = switcher.find_all(["a", "span"], recursive=False)
        assert [item.get_text(strip=True) for item in items] == [e.label for e in EDITIONS]
        for edition, item in zip(EDITIONS, items, strict=True):
            assert item["lang"] == edition.tag
            if edition == current:
                assert item.name == "span" and item["aria-current"] == "page", page
                continue
            assert item.name == "a" and item["hreflang"] == edition.tag, page
            target = follow(page, item["href"])
            assert target == f"{edition.code}/{name}", f"{page}: {item['href']}"
            assert (html_root / target).is_file(), f"{page}: {item['href']} does not exist"


@pytest.mark.parametrize("code", CODES)
def test_no_relative_alternate_links_without_a_base_url(html_root, code):
    """hreflang alternates count only when absolute (tests/test_hosting.py checks those): a
    local build has none in its head, and its switcher still links every edition."""
    for name in site_pages(html_root / code):
        page = f"{code}/{name}"
        assert soup(html_root / page).find_all("link", rel="alternate") == [], page
        switcher = soup(html_root / page).select("nav.language-switcher a")
        targets = {link["hreflang"]: follow(page, link["href"]) for link in switcher}
        others = {e.tag: f"{e.code}/{name}" for e in EDITIONS if e.code != code}
        assert targets == others, page


def test_links_are_relative_to_the_page_depth():
    links = edition_links("experience/tencent.html", BY_CODE["en"])
    assert [(link.code, link.href, link.current) for link in links] == [
        ("zh-cn", "../../zh-cn/experience/tencent.html", False),
        ("en", "../../en/experience/tencent.html", True),
        ("ja", "../../ja/experience/tencent.html", False),
    ]
    assert edition_links("index.html", SOURCE)[2].href == "../ja/index.html"


def test_read_the_docs_links_replace_the_language_part_of_the_canonical_url():
    roots = edition_roots(RTD_URL.format("ja"), BY_CODE["ja"])
    assert roots == {e.code: RTD_URL.format(e.code) for e in EDITIONS}
    custom = edition_roots("https://cv.example.org/zh-cn/v2", SOURCE)
    assert custom["en"] == "https://cv.example.org/en/v2/"
    with pytest.raises(ValueError, match="/en/"):
        edition_roots(RTD_URL.format("zh-cn"), BY_CODE["en"])


def test_read_the_docs_build_links_absolutely(read_the_docs_builds):
    """The English edition as Read the Docs builds it (READTHEDOCS_CANONICAL_URL set)."""
    build = read_the_docs_builds["en"]
    page = f"{next(iter(roles()))}.html"
    assert (build.html / page).is_file(), build.logs["html"]
    assert "switcher" not in build.logs["html"]
    switcher = build.page(page).select_one("nav.language-switcher")
    assert [a["href"] for a in switcher.find_all("a")] == [
        RTD_BASE.format("zh-cn") + page,
        RTD_BASE.format("ja") + page,
    ]


def test_navigation_toggles_are_relabelled():
    tree = '<input aria-label="Toggle navigation of R&amp;D &quot;x&quot;" role="switch">'
    japanese = {"Toggle navigation of %(title)s": "「%(title)s」を開閉"}
    relabelled = translate_toggles(tree, japanese.get)
    assert relabelled == '<input aria-label="「R&amp;D &quot;x&quot;」を開閉" role="switch">'


def test_epub_keeps_its_own_theme(build_site):
    build = build_site("zh_CN", "epub")
    assert build.returncode == 0, build.stderr
    text = (build.outdir / "index.xhtml").read_text("utf-8")
    assert "language-switcher" not in text and "skip-to-content" not in text


# -- The root page -------------------------------------------------------------------------


def test_root_page_lists_the_editions(html_root):
    page = soup(html_root / "index.html")
    links = page.select("main li a")
    assert [(a.get_text(), a["lang"], a["hreflang"]) for a in links] == [
        (e.label, e.tag, e.tag) for e in EDITIONS
    ]
    for a in links:
        assert (html_root / a["href"]).is_file()
    titles = [" ".join(li.get_text(" ").split()) for li in page.select("main li")]
    assert "Xu Xin" in titles[1] and "インフラ" in titles[2]


def test_root_page_script_reads_the_table(html_root):
    page = soup(html_root / "index.html")
    table = json.loads(page.find("script", id="resume-editions").string)
    assert (
        table
        == redirect_table()
        == {
            "languages": {"zh": "zh-cn/index.html", "en": "en/index.html", "ja": "ja/index.html"},
            "fallback": "zh-cn/index.html",
        }
    )


CHOICES = [
    (["zh-CN", "en"], "zh-cn"),
    (["zh-TW"], "zh-cn"),
    (["zh"], "zh-cn"),
    (["ja-JP", "en-US"], "ja"),
    (["ja"], "ja"),
    (["en-GB", "ja"], "en"),
    (["fr-FR", "de"], "zh-cn"),
    (["fr-FR", "ja"], "ja"),
    ([], "zh-cn"),
]


@pytest.mark.parametrize("preferences, code", CHOICES)
def test_choose_edition(preferences, code):
    assert choose_edition(preferences, redirect_table()) == f"{code}/index.html"


def test_root_page_lists_only_the_editions_built(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "index.html").write_text("<title>Xu Xin</title>", "utf-8")
    page = soup(write_root_index(tmp_path))
    assert [a["href"] for a in page.select("main li a")] == ["en/index.html"]
    table = json.loads(page.find("script", id="resume-editions").string)
    assert table["fallback"] == "en/index.html"
    with pytest.raises(FileNotFoundError):
        write_root_index(tmp_path / "nothing")


#: Text an owner could give as a name, headline or summary: any printable character, markup's
#: among them, no white space (the page folds it) and no control character.
OWNER_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=40,
)


def _edition_folder(root: Path, code: str, basics: dict[str, str]) -> None:
    """An edition's folder as the release holds it, with a home page that says otherwise than
    its data and a robots.txt that unlists it: the root page must follow neither."""
    folder = root / code
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(
        '<title>Scraped title</title><meta name="description" content="Scraped description">',
        "utf-8",
    )
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /\n", "utf-8")
    (folder / RESUME_JSON).write_text(json.dumps({"basics": basics}), "utf-8")


@settings(max_examples=40, deadline=None)
@given(owners=st.lists(st.tuples(OWNER_TEXT, OWNER_TEXT, OWNER_TEXT), min_size=3, max_size=3))
def test_root_page_is_written_from_the_editions_data(owners):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for edition, (name, label, summary) in zip(EDITIONS, owners, strict=True):
            _edition_folder(root, edition.code, {"name": name, "label": label, "summary": summary})
        written = write_root_index(root, noindex=False).read_text("utf-8")
        page = BeautifulSoup(written, "html.parser")
        robots = (root / "robots.txt").read_text("utf-8")
    titles = [f"{name} · {label}" for name, label, _ in owners]
    assert [li.get_text() for li in page.select("main li")] == [
        f"{e.label} — {t}" for e, t in zip(EDITIONS, titles, strict=True)
    ]
    assert page.title.get_text() == " | ".join(titles)
    assert page.h1.get_text() == titles[0]  # the source edition's
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert description == shorten(owners[0][2])
    assert "Scraped" not in str(page)
    assert robots == robots_txt(noindex=False) == "User-agent: *\nAllow: /\n"


def test_root_page_description_is_cut_as_a_pages_and_robots_follow_the_setting(
    tmp_path, monkeypatch
):
    summary = "我目前就职于" + "基础架构" * 100
    for edition in EDITIONS:
        _edition_folder(tmp_path, edition.code, {"name": "徐鑫", "label": "x", "summary": summary})
    page = soup(write_root_index(tmp_path))
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert len(description) == DESCRIPTION_LENGTH and description.endswith("…")
    assert summary.startswith(description.removesuffix("…"))
    assert (tmp_path / "robots.txt").read_text("utf-8") == "User-agent: *\nAllow: /\n"
    assert page.find("meta", attrs={"name": "robots"}) is None
    monkeypatch.setenv("RESUME_NOINDEX", "1")  # as the editions' builds read it
    unlisted = BeautifulSoup(write_root_index(tmp_path).read_text("utf-8"), "html.parser")
    assert (tmp_path / "robots.txt").read_text("utf-8") == "User-agent: *\nDisallow: /\n"
    assert unlisted.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    write_root_index(tmp_path, noindex=False)
    assert (tmp_path / "robots.txt").read_text("utf-8") == "User-agent: *\nAllow: /\n"


@pytest.mark.parametrize("text", ["v", "[]", '{"basics": "x"}'])
def test_root_page_lists_an_edition_without_readable_data_by_its_label(tmp_path, text):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "index.html").write_text("<title>Xu Xin</title>", "utf-8")
    (tmp_path / "en" / RESUME_JSON).write_text(text, "utf-8")
    page = soup(write_root_index(tmp_path))
    assert [li.get_text() for li in page.select("main li")] == [BY_CODE["en"].label]
    assert page.h1.get_text() == BY_CODE["en"].label


# A browser with no languages at all falls back on navigator.language: not tested here.
@pytest.mark.parametrize("preferences, code", [CHOICES[i] for i in (0, 3, 5, 7)])
def test_root_page_redirects_in_a_browser(html_root, chromium, serve, preferences, code):
    base = serve(html_root)
    context = chromium.new_context()
    try:
        context.add_init_script(
            f"Object.defineProperty(navigator, 'languages', {{get: () => {json.dumps(preferences)}}});"
        )
        page = context.new_page()
        page.goto(base + "index.html", wait_until="commit")  # its script leaves at once
        page.wait_for_url(f"{base}{code}/index.html", wait_until="domcontentloaded")
        assert page.evaluate("document.documentElement.lang") == BY_CODE[code].tag
    finally:
        context.close()
