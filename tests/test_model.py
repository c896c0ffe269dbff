"""The résumé's model: one snapshot per build and variant, and a role option declared once."""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from test_pdf import poppler

from resume import model as resume_model
from resume.model import Award, Basics, Resume, Tagged, Work
from resume.outputs import RESUME_JSON, file_name
from resume.variants import Variant

from helpers import build

SCHEMA = json.loads((Path(__file__).parent / "data" / "jsonresume.schema.json").read_text("utf-8"))

INDEX = """\
# 首页

(summary)=
## 简介

做平台。

(awards)=
## 奖项

```{resume-certificate}
:title: 证书甲
:summary: 一张证书
:year: 2015
```

```{resume-award}
:title: 奖项乙
:summary: 一个奖项
:year: 2012
```

(experience)=
## 经历

```{toctree}
role
```
"""

ROLE = """\
# 某公司

```{{resume-role}}
:organisation: 某公司
:title: 工程师
:start: 2019
:end: 2021
{extra}```

正文。

- 做了一件事。
"""

#: All a project adds to give ``resume-role`` one more option: this declaration, in its conf.py.
LOCATION = """
resume_pdf_pages = 0

def setup(app):
    from resume.model import RoleOption, add_role_option

    def place(text):
        text = " ".join(text.split())
        if not text or any(c.isdigit() for c in text):
            raise ValueError(f"{text!r} is not a place: write the city's name")
        return text

    add_role_option(app, RoleOption("location", key="location", label="Location", check=place))
"""


#: The declared label's translation, in the edition's interface catalog as every label's.
LABEL_CATALOG = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Location"
msgstr "地点"
"""


def project(make_project, extra: str, conf: str = LOCATION, catalog: bool = True) -> Path:
    pages = {"index.md": INDEX, "role.md": ROLE.format(extra=extra)}
    if catalog:
        pages["locales/zh_CN/LC_MESSAGES/sphinx.po"] = LABEL_CATALOG
    return make_project(pages, conf)


def test_a_declared_role_option_reaches_the_card_the_json_and_the_text(make_project, tmp_path):
    src = project(make_project, ":location: 上海\n")
    site = build(src, tmp_path / "site")
    assert site.returncode == 0, site.stderr
    card = site.html("role").select_one(".resume-role").get_text(" ")
    assert "地点" in card and "上海" in card and "Location" not in card
    data = json.loads((site.outdir / RESUME_JSON).read_text("utf-8"))
    assert data["work"][0]["location"] == "上海"
    assert not list(Draft7Validator(SCHEMA).iter_errors(data))

    paper = build(src, tmp_path / "paper", "resumepdf")
    assert paper.returncode == 0, paper.stderr
    text = (paper.outdir / file_name("zh-cn", "txt")).read_text("utf-8").splitlines()
    assert text[text.index("工程师 · 2019 – 2021") + 1] == "地点：上海"
    shown = poppler("pdftotext", str(paper.outdir / file_name("zh-cn", "pdf")), "-")
    assert "2019 – 2021\n地点：上海\n" in shown


def test_a_declared_label_without_its_translation_fails_at_the_role(make_project, tmp_path):
    site = build(project(make_project, ":location: 上海\n", catalog=False), tmp_path / "site")
    assert site.returncode != 0
    said = [line for line in site.stderr.splitlines() if "'Location'" in line]
    assert said and "role.md:" in said[0] and "sphinx.po" in said[0], site.stderr
    assert "What to do:" in said[0] and "[resume.catalog]" in said[0]
    # What the message says to do next (nox -s catalogs, a gettext build) is not refused.
    src = project(make_project, ":location: 上海\n", catalog=False)
    extracted = build(src, tmp_path / "gettext", "gettext")
    assert extracted.returncode == 0, extracted.stderr


def test_a_declared_role_option_is_checked_at_its_line(make_project, tmp_path):
    result = build(project(make_project, ":location: 42\n"), tmp_path / "out")
    assert result.returncode != 0
    assert "role.md:8" in result.stderr
    assert "location: '42' is not a place" in result.stderr


def test_an_undeclared_role_option_is_refused(make_project, tmp_path):
    conf = "resume_pdf_pages = 0\n"
    result = build(project(make_project, ":location: 上海\n", conf=conf), tmp_path / "out")
    assert result.returncode != 0
    assert "Unknown option key" in result.stderr


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ('RoleOption("title", key="location"', "'title': the name is taken"),
        ('RoleOption("location", key="position"', "key 'position' is taken"),
    ],
    ids=["option", "json-key"],
)
def test_a_role_option_may_not_take_a_built_in_name(make_project, tmp_path, declared, message):
    conf = LOCATION.replace('RoleOption("location", key="location"', declared)
    result = build(project(make_project, "", conf=conf), tmp_path / "out")
    assert result.returncode != 0
    assert message in result.stderr


def test_the_model_is_built_once_per_build_for_every_view(make_project, tmp_path, monkeypatch):
    built = []
    original = resume_model.build

    def counted(app):
        built.append(app.builder.name)
        return original(app)

    monkeypatch.setattr(resume_model, "build", counted)
    src = project(make_project, ":location: 上海\n")
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text("utf-8") + "html_baseurl = 'https://example.org/zh-cn/latest/'\n", "utf-8"
    )
    site = build(src, tmp_path / "site")
    assert site.returncode == 0, site.stderr
    # The JSON-LD, resume.json, the vCard and the social card's tags and image: one model.
    assert built == ["html"]
    data = json.loads((site.outdir / RESUME_JSON).read_text("utf-8"))
    # Awards before certificates, whatever the page's order.
    assert [a["title"] for a in data["awards"]] == ["奖项乙"]
    assert [c["name"] for c in data["certificates"]] == ["证书甲"]
    ld = site.html("index").find("script", type="application/ld+json").string
    assert json.loads(ld)["award"] == ["奖项乙", "证书甲"]


# -- Cutting a variant out of the model ----------------------------------------------------

TAGS = st.lists(st.sampled_from(["a", "b", "c"]), max_size=2, unique=True).map(tuple)


def snapshot(roles: list[tuple[tuple[str, ...], list[tuple[str, ...]]]]) -> Resume:
    work = tuple(
        Work(
            page=f"r{i}",
            heading=f"R{i}",
            name=f"R{i}",
            position="",
            url="",
            start="2000",
            end="2001",
            period="",
            keywords=(),
            summary="",
            highlights=tuple(Tagged(f"r{i}b{j}", t) for j, t in enumerate(bullets)),
            tags=tags,
        )
        for i, (tags, bullets) in enumerate(roles)
    )
    return Resume(
        language="en",
        basics=Basics("N", "N", "", "", "", ()),
        summary="",
        summaries=(),
        highlights=(),
        work=work,
        projects=(),
        skills=(),
        languages=(),
        education=(),
        awards=(Award("x", "", "2000"), Award("y", "", "2001", certificate=True)),
        sections={},
        last_modified=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
        updated="",
    )


@given(
    roles=st.lists(st.tuples(TAGS, st.lists(TAGS, max_size=3)), max_size=4),
    include=TAGS,
    exclude=TAGS,
)
def test_a_cut_keeps_what_the_variant_keeps_in_the_models_order(roles, include, exclude):
    whole = snapshot(roles)
    variant = Variant(
        "v", "en", include=frozenset(include), exclude=frozenset(exclude) - set(include)
    )
    cut = whole.cut(variant)
    assert [w.page for w in cut.work] == [w.page for w in whole.work if variant.keeps(w.tags)]
    for role in cut.work:
        original = next(w for w in whole.work if w.page == role.page)
        assert role.highlights == tuple(h for h in original.highlights if variant.keeps(h.tags))
    assert cut.variant == "v" and whole.cut(None) is whole
    assert [a.certificate for a in cut.awards] == [False, True]


@pytest.mark.parametrize("summary", ["", "platform"])
def test_a_cut_takes_its_summary_from_its_tagged_paragraph(summary):
    whole = snapshot([])
    whole = dataclasses.replace(
        whole, summary="all", summaries=(Tagged("all"), Tagged("platform only", ("platform",)))
    )
    cut = whole.cut(Variant("v", "en", summary=summary))
    assert cut.summary == ("platform only" if summary else "all")
