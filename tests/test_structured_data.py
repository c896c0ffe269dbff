"""Structured role and project data: parsed strictly, errors name the file and the line."""

from __future__ import annotations

import pytest

from resume.data import DataError, Date, parse_period, split_list

from helpers import build

ROLE = """\
# 某公司

```{{resume-role}}
:organisation: 某公司
:title: 工程师
:start: {start}
:end: {end}
{extra}```

正文。
"""

INDEX = "# 首页\n\n```{toctree}\nrole\n```\n"


def role_page(start: str = "2019", end: str = "2021", extra: str = "") -> str:
    return ROLE.format(start=start, end=end, extra=extra)


def test_dates():
    assert Date.parse("2021", key="start") == Date(2021)
    assert Date.parse("2021-03", key="start") == Date(2021, 3)
    assert str(Date(2021, 3)) == "2021-03"
    assert parse_period("2021", "present") == (Date(2021), None)
    assert parse_period("2019", "2019") == (Date(2019), Date(2019))
    for bad in ("21", "2021-13", "2021/03", "二〇二一", "", "2021-00"):
        with pytest.raises(DataError):
            Date.parse(bad, key="start")
    with pytest.raises(DataError, match="before start"):
        parse_period("2021", "2019")


def test_split_list_accepts_chinese_commas():
    assert split_list("Go, Redis，etcd、 Kafka,,") == ["Go", "Redis", "etcd", "Kafka"]


def test_a_valid_project_builds(make_project, tmp_path):
    src = make_project({"index.md": INDEX, "role.md": role_page()})
    result = build(src, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "2019 – 2021" in result.html("role").select_one(".resume-role").get_text()


@pytest.mark.parametrize(
    ("page", "line", "message"),
    [
        (role_page(end="2018"), 7, "end 2018 is before start 2019"),
        (role_page(start="2019-13"), 6, "month 13 is not 01 to 12"),
        (role_page(start="去年"), 6, "is not a date"),
        (role_page(end="soon"), 7, "is not a date"),
        (role_page(extra=":salary: 100\n"), 8, "Unknown option key"),
        (ROLE.replace(":title: 工程师\n", "").format(start="2019", end="2021", extra=""), 3,
         "'title' is missing"),
    ],
    ids=["end-before-start", "bad-month", "not-a-date", "bad-end", "unknown-key", "missing-key"],
)  # fmt: skip
def test_bad_role_data_fails_with_file_and_line(make_project, tmp_path, page, line, message):
    src = make_project({"index.md": INDEX, "role.md": page})
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert f"role.md:{line}:" in result.stderr, result.stderr
    assert message in result.stderr


def test_unknown_role_reference_fails(make_project, tmp_path):
    project = (
        "# 项目\n\n```{resume-project}\n:name: X\n:url: https://example.org/\n"
        ":relation: Contributor\n:roles: experience/nowhere\n```\n"
    )
    src = make_project({"index.md": INDEX.replace("role", "project"), "project.md": project})
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert "project.md:3:" in result.stderr
    assert "'experience/nowhere' is not a page with a resume-role directive" in result.stderr


def test_two_roles_on_one_page_fail(make_project, tmp_path):
    page = role_page() + "\n" + role_page().split("\n", 2)[2]
    src = make_project({"index.md": INDEX, "role.md": page})
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert "role.md:12:" in result.stderr
    assert "one role or project only" in result.stderr


def test_project_url_must_be_https(make_project, tmp_path):
    project = "# P\n\n```{resume-project}\n:name: X\n:url: http://example.org/\n:relation: R\n```\n"
    src = make_project({"index.md": INDEX.replace("role", "p"), "p.md": project})
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert "p.md:5:" in result.stderr and "must be an https:// address" in result.stderr


@pytest.mark.parametrize(
    ("directive", "line", "message"),
    [
        ("```{resume-award}\n:title: T\n:summary: S\n:year: 20x0\n```\n", 6, "is not a date"),
        ("```{resume-language}\n:language: 中文\n:fluency: 母语\n:code: Chinese\n```\n", 6,
         "is not a BCP 47 language tag"),
        ("```{resume-education}\n:study: S\n:institution: I\n:start: 2014\n:end: 2010\n```\n", 7,
         "end 2010 is before start 2014"),
        ("```{resume-skills}\n:name: 存储\n```\n", 3, "'keywords' is missing"),
    ],
    ids=["award-year", "language-code", "education-period", "skills-keywords"],
)  # fmt: skip
def test_bad_entry_data_fails_with_file_and_line(make_project, tmp_path, directive, line, message):
    src = make_project({"index.md": "# 首页\n\n" + directive})
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert f"index.md:{line}:" in result.stderr, result.stderr
    assert message in result.stderr
