"""The English and Japanese editions, built from the catalogs: each page is in its language.

The theme's interface (furo's "Skip to content", "Search", aria labels…) is translated by a theme
catalog and template overrides of its own. The language checks below therefore look at what the
content catalogs decide, the ``<article>`` and the ``<title>``; one test,
``test_whole_body_including_theme_interface_is_in_the_page_language``, looks at the whole
``<body>`` and its labels, so that the state of the interface shows on its own.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup

from resume.languages import BY_CODE

from helpers import build, copy_project
from resume_sources import allowed_han, catalog, current, moves, pages, roles, sentences

TRANSLATED = ("en", "ja")
# The generated pages are part of each edition too: their titles come from Sphinx's catalogs.
DOCNAMES = [*sorted(pages()), "genindex", "search"]

KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# What no English page shows: ideographs, kana, and CJK punctuation (，：（）「」 …).
CJK = re.compile(
    r"[\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\U00020000-\U0003134f]"
)

# Common characters of Simplified Chinese that do not exist in Japanese: each one is outside
# JIS X 0213, the largest Japanese kanji set (checked below). Forms that Japanese shares or keeps
# as a rare variant are left out on purpose: 个关开运网 (in JIS X 0213), 数据来写会准源度量目.
SIMPLIFIED_ONLY = (
    "们这为说时间动态问题务经历项设计联汇疗备门队发统级实现应过还进让认读业络层维标资调轻"
    "专习产亿优传债值偿储击则创别华单变团场够奖审宽对导币师带库归惯戏户扩报拟术杂权查栈毕测"
    "热爱电监盘码础积稳简类线练组细结绝缓编缩职腾节观规视览训讯讲访证评询该详语请诸负贡责账"
    "质赖赞转软较辑输边连鉴钟链镜长页顶预领频验龙"
)

# Floor of the kana share (kana / (kana + ideographs)) of each Japanese page's article, once the
# allowed names are taken out. Chinese has no kana; this résumé's Japanese runs at 0.58–0.79.
# Each floor sits midway, rounded down to 0.05, between the page's share today and the share it
# would have if its most kanji-heavy message were left in Chinese (measured on the built page):
KANA_FLOOR = {
    "index": 0.55,  # today 0.69; Summary left in Chinese: 0.50
    "experience/index": 0.60,  # 0.70; 0.54
    "experience/bytedance": 0.60,  # 0.70; 0.59
    "experience/tencent": 0.65,  # 0.70; 0.61
    "experience/wanhui": 0.65,  # 0.73; 0.58
    "experience/juding": 0.45,  # 0.58; 0.39 (a kanji-heavy page: 病院, 基盤, 品質 …)
    "experience/abeam": 0.50,  # 0.61; 0.48
    "projects/index": 0.55,  # 0.76; 0.40
    "projects/apisix": 0.65,  # 0.79; 0.56
    "projects/kubernetes": 0.60,  # 0.78; 0.45
    "projects/prometheus": 0.65,  # 0.75; 0.56
    "projects/go-restful": 0.60,  # 0.76; 0.53
    "projects/go-chassis": 0.65,  # 0.76; 0.55
    "projects/hydra": 0.65,  # 0.78; 0.58
    "genindex": 0.60,  # 0.90: the index terms are katakana loanwords
    "search": 0.50,  # 1.00: its article is one word of Sphinx's (エラー)
}
#: A page measured for none of the floors above (a role or project added since): the lowest
#: floor of a page of prose.
NEW_PAGE_KANA_FLOOR = 0.45


def kana_floor(docname: str) -> float:
    """The page's floor, under its name of today or the name it was measured under (a page the
    owner renamed keeps its floor; redirects.txt)."""
    return _measured_floors().get(docname, NEW_PAGE_KANA_FLOOR)


@cache
def _measured_floors() -> dict[str, float]:
    """``KANA_FLOOR`` under each page's name of today, retired pages left out: read once."""
    return {now: floor for old, floor in KANA_FLOOR.items() if (now := _today(old))}


def _today(docname: str) -> str | None:
    """The page's name of today, or None for a page the owner retired."""
    try:
        return current(docname) if docname in moves() else docname
    except LookupError:
        return None


# Names the Japanese edition writes in kanji outside JIS X 0208, Japanese's everyday set: the
# owner's name (鑫 is in JIS X 0213 only). Used by that one check, not by the Chinese checks.
RARE_KANJI_NAMES = ["徐鑫"]
# Japanese page titles written in kanji alone, each checked by hand: Sphinx's own 索引 and 検索,
# and the catalogs' 職務経歴 (the heading of a 職務経歴書).
KANJI_ONLY_TITLES = {"索引", "検索", "職務経歴"}

# furo's English interface text and labels, as an untranslated page shows them.
FURO_ENGLISH = [
    "Skip to content", "Back to top", "Contents", "Menu", "Expand", "Light mode", "Dark mode",
    "Auto light/dark", "Made with", "On this page", "Previous", "Next", "Copyright", "Search",
    "Index", "Error", "Please activate JavaScript", "Toggle site navigation sidebar",
    "Toggle table of contents sidebar", "Toggle Light / Dark / Auto color theme",
    "Toggle navigation of", "View this page", "Edit this page",
]  # fmt: skip
LABELS = ("aria-label", "title", "placeholder", "alt")


def without_allowed(text: str) -> str:
    for name in sorted(allowed_han(), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def visible_text(element) -> str:
    return " ".join(element.get_text(" ").split())


def labels(element) -> list[str]:
    """The text that assistive technology reads from attributes."""
    return [tag[name] for tag in element.find_all(True) for name in LABELS if tag.has_attr(name)]


def kana_share(text: str) -> float:
    kana, ideographs = len(KANA.findall(text)), len(IDEOGRAPH.findall(text))
    return kana / (kana + ideographs) if kana + ideographs else 0.0


def simplified_only(text: str) -> set[str]:
    return {char for char in without_allowed(text) if char in SIMPLIFIED_ONLY}


def in_charset(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def chinese_left(text: str) -> list[str]:
    """The words of an English text that hold CJK characters the allow-list does not permit."""
    return sorted({m.group() for m in re.finditer(rf"\S*{CJK.pattern}+\S*", without_allowed(text))})


def not_japanese(text: str, floor: float) -> list[str]:
    """What makes a text not Japanese: too little kana, Simplified-only or non-Japanese kanji."""
    text = without_allowed(text)
    problems = []
    if (share := kana_share(text)) < floor:
        problems.append(f"kana share {share:.2f} < {floor}")
    if found := simplified_only(text):
        words = {m.group() for m in re.finditer(rf"\S*[{''.join(found)}]\S*", text)}
        problems.append(f"Simplified-only characters in {sorted(words)}")
    # A broader net than the list: every ideograph is in JIS X 0208, Japanese's everyday set.
    kanji = IDEOGRAPH.findall(re.sub("|".join(RARE_KANJI_NAMES), " ", text))
    if foreign := sorted({c for c in kanji if not in_charset(c, "shift_jis")}):
        problems.append(f"not Japanese kanji: {''.join(foreign)}")
    return problems


def page_part(title: str) -> str:
    """The page's own part of ``<title>``: the root page's title is the site's name alone."""
    return title.rpartition(" - ")[0] or title


@pytest.fixture(scope="module", params=TRANSLATED)
def edition(request, build_site):
    return build_site(request.param, "html")


@pytest.fixture(scope="module")
def english(build_site):
    return build_site("en", "html")


@pytest.fixture(scope="module")
def japanese(build_site):
    return build_site("ja", "html")


def article(soup: BeautifulSoup) -> str:
    return visible_text(soup.find("article"))


# -- Every translated edition ------------------------------------------------------------------


def test_build_is_clean(edition):
    assert edition.returncode == 0, edition.stderr
    assert edition.stderr == ""


@pytest.mark.parametrize("docname", DOCNAMES)
def test_html_lang_is_the_bcp47_tag(edition, docname):
    assert edition.html(docname).html["lang"] == BY_CODE[edition.code].tag


@pytest.mark.parametrize("docname", DOCNAMES)
def test_title_is_not_the_chinese_one(edition, site, docname):
    title = edition.html(docname).title.get_text()
    assert title != site.html(docname).title.get_text()


# -- English -----------------------------------------------------------------------------------


@pytest.mark.parametrize("docname", DOCNAMES)
def test_english_title_has_no_chinese(english, docname):
    title = english.html(docname).title.get_text()
    assert CJK.findall(without_allowed(title)) == [], title


@pytest.mark.parametrize("docname", DOCNAMES)
def test_english_article_has_no_chinese(english, docname):
    left = chinese_left(article(english.html(docname)))
    assert left == [], f"{docname}: Chinese left in the English article: {left}"


# -- Japanese ----------------------------------------------------------------------------------


@pytest.mark.parametrize("docname", DOCNAMES)
def test_japanese_title_is_japanese(japanese, docname):
    title = japanese.html(docname).title.get_text()
    own = without_allowed(page_part(title))
    assert KANA.search(title), title
    assert KANA.search(own) or not IDEOGRAPH.search(own) or own in KANJI_ONLY_TITLES, title
    assert simplified_only(title) == set(), title


@pytest.mark.parametrize("docname", DOCNAMES)
def test_japanese_article_is_japanese(japanese, docname):
    """Kana share above the page's floor, no Simplified-only characters, only Japanese kanji."""
    problems = not_japanese(article(japanese.html(docname)), kana_floor(docname))
    assert problems == [], f"{docname}: {problems}"


def test_simplified_only_characters_do_not_exist_in_japanese():
    assert [c for c in SIMPLIFIED_ONLY if in_charset(c, "euc_jis_2004")] == []
    assert len(set(SIMPLIFIED_ONLY)) == len(SIMPLIFIED_ONLY)


def test_the_checks_can_fail():
    """The helpers catch what they are for, so that a passing page means something."""
    assert kana_share("负责整个平台的基础设施") == 0.0
    assert kana_share("プラットフォーム全体の基盤インフラを担当") > 0.6
    assert simplified_only("带领 3 人左右的小团队") == {"带", "领", "团", "队"}
    # A name the catalogs allow (a glossed employer, a switcher label) is taken out, whatever
    # it is this year; a Chinese name they do not allow stays, brackets and all.
    for name in allowed_han():
        assert simplified_only(f"{name}（Latin Name）") == set(), name
        assert not CJK.findall(without_allowed(f"{name} (Latin Name) - Xu Xin")), name
    assert CJK.findall(without_allowed("Example Tech（某科技）")) == ["（", "某", "科", "技", "）"]
    assert not in_charset("这", "shift_jis") and in_charset("職", "shift_jis")
    assert not_japanese("プラットフォーム全体の基盤インフラを担当", 0.6) == []
    assert len(not_japanese("负责整个平台的基础设施", 0.6)) == 3
    assert chinese_left("Led a small team （带领小团队） of 3") == ["（带领小团队）"]


def _left_in_chinese(project: Path, catalog: str, msgid: str) -> None:
    """Set one translation of a copied project back to its Chinese source: complete, but wrong."""
    path = project / catalog
    with path.open("rb") as file:
        messages = read_po(file)
    (message,) = [m for m in messages if m.id == msgid]
    message.string = message.id
    with path.open("wb") as file:
        write_po(file, messages)


def _kana_share_left_in_chinese(article: str, msgid: str, msgstr: str) -> float:
    """The kana share a Japanese article would have with one of its translations left in
    Chinese: the translation's kana and ideographs out, its source's ideographs in."""
    text, source, translation = (without_allowed(t) for t in (article, msgid, msgstr))
    kana = len(KANA.findall(text)) - len(KANA.findall(translation))
    ideographs = len(IDEOGRAPH.findall(text)) - len(IDEOGRAPH.findall(translation))
    ideographs += len(IDEOGRAPH.findall(source))
    return kana / (kana + ideographs) if kana + ideographs > 0 else 0.0


def _worst_message_left_in_chinese(japanese) -> tuple[str, str]:
    """The role page and the sentence of it that, left in Chinese in both catalogs, takes its
    Japanese article furthest under the page's kana floor, among those with Simplified-only
    characters and characters no Japanese kanji set has: the message each check must catch."""
    found = []
    for page in roles():
        text = article(japanese.html(page))
        for msgid in sentences(page):
            if simplified_only(msgid) and any(
                not in_charset(c, "shift_jis") for c in IDEOGRAPH.findall(without_allowed(msgid))
            ):
                share = _kana_share_left_in_chinese(text, msgid, catalog("ja", page)[msgid])
                found.append((share - kana_floor(page), page, msgid))
    if not found or min(found)[0] >= -0.02:
        pytest.fail(
            "no sentence of a role page, left in Chinese, would take its Japanese page under "
            f"its kana floor: {sorted(found)[:3]}"
        )
    _margin, page, msgid = min(found)
    return page, msgid


def test_a_translation_left_in_chinese_fails_the_checks(tmp_path, japanese):
    """The completeness check cannot see a translation copied from the source; these checks do."""
    project = copy_project(tmp_path / "project")
    page, msgid = _worst_message_left_in_chinese(japanese)
    for language in TRANSLATED:
        _left_in_chinese(project, f"locales/{language}/LC_MESSAGES/{page}.po", msgid)
    en = build(project, tmp_path / "en", "html", "en")
    ja = build(project, tmp_path / "ja", "html", "ja")
    # Only the page matters here: whether the build is clean is test_build_is_clean's business.
    for edition in (en, ja):
        assert (edition.outdir / f"{page}.html").exists(), edition.stderr
    longest = max(re.findall(IDEOGRAPH.pattern + "+", without_allowed(msgid)), key=len)
    assert any(longest in word for word in chinese_left(article(en.html(page)))), longest
    problems = not_japanese(article(ja.html(page)), kana_floor(page))
    assert [p.split(" ")[0] for p in problems] == ["kana", "Simplified-only", "not"], problems


# -- The whole page, theme included --------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh_CN", *TRANSLATED])
@pytest.mark.parametrize("docname", DOCNAMES)
def test_whole_body_including_theme_interface_is_in_the_page_language(
    build_site, language, docname
):
    """The whole <body> and its labels: depends on the theme catalog and template overrides."""
    body = build_site(language, "html").html(docname).body
    text = visible_text(body)
    read = " | ".join([text, *labels(body)])
    if language == "en":
        left = chinese_left(read)
        assert left == [], f"{docname}: Chinese or Japanese on an English page: {left}"
        return
    english = [phrase for phrase in FURO_ENGLISH if re.search(rf"\b{re.escape(phrase)}\b", read)]
    assert english == [], f"{language} {docname}: furo's English left: {english}"
    if language == "ja":
        assert simplified_only(read) == set(), f"{docname}: Simplified-only characters in the page"
