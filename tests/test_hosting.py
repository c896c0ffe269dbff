"""Hosting on Read the Docs: its builds reproduced, and what search engines and link previews read.

Read the Docs' builds (``read_the_docs_builds``, ``helpers.read_the_docs``) are reproduced for
the ``zh-cn`` parent and the ``en`` translation, plus one unlisted Chinese build
(``RESUME_NOINDEX``). The local release build (``good_release``) is checked for what it shares:
the ePub link, robots.txt and nothing loaded from elsewhere.
"""

from __future__ import annotations

import json
import posixpath
import shlex
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from resume.hosting import og_locale
from resume.languages import EDITIONS, SOURCE
from resume.outputs import BASENAME, published
from tools import readthedocs

from helpers import REPO, RTD_BASE, RTD_CODES, RTD_PROJECT, ReadTheDocs, site_pages
from resume_sources import roles

PROJECT = RTD_PROJECT
BASE = RTD_BASE
CODES = RTD_CODES  # the parent and one translation
SCHEMA = REPO / "tests" / "data" / "readthedocs-config-v2.schema.json"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
UNLISTED = {"search.html", "404.html"}


@pytest.fixture(scope="module")
def builds(read_the_docs_builds) -> dict[str, ReadTheDocs]:
    return read_the_docs_builds


@pytest.fixture(params=CODES)
def build(request, builds) -> ReadTheDocs:
    return builds[request.param]


def meta(page: BeautifulSoup, key: str, attribute: str = "property") -> list[str]:
    return [tag["content"] for tag in page.find_all("meta", attrs={attribute: key})]


# -- .readthedocs.yaml ---------------------------------------------------------------------


def test_read_the_docs_config_is_valid():
    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text("utf-8"))
    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(config)]
    assert errors == []
    assert config["version"] == 2
    assert config["build"]["tools"]["python"] == "3.12"
    # The PDF's fonts, pinned by their digest, in an install of their own (pip's hash-checking
    # mode covers a whole install), then the build's dependencies, as nox installs them.
    installed = [entry["requirements"] for entry in config["python"]["install"]]
    assert installed == ["requirements-fonts.txt", "requirements.txt"]
    assert all((REPO / name).is_file() for name in installed)
    assert config["sphinx"] == {"configuration": "conf.py", "fail_on_warning": True}
    assert "epub" in config["formats"]


def test_read_the_docs_runs_the_projects_own_recipe():
    """``.readthedocs.yaml`` repeats no file name and no Sphinx argument: each of its jobs is a
    command of ``tools/readthedocs.py``, and what Read the Docs builds itself (the formats, the
    strictness) is what that module reproduces for the tests and Lighthouse."""
    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text("utf-8"))
    jobs = [command for commands in config["build"]["jobs"].values() for command in commands]
    assert jobs
    for command in jobs:
        python, flag, module, *arguments = shlex.split(command)
        assert (python, flag, module) == ("python", "-m", "tools.readthedocs"), command
        assert readthedocs.parser().parse_args(arguments).command in readthedocs.COMMANDS
        assert BASENAME not in command and "sphinx" not in command, command
    assert ["html", *config["formats"]] == list(readthedocs.FORMATS)
    assert config["sphinx"]["fail_on_warning"] is True
    assert readthedocs.STRICT == ("-W", "--keep-going")
    assert readthedocs.sphinx_command("epub", "en", REPO, Path("out"), Path("doctrees"))[3:] == [
        "-T", "-W", "--keep-going", "-b", "epub", "-d", "doctrees", "-D", "language=en",
        str(REPO), str(Path("out") / "epub"),
    ]  # fmt: skip


def test_schema_rejects_a_wrong_config():
    schema = json.loads(SCHEMA.read_text("utf-8"))
    wrong = {"version": 2, "build": {"os": "ubuntu-24.04"}, "sphinx": {"fail_on_warnings": True}}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(wrong))


# -- Read the Docs' builds -----------------------------------------------------------------


def test_builds_are_clean(builds):
    for name, build in builds.items():
        for builder, log in build.logs.items():
            assert "WARNING" not in log and "ERROR" not in log, f"{name} {builder}:\n{log}"


def test_canonical_url(build):
    for name in build.pages():
        links = build.page(name).find_all("link", rel="canonical")
        if name == "404.html":  # a "not found" answer has no address of its own
            assert links == []
            continue
        assert [link["href"] for link in links] == [build.base + name], name


def test_hreflang_names_every_edition_and_x_default(build):
    for name in build.pages():
        links = build.page(name).find_all("link", rel="alternate")
        found = {link["hreflang"]: link["href"] for link in links}
        assert len(found) == len(links) == len(EDITIONS) + 1, name
        assert found == {
            **{e.tag: BASE.format(e.code) + name for e in EDITIONS},
            "x-default": BASE.format(SOURCE.code) + name,
        }, name


def test_open_graph(build):
    locales = {"zh-cn": "zh_CN", "en": "en_US"}
    for name in build.pages():
        page = build.page(name)
        assert meta(page, "og:locale") == [locales[build.code]], name
        assert sorted(meta(page, "og:locale:alternate")) == sorted(
            og_locale(e.tag) for e in EDITIONS if e.code != build.code
        )
        assert meta(page, "og:url") == ([] if name == "404.html" else [build.base + name])
        assert meta(page, "og:description") == meta(page, "description", "name"), name
        assert len(meta(page, "og:title")) == len(meta(page, "og:site_name")) == 1, name
    home = build.page("index.html")
    assert meta(home, "og:type") == ["profile"]
    assert meta(home, "og:description") and meta(home, "og:title") == meta(home, "og:site_name")
    role = build.page(f"{next(iter(roles()))}.html")
    assert meta(role, "og:title") == [role.h1.get_text().rstrip("¶#")]
    assert meta(role, "og:type") == ["website"]


def test_og_locale():
    assert [og_locale(e.tag) for e in EDITIONS] == ["zh_CN", "en_US", "ja_JP"]
    assert og_locale("pt-BR") == "pt_BR" and og_locale("de") == "de_DE"


def test_sitemap(builds, build):
    tree = ET.parse(build.html / "sitemap.xml").getroot()
    assert tree.tag == f"{{{SITEMAP_NS}}}urlset"
    entries = tree.findall(f"{{{SITEMAP_NS}}}url")
    locs = [entry.findtext(f"{{{SITEMAP_NS}}}loc") for entry in entries]
    assert len(locs) == len(set(locs))
    assert set(locs) == {build.base + name for name in build.pages() if name not in UNLISTED}
    assert locs[0] == build.base + "index.html"
    for entry, loc in zip(entries, locs, strict=True):
        assert entry.find(f"{{{SITEMAP_NS}}}lastmod") is None  # nothing from the clock
        name = loc.removeprefix(build.base)
        links = entry.findall(f"{{{XHTML_NS}}}link")
        found = {link.get("hreflang"): link.get("href") for link in links}
        assert found == {
            **{e.tag: BASE.format(e.code) + name for e in EDITIONS},
            "x-default": BASE.format(SOURCE.code) + name,
        }
        # The other edition built here has the page the alternate names.
        for code, other in builds.items():
            if code in CODES:
                assert (other.html / name).is_file(), f"{code} has no {name}"


def test_robots_txt_names_every_sitemap(build):
    lines = (build.html / "robots.txt").read_text("utf-8").splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    sitemaps = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap:")]
    assert sitemaps[0] == build.base + "sitemap.xml"
    assert sorted(sitemaps) == sorted(BASE.format(e.code) + "sitemap.xml" for e in EDITIONS)


def test_only_search_and_not_found_are_unlisted(build):
    robots = {name for name in build.pages() if meta(build.page(name), "robots", "name")}
    assert robots == UNLISTED
    assert meta(build.page("404.html"), "robots", "name") == ["noindex"]


def test_switcher_links_the_other_editions_absolutely(build):
    for name in build.pages():
        switcher = build.page(name).select_one("nav.language-switcher")
        assert [a["href"] for a in switcher.find_all("a")] == [
            BASE.format(e.code) + name for e in EDITIONS if e.code != build.code
        ], name


def test_json_ld_url(build):
    [script] = build.page("index.html").find_all("script", type="application/ld+json")
    assert json.loads(script.string)["url"] == build.base + "index.html"
    resume = json.loads((build.html / "resume.json").read_text("utf-8"))
    assert resume["basics"]["url"] == build.base + "index.html"


def test_every_page_links_the_read_the_docs_downloads(build):
    """The ePub and the PDF, as Read the Docs serves each edition's downloads."""
    url = f"https://{PROJECT}.readthedocs.io/_/downloads/{build.code}/latest/{{}}/"
    expected = [
        (url.format("epub"), "application/epub+zip"),
        (url.format("pdf"), "application/pdf"),
    ]
    for name in build.pages():
        links = build.page(name).select(".sidebar-drawer .resume-downloads a")
        assert [(a["href"], a["type"]) for a in links] == expected, name
        assert "ePub" in links[0].get_text() and "PDF" in links[1].get_text()


def test_no_source_links_even_with_read_the_docs_html_context(builds):
    for name, build in builds.items():
        for page_name in build.pages():
            page = build.page(page_name)
            assert not page.select(".edit-this-page, .view-this-page, a[rel=edit]"), page_name
            hrefs = [a["href"] for a in page.find_all("a", href=True)]
            assert not [h for h in hrefs if "github.com/owner" in h or "/edit/" in h], name
    # The injected context did reach the page: furo shows its Read the Docs footer icon.
    footer = builds["unlisted"].page("index.html").select_one("footer .icons")
    assert footer.find("a", href=f"https://readthedocs.org/projects/{PROJECT}") is not None


def test_not_found_page_works_from_any_depth(builds, build):
    page = build.page("404.html")
    nested = build.base + "no/such/folder/page.html"  # where Read the Docs serves it
    assets = [tag["href"] for tag in page.find_all("link", rel="stylesheet")]
    assets += [tag["src"] for tag in page.find_all(["script", "img"], src=True)]
    assert len(assets) >= 5 and all(url.startswith(build.base) for url in assets), assets
    assert page.html["data-content_root"] == build.base
    urls = [tag.get("href") or tag.get("src") or tag.get("action")
            for tag in page.find_all(["a", "link", "script", "img", "form"])]  # fmt: skip
    roots = {BASE.format(code): other.html for code, other in builds.items() if code in CODES}
    checked = 0
    for url in filter(None, urls):
        if url.startswith("#"):
            continue
        absolute = urljoin(nested, url)
        assert absolute == url, f"{url} is relative: it breaks below the root"
        for base, folder in roots.items():
            if absolute.startswith(base):
                path = urlsplit(absolute).path.removeprefix(urlsplit(base).path)
                assert (folder / path).is_file(), absolute
                checked += 1
    assert checked > 10
    titles = {"zh-cn": "页面不存在", "en": "Page not found"}
    assert page.h1.get_text().rstrip("¶#") == titles[build.code]


def test_epub_passes_epubcheck(build, checked_epubs, epubcheck):
    print(epubcheck(build.epub, checked_epubs))


def test_epub_has_no_web_only_parts(build):
    with zipfile.ZipFile(build.epub) as book:
        names = book.namelist()
        texts = [book.read(n).decode("utf-8") for n in names if n.endswith((".xhtml", ".opf"))]
    assert "404.xhtml" not in names
    for text in texts:
        assert "og:" not in text and "noindex" not in text and "resume-downloads" not in text
    assert not (build.output / "epub" / "sitemap.xml").exists()
    assert not (build.output / "epub" / "robots.txt").exists()


# -- The unlisting switch ------------------------------------------------------------------


def test_noindex_switch(builds):
    build = builds["unlisted"]
    pages = build.pages()
    assert len(pages) > 10
    for name in pages:
        assert meta(build.page(name), "robots", "name") == ["noindex"], name
    assert (build.html / "robots.txt").read_text("utf-8") == "User-agent: *\nDisallow: /\n"
    assert not (build.html / "sitemap.xml").exists()


# -- The local release build ---------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.code)
def test_every_page_links_its_local_epub(good_release, edition):
    root = good_release / "html" / edition.code
    book = good_release / published("epub", edition.code, "epub")
    assert book.is_file()
    pages = [root / name for name in site_pages(root)]
    assert len(pages) > 10
    for path in pages:
        page = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        links = page.select(".sidebar-drawer .resume-downloads a")
        [link] = [a for a in links if a["type"] == "application/epub+zip"]
        target = Path(posixpath.normpath(posixpath.join(path.parent.as_posix(), link["href"])))
        assert target == book, f"{path.relative_to(root)}: {link['href']}"
    assert (root / "robots.txt").read_text("utf-8") == "User-agent: *\nAllow: /\n"
    assert not (root / "sitemap.xml").exists()  # a sitemap needs the site's address


def off_site(page: BeautifulSoup, base: str = "") -> list[str]:
    """What a page would load from elsewhere: scripts, stylesheets, icons, fonts, images, frames.
    Absolute URLs are allowed for links a reader follows (``<a>``), canonical and alternates."""
    embedded = ["script", "img", "iframe", "source", "audio", "video", "embed"]
    loads = [tag["src"] for tag in page.find_all(embedded, src=True)]
    loads += [tag["data"] for tag in page.find_all("object", data=True)]
    loads += [
        tag["href"]
        for tag in page.find_all("link", href=True)
        if not {"canonical", "alternate"} & set(tag.get("rel", []))
    ]
    return [url for url in loads if urlsplit(url).netloc and not (base and url.startswith(base))]


def test_pages_load_nothing_from_elsewhere(good_release, builds):
    sites = [(good_release / "html" / e.code, "") for e in EDITIONS]
    sites += [(build.html, build.base) for build in builds.values()]
    found = {}
    for folder, base in sites:
        pages = [folder / name for name in site_pages(folder)]
        assert len(pages) > 10
        for path in pages:
            if left := off_site(BeautifulSoup(path.read_text("utf-8"), "html.parser"), base):
                found[str(path)] = left
        for css in folder.glob("_static/**/*.css"):
            text = css.read_text("utf-8")
            assert "@import" not in text and "url(http" not in text.replace(" ", ""), css
    assert found == {}


def test_off_site_finds_what_loads_from_elsewhere():
    page = BeautifulSoup(
        '<link rel="stylesheet" href="https://cdn.example/x.css">'
        '<link rel="canonical" href="https://site.example/a.html">'
        '<script src="//cdn.example/x.js"></script><img src="_static/a.png">'
        '<a href="https://github.com/">ok</a>',
        "html.parser",
    )
    assert off_site(page) == ["//cdn.example/x.js", "https://cdn.example/x.css"]
