"""Translation catalogs: complete, current and well-formed, or the edition is not built."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resume.catalogs import (
    KINDS,
    catalog_files,
    catalog_problems,
    header_problems,
    language_problems,
)
from tools import catalogs
from tools.check_catalogs import LOCALES, main, report

from helpers import REPO, build, copy_project, run_forked, shared, write_project
from resume_sources import pages, roles, sentences, source

TRANSLATED = ("en", "ja")
PO_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", [*TRANSLATED, "zh_CN"])
def test_catalogs_are_complete(language, capsys):
    assert language_problems(language, LOCALES) == []
    assert main([language]) == 0
    table = capsys.readouterr().out
    assert f"{language}/LC_MESSAGES/sphinx.po" in table  # the theme's catalog, in every language


def test_catalogs_hold_exactly_the_current_messages(gettext):
    pot_dir = gettext
    pots = {p.relative_to(pot_dir).with_suffix("") for p in pot_dir.rglob("*.pot")}
    assert pots, "no message templates were extracted"
    for language in TRANSLATED:
        folder = REPO / "locales" / language / "LC_MESSAGES"
        for name in sorted(pots):
            expected = msgids(pot_dir / f"{name}.pot")
            actual = msgids(folder / f"{name}.po")
            assert expected - actual == set(), f"{language}/{name}.po lacks messages"
            assert actual - expected == set(), f"{language}/{name}.po has stale messages"


def write_po(path: Path, body: str) -> Path:
    path.write_text(PO_HEADER + body, "utf-8")
    return path


def test_check_finds_each_kind_of_problem_with_its_line(tmp_path):
    po = write_po(
        tmp_path / "page.po",
        'msgid "好"\nmsgstr "good"\n\n'
        '#, fuzzy\nmsgid "一"\nmsgstr "one"\n\n'
        'msgid "二"\nmsgstr ""\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n',
    )
    found = {(p.kind, p.line) for p in catalog_problems(po)}
    assert found == {("fuzzy", 9), ("untranslated", 12), ("obsolete", 15)}
    table = report(catalog_problems(po), [po], tmp_path)
    counts = {"untranslated": "1", "fuzzy": "1", "obsolete": "1"}
    assert table.splitlines()[0].split() == ["catalog", *KINDS]
    assert table.splitlines()[-1].split() == ["total", *(counts.get(k, "0") for k in KINDS)]


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('msgid "一"\nmsgstr "one\n', 6, "not a catalog line"),
        ('msgid "一"\n\nmsgid "二"\nmsgstr "two"\n', 5, "needs a msgid and a msgstr"),
        ('msgid "一"\nmsgstr "one"\n\nmsgid "一"\nmsgstr "uno"\n', 8, "duplicate msgid"),
        ('msgid "一"\nmsgstr "one" trailing\n', 6, "not a catalog line"),
    ],
    ids=["unterminated-string", "missing-msgstr", "duplicate", "trailing-garbage"],
)
def test_malformed_catalog_is_a_syntax_problem(tmp_path, body, line, message):
    problems = catalog_problems(write_po(tmp_path / "page.po", body))
    assert [(p.kind, p.line) for p in problems][:1] == [("syntax", line)]
    assert message in problems[0].message


@dataclass(frozen=True)
class Stale:
    """A sentence of a role page and the owner's rewording of it, and another role page."""

    page: str  # the page whose sentence is edited
    source: str
    edited: str
    broken: str  # the page whose English catalog is broken


@cache
def stale() -> Stale:
    """The shortest sentence of any role page, reworded (its catalogs then hold the old one), so
    that the problem's excerpt of it (60 characters) quotes it whole; any other role page has
    the broken catalog."""
    found = sorted(
        (len(edited), page, sentence, edited)
        for page in roles()
        for sentence in sentences(page)
        if len(edited := f"{sentence.removesuffix('。')}等工作。") < 60
    )
    if not found or len(roles()) < 2:
        pytest.fail(f"no role page has a sentence short enough to be quoted whole (under 60 characters with 等工作。 added), or there is no other role: {sorted(roles())}")  # fmt: skip
    _length, page, sentence, edited = found[0]
    return Stale(page, sentence, edited, next(role for role in roles() if role != page))


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A copy of the project with two changes whose effects do not overlap: a sentence of a role
    page reworded, its catalogs updated as ``nox -s catalogs`` does (so stale), and a syntax
    error at the end of another role's English catalog; then its Chinese and English builds."""
    return shared(tmp_path_factory, "edited", _edit)


def _edit(folder: Path) -> dict:
    project = copy_project(folder / "project")
    page = project / f"{stale().page}.md"
    assert stale().source in page.read_text("utf-8")
    page.write_text(page.read_text("utf-8").replace(stale().source, stale().edited), "utf-8")

    catalogs.main(project, project / "_build", run_forked)  # as nox -s catalogs runs it
    problems = language_problems("en", project / "locales")

    catalog = project / "locales" / "en" / "LC_MESSAGES" / f"{stale().broken}.po"
    catalog.write_text(catalog.read_text("utf-8") + '\nmsgid "坏\n', "utf-8")
    return {
        "problems": problems,
        "broken_line": len(catalog.read_text("utf-8").splitlines()),
        "zh": build(project, project / "_build" / "zh", "html", "zh_CN"),
        "en": build(project, project / "_build" / "en", "html", "en"),
    }


def test_stale_translation_is_caught(edited):
    page = stale().page
    named = [p for p in edited["problems"] if p.path.with_suffix("").as_posix().endswith(page)]
    assert named and all(p.kind in ("fuzzy", "untranslated", "obsolete") for p in named)
    assert any(stale().edited in p.message for p in named), [str(p) for p in named]

    en = edited["en"]
    assert en.returncode != 0
    assert f"locales/en/LC_MESSAGES/{page}.po:" in en.stderr
    assert f"{page}.md" in en.stderr  # the untranslated message, where it stands


def test_chinese_edition_builds_whatever_the_other_catalogs_say(edited):
    zh = edited["zh"]
    assert zh.returncode == 0, zh.stderr
    en = edited["en"]
    assert en.returncode != 0
    assert f"{stale().broken}.po:{edited['broken_line']}: WARNING: syntax" in en.stderr


def test_every_translated_language_has_catalogs_for_every_page():
    for language in TRANSLATED:
        names = {p.stem for p in catalog_files(language, LOCALES)}
        assert {page.split("/")[-1] for page in pages()} <= names


# -- A translation that is still the source ----------------------------------------------------


def _entry(tmp_path: Path, language: str, msgid: str, msgstr: str) -> list[str]:
    """The kinds of the problems of a one-entry catalog of ``language``."""
    folder = tmp_path / "locales" / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    po = write_po(folder / "page.po", f'msgid "{msgid}"\nmsgstr "{msgstr}"\n')
    return [p.kind for p in catalog_problems(po)]


@pytest.mark.parametrize(
    ("language", "msgid", "msgstr", "refused"),
    [
        ("en", "负责社交产品的网关开发。", "负责社交产品的网关开发。", True),  # copied
        ("en", "负责社交产品的网关开发。", "Developed the gateway 负责社交产品的网关开发。", True),
        ("en", "万汇互联", "Wanhui Interconnect (万汇互联)", False),  # a name glossed
        ("en", "万汇互联", "Wanhui Interconnect（万汇互联）", False),
        ("en", "大连大学", "Dalian University (大连大学，负责社交产品的网关开发)", True),
        ("en", "见[首页](index.md)。", "See the [home page](index.md).", False),
        ("ja", "负责社交产品的网关开发。", "负责社交产品的网关开发。", True),  # copied
        ("ja", "工作经历", "工作经历", True),
        ("ja", "工作经历", "職務経歴", False),  # kanji only, all Japanese
        ("ja", "徐鑫", "徐鑫", False),  # a name both write
        ("ja", "负责网关开发。", "ゲートウェイの开发を担当。", False),  # kana: Japanese (a typo)
        ("zh_CN", "工作经历", "工作经历", False),
    ],
)
def test_a_translation_that_is_still_the_source_is_untranslated(
    tmp_path, language, msgid, msgstr, refused
):
    assert ("untranslated" in _entry(tmp_path, language, msgid, msgstr)) == refused


@given(
    stand_in=st.sampled_from(
        ["TODO", "tbd", "FIXME", "XXX", "translate me", "待翻译", "未翻訳", ""]
    ),
    around=st.text(alphabet=" .…?!-_:：。（）()[]*", max_size=6),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
def test_a_stand_in_for_a_translation_is_untranslated(tmp_path, stand_in, around):
    msgstr = f"{around}{stand_in}{around[::-1]}"
    if not msgstr.strip():
        return  # an empty translation is untranslated by gettext's own rule
    assert "untranslated" in _entry(tmp_path, "en", "负责网关开发。", msgstr), msgstr
    assert "untranslated" in _entry(tmp_path, "ja", "负责网关开发。", msgstr), msgstr


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [("负责网关开发。", "Todoist integration."), ("负责网关开发。", "XXL-Job"), ("…", "…"),
     ("**20%**", "**20%**"), ("负责网关开发。", "Led the gateway work.")],
)  # fmt: skip
def test_a_translation_with_words_of_its_own_is_no_stand_in(tmp_path, msgid, msgstr):
    assert "untranslated" not in _entry(tmp_path, "en", msgid, msgstr)


# Chinese prose as Simplified Chinese writes it, and Japanese as Japanese writes it.
_SIMPLIFIED = "这们说为发业务过经语实现时间结对负责带领团队"
_KANA = "のをにはがでとしたするアイウエオゲートウェイ"
_SHARED = "徐鑫大学医数据木开"


@given(
    chinese=st.text(alphabet=_SIMPLIFIED + _SHARED + "，。", min_size=1, max_size=20).filter(
        lambda text: any(char in _SIMPLIFIED for char in text)
    ),
    english=st.text(alphabet="abcdefghij ,.", max_size=20),
    kana=st.text(alphabet=_KANA, min_size=1, max_size=5),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
def test_chinese_prose_is_refused_in_english_and_japanese(tmp_path, chinese, english, kana):
    assert "untranslated" in _entry(tmp_path, "en", "源", f"{english} {chinese} {english}")
    assert "untranslated" not in _entry(tmp_path, "en", "源", f"{english} (徐鑫) {english}")
    assert "untranslated" in _entry(tmp_path, "ja", "源", chinese)
    assert "untranslated" not in _entry(tmp_path, "ja", "源", chinese + kana)


NEW_PAGE = """\
(example)=
# 某科技公司

```{resume-role}
:organisation: 某科技公司
:title: Engineer
:start: 2019
:end: 2020
```
"""


def unnamed_role() -> str:
    """A role page that no other page names (a link, a project's ``:roles:``) but the list of
    roles, so that renaming it and that list's line is the whole of the owner's edit."""
    for role in roles():
        stem = role.split("/")[-1]
        others = (page for page in pages() if page not in (role, "experience/index"))
        if not any(re.search(rf"\b{re.escape(stem)}\b", source(page)) for page in others):
            return role
    pytest.fail(f"every role page is named by another page: {sorted(roles())}")


def test_catalogs_follow_a_renamed_page_and_give_a_new_one_a_whole_header(tmp_path):
    """``nox -s catalogs`` twice: before and after a page is renamed (its catalogs moved with it,
    as ``git mv`` does) and another added. The old name's template is gone with the rest of the
    last extraction, so no catalog comes back under it; the new page's catalogs can be loaded."""
    project = copy_project(tmp_path / "project")
    catalogs.main(project, project / "_build", run_forked)
    old = unnamed_role()
    new = f"{old}-interconnect"
    (project / f"{old}.md").rename(project / f"{new}.md")
    for language in TRANSLATED:
        folder = project / "locales" / language / "LC_MESSAGES"
        (folder / f"{old}.po").rename(folder / f"{new}.po")
    # Its old address, and any that sent readers to it, now send them to the new name.
    redirects = project / "redirects.txt"
    pairs = re.sub(rf"(\s){re.escape(old)}\.md$", rf"\g<1>{new}.md", redirects.read_text("utf-8"), flags=re.M)  # fmt: skip
    redirects.write_text(f"{pairs.rstrip()}\n{old}.md {new}.md\n", "utf-8")
    # A name no page of the copy has: the owner's own pages may be called anything.
    added = next(n for n in (f"example{i or ''}" for i in range(99)) if not (project / "experience" / f"{n}.md").exists())  # fmt: skip
    toc = project / "experience" / "index.md"
    stem = old.split("/")[-1]
    toc.write_text(re.sub(rf"^{stem}$", f"{stem}-interconnect\n{added}", toc.read_text("utf-8"), flags=re.M), "utf-8")  # fmt: skip
    (project / "experience" / f"{added}.md").write_text(NEW_PAGE.replace("(example)=", f"({added})="), "utf-8")  # fmt: skip

    catalogs.main(project, project / "_build", run_forked)

    for language in TRANSLATED:
        folder = project / "locales" / language / "LC_MESSAGES"
        assert not (folder / f"{old}.po").exists(), f"{language}: {old}.po came back"
        assert msgids(folder / f"{new}.po"), f"{language}: {new}.po lost its messages"
        created = folder / "experience" / f"{added}.po"
        text = created.read_text("utf-8")
        assert header_problems(created, text, language) == []
        assert f'"Language: {language}\\n"' in text and "Plural-Forms: nplurals=" in text
        kinds = {p.kind for p in catalog_problems(created)}
        assert kinds == {"untranslated"}, kinds  # not a fuzzy header: each entry to translate
    problems = [p for p in language_problems("en", project / "locales") if p.path.stem != added]
    assert problems == [], [str(p) for p in problems]


def test_a_page_that_cannot_be_extracted_stops_the_update_with_its_file_and_line(tmp_path, capfd):
    """``nox -s catalogs`` shows the owner what Sphinx said of a broken page, and stops before
    any catalog is touched, naming the command that failed."""
    import subprocess
    import sys

    page = "# Home\n\n```{resume-role}\n:organisation: X\n:start: 2020\n```\n"
    project = write_project(tmp_path / "src", {"index.md": page})
    with pytest.raises(subprocess.CalledProcessError) as error:
        catalogs.main(project, project / "_build", run_forked)
    assert error.value.cmd[:3] == [sys.executable, "-m", "sphinx"], error.value.cmd
    said = capfd.readouterr().err
    assert f"{project / 'index.md'}:3: ERROR: resume-role: the required key" in said, said
    assert not (project / "locales").exists()
