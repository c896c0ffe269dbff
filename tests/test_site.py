"""The Chinese edition, built from the real pages: structure, fidelity and metadata."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from resume.dates import format_period
from resume.figures import figures
from resume.languages import EDITIONS, SOURCE

from resume_sources import (
    catalog,
    conf_literal,
    directives,
    pages,
    phone,
    projects,
    prose_figures,
    redirected,
    roles,
    source,
)

# The source's typos and OCR slips, which no page may carry over (each a pattern of the wrong
# form), and lines of the source that are not about the owner.
TYPOS = [
    r"\bAl(?= ?(?:Infra|能力))", r"ComfyUl", r"Infrastruct\b", r"Javescript", r"HTLM", r"Kafak",
    r"\bfixs\b", r"ApacheA(?:PISIX|pisix)|Apache Apisix", r"ApachePMC", r"Openresty",
    r"\b[Oo]auth2", r"Mysql", r"SqlServer", r"\bMongo(?!DB)", r"\bEtcd\b", r"\bCss\b", r"DotNet",
    r"GoogleAPI", r"CustomMethod", r"ModelMultiplexing", r"\bGO\b", r"\bPOD\b", r"\bc#|\bc\+\+",
]  # fmt: skip
LEFT_OUT = ["Xiaoying Riley", "CowboySmall", "Hugo", "Designed with"]
#: The options whose comma-separated items are names the pages show (skills, technologies).
NAME_LISTS = ("technologies", "keywords")


def article_text(soup: BeautifulSoup) -> str:
    return " ".join(soup.find("article").get_text(" ").split())


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def names() -> set[str]:
    """Every technology and skill the pages' data lists."""
    return {
        item.strip()
        for docname in pages()
        for _name, options in directives(source(docname))
        for key in NAME_LISTS
        for item in re.split(r"[,，、]", options.get(key, ""))
        if item.strip()
    }


@pytest.fixture(scope="module")
def site_text(site) -> str:
    return " ".join(article_text(site.html(page)) for page in sorted(pages()))


@pytest.fixture(scope="module")
def epub_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as book:
        members = [n for n in book.namelist() if n.endswith(".xhtml")]
        texts = [BeautifulSoup(book.read(n), "html.parser").get_text(" ") for n in members]
    return " ".join(" ".join(texts).split())


def test_build_is_clean(site):
    assert site.returncode == 0, site.stderr
    assert site.stderr == ""


def test_only_the_documents_are_pages(site):
    written = {
        str(path.relative_to(site.outdir).with_suffix("")) for path in site.outdir.rglob("*.html")
    }
    assert written - {"genindex", "search", "404"} - redirected() == pages()


@pytest.mark.parametrize("docname", sorted(roles()))
def test_role_page(site, docname):
    role = roles()[docname]
    soup = site.html(docname)
    card = soup.select_one("article .resume-role")
    fields = {
        dt.get_text(strip=True).rstrip(":"): dd.get_text(" ", strip=True)
        for dt, dd in zip(card.select("dt"), card.select("dd"), strict=True)
    }
    assert role.organisation in fields["公司"]
    assert fields["职位"] == role.title
    assert fields["时间"] == format_period(role.start, role.end, SOURCE.sphinx)
    assert soup.h1.get_text(strip=True).rstrip("¶#") in fields["公司"]
    highlights = soup.select_one(f"section#{docname.split('/')[1]}-highlights")
    assert len(highlights.select("li")) == role.bullets


@pytest.mark.parametrize("docname", sorted(projects()))
def test_project_page_links_both_ways(site, docname):
    project = projects()[docname]
    soup = site.html(docname)
    assert soup.h1.get_text(strip=True).rstrip("¶#") == project.name
    card = soup.select_one("article .resume-project")
    assert card.find("a", href=project.url), f"{docname}: no link to {project.url}"
    linked_roles = {
        a["href"].removeprefix("../").removesuffix(".html") for a in card.select("a.internal")
    }
    assert linked_roles == set(project.roles)
    project_file = docname.split("/")[1]
    for role in project.roles:
        back = site.html(role).select_one("article .resume-role")
        hrefs = {a["href"] for a in back.select("a.internal")}
        assert f"../projects/{project_file}.html" in hrefs, f"{role} does not link to {docname}"


def test_a_role_without_projects_says_so(site):
    tied = {role for project in projects().values() for role in project.roles}
    for docname in set(roles()) - tied:
        card = site.html(docname).select_one("article .resume-role")
        assert card.select("a.internal") == [], docname
        assert card.select("dd")[-1].get_text(strip=True) == "—", docname


def test_timeline_newest_first_without_javascript(site):
    soup = site.html("experience/index")
    timeline = soup.select_one("article ul.resume-timeline")
    items = timeline.select("li.resume-timeline-item")
    periods = [item.select_one(".resume-timeline-period").get_text() for item in items]
    expected = [format_period(r.start, r.end, SOURCE.sphinx) for r in roles().values()]
    assert periods == expected
    for item in items:
        bar = item.select_one(".resume-timeline-bar")
        assert bar["aria-hidden"] == "true"  # the text before it is the equivalent
        span = bar.select_one(".resume-timeline-span")
        start, width = (float(v) for v in re.findall(r"[\d.]+", span["style"]))
        assert 0 <= start < 1 and 0 < width <= 1 - start + 1e-9
        assert item.select_one("a.internal")["href"].endswith(".html")
    assert timeline.find("script") is None


def test_timeline_bars_follow_the_periods(site):
    spans = site.html("experience/index").select(".resume-timeline-span")
    starts = [float(re.search(r"--start: ([\d.]+)", s["style"])[1]) for s in spans]
    assert starts == sorted(starts, reverse=True)
    assert starts[-1] == 0  # the first role begins the axis


@pytest.mark.parametrize("docname", sorted(pages()))
def test_every_figure_of_the_prose_reaches_the_html_and_the_epub(site, epub_text, docname):
    stated = prose_figures(docname)
    assert stated - set(figures(article_text(site.html(docname)))) == set()
    assert stated - set(figures(epub_text)) == set()


def test_every_name_reaches_the_html_and_the_epub(site_text, epub_text):
    for text in (site_text, epub_text):
        missing = [name for name in names() if squeeze(name) not in squeeze(text)]
        assert missing == []


@pytest.mark.parametrize("wrong", TYPOS)
def test_no_typo_of_the_source_is_carried_over(site_text, wrong):
    assert not re.search(wrong, site_text), f"{wrong!r} is on the site"


def test_template_credits_are_left_out(site_text, epub_text):
    for credit in LEFT_OUT:
        assert credit not in site_text
        assert credit not in epub_text


def test_at_a_glance_links_to_roles(site):
    glance = site.html("index").select_one("article .resume-glance")
    items = glance.select("li")
    assert items
    for item in items:
        link = item.find("a", class_="internal")
        assert link and link["href"].removesuffix(".html") in roles(), item.get_text()


def test_phone_is_masked_and_github_renders_nothing(site):
    contact = site.html("index").select_one("article .resume-contact")
    assert phone().masked in contact.get_text()
    assert contact.find("a", href=re.compile("^tel:")) is None
    assert "GitHub" not in contact.get_text()


@pytest.mark.parametrize("page", sorted(pages()))
def test_page_metadata(site, page):
    soup = site.html(page)
    title = soup.title.get_text()
    owner = conf_literal("resume_owner")["zh_CN"]
    assert title.endswith(f"{owner['name']} · {owner['headline']}")
    assert "文档" not in title
    description = soup.find("meta", attrs={"name": "description"})
    assert description and len(description["content"]) >= 10
    assert soup.html["lang"] == "zh-CN"


def test_the_home_page_shows_the_headline_conf_py_gives():
    """The headline is written twice, in ``resume_owner`` (the titles, the ePub, the JSON-LD,
    the PDF, the card) and as the home page's bold line under its title (the catalogs translate
    it): an owner who changes one must change the other, in every edition."""
    owner = conf_literal("resume_owner")
    line = re.search(r"^# .+\n+(\*\*.+\*\*)$", source("index"), re.M)
    assert line, "index.md has no bold headline line under its title"
    for edition in EDITIONS:
        text = line[1] if edition == SOURCE else catalog(edition.sphinx, "index").get(line[1], "")
        assert owner[edition.sphinx]["headline"] in text, (edition.sphinx, text)


@pytest.mark.parametrize("page", sorted(pages()))
def test_headings_have_ascii_anchors(site, page):
    for section in site.html(page).select("article section"):
        assert re.fullmatch(r"[a-z][a-z0-9-]*", section["id"]), section["id"]
