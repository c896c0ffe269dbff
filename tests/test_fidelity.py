"""Each edition says what the résumé says: the open-source relations, the projects' roles, the
figures' orders of magnitude, the employers' names, the register, and the ePub's metadata."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable

import pytest

from resume.figures import figures

from helpers import REPO, Build
from resume_sources import projects, roles, source

# The résumé's own words are checked where its sources use them: each rule below names a Chinese
# term of the sources and how each edition writes it, and applies while the sources use it, so
# that an owner who adds, removes or rewords a page never fails it.

#: How the résumé says "developed on it" (its relation starts so); every other project was
#: contributed to.
DEVELOPER = "Developer"
#: The résumé's "详情请移步Github个人页" points at the GitHub profile, which the contact section shows
#: when configured: no prose points at it.
GITHUB_POINTER = "GitHub 个人页"
#: Orders of magnitude: a scale (级别) is not "several" of it (数…).
SCALES = {
    "百万级别": "order:1e6",
    "千万级别": "order:1e7",
    "亿级别": "order:1e8",
    "数十万": "order:several-1e5",
}
#: The smaller employers, by their meaning in English and in Japanese kanji.
EMPLOYER_NAMES = {
    "万汇互联": ("Wanhui Interconnect", "万匯互聯"),
    "深圳巨鼎医疗设备有限公司": (
        "Shenzhen Juding Medical Equipment Co., Ltd.",
        "深圳巨鼎医療設備有限公司",
    ),
}


def sources_say(term: str) -> bool:
    """Whether any page's source uses ``term``."""
    return any(term in source(page) for page in ["index", *roles(), *projects()])


def developed_on() -> list[str]:
    return [d for d, p in projects().items() if _relation(d).startswith(DEVELOPER)]


def contributed() -> list[str]:
    return [d for d in projects() if d not in developed_on()]


def _relation(docname: str) -> str:
    match = re.search(r"^:relation:\s*(.+)$", source(docname), re.M)
    return match[1] if match else ""


def contribution_links(docname: str) -> set[str]:
    """The links of the page's ``-contribution`` section, in its source."""
    text = source(docname).partition(f"({docname.split('/')[1]}-contribution)=")[2]
    text = re.split(r"^\(", text, flags=re.M)[0]
    return set(re.findall(r"\]\((https://[^)\s]+)\)", text))


EDITIONS = ["zh_CN", "en", "ja"]
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture(scope="module")
def editions(build_site: Callable[..., Build]) -> dict[str, Build]:
    built = {language: build_site(language, "html") for language in EDITIONS}
    for build in built.values():
        assert build.returncode == 0, build.stderr
    return built


def article(build: Build, docname: str) -> str:
    return " ".join(build.html(docname).select_one("article").get_text(" ").split())


def card_field(build: Build, docname: str, index: int) -> str:
    card = build.html(docname).select_one("article .resume-project")
    return " ".join(card.select("dd")[index].get_text(" ").split())


# -- Open source: contributed to four, developed on two ---------------------------------------

# What would make all six read as upstream contributions.
ALL_CONTRIBUTED = {
    "zh_CN": ["使用并贡献过下面这些", "参与和贡献过的六个"],
    "en": ["used and contributed to", "taken part in and contributed to", "contributed to the"],
    "ja": ["利用し、貢献してきた", "参加・貢献してきた六つ"],
}
# How each edition says "developed on it" in a project's relation.
DEVELOPED_ON_WORDS = {"zh_CN": "在其上开发|以其构建", "en": "built .* on it", "ja": "開発|構築"}


@pytest.mark.parametrize("language", EDITIONS)
def test_no_page_calls_all_six_projects_contributions(editions, language):
    for docname in ("index", "projects/index"):
        text = article(editions[language], docname)
        for phrase in ALL_CONTRIBUTED[language]:
            assert phrase not in text, f"{language} {docname}: {phrase!r}"


@pytest.mark.parametrize("language", EDITIONS)
def test_each_relation_says_what_the_resume_says(editions, language):
    build = editions[language]
    for docname in developed_on():
        relation = card_field(build, docname, 2)
        assert relation.startswith(("Developer", "開発者")), relation
        assert re.search(DEVELOPED_ON_WORDS[language], relation), relation
    for docname in contributed():
        relation = card_field(build, docname, 2)
        assert not re.search(DEVELOPED_ON_WORDS[language], relation), relation
    overview = article(build, "projects/index")
    for project in projects().values():
        assert project.name in overview, project.name


@pytest.mark.parametrize("language", EDITIONS)
def test_a_project_names_a_role_only_where_the_resume_ties_it(editions, language):
    build = editions[language]
    for docname, project in projects().items():
        where = build.html(docname).select_one("article .resume-project").select("dd")[-1]
        linked = {a["href"].removeprefix("../").removesuffix(".html") for a in where.select("a")}
        assert linked == set(project.roles), docname
        if not project.roles:
            assert where.get_text(strip=True) == "—", docname
    for role in roles():
        links = {a["href"] for a in build.html(role).select("article .resume-role a.internal")}
        tied = {f"../{name}.html" for name, data in projects().items() if role in data.roles}
        assert links == tied, role


def test_project_pages_add_nothing_the_resume_does_not_say(editions):
    """The résumé describes Kubernetes as the internal platform's scheduling layer only."""
    for language in EDITIONS:
        if "projects/kubernetes" not in projects():
            break
        text = article(editions[language], "projects/kubernetes")
        for addition in ("容器编排", "container orchestration", "コンテナオーケストレーション",
                         "CNCF"):  # fmt: skip
            assert addition not in text, (language, addition)


def test_chinese_sentences_keep_their_object():
    """Split from its heading, 我用于… lost what it uses: each page names it again."""
    for page in projects():
        text = source(page)
        assert "我用于" not in text and "我用其" not in text, page


@pytest.mark.parametrize("language", EDITIONS)
def test_named_contributions_link_to_their_public_pages(editions, language):
    for docname in projects():
        if not (urls := contribution_links(docname)):
            continue
        work = (
            editions[language]
            .html(docname)
            .select_one(f"section#{docname.split('/')[1]}-contribution")
        )
        hrefs = {a["href"] for a in work.select("a[href]")}
        assert urls <= hrefs, (docname, hrefs)


# -- GitHub: a link when configured, no pointer otherwise ----------------------------------------


@pytest.mark.parametrize("language", EDITIONS)
def test_no_dangling_pointer_to_the_github_profile(editions, language):
    text = article(editions[language], "index")
    for pointer in (GITHUB_POINTER, "GitHub profile", "GitHub のプロフィール", "GitHub"):
        assert pointer not in text, pointer


@pytest.mark.parametrize("language", EDITIONS)
def test_the_github_profile_shows_when_configured(opt_in, language):
    build = opt_in(language)
    assert build.returncode == 0, build.stderr
    contact = build.html("index").select_one("article .resume-contact")
    assert contact.find("a", href=re.compile(r"^https://github\.com/")), contact


# -- Orders of magnitude ---------------------------------------------------------------------

# What each edition writes for each scale; and the inflations it must not write.
SCALE_WORDS = {
    "en": {"百万级别": "on the order of a million", "千万级别": "ten million",
           "亿级别": "on the order of a hundred million", "数十万": "several hundred thousand"},
    "ja": {"百万级别": "100 万規模", "千万级别": "1,000 万規模", "亿级别": "億単位", "数十万": "数十万"},
}  # fmt: skip
# A floor written as a plural range ("millions") reads as several times more than the source.
INFLATED = {
    "en": ["several million", "several tens of millions", "millions of", "tens of millions",
           "hundreds of millions"],
    "ja": ["数百万", "数千万"],
}  # fmt: skip
CURRENCIES = ["元", "円", "RMB", "CNY", "yuan", "¥", "$", "人民币", "ドル"]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_scales_are_not_inflated(editions, language):
    pages = ["index", *roles(), *projects()]
    text = " ".join(article(editions[language], page) for page in pages)
    for chinese, words in SCALE_WORDS[language].items():
        assert SCALES[chinese] in " ".join(figures(words)), (chinese, words)
        if sources_say(chinese):
            assert words in text, (chinese, words)
    for inflated in INFLATED[language]:
        assert inflated not in text, inflated
    # A role's cost (成本) is stated without a currency the source does not give.
    for page in [page for page in roles() if "成本" in source(page)]:
        for currency in CURRENCIES:
            if currency not in source(page):
                assert currency not in article(editions[language], page), (page, currency)


# -- Names -----------------------------------------------------------------------------------


@pytest.mark.parametrize("chinese", sorted(EMPLOYER_NAMES))
def test_smaller_employers_by_their_meaning(editions, chinese):
    english, japanese = EMPLOYER_NAMES[chinese]
    named = [d for d, role in roles().items() if role.organisation.startswith(chinese)]
    if not named:
        return  # the résumé names this employer no longer
    (docname,) = named
    en, ja = editions["en"], editions["ja"]
    assert en.html(docname).h1.get_text(strip=True).startswith(english)
    assert ja.html(docname).h1.get_text(strip=True).rstrip("¶#") == japanese
    assert chinese not in ja.html(docname).get_text()
    for text in (en.html(docname).get_text(), ja.html(docname).get_text()):
        assert not re.search(r"Yiliao|Shebei|Youxian|Gongsi|Hulian", text)
    timeline = {lang: editions[lang].html("experience/index").select_one("ul.resume-timeline")
                for lang in ("en", "ja")}  # fmt: skip
    assert english in timeline["en"].get_text() and japanese in timeline["ja"].get_text()
    for lang, name in (("en", english), ("ja", japanese)):
        data = json.loads((editions[lang].outdir / "resume.json").read_text("utf-8"))
        assert any(name in work.get("name", "") for work in data["work"]), lang


def test_japanese_names_each_company_one_way(editions):
    ja = editions["ja"]
    for docname in ["index", *roles(), *projects()]:
        text = article(ja, docname)
        assert "ByteDance の" not in text and "Tencent の" not in text, docname
        assert not re.search(r"字节|腾讯|汇|联|医疗|设备", text), docname
    for chinese, japanese in (
        ("字节跳动", "バイトダンス（ByteDance）"),
        ("腾讯", "テンセント（Tencent）"),
    ):
        if chinese in source("index"):
            assert japanese in article(ja, "index")


@pytest.mark.parametrize(
    ("docname", "title"),
    [("experience/bytedance", "AI インフラテックリーダー（AI Infra Tech Leader）"),
     ("experience/tencent", "シニアソフトウェアエンジニア（Senior Software Engineer）"),
     ("experience/abeam", "アシスタントソフトウェア開発エンジニア（Assistant Software Developer）")],
)  # fmt: skip
def test_japanese_role_titles_with_the_original(editions, docname, title):
    if title.partition("（")[2].rstrip("）") != getattr(roles().get(docname), "title", None):
        return  # the role, or its title, is not in the résumé any more
    card = editions["ja"].html(docname).select_one("article .resume-role")
    assert title in card.get_text()


def test_japanese_register(editions):
    """職務経歴書: no calques, Arabic numerals, the labels a recruiter reads."""
    ja = editions["ja"]
    text = " ".join(
        article(ja, page) for page in ["index", "experience/index", *roles(), *projects()]
    )
    for calque in (
        "0 から 1",
        "自動エンジニアリング化",
        "五つ",
        "六つ",
        "二年間",
        "一年間",
        "立場",
    ):
        assert calque not in text, calque
    for project in projects():
        labels = ja.html(project).select_one("article .resume-project").get_text()
        assert "役割" in labels and "公式サイト" in labels
    certificate = article(ja, "index")
    if sources_say("系统架构设计师"):
        assert "システムアーキテクチャ設計師" in certificate and "軟考" in certificate
    assert "系統架構設計師" not in certificate and "（水平）" not in certificate
    assert "システムアーキテクト" not in certificate  # Japan's own IPA exam


def test_japanese_says_no_more_than_the_source(editions):
    ja = editions["ja"]
    text = " ".join(article(ja, page) for page in ["index", *roles(), *projects()])
    # 上层业务 are the businesses above the platform; 剪映 has no CapCut.
    assert "上位の事業部門" not in text
    if not sources_say("CapCut"):
        assert "CapCut" not in text
    # One job title, one way: テックリーダー, in the roles and in the headline when the home
    # page's (its bold line under the title) says Tech Leader; another headline is the owner's.
    if sources_say("Tech Leader"):
        assert "技術リーダー" not in text and "インフラ テックリーダー" not in text
    home = re.search(r"^# .+\n+\*\*(.+)\*\*$", source("index"), re.M)
    if home and "Tech Leader" in home[1]:
        headline = ja.html("index").select_one("article p").get_text()
        assert "テックリーダー" in headline, headline


def _messages(language: str) -> list[tuple[str, str]]:
    """Every (msgid, msgstr) of the edition's page catalogs."""
    from babel.messages.pofile import read_po

    found = []
    for path in sorted((REPO / "locales" / language / "LC_MESSAGES").rglob("*.po")):
        if path.name != "sphinx.po":
            with path.open("rb") as file:
                found += [(m.id, m.string) for m in read_po(file) if m.id and m.string]
    return found


@pytest.mark.parametrize("language", ["en", "ja"])
def test_as_of_is_never_by(language):
    """截止 2024 年 is "as of 2024" (2024 年時点): "by 2024" (2024 年までに) means before it."""
    wrong = {"en": r"\b[Bb]y (?:the end of )?{year}\b", "ja": r"{year}\s*年(?:末)?までに"}[language]
    checked = 0
    for msgid, msgstr in _messages(language):
        for year in re.findall(r"截止\s*((?:19|20)\d\d)", msgid):
            checked += 1
            assert not re.search(wrong.format(year=year), msgstr), msgstr
    assert checked


def test_a_current_role_is_told_in_the_present():
    """The overview of a role that runs to the present: "Leads …", never "Lead … Started …"."""
    en = dict(_messages("en"))
    current = [
        page for page in sorted((REPO / "experience").glob("*.md"))
        if re.search(r"^:end:\s*present\s*$", page.read_text("utf-8"), re.M)
    ]  # fmt: skip
    assert current
    for page in current:
        overview = next(
            line for line in page.read_text("utf-8").split("## ", 2)[1].splitlines()[1:] if line
        )
        told = en[overview]
        assert not re.match(r"(Lead|Build|Own|Drive|Manage) ", told), told
        assert not re.search(r"\b(Started|pay down|build up)\b", told), told


def test_no_spoken_language_among_a_roles_technologies():
    """A role's technologies are technologies: no language of the résumé's languages section."""
    spoken = set(re.findall(r"^:language:\s*(.+)$", (REPO / "index.md").read_text("utf-8"), re.M))
    assert spoken
    for page in sorted((REPO / "experience").glob("*.md")):
        line = re.search(r"^:technologies:(.*)$", page.read_text("utf-8"), re.M)
        if line:
            technologies = {word.strip() for word in line.group(1).split(",")}
            assert not technologies & spoken, (page.name, technologies & spoken)


#: Names as the English edition writes them, by the Chinese term of the sources.
ENGLISH_NAMES = {
    "抖音": "Douyin",
    "剪映": "Jianying",
    "火山引擎": "Volcano Engine",
    "Hydra": "Ory Hydra",
    "系统架构设计师": "System Architecture Designer",
}


def test_english_voice_and_names(editions):
    en = editions["en"]
    text = " ".join(article(en, page) for page in ["index", *roles(), *projects()])
    for calque in ("from 0 to 1", "Incubated", "ORY Hydra"):
        assert calque not in text, calque
    if not sources_say("CapCut"):
        assert "CapCut" not in text
    for chinese, name in ENGLISH_NAMES.items():
        if sources_say(chinese):
            assert name in text, name
    # Role sections: an implied subject, and past roles in the past tense.
    for role in roles():
        for item in en.html(role).select(f"section#{role.split('/')[1]}-highlights li"):
            sentence = item.get_text(" ", strip=True)
            assert not sentence.startswith(("I ", "We ")), sentence
    for role in [docname for docname, data in roles().items() if data.end]:
        overview = en.html(role).select_one(f"section#{role.split('/')[1]}-summary p").get_text()
        assert not re.match(r"(Responsible|Lead |Leads |Own )", overview), overview
    if sources_say("Kafka"):
        assert "Storage and middleware" in en.html("index").get_text()  # Kafka is no storage
    # Long bullets read as several sentences: none over 60 words.
    for role in roles():
        for item in en.html(role).select(f"section#{role.split('/')[1]}-highlights li"):
            for sentence in re.split(r"(?<=[.;:])\s", item.get_text(" ", strip=True)):
                assert len(sentence.split()) <= 60, sentence


# -- The ePub's metadata -----------------------------------------------------------------------

AUTHORS = {"zh_CN": "徐鑫", "en": "Xu Xin (徐鑫)", "ja": "徐鑫"}


@pytest.mark.parametrize("language", EDITIONS)
def test_epub_metadata_in_the_edition_language(build_site, language):
    build = build_site(language, "epub")
    assert build.returncode == 0, build.stderr
    (book,) = build.outdir.glob("*.epub")
    with zipfile.ZipFile(book) as archive:
        opf = ET.fromstring(archive.read("content.opf"))
    meta = opf.find("opf:metadata", OPF)
    values = {name: (meta.findtext(f"dc:{name}", namespaces=OPF) or "").strip()
              for name in ("creator", "contributor", "publisher", "rights")}  # fmt: skip
    assert values["creator"] == AUTHORS[language]
    assert "unknown" not in values.values()
    assert values["contributor"] == values["publisher"] == AUTHORS[language]
