"""Every kind of failure ends with what to do, and every hint is one some failure gets.

Each row makes one kind of failure for real, in a small project built in this process, and
checks that the failure is told what to do once: for Sphinx's and MyST's own warnings, by the
release's summary (``tools.release.hints``, from ``tools.release.HINTS``); for the extension's,
by the "What to do" the message carries on its line (``resume.messages``), which the summary does
not say again. A hint that no row reaches fails ``test_every_hint_is_reached``: it could
never fire.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from resume.catalogs import HINTS as CATALOG_HINTS
from resume.directives import ADVICE as DIRECTIVE_ADVICE
from resume.messages import LEAD, SUBTYPES
from tools.release import CUT_SHORT_HINT, GENERAL_HINT, HINTS, hints

from helpers import build, run_forked, write_project

ROLE = """\
```{{resume-role}}
:organisation: 某公司
:title: 工程师
:start: {start}
:end: {end}
```
"""
PO = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Language: en\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n{entries}'
)
INDEX = "# 首页\n\n```{toctree}\nENTRIES\n```\n"

#: kind: (pages, extra conf.py lines, its advice: a hint of HINTS, else (a part of) the advice
#: of the extension's message)
FAILURES: dict[str, tuple[dict[str, str | bytes], str, str]] = {
    "full phone number the mask cannot stand for": (
        {"index.md": "# 首页\n"},
        "resume_contact = {'phone': {'value': '+86 136 **** 3209', 'visibility': 'masked'}}\n"
        "resume_contact_values = {'phone': 'call me'}\n",
        "set RESUME_PHONE to the full number whose masked form that is",
    ),
    "front matter": (
        {"index.md": "---\ntitle: [unclosed\n---\n# 首页\n"},
        "",
        HINTS["[myst.topmatter]"],
    ),
    "link to a missing label": (
        {"index.md": "# 首页\n\n[x](#nowhere)\n"},
        "",
        HINTS["[myst.xref_missing]"],
    ),
    "reference to a missing label": (
        {"index.md": "# 首页\n\n{ref}`nowhere`\n"},
        "",
        HINTS["[ref.ref]"],
    ),
    "page in no toctree": (
        {"index.md": "# 首页\n", "other.md": "# 其他\n"},
        "",
        HINTS["[toc.not_included]"],
    ),
    "toctree entry to a missing page": (
        {"index.md": INDEX.replace("ENTRIES", "missing")},
        "",
        HINTS["[toc.not_readable]"],
    ),
    "missing image": (
        {"index.md": "# 首页\n\n![图](missing.png)\n"},
        "",
        HINTS["[image.not_readable]"],
    ),
    "page not in UTF-8": (
        {"index.md": "# 首页\n\n".encode() + b"\xff\xfe\n"},
        "",
        HINTS["undecodable source characters"],
    ),
    "duplicate label": (
        {"index.md": "(same)=\n# 首页\n\n(same)=\n## 二\n"},
        "",
        HINTS["Duplicate explicit target name"],
    ),
    "unknown directive": (
        {"index.md": "# 首页\n\n```{resume-rol}\n```\n"},
        "",
        HINTS["Unknown directive type"],
    ),
    "unknown option": (
        {"index.md": "# 首页\n\n```{resume-role}\n:colour: red\n```\n"},
        "",
        HINTS["Unknown option key"],
    ),
    "role with a bad date": (
        {"index.md": "# 首页\n\n" + ROLE.format(start="2019-13", end="2020")},
        "",
        DIRECTIVE_ADVICE["start"],
    ),
    "project without a url": (
        {"index.md": "# 首页\n\n```{resume-project}\n:name: X\n:relation: 用户\n```\n"},
        "",
        "give :url: a value in the directive",
    ),
    "project page without its directive": (
        {"index.md": INDEX.replace("ENTRIES", "projects/x"), "projects/x.md": "# X\n"},
        "",
        "add the resume-project directive at the page's top",
    ),
    "full phone number on a page": (
        {"index.md": "# 首页\n\n电话 136 1234 3209\n"},
        "resume_contact = {'phone': {'value': '+86 136 **** 3209', 'visibility': 'masked'}}\n",
        SUBTYPES["privacy"].what_to_do,
    ),
    "raw HTML on a page": (
        {"index.md": "# 首页\n\n<script>alert(1)</script>\n"},
        "",
        "write it in Markdown",
    ),
    "page that reads a file": (
        {"index.md": "# 首页\n\n```{literalinclude} /etc/hostname\n```\n"},
        "",
        "write the text in the page itself",
    ),
    "static file that is a link out of the repository": (
        {"index.md": "# 首页\n"},
        "import os\nos.makedirs('_static', exist_ok=True)\n"
        "os.path.lexists('_static/host.css') or os.symlink('/proc/version', '_static/host.css')\n"
        "html_static_path = ['_static']\n",
        SUBTYPES["symlink"].what_to_do,
    ),
    "environment value that is no web address": (
        {"index.md": "# 首页\n"},
        "from resume import environment\nfrom sphinx.errors import ConfigError\ntry:\n"
        "    environment.read({'READTHEDOCS_CANONICAL_URL': 'javascript:x//zh-cn/'})\n"
        "except environment.SettingError as error:\n    raise ConfigError(str(error))\n",
        "set READTHEDOCS_CANONICAL_URL to one (such as https://example.org/en/latest/), or unset it",
    ),
    "fuzzy translation": (
        {
            "index.md": "# 首页\n\n团队有 5 人。\n",
            "locales/en/LC_MESSAGES/index.po": PO.format(
                entries='#, fuzzy\nmsgid "首页"\nmsgstr "Home"\n\nmsgid "团队有 5 人。"\nmsgstr "A team of 5."\n'
            ),
        },
        "locale_dirs = ['locales']\ngettext_compact = False\n",
        CATALOG_HINTS["fuzzy"],
    ),
    "translation with another figure": (
        {
            "index.md": "# 首页\n\n团队有 5 人。\n",
            "locales/en/LC_MESSAGES/index.po": PO.format(
                entries='msgid "首页"\nmsgstr "Home"\n\nmsgid "团队有 5 人。"\nmsgstr "A team of 6."\n'
            ),
        },
        "locale_dirs = ['locales']\ngettext_compact = False\n",
        SUBTYPES["figures"].what_to_do,
    ),
    "translation with unbalanced emphasis": (
        {
            "index.md": "# 首页\n\n**团队**有 5 人。\n",
            "locales/en/LC_MESSAGES/index.po": PO.format(
                entries='msgid "首页"\nmsgstr "Home"\n\n'
                'msgid "**团队**有 5 人。"\nmsgstr "**A team of 5."\n'
            ),
        },
        "locale_dirs = ['locales']\ngettext_compact = False\n",
        SUBTYPES["markup"].what_to_do,
    ),
    "translation that drops a bullet's tag": (
        {
            "index.md": "# 首页\n\n- 团队有 5 人。{tag}`early-career`\n",
            "locales/en/LC_MESSAGES/index.po": PO.format(
                entries='msgid "首页"\nmsgstr "Home"\n\n'
                'msgid "团队有 5 人。{tag}`early-career`"\nmsgstr "A team of 5."\n'
            ),
        },
        "locale_dirs = ['locales']\ngettext_compact = False\n",
        SUBTYPES["markup"].what_to_do,
    ),
    "variant in an unknown language": (
        {"index.md": "# 首页\n"},
        "resume_variants = {'platform-fr': {'language': 'fr', 'pages': 1}}\n",
        SUBTYPES["variants"].what_to_do,
    ),
}
#: The rows built as the English edition.
ENGLISH = {
    "fuzzy translation",
    "translation with another figure",
    "translation with unbalanced emphasis",
    "translation that drops a bullet's tag",
}


def _write(src: Path, pages: dict[str, str | bytes], conf: str) -> None:
    write_project(src, {}, conf)
    for name, text in pages.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (src / name).write_bytes(data)


@pytest.mark.parametrize("kind", sorted(FAILURES))
def test_each_failure_gets_its_hint(kind, tmp_path):
    pages, conf, advice = FAILURES[kind]
    src = tmp_path / "src"
    src.mkdir()
    _write(src, pages, conf)
    result = build(src, tmp_path / "out", language="en" if kind in ENGLISH else "zh_CN")
    assert result.returncode != 0, f"{kind}: the build passed"
    given = hints(result.stderr)
    if advice in HINTS.values():  # a warning of Sphinx or MyST: the release's hint
        assert advice in given, f"{kind}: {result.stderr}"
        return
    # The extension's message says what to do itself; the summary does not say it again.
    said = [line.partition(LEAD)[2] for line in result.stderr.splitlines() if LEAD in line]
    assert any(advice in line for line in said), f"{kind}: {result.stderr}"
    assert not any(advice in hint for hint in given), f"{kind}: said twice: {given}"
    assert not set(given) & set(HINTS.values()), f"{kind}: a hint of the release's: {given}"


def test_every_hint_is_reached():
    reached = {advice for _, _, advice in FAILURES.values()}
    assert set(HINTS.values()) - reached == set(), "hints that no failure reaches"


def test_an_unknown_failure_still_says_what_to_do():
    assert hints("something nobody foresaw") == [GENERAL_HINT]


def test_a_build_cut_short_is_told_to_build_again():
    """A builder's process or the builders' server ended without results
    (test_release_speed_shape kills one for real): nothing names a file or line to fix, unless
    another builder's problem does."""
    cut = "not finished: the builders' server ended (exit -9)\n"
    assert hints(cut) == [CUT_SHORT_HINT]
    problem = "/src/one.md:3: WARNING: something nobody foresaw\n"
    assert hints(problem + cut) == [CUT_SHORT_HINT, GENERAL_HINT]
    quoted = "/src/one.md:3: WARNING: 'not finished: yet' [resume.card]\nWhat to do: fix it\n"
    assert CUT_SHORT_HINT not in hints(quoted)


def test_sphinx_crash_report_is_cut_to_its_message(tmp_path):
    """A configuration refused in conf.py makes Sphinx print a crash report (versions,
    traceback, a plea to report it upstream) around our message; the release shows the message."""
    import sys

    from tools.release import condense

    src = tmp_path / "src"
    src.mkdir()
    pages, conf, _ = FAILURES["full phone number the mask cannot stand for"]
    _write(src, pages, conf)
    result = run_forked(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(src), str(tmp_path / "out")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0 and "Please also report this" in result.stderr
    short = condense(result.stderr)
    [line] = [line for line in short.splitlines() if line.strip()]
    assert line.startswith("Configuration error: RESUME_PHONE does not fit the masked value")
    assert "What to do:" in line and "Sphinx's full report: /" in line
