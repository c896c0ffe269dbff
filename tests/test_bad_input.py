"""Bad input: each case fails the release build loudly, names the file and line, and leaves the
last good output exactly as it was.

The cases are rows of one table, applied together to one copy of the project, each to a page or
catalog of its own that the test writes, so that none hides or shifts another and none depends on
what the résumé says; one release build of the Chinese and the
English editions then fails, once. Each row checks that the edition it breaks reports it, all
its parts on one line; the last good output is checked once, whole.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import copy_project, release, shared, tree_digest


def write(relative: str, text: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        (project / relative).write_text(text, "utf-8")

    return apply


EN = "locales/en/LC_MESSAGES/"
#: A role page of the test's own (its data at lines 4–8), so that no case depends on the résumé's
#: content: ``role(label, extra)`` with a line to add after the data.
ROLE = """\
({label})=
# 某公司

```{{resume-role}}
:organisation: 某公司
:title: 工程师
:start: 2014
:end: 2016{extra}
```
"""
#: A page and its English catalog, of the test's own: ``PO`` takes the entries.
PAGE = "({label})=\n# 某项目\n\n我们帮助 7 个产品上线。\n"
PO = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: en\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n{}'
)
GOOD = 'msgid "某项目"\nmsgstr "A project"\n\nmsgid "我们帮助 7 个产品上线。"\nmsgstr "We helped 7 products launch."\n'


def role(label: str, extra: str = "") -> str:
    return ROLE.format(label=label, extra=extra)


def page_with_catalog(name: str, entries: str) -> Callable[[Path], None]:
    """``experience/<name>.md`` and its English catalog holding ``entries``."""

    def apply(project: Path) -> None:
        write(f"experience/{name}.md", PAGE.format(label=name))(project)
        write(f"{EN}experience/{name}.po", PO.format(entries))(project)

    return apply


# Each case: how to break the project, the edition whose build must report it, and what one
# line of that report must name. Every case has a file of its own, made by the test (a page and
# its catalog), so that none hides or shifts another, and none depends on what the résumé says;
# the project's own pages and catalogs are left as they are.
CASES = {
    "invalid-yaml-front-matter": (
        write("experience/bad-yaml.md", "---\ntitle: [unclosed\n---\n" + role("bad-yaml")),
        "zh-cn", ["experience/bad-yaml.md:1:", "Malformed YAML"],
    ),
    "unknown-field": (
        write("experience/bad-key.md", role("bad-key", "\n:salary: 1")),
        "zh-cn", ["experience/bad-key.md:9:", "Unknown option key: 'salary'"],
    ),
    "missing-field": (
        write("experience/bad-missing.md", role("bad-missing").replace(":title: 工程师\n", "")),
        "zh-cn", ["experience/bad-missing.md:4:", "'title' is missing"],
    ),
    "end-before-start": (
        write("experience/bad-end.md", role("bad-end").replace(":end: 2016", ":end: 2012")),
        "zh-cn", ["experience/bad-end.md:8:", "end 2012 is before start 2014"],
    ),
    "bad-date": (
        write("experience/bad-date.md", role("bad-date").replace(":start: 2014", ":start: 2014-14")),
        "zh-cn", ["experience/bad-date.md:7:", "month 14 is not 01 to 12"],
    ),
    "broken-cross-reference": (
        write("experience/bad-ref.md", role("bad-ref") + "\n另见 {ref}`no-such-label`。\n"),
        "zh-cn", ["experience/bad-ref.md:", "undefined label: 'no-such-label'"],
    ),
    "page-outside-every-toctree": (
        write("experience/lonely.md", "(lonely)=\n# 孤立的页面\n"),
        "zh-cn", ["experience/lonely.md", "isn't included in any toctree"],
    ),
    "duplicate-label": (
        write("experience/bad-label.md", role("bad-label") + "\n(bad-label)=\n## 重复\n\n文字。\n"),
        "zh-cn", ["experience/bad-label.md:", "bad-label"],
    ),
    "unknown-directive": (
        write("experience/bad-directive.md", role("bad-directive") + "\n```{resume-rol}\n:title: X\n```\n"),
        "zh-cn", ["experience/bad-directive.md:", "Unknown directive type: 'resume-rol'"],
    ),
    "po-syntax-error": (
        page_with_catalog("bad-syntax", GOOD + '\nmsgid "坏"\nmsgstr "broken\n'),
        "en", [f"{EN}experience/bad-syntax.po:", "syntax"],
    ),
    "fuzzy-entry": (
        page_with_catalog("bad-fuzzy", GOOD.replace('msgid "某项目"', '#, fuzzy\nmsgid "某项目"')),
        "en", [f"{EN}experience/bad-fuzzy.po:", "fuzzy"],
    ),
    "untranslated-entry": (
        page_with_catalog("bad-untranslated", GOOD.replace('"A project"', '""')),
        "en", [f"{EN}experience/bad-untranslated.po:", "untranslated"],
    ),
    "figures-differ": (
        page_with_catalog("bad-figures", GOOD.replace("helped 7", "helped 8")),
        "en", [f"{EN}experience/bad-figures.po:", "figures", "count:7"],
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

    def fail(folder: Path) -> Failed:
        project = copy_project(folder / "project")
        shutil.copytree(good_release, project / "_build", symlinks=True)
        before = tree_digest(project / "_build")
        for breaks, _, _ in CASES.values():
            breaks(project)
        ok, out, err = release(project / "_build", project, tuple(EDITIONS))
        return Failed(ok, out, err, before, tree_digest(project / "_build"), project / "_build")

    return shared(tmp_path_factory, "bad-input", fail)


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
