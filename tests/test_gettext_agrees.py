"""The catalog check against GNU gettext itself: whatever ``msgfmt --check`` refuses, the gate
refuses too, at a line of the file.

The gate reads catalogs with Babel, which takes a malformed line silently; ``syntax_problems``
is there to say what gettext would say. Generated damage to a well-formed catalog (a character
lost or doubled, a line dropped, doubled or inserted) is given to both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resume.catalogs import catalog_problems, syntax_problems

MSGFMT = shutil.which("msgfmt")
if MSGFMT is None and not os.environ.get("CI"):
    pytest.skip("msgfmt is missing: apt-get install gettext", allow_module_level=True)

HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Language: en\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
)
ENTRIES = [
    'msgid "项目简介"\nmsgstr "About the project"\n',
    'msgid "负责网关开发，"\n"以及微服务架构。"\nmsgstr "Built the gateway, "\n"and the services."\n',
    'msgctxt "title"\nmsgid "经历"\nmsgstr "Experience"\n',
    'msgid "一个 \\"引号\\""\nmsgstr "a \\"quote\\""\n',
]
WELL_FORMED = HEADER + "\n" + "\n".join(ENTRIES)
#: Lines a hand or a merge could leave in a catalog.
STRAY_LINES = [
    "garbage",
    'msgid "项目简介"',
    'msgstr "x"',
    '"a continuation"',
    'msgid_plural "things"',
    'msgstr[0] "x"',
    'msgid "unterminated',
    '"bad escape \\q"',
    "#, fuzzy",
    '#~ msgid "old"',
    "",
]


def msgfmt_refuses(path: Path) -> bool:
    assert MSGFMT, "msgfmt is missing: apt-get install gettext"
    done = subprocess.run(
        [MSGFMT, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    return done.returncode != 0


@st.composite
def damaged(draw: st.DrawFn) -> str:
    lines = WELL_FORMED.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop-char", "double-char", "drop-line", "double", "insert"]))
        line = lines[at]
        if kind in ("drop-char", "double-char") and line:
            i = draw(st.integers(0, len(line) - 1))
            lines[at] = line[:i] + line[i + 1 :] if kind == "drop-char" else line[:i] + line[i:]
            if kind == "double-char":
                lines[at] = line[: i + 1] + line[i:]
        elif kind == "drop-line":
            del lines[at]
        elif kind == "double":
            lines.insert(at, line)
        else:
            lines.insert(at, draw(st.sampled_from(STRAY_LINES)))
        if not lines:
            lines = [""]
    return "\n".join(lines)


def test_the_well_formed_catalog_passes_both(tmp_path):
    path = tmp_path / "page.po"
    path.write_text(WELL_FORMED, "utf-8")
    assert not msgfmt_refuses(path)
    assert syntax_problems(path) == []


@pytest.mark.parametrize(
    "text",
    [
        WELL_FORMED.replace('msgstr "About the project"', 'msgstr "About the project'),
        WELL_FORMED + '\nmsgid "项目简介"\nmsgstr "Again"\n',
        WELL_FORMED.replace('"以及微服务架构。"', "以及微服务架构。"),
        WELL_FORMED.replace("nplurals=2; plural=(n != 1);", "nplurals=2; plural=(n !!= 1);"),
        WELL_FORMED.replace('msgstr "Experience"\n', ""),
    ],
    ids=["unterminated", "duplicate", "unquoted", "plural-forms", "no-msgstr"],
)
def test_named_damage_is_refused_by_both(tmp_path, text):
    path = tmp_path / "page.po"
    path.write_text(text, "utf-8")
    assert msgfmt_refuses(path)
    assert [p.kind for p in syntax_problems(path)][:1] == ["syntax"]


@given(text=damaged())
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_what_msgfmt_refuses_the_gate_refuses(tmp_path, text):
    path = tmp_path / "page.po"
    path.write_text(text, "utf-8")
    if msgfmt_refuses(path):
        problems = catalog_problems(path, markup=False)
        assert problems, text
        assert all(p.line >= 1 for p in problems), problems
