"""Bad input: each case fails the release build loudly, names the file and line, and leaves the
last good output exactly as it was."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_project, tree_digest
from tools.release import release_build


def edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / relative
        text = path.read_text("utf-8")
        assert old in text, f"{relative} no longer holds {old!r}: update this test"
        path.write_text(text.replace(old, new, 1), "utf-8")

    return apply


def append(relative: str, text: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / relative
        path.write_text(path.read_text("utf-8") + text, "utf-8")

    return apply


def write(relative: str, text: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        (project / relative).write_text(text, "utf-8")

    return apply


def blank_translation(relative: str, msgid: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / relative
        text, count = re.subn(
            rf'(msgid "{re.escape(msgid)}"\n)msgstr "[^\n]*"\n(?:"[^\n]*"\n)*', r'\1msgstr ""\n',
            path.read_text("utf-8"),
        )
        assert count == 1, f"{relative} holds no single {msgid!r}: update this test"
        path.write_text(text, "utf-8")

    return apply


WANHUI_PO = "locales/en/LC_MESSAGES/experience/wanhui.po"
# Each case: how to break the project, the edition to build, and what the report must name.
CASES = {
    "invalid-yaml-front-matter": (
        edit("experience/wanhui.md", "(wanhui)=", "---\ntitle: [unclosed\n---\n(wanhui)="),
        "zh-cn", ["experience/wanhui.md:1:", "Malformed YAML"],
    ),
    "unknown-field": (
        edit("experience/wanhui.md", ":end: 2019\n", ":end: 2019\n:salary: 1\n"),
        "zh-cn", ["experience/wanhui.md:9:", "Unknown option key: 'salary'"],
    ),
    "missing-field": (
        edit("experience/wanhui.md", ":title: Software Developer\n", ""),
        "zh-cn", ["experience/wanhui.md:4:", "'title' is missing"],
    ),
    "end-before-start": (
        edit("experience/wanhui.md", ":end: 2019", ":end: 2017"),
        "zh-cn", ["experience/wanhui.md:8:", "end 2017 is before start 2018"],
    ),
    "bad-date": (
        edit("experience/wanhui.md", ":start: 2018", ":start: 2018-14"),
        "zh-cn", ["experience/wanhui.md:7:", "month 14 is not 01 to 12"],
    ),
    "broken-cross-reference": (
        append("experience/wanhui.md", "\n另见 {ref}`no-such-label`。\n"),
        "zh-cn", ["experience/wanhui.md:", "undefined label: 'no-such-label'"],
    ),
    "page-outside-every-toctree": (
        write("experience/lonely.md", "(lonely)=\n# 孤立的页面\n"),
        "zh-cn", ["experience/lonely.md", "isn't included in any toctree"],
    ),
    "duplicate-label": (
        append("experience/wanhui.md", "\n(wanhui-summary)=\n## 重复\n\n文字。\n"),
        "zh-cn", ["experience/wanhui.md:", "wanhui-summary"],
    ),
    "unknown-directive": (
        append("experience/wanhui.md", "\n```{resume-rol}\n:title: X\n```\n"),
        "zh-cn", ["experience/wanhui.md:", "Unknown directive type: 'resume-rol'"],
    ),
    "po-syntax-error": (
        append(WANHUI_PO, '\nmsgid "坏"\nmsgstr "broken\n'),
        "en", [f"{WANHUI_PO}:", "syntax"],
    ),
    "fuzzy-entry": (
        edit(WANHUI_PO, '\nmsgid "万汇互联"', '\n#, fuzzy\nmsgid "万汇互联"'),
        "en", [f"{WANHUI_PO}:", "fuzzy"],
    ),
    "untranslated-entry": (
        blank_translation(WANHUI_PO, "万汇互联"),
        "en", [f"{WANHUI_PO}:", "untranslated"],
    ),
    "figures-differ": (
        edit("locales/en/LC_MESSAGES/experience/tencent.po", "helped 7 products", "helped 8 products"),
        "en", ["locales/en/LC_MESSAGES/experience/tencent.po:", "figures", "count:7"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_safely(case, good_release, tmp_path, capsys):
    breaks, edition, expected = CASES[case]
    project = copy_project(tmp_path / "project")
    shutil.copytree(good_release, project / "_build")
    before = tree_digest(project / "_build")

    breaks(project)
    assert not release_build(build=project / "_build", source=project, codes=[edition])

    assert tree_digest(project / "_build") == before, "the last good output was changed"
    report = capsys.readouterr()
    output = report.out + report.err
    for part in expected:
        assert part in output, f"{part!r} not reported:\n{output}"
    assert "What to do:" in report.err
