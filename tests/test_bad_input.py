"""Bad input: each case fails the release build loudly, names the file and line, and leaves the
last good output exactly as it was.

The cases are rows of one table, applied together to one copy of the project, each to a page or
catalog of its own so that none hides or shifts another; one release build of the Chinese and the
English editions then fails, once. Each row checks that the edition it breaks reports it, all
its parts on one line; the last good output is checked once, whole.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import copy_project, release, tree_digest


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
            rf'(msgid "{re.escape(msgid)}"\n)msgstr "[^\n]*"\n(?:"[^\n]*"\n)*',
            r'\1msgstr ""\n',
            path.read_text("utf-8"),
        )
        assert count == 1, f"{relative} holds no single {msgid!r}: update this test"
        path.write_text(text, "utf-8")

    return apply


EN = "locales/en/LC_MESSAGES/"
# Each case: how to break the project, the edition whose build must report it, and what one
# line of that report must name. Every case has a file of its own: the Chinese cases a page each
# (wanhui.md's appended cases come after its data, and name no line), the English cases a
# catalog each, of a page that no Chinese case touches.
CASES = {
    "invalid-yaml-front-matter": (
        edit("projects/hydra.md", "(hydra)=", "---\ntitle: [unclosed\n---\n(hydra)="),
        "zh-cn", ["projects/hydra.md:1:", "Malformed YAML"],
    ),
    "unknown-field": (
        edit("experience/wanhui.md", ":end: 2019\n", ":end: 2019\n:salary: 1\n"),
        "zh-cn", ["experience/wanhui.md:9:", "Unknown option key: 'salary'"],
    ),
    "missing-field": (
        edit("experience/juding.md", ":title: Software Developer\n", ""),
        "zh-cn", ["experience/juding.md:4:", "'title' is missing"],
    ),
    "end-before-start": (
        edit("experience/abeam.md", ":end: 2016", ":end: 2012"),
        "zh-cn", ["experience/abeam.md:8:", "end 2012 is before start 2014"],
    ),
    "bad-date": (
        edit("experience/bytedance.md", ":start: 2021", ":start: 2021-14"),
        "zh-cn", ["experience/bytedance.md:7:", "month 14 is not 01 to 12"],
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
        append(f"{EN}projects/apisix.po", '\nmsgid "坏"\nmsgstr "broken\n'),
        "en", [f"{EN}projects/apisix.po:", "syntax"],
    ),
    "fuzzy-entry": (
        edit(f"{EN}projects/kubernetes.po", '\nmsgid "Kubernetes"\n', '\n#, fuzzy\nmsgid "Kubernetes"\n'),
        "en", [f"{EN}projects/kubernetes.po:", "fuzzy"],
    ),
    "untranslated-entry": (
        blank_translation(f"{EN}projects/prometheus.po", "Prometheus"),
        "en", [f"{EN}projects/prometheus.po:", "untranslated"],
    ),
    "figures-differ": (
        edit(f"{EN}experience/tencent.po", "helped 7 products", "helped 8 products"),
        "en", [f"{EN}experience/tencent.po:", "figures", "count:7"],
    ),
}  # fmt: skip
EDITIONS = sorted({edition for _, edition, _ in CASES.values()})


class Failed:
    """The one failed release build: what it printed, and the output before and after."""

    def __init__(self, ok: bool, out: str, err: str, before: dict, after: dict, build: Path):
        self.ok, self.out, self.err = ok, out, err
        self.before, self.after, self.build = before, after, build

    def lines(self, code: str) -> list[str]:
        """What the build jobs of one edition printed (``[html/en] …``, ``[epub/en] …``)."""
        return [line for line in self.out.splitlines() if re.match(rf"\[\w+/{code}\] ", line)]


@pytest.fixture(scope="module")
def failed(good_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Failed:
    """Every case at once, on one copy of the project whose ``_build`` is the last good one."""
    project = copy_project(tmp_path_factory.mktemp("bad-input") / "project")
    shutil.copytree(good_release, project / "_build", symlinks=True)
    before = tree_digest(project / "_build")
    for breaks, _, _ in CASES.values():
        breaks(project)
    ok, out, err = release(project / "_build", project, tuple(EDITIONS))
    return Failed(ok, out, err, before, tree_digest(project / "_build"), project / "_build")


def test_a_failed_build_leaves_the_last_good_output(failed):
    assert not failed.ok
    assert len(failed.before) > 50
    assert failed.after == failed.before, "the last good output was changed"
    assert not list(failed.build.glob(".staging-*")), "the staging folder is left behind"
    assert "previous output" in failed.err
    assert "What to do:" in failed.err


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_with_file_and_line(failed, case):
    _, edition, expected = CASES[case]
    lines = failed.lines(edition)
    assert lines, f"no output from the {edition} builds:\n{failed.out}"
    found = [line for line in lines if all(part in line for part in expected)]
    assert found, f"{expected} not reported on one line by the {edition} build:\n" + "\n".join(
        lines
    )
