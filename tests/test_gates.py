"""The build refuses what it must not publish, naming the file and line: the owner's private
details in any output (issue cases: a full number typed into a page, a masked value that hides
nothing) and data that does not make sense (an option given twice, a page without its data, a
date after today)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from helpers import build, write_project

MASKED = "resume_contact = {'phone': {'value': '+86 136 **** 3209', 'visibility': 'masked'}}\n"
ROLE = """\
# 某公司

```{resume-role}
:organisation: 某公司
:title: 工程师
:start: START
:end: END
```
"""


def outputs_hold(outdir: Path, digits: str) -> list[str]:
    """The output files whose text, with separators taken out, holds ``digits``."""
    found = []
    for path in outdir.rglob("*"):
        if path.is_file() and path.suffix not in {".doctree", ".pickle"}:
            text = re.sub(r"[\s\-.()]", "", path.read_bytes().decode("utf-8", "replace"))
            if digits in text:
                found.append(str(path.relative_to(outdir)))
    return found


@pytest.mark.parametrize(
    "typed",
    [
        "+86 136 1234 3209",
        "136-1234-3209",
        "13612343209",
        "１３６ １２３４ ３２０９",
        "(+86) 136.1234.3209",
    ],
)
def test_a_full_number_typed_into_a_page_fails_the_build(typed, tmp_path):
    page = f"# 首页\n\n简介。\n\n联系：{typed}\n"
    src = write_project(tmp_path / "src", {"index.md": page}, MASKED)
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert f"{src / 'index.md'}:5" in result.stderr, result.stderr
    assert "What to do:" in result.stderr
    assert outputs_hold(result.outdir, "13612343209") == [], "the outputs that hold it stay"


def test_the_opt_in_publishes_the_number(tmp_path):
    src = write_project(tmp_path / "src", {"index.md": "# 首页\n\n简介。\n"}, MASKED)
    result = build(
        src,
        tmp_path / "out",
        confoverrides={"resume_contact_values": {"phone": "+86 136 1234 3209"}},
    )
    assert result.returncode == 0, result.stderr


def test_a_private_detail_never_reaches_an_output(tmp_path):
    conf = "resume_contact = {'email': {'value': 'owner@example.org', 'visibility': 'private'}}\n"
    page = "# 首页\n\n写信给 Owner@Example.org。\n"
    src = write_project(tmp_path / "src", {"index.md": page}, conf)
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert f"{src / 'index.md'}:3" in result.stderr
    assert "[resume.privacy]" in result.stderr


def test_a_masked_value_must_hold_its_mask(tmp_path):
    conf = "resume_contact = {'phone': {'value': '+86 136 1234 3209', 'visibility': 'masked'}}\n"
    src = write_project(tmp_path / "src", {"index.md": "# 首页\n"}, conf)
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert "hides nothing" in result.stderr and "*" in result.stderr


def test_an_option_given_twice_fails_at_its_second_line(tmp_path):
    page = ROLE.replace(":start: START", ":start: 2019\n:start: 2018").replace("END", "2020")
    src = write_project(tmp_path / "src", {"index.md": page})
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert (
        f"{src / 'index.md'}:7: ERROR: resume-role: the key 'start' is given twice" in result.stderr
    )


def test_a_role_page_without_its_directive_fails(tmp_path):
    pages = {
        "index.md": "# 首页\n\n```{toctree}\nexperience/x\n```\n",
        "experience/x.md": "# 某公司\n\n没有数据。\n",
    }
    src = write_project(tmp_path / "src", pages)
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert (
        f"{src / 'experience' / 'x.md'}:1: WARNING: this page has no resume-role" in result.stderr
    )


def test_a_bad_date_is_one_error_with_the_advice_for_dates_alone(tmp_path):
    """A role directive that fails its own check still is the page's directive: neither the
    page nor the projects naming it are reported for lacking it, and the error's advice is the
    one for the option at fault."""
    project = "# P\n\n```{resume-project}\n:name: P\n:url: https://example.org\n"
    pages = {
        "index.md": "# 首页\n\n```{toctree}\nexperience/x\nprojects/p\nprojects/q\n```\n",
        "experience/x.md": ROLE.replace("START", "2019-13").replace("END", "2020"),
        "projects/p.md": project + ":relation: 作者\n:roles: experience/x\n```\n",
        "projects/q.md": project + ":relation: 用户\n:roles: experience/x\n```\n",
    }
    src = write_project(tmp_path / "src", pages)
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    problems = [line for line in result.stderr.splitlines() if re.search(r"WARNING|ERROR", line)]
    assert len(problems) == 1, result.stderr
    [error] = problems
    assert f"{src / 'experience' / 'x.md'}:6: ERROR: resume-role: start:" in error
    advice = error.partition("What to do: ")[2]
    assert "YYYY-MM" in advice and "project" not in advice and "allowed keys" not in error


def _month(shift: int) -> str:
    """This month by the clock, ``shift`` months on, as ``YYYY-MM``."""
    today = time.gmtime()
    months = today.tm_year * 12 + today.tm_mon - 1 + shift
    return f"{months // 12}-{months % 12 + 1:02d}"


@pytest.mark.parametrize(("start", "end", "key", "line"), [("NEXT", "present", "start", 6),
                                                          ("2019", "NEXT", "end", 7)])  # fmt: skip
def test_a_date_after_today_fails(start, end, key, line, tmp_path):
    page = ROLE.replace("START", start).replace("END", end).replace("NEXT", _month(1))
    src = write_project(tmp_path / "src", {"index.md": page})
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert f"{src / 'index.md'}:{line}: ERROR: resume-role: {key}:" in result.stderr
    assert f"after today, {_month(0)}" in result.stderr


def test_a_role_starting_this_month_builds_before_it_is_committed(tmp_path):
    """The build's date is the last commit's, older than the new role: the check is today's."""
    page = ROLE.replace("START", _month(0)).replace("END", "present")
    src = write_project(tmp_path / "src", {"index.md": page})
    a_year_ago = int(time.time()) - 366 * 86400
    result = build(src, tmp_path / "out", confoverrides={"resume_build_date": a_year_ago})
    assert result.returncode == 0, result.stderr


def test_a_misspelt_placeholder_in_a_theme_translation_fails_at_its_line(tmp_path):
    header = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: en\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    )
    pages = {
        "index.md": "# 首页\n",
        "locales/en/LC_MESSAGES/index.po": header + 'msgid "首页"\nmsgstr "Home"\n',
        "locales/en/LC_MESSAGES/sphinx.po": header
        + '#, python-format\nmsgid "Toggle navigation of %(title)s"\n'
        'msgstr "Toggle navigation of %(titel)s"\n',
    }
    conf = "resume_locale_dirs = ['locales']\ngettext_compact = False\n"
    src = write_project(tmp_path / "src", pages, conf)
    result = build(src, tmp_path / "out", language="en")
    assert result.returncode != 0
    po = src / "locales" / "en" / "LC_MESSAGES" / "sphinx.po"
    assert f"{po}:8: WARNING: placeholders:" in result.stderr, result.stderr
    assert "What to do: copy each %(name)s" in result.stderr


def test_a_number_typed_into_a_catalog_is_found_at_its_line(tmp_path):
    header = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: en\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    )
    pages = {
        "index.md": "# 首页\n\n简介。\n",
        "locales/en/LC_MESSAGES/index.po": header
        + 'msgid "首页"\nmsgstr "Home"\n\nmsgid "简介。"\nmsgstr "Call 136 1234 3209."\n',
    }
    conf = MASKED + "resume_locale_dirs = ['locales']\ngettext_compact = False\n"
    src = write_project(tmp_path / "src", pages, conf)
    result = build(src, tmp_path / "out", language="en")
    assert result.returncode != 0
    po = src / "locales" / "en" / "LC_MESSAGES" / "index.po"
    assert f"typed at {po}:11" in result.stderr, result.stderr  # the msgstr line
    assert "which the owner keeps masked" in result.stderr


def test_a_private_detail_is_called_private(tmp_path):
    conf = "resume_contact = {'email': {'value': 'owner@example.org', 'visibility': 'private'}}\n"
    src = write_project(tmp_path / "src", {"index.md": "# 首页\n\nowner@example.org\n"}, conf)
    result = build(src, tmp_path / "out")
    assert "the full email, which the owner keeps private" in result.stderr


def test_a_misspelt_toggle_placeholder_keeps_the_source_label_instead_of_crashing():
    from resume.theme import translate_toggles

    tree = '<input aria-label="Toggle navigation of 经历">'
    assert translate_toggles(tree, lambda message: "Toggle %(titel)s") == (
        '<input aria-label="Toggle navigation of 经历">'
    )


def test_a_link_markdown_it_refuses_is_an_error_at_its_line(tmp_path: Path) -> None:
    """markdown-it makes no link of a javascript:, vbscript:, file: or data: address: the page
    would show the link's Markdown. Each is an error at its line; code showing one is not."""
    page = (
        "# 首页\n\n一段 [点我](javascript:alert(1)) 文字。\n\n"
        "见 [二](VBScript:x)。\n\n`[代码](javascript:x)` 是代码。\n"
    )
    src = write_project(tmp_path / "src", {"index.md": page})
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    said = re.sub(r"\x1b\[[0-9;]*m", "", result.stderr)
    assert re.search(r"index\.md:3: WARNING: the link .* javascript: address", said), said
    assert re.search(r"index\.md:5: WARNING: the link .* vbscript: address", said), said
    assert "index.md:7" not in said, said
    assert said.count("[resume.unsafe]") == 2, said
