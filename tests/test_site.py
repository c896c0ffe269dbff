"""The Chinese edition, built from the real pages: structure, fidelity and metadata."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from resume_facts import CORRECTIONS, FIGURES, LEFT_OUT, NAMES, PAGES, PROJECTS, ROLES


def article_text(soup: BeautifulSoup) -> str:
    return " ".join(soup.find("article").get_text(" ").split())


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def site_text(site) -> str:
    return " ".join(article_text(site.html(page)) for page in sorted(PAGES))


@pytest.fixture(scope="module")
def epub_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as book:
        pages = [n for n in book.namelist() if n.endswith(".xhtml")]
        texts = [BeautifulSoup(book.read(n), "html.parser").get_text(" ") for n in pages]
    return " ".join(" ".join(texts).split())


def test_build_is_clean(site):
    assert site.returncode == 0, site.stderr
    assert site.stderr == ""


def test_only_the_documents_are_pages(site):
    pages = {
        str(path.relative_to(site.outdir).with_suffix("")) for path in site.outdir.rglob("*.html")
    }
    assert pages - {"genindex", "search", "404"} == PAGES


@pytest.mark.parametrize("docname", sorted(ROLES))
def test_role_page(site, docname):
    organisation, title, period, bullets = ROLES[docname]
    soup = site.html(docname)
    card = soup.select_one("article .resume-role")
    fields = {
        dt.get_text(strip=True).rstrip(":"): dd.get_text(" ", strip=True)
        for dt, dd in zip(card.select("dt"), card.select("dd"), strict=True)
    }
    assert organisation in fields["公司"]
    assert fields["职位"] == title
    assert fields["时间"] == period
    assert soup.h1.get_text(strip=True).rstrip("¶#") in fields["公司"]
    highlights = soup.select_one(f"section#{docname.split('/')[1]}-highlights")
    assert len(highlights.select("li")) == bullets


@pytest.mark.parametrize("docname", sorted(PROJECTS))
def test_project_page_links_both_ways(site, docname):
    name, url, roles = PROJECTS[docname]
    soup = site.html(docname)
    assert soup.h1.get_text(strip=True).rstrip("¶#") == name
    card = soup.select_one("article .resume-project")
    assert card.find("a", href=url), f"{docname}: no link to {url}"
    linked_roles = {
        a["href"].removeprefix("../").removesuffix(".html") for a in card.select("a.internal")
    }
    assert linked_roles == set(roles)
    project_file = docname.split("/")[1]
    for role in roles:
        back = site.html(role).select_one("article .resume-role")
        hrefs = {a["href"] for a in back.select("a.internal")}
        assert f"../projects/{project_file}.html" in hrefs, f"{role} does not link to {docname}"


def test_role_without_projects_says_so(site):
    card = site.html("experience/abeam").select_one("article .resume-role")
    assert card.select("a.internal") == []
    assert card.select("dd")[-1].get_text(strip=True) == "—"


def test_timeline_newest_first_without_javascript(site):
    soup = site.html("experience/index")
    timeline = soup.select_one("article ul.resume-timeline")
    items = timeline.select("li.resume-timeline-item")
    periods = [item.select_one(".resume-timeline-period").get_text() for item in items]
    assert periods == sorted((r[2] for r in ROLES.values()), reverse=True)
    assert periods[0] == ROLES["experience/bytedance"][2]
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


def test_every_figure_reaches_the_html(site_text):
    text = squeeze(site_text)
    missing = [figure for figure in FIGURES if squeeze(figure) not in text]
    assert missing == []


def test_every_name_reaches_the_html(site_text):
    text = squeeze(site_text)
    missing = [name for name in NAMES if squeeze(name) not in text]
    assert missing == []


def test_every_figure_and_name_reaches_the_epub(epub_text):
    text = squeeze(epub_text)
    missing = [item for item in FIGURES + NAMES if squeeze(item) not in text]
    assert missing == []


@pytest.mark.parametrize(("wrong", "right"), CORRECTIONS, ids=[c[1] for c in CORRECTIONS])
def test_typo_is_corrected(site_text, wrong, right):
    assert not re.search(wrong, site_text), f"{wrong!r} is still on the site"
    assert right in site_text


def test_template_credits_are_left_out(site_text, epub_text):
    for credit in LEFT_OUT:
        assert credit not in site_text
        assert credit not in epub_text


def test_at_a_glance_links_to_roles(site):
    glance = site.html("index").select_one("article .resume-glance")
    items = glance.select("li")
    assert len(items) >= 6
    for item in items:
        link = item.find("a", class_="internal")
        assert link and link["href"].removesuffix(".html") in ROLES, item.get_text()


def test_phone_is_masked_and_github_renders_nothing(site):
    contact = site.html("index").select_one("article .resume-contact")
    assert "+86 136 **** 3209" in contact.get_text()
    assert contact.find("a", href=re.compile("^tel:")) is None
    assert "GitHub" not in contact.get_text()


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_metadata(site, page):
    soup = site.html(page)
    title = soup.title.get_text()
    assert title.endswith("徐鑫 · 基础架构技术负责人")
    assert "文档" not in title
    description = soup.find("meta", attrs={"name": "description"})
    assert description and len(description["content"]) >= 10
    assert soup.html["lang"] == "zh-CN"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_headings_have_ascii_anchors(site, page):
    for section in site.html(page).select("article section"):
        assert re.fullmatch(r"[a-z][a-z0-9-]*", section["id"]), section["id"]
