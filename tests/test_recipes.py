"""README.md's "Updating the résumé", walked on a copy of the repository: add a role that starts
this month (the role before it ending last month), change a figure, add two projects, rename one
and retire the other, change the phone number; each step as the README says,
``nox -s catalogs`` (``tools.catalogs``) after each, the translations written as a translator
would. Then the release build (``nox -s build``) and the suite's checks of the résumé's content,
run on the copy, pass: they follow the sources instead of restating them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from resume.catalogs import language_problems
from resume.data import Date
from resume.dates import format_period
from resume.languages import EDITIONS
from tools import catalogs

from helpers import BUILD_VARIABLE_PREFIXES, BUILD_VARIABLES, copy_project, release, run_forked
from resume_sources import phone, roles

TRANSLATED = ("en", "ja")
#: The suite's checks of the content, as they run on the copy.
CONTENT_CHECKS = [
    "tests/test_site.py",
    "tests/test_epub.py",
    "tests/test_editions.py",
    "tests/test_fidelity.py",
    "tests/test_machine_data.py",
    "tests/test_catalogs.py::test_catalogs_are_complete",
    "tests/test_catalogs.py::test_catalogs_hold_exactly_the_current_messages",
    "tests/test_pdf.py::test_two_a4_pages",
    "tests/test_pdf.py::test_every_role_and_headline_figure_in_reading_order",
    "tests/test_pdf.py::test_text_edition_holds_every_role_and_project",
    "tests/test_privacy.py::test_normalising_finds_every_spelling",
    "tests/test_vcard.py::test_each_edition_has_a_card_that_parses",
]
#: Masked phone numbers of another country code, length and grouping: the copy's gets one.
OTHER_PHONES = ("+1 (415) ***-0123", "+81 90 **** 5678")

ROLE = """\
({name})=
# 某科技公司

```{{resume-role}}
:organisation: 某科技公司
:title: Platform Engineer
:start: {start}
:end: present
:technologies: Rust, 可观测性
```

({name}-summary)=
## 概述

负责平台的可观测性建设。

({name}-highlights)=
## 主要成果

- 带领 3 人团队，将告警噪音降低了 30%。
- 为平台搭建了统一的日志采集方案。
"""
PROJECT = """\
({name})=
# {title}

```{{resume-project}}
:name: {title}
:url: https://example.org/{name}
:relation: Contributor
:roles: {roles}
```

({name}-about)=
## 项目简介

{title} 是一个开源的日志工具。

({name}-contribution)=
## 我的工作

我为它修复了 2 个问题。
"""
#: What a translator writes for each new message.
TRANSLATIONS = {
    "en": {
        "某科技公司": "Example Tech (某科技公司)",
        "Platform Engineer": "Platform Engineer",
        "Rust、可观测性": "Rust, observability",
        "Rust": "Rust",
        "可观测性": "Observability",
        "概述": "Overview",
        "负责平台的可观测性建设。": "Builds the platform's observability.",
        "主要成果": "Key achievements",
        "带领 3 人团队，将告警噪音降低了 30%。": "Led a team of 3 and cut alert noise by 30%.",
        "为平台搭建了统一的日志采集方案。": "Built one log collection for the whole platform.",
        "项目简介": "About the project",
        "我的工作": "My work",
        "我为它修复了 2 个问题。": "I fixed 2 of its issues.",
        "Contributor": "Contributor",
    },
    "ja": {
        "某科技公司": "某科技公司（Example Tech）",
        "Platform Engineer": "プラットフォームエンジニア（Platform Engineer）",
        "Rust、可观测性": "Rust、オブザーバビリティ",
        "Rust": "Rust",
        "可观测性": "オブザーバビリティ",
        "概述": "概要",
        "负责平台的可观测性建设。": "プラットフォームのオブザーバビリティを担当している。",
        "主要成果": "主な実績",
        "带领 3 人团队，将告警噪音降低了 30%。": "3 人のチームを率いて、アラートのノイズを 30% 減らした。",
        "为平台搭建了统一的日志采集方案。": "プラットフォームに統一したログ収集の仕組みを作った。",
        "项目简介": "プロジェクト概要",
        "我的工作": "担当内容",
        "我为它修复了 2 个问题。": "このプロジェクトの問題を 2 件修正した。",
        "Contributor": "コントリビューター",
    },
}
TOOL, LIB = ("Example Tool", "Example Lib")
for _language, _words in TRANSLATIONS.items():
    for _title in (TOOL, LIB):
        _words[_title] = _title
        _words[f"{_title} 是一个开源的日志工具。"] = {
            "en": f"{_title} is an open-source logging tool.",
            "ja": f"{_title} は、オープンソースのログツールです。",
        }[_language]


def months_ago(count: int) -> str:
    today = time.gmtime()
    months = today.tm_year * 12 + today.tm_mon - 1 - count
    return f"{months // 12}-{months % 12 + 1:02d}"


def edit(path: Path, old: str, new: str, *, regex: bool = False) -> None:
    text = path.read_text("utf-8")
    changed = re.sub(old, new, text, count=1, flags=re.M) if regex else text.replace(old, new, 1)
    assert changed != text, f"{path}: {old!r} not found"
    path.write_text(changed, "utf-8")


def po_path(project: Path, language: str, docname: str) -> Path:
    return project / "locales" / language / "LC_MESSAGES" / f"{docname}.po"


def translate(project: Path, change=None) -> None:
    """Fill every untranslated entry from ``TRANSLATIONS``; a fuzzy one through ``change``
    (its old translation, its new source → its new translation); no fuzzy flag left."""
    for language in TRANSLATED:
        for path in (project / "locales" / language / "LC_MESSAGES").rglob("*.po"):
            with path.open("rb") as file:
                catalog = read_po(file)
            touched = False
            for message in catalog:
                if not message.id or (message.string and not message.fuzzy):
                    continue
                if message.fuzzy:
                    assert change, f"{path}: {message.id!r} is fuzzy"
                    message.string = change(message.string, message.id)
                    message.flags.discard("fuzzy")
                else:
                    message.string = TRANSLATIONS[language][message.id]
                touched = True
            if touched:
                with path.open("wb") as file:
                    write_po(file, catalog, width=0)


def test_every_recipe_of_the_readme_keeps_the_build_and_the_content_checks_green(tmp_path):
    project = copy_project(tmp_path / "project")
    # A name none of the copy's pages starts with: the owner's own pages may be called anything.
    names = {p.stem for p in project.glob("*/*.md")}
    new = next(n for n in (f"example{i or ''}" for i in range(99)) if not any(m.startswith(n) for m in names))  # fmt: skip

    # Add a role, starting this month; the current role ends last month.
    (current,) = [role for role in roles(project).values() if role.end is None]
    (project / "experience" / f"{new}.md").write_text(
        ROLE.format(name=new, start=months_ago(0)), "utf-8"
    )
    ended = months_ago(1)
    if Date.parse(ended, key="end") < current.start:  # the current role began this month itself
        ended = months_ago(0)
    edit(project / f"{current.docname}.md", ":end: present", f":end: {ended}")
    edit(project / "experience" / "index.md", r"^(:caption: .*\n\n)", rf"\1{new}\n", regex=True)
    catalogs.main(project, project / "_build", run_forked)
    translate(project)
    # The role that ended is a past one: its English overview in the past tense.
    summary = po_path(project, "en", current.docname)
    if re.search(r'^msgstr "Leads? ', summary.read_text("utf-8"), re.M):
        edit(summary, r'^msgstr "Leads? ', 'msgstr "Led ', regex=True)

    # Change a figure.
    edit(project / "experience" / f"{new}.md", "降低了 30%", "降低了 40%")
    catalogs.main(project, project / "_build", run_forked)
    translate(project, change=lambda string, _source: string.replace("30%", "40%"))

    # Add a project (two: one to rename, one to retire).
    for name, title, tied in (
        (f"{new}-tool", TOOL, f"experience/{new}"),
        (f"{new}-lib", LIB, ""),
    ):
        page = PROJECT.format(name=name, title=title, roles=tied)
        (project / "projects" / f"{name}.md").write_text(page, "utf-8")
        edit(project / "projects" / "index.md", r"^(:caption: .*\n\n)", rf"\1{name}\n", regex=True)
    catalogs.main(project, project / "_build", run_forked)
    translate(project)

    # Rename a page: the page and its catalogs moved, the toctree and a line of redirects.txt.
    (project / "projects" / f"{new}-tool.md").rename(project / "projects" / f"{new}-kit.md")
    for language in TRANSLATED:
        po_path(project, language, f"projects/{new}-tool").rename(
            po_path(project, language, f"projects/{new}-kit")
        )
    edit(project / "projects" / "index.md", f"\n{new}-tool\n", f"\n{new}-kit\n")
    with (project / "redirects.txt").open("a", encoding="utf-8") as file:
        file.write(f"projects/{new}-tool.md projects/{new}-kit.md\n")
    # Retire a page: the page and its catalogs removed, its old address sent home.
    (project / "projects" / f"{new}-lib.md").unlink()
    for language in TRANSLATED:
        po_path(project, language, f"projects/{new}-lib").unlink()
    edit(project / "projects" / "index.md", f"\n{new}-lib\n", "\n")
    with (project / "redirects.txt").open("a", encoding="utf-8") as file:
        file.write(f"projects/{new}-lib.md index.md\n")
    catalogs.main(project, project / "_build", run_forked)
    # Change the phone number: conf.py alone, no catalog.
    masked = phone(project).masked
    changed = next(other for other in OTHER_PHONES if other != masked)
    edit(project / "conf.py", masked, changed)

    for language in TRANSLATED:  # nox -s catalogs-check
        assert language_problems(language, project / "locales") == []

    # nox -s build
    build = tmp_path / "_build"
    ok, out, err = release(build, source=project)
    assert ok, out + err
    start = Date.parse(months_ago(0), key="start")
    for edition in EDITIONS:
        site = build / "html" / edition.code
        role = (site / "experience" / f"{new}.html").read_text("utf-8")
        assert format_period(start, None, edition.sphinx) in role, edition.code
        assert changed in (site / "index.html").read_text("utf-8"), edition.code
        for old, target in ((f"{new}-tool", f"{new}-kit.html"), (f"{new}-lib", "../index.html")):
            page = (site / "projects" / f"{old}.html").read_text("utf-8")
            assert f'content="0; url={target}"' in page, (edition.code, old)

    # The suite's content checks, on the copy: a run of its own, not one of this run's workers.
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in BUILD_VARIABLES
        and not name.startswith((*BUILD_VARIABLE_PREFIXES, "PYTEST_XDIST_"))
    }
    checks = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
         f"--basetemp={tmp_path / 'checks'}", *CONTENT_CHECKS],
        cwd=project, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert checks.returncode == 0, checks.stdout[-6000:] + checks.stderr[-2000:]
