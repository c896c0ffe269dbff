"""Machine-readable résumé data: the home page's JSON-LD and resume.json, against the pages."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft7Validator

from resume.data import split_list
from resume.languages import BY_SPHINX, EDITIONS
from resume.machine_readable import script

from helpers import GITHUB, MADE_UP, OPT_IN_BASEURL, REPO, Build, build
from resume_sources import allowed_han, directives, pages, projects, roles, source

SCHEMA = json.loads((Path(__file__).parent / "data" / "jsonresume.schema.json").read_text("utf-8"))
VALIDATOR = Draft7Validator(SCHEMA, format_checker=Draft7Validator.FORMAT_CHECKER)
# Kana, CJK punctuation and ideographs, and full-width forms: none belongs in an English text.
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
BASEURL = OPT_IN_BASEURL.format("en")


def json_ld(soup: BeautifulSoup) -> list[dict[str, Any]]:
    return [json.loads(tag.string) for tag in soup.find_all("script", type="application/ld+json")]


def resume_json(build: Build) -> dict[str, Any]:
    return json.loads((build.outdir / "resume.json").read_text("utf-8"))


def field_values(card: Any) -> list[str]:
    return [dd.get_text(" ", strip=True) for dd in card.select("dd")]


def field_names(card: Any) -> list[str]:
    return [dt.get_text(strip=True).rstrip(":：") for dt in card.select("dt")]


def strings(value: Any) -> list[str]:
    """Every string in a JSON value, keys aside."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def built(build: Build) -> Build:
    assert build.returncode == 0, build.stderr
    assert build.stderr == "", build.stderr
    return build


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_json_ld_says_what_the_pages_say(build_site, language):
    site = built(build_site(language, "html"))
    home = site.html("index")
    [person] = json_ld(home)
    assert person["@type"] == "Person"
    assert person["@context"] == ["https://schema.org", {"@language": BY_SPHINX[language].tag}]

    # The name and headline are the page's title; the description is its summary section.
    assert f"{person['name']} · {person['jobTitle']}" == home.title.get_text()
    summary = home.select_one("section#summary p").get_text()
    assert person["description"] == " ".join(summary.split())

    # Works for the organisation of the current role, as its page names it in this edition.
    (current,) = [docname for docname, data in roles().items() if data.end is None]
    role = site.html(current).select_one(".resume-role")
    organisation, title = field_values(role)[:2]
    assert person["worksFor"] == {"@type": "Organization", "name": organisation}
    assert person["hasOccupation"] == {"@type": "Occupation", "name": title}

    school = field_values(home.select_one(".resume-education"))[1]
    assert person["alumniOf"] == [{"@type": "EducationalOrganization", "name": school}]

    names = [field_names(card)[0] for card in home.select(".resume-language")]
    assert person["knowsLanguage"] == [
        {"@type": "Language", "name": name, "alternateName": code}
        for name, code in zip(names, ["zh", "en", "ja"], strict=True)
    ]
    awards = home.select(".resume-award, .resume-certificate")
    assert person["award"] == [field_names(card)[0] for card in awards]

    # Nothing the owner did not configure or publish: no profiles, no masked "telephone".
    assert "sameAs" not in person and "telephone" not in person and "url" not in person


def test_json_ld_only_on_the_home_page(site):
    pages = sorted(site.outdir.rglob("*.html"))
    with_json_ld = [
        p.relative_to(site.outdir).as_posix()
        for p in pages
        if "application/ld+json" in p.read_text("utf-8")
    ]
    assert with_json_ld == ["index.html"]


def test_json_ld_cannot_close_its_script():
    tag = script({"name": "</script><script>alert(1)</script>"})
    assert tag.count("</script") == 1 and tag.endswith("</script>\n")
    body = tag.split(">", 1)[1].rsplit("</script>", 1)[0]
    assert json.loads(body)["name"] == "</script><script>alert(1)</script>"


def test_no_json_ld_or_resume_json_in_the_epub(build_site):
    book = built(build_site("zh_CN", "epub"))
    assert not (book.outdir / "resume.json").exists()
    for path in book.outdir.rglob("*"):
        if path.is_file() and path.suffix in (".xhtml", ".html", ".opf", ".ncx"):
            assert "ld+json" not in path.read_text("utf-8"), path


@pytest.mark.parametrize("language", [e.sphinx for e in EDITIONS])
def test_resume_json_is_valid_json_resume(build_site, language):
    site = built(build_site(language, "html"))
    resume = resume_json(site)
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in VALIDATOR.iter_errors(resume)]
    assert errors == []

    # Without a base URL there is no address to give; without the opt-in, no phone.
    assert "url" not in resume["basics"] and "phone" not in resume["basics"]
    assert resume["basics"]["profiles"] == []
    assert resume["meta"]["language"] == BY_SPHINX[language].tag

    [person] = json_ld(site.html("index"))
    assert resume["basics"]["name"] == person["name"]
    assert resume["basics"]["label"] == person["jobTitle"]
    assert resume["basics"]["summary"] == person["description"]
    current, *earlier = resume["work"]
    assert current["name"] == person["worksFor"]["name"] and "endDate" not in current
    assert all("endDate" in item for item in earlier)
    starts = [item["startDate"] for item in resume["work"]]
    assert starts == sorted(starts, reverse=True)  # newest first
    schools = [s["name"] for s in person["alumniOf"]]
    assert [e["institution"] for e in resume["education"]] == schools
    awards = [a["title"] for a in resume["awards"]] + [c["name"] for c in resume["certificates"]]
    assert awards == person["award"]
    data = [options for docname in sorted(pages()) for options in directives(source(docname))]
    keywords = [len(split_list(o["keywords"])) for name, o in data if name == "resume-skills"]
    assert [len(item["keywords"]) for item in resume["skills"]] == keywords
    assert len(resume["languages"]) == sum(name == "resume-language" for name, _o in data)
    assert len(resume["projects"]) == len(projects())
    assert all(item["highlights"] for item in resume["work"] + resume["projects"])


def test_resume_json_english_is_english(build_site):
    resume = resume_json(built(build_site("en", "html")))
    for text in strings(resume):
        for name in allowed_han():
            text = text.replace(name, "")
        assert not CJK.search(text), text


def test_resume_json_is_deterministic(build_site, tmp_path):
    """A second build of the same date, reading in parallel, gives the same bytes: no time but
    the build's date (meta.lastModified), no read order."""
    first = built(build_site("zh_CN", "html"))
    stamp = datetime.datetime.fromisoformat(resume_json(first)["meta"]["lastModified"])
    same_date = {"resume_build_date": int(stamp.replace(tzinfo=datetime.UTC).timestamp())}
    second = built(
        build(REPO, tmp_path / "again", "html", "zh_CN", confoverrides=same_date, parallel=2)
    )
    again = (second.outdir / "resume.json").read_bytes()
    assert again == (first.outdir / "resume.json").read_bytes()
    assert json_ld(second.html("index")) == json_ld(first.html("index"))


@pytest.fixture(scope="module")
def configured(opt_in) -> Build:
    """The English edition with a base URL and the phone opt-in (and a GitHub profile)."""
    return built(opt_in("en", "html"))


def test_configured_details_and_addresses(configured):
    home = configured.html("index")
    [person] = json_ld(home)
    canonical = home.find("link", rel="canonical")["href"]
    assert person["url"] == canonical == f"{BASEURL}index.html"
    assert person["telephone"] == MADE_UP

    resume = resume_json(configured)
    assert list(VALIDATOR.iter_errors(resume)) == []
    basics = resume["basics"]
    assert basics["url"] == person["url"] and basics["phone"] == MADE_UP
    assert resume["meta"]["canonical"] == f"{BASEURL}resume.json"
    # Each role links to its page, which exists in this output.
    for item in resume["work"]:
        assert item["url"].startswith(BASEURL)
        assert (configured.outdir / item["url"].removeprefix(BASEURL)).is_file(), item["url"]
    assert resume["work"][0]["url"] == f"{BASEURL}{next(iter(roles()))}.html"  # the newest


def test_only_configured_profiles(make_project, tmp_path):
    """A GitHub profile set for the build is the one ``sameAs`` and the one profile."""
    conf = (
        "html_title = 'A title the owner is not read back from'\n"
        "resume_owner = {'zh_CN': {'name': 'Name', 'headline': 'Headline'}}\n"
        "resume_contact = {'github': {'value': '', 'visibility': 'public'}}\n"
    )
    src = make_project({"index.md": "# Name\n\n```{resume-contact}\n```\n"}, conf)
    bare = built(build(src, tmp_path / "bare"))
    values = {"resume_contact_values": {"github": GITHUB}}
    profile = built(build(src, tmp_path / "profile", confoverrides=values))

    [person] = json_ld(bare.html("index"))
    assert "sameAs" not in person and resume_json(bare)["basics"]["profiles"] == []
    [person] = json_ld(profile.html("index"))
    assert person["sameAs"] == [GITHUB]
    assert (person["name"], person["jobTitle"]) == ("Name", "Headline")
    resume = resume_json(profile)
    assert list(VALIDATOR.iter_errors(resume)) == []
    github = {"network": "GitHub", "username": "example", "url": GITHUB}
    assert resume["basics"]["profiles"] == [github]
