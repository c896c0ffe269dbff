"""The build's log is public (Read the Docs shows it): no warning, error or status line of a
build, and no line of the catalog check, quotes a value the owner keeps masked or private, in
any disguise the privacy gate reads; the build still fails, naming the file and line.

Named cases: a full number in an untranslated paragraph (the catalog gate's message), a
translation that states it in full-width digits (the figures check's list of numbers), a
reference to it (Sphinx's own warning). Generated ones: the privacy gate's disguises
(``test_disguises.disguise``) in a page and in a translation.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_disguises import disguise

from resume.reading import Secret, masked_pattern, normalise
from tools.check_catalogs import main as check_catalogs

from helpers import Build, build, write_project

MASKED = "+86 136 **** 3209"
SECRET = masked_pattern(MASKED)
#: The hidden digits of the made-up numbers below: no line of any log may hold them.
HIDDEN = "5781"
NUMBER = f"136{HIDDEN}3209"
CONF = (
    f"resume_contact = {{'phone': {{'value': {MASKED!r}, 'visibility': 'masked'}}}}\n"
    "resume_locale_dirs = ['locales']\ngettext_compact = False\n"
)
HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: en\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)
NOT_SHOWN = "(a text holding a value kept private; not shown)"


def po_string(text: str) -> str:
    """``text`` as a gettext string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def project(root: Path, page: str, translation: str = "Introduction.") -> Path:
    """A home page with a title, ``简介。`` and ``page`` (Markdown, may be empty), and its English
    catalog, which translates the title and ``简介。`` (as ``translation``) only."""
    pages = {
        "index.md": f"# 首页\n\n简介。\n\n{page}",
        "locales/en/LC_MESSAGES/index.po": HEADER
        + 'msgid "首页"\nmsgstr "Home"\n\n'
        + f'msgid "简介。"\nmsgstr {po_string(translation)}\n',
    }
    return write_project(root / "src", pages, CONF)


def leaks(text: str, root: Path) -> list[str]:
    """The lines of ``text`` (paths under ``root`` taken out) that hold the number, read as the
    privacy gate reads it, or a run of its hidden digits."""
    text = text.replace(str(root), "<root>")
    return [
        line
        for line in text.splitlines()
        if SECRET.search(normalise(line)) or HIDDEN in normalise(line) or HIDDEN in line
    ]


def english(root: Path, page: str, translation: str = "Introduction.") -> Build:
    return build(project(root, page, translation), root / "out", language="en")


def test_an_untranslated_paragraph_holding_the_number_is_not_quoted(tmp_path: Path) -> None:
    result = english(tmp_path, f"电话 +86 136 {HIDDEN} 3209\n")
    assert result.returncode != 0
    assert not leaks(result.stdout + result.stderr, tmp_path), result.stderr
    page = tmp_path / "src" / "index.md"
    assert f"{page}:5: WARNING: catalog: untranslated message {NOT_SHOWN}" in result.stderr
    assert "which the owner keeps masked" in result.stderr  # the privacy gate still fails it


def test_the_figures_of_a_translation_holding_the_number_are_not_listed(tmp_path: Path) -> None:
    full_width = "".join(chr(0xFF10 + int(d)) for d in f"86 136 {HIDDEN} 3209" if d.isdigit())
    result = english(tmp_path, "", f"Call ＋{full_width[:2]} {full_width[2:5]} "
                     f"{full_width[5:9]} {full_width[9:]}")  # fmt: skip
    assert result.returncode != 0
    assert not leaks(result.stdout + result.stderr, tmp_path), result.stderr
    po = tmp_path / "src" / "locales" / "en" / "LC_MESSAGES" / "index.po"
    assert (
        f"{po}:10: WARNING: figures: {NOT_SHOWN}. What to do: make the translation state the "
        "same figures as its source"
    ) in result.stderr, result.stderr


def test_sphinx_s_own_warning_does_not_quote_the_number(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", {"index.md": f"# 首页\n\n{{ref}}`{NUMBER}`\n"}, CONF)
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert "undefined label" in result.stderr, result.stderr
    assert not leaks(result.stdout + result.stderr, tmp_path), result.stderr


def test_the_catalog_check_does_not_quote_the_number(tmp_path: Path, capsys) -> None:
    src = project(tmp_path, "", f"Call +86 136 {HIDDEN} 3209.")
    secrets = [Secret("phone", SECRET, "masked")]
    assert check_catalogs(["en"], src / "locales", found=secrets) == 1
    output = capsys.readouterr().out
    assert not leaks(output, tmp_path), output
    assert f"index.po:10: figures: {NOT_SHOWN}" in output, output


@settings(max_examples=200, deadline=None)
@given(disguise(number=NUMBER), st.sampled_from(["undefined label:", "untranslated message"]))
def test_a_message_keeps_all_but_the_number(markdown: str, lead: str) -> None:
    from resume.reading import redact

    found = [Secret("phone", SECRET, "masked")]
    text = redact(f"index.md:3: {lead} {markdown.strip()} What to do: fix it.", found)
    assert not SECRET.search(normalise(text)), text
    assert text.startswith(f"index.md:3: {lead} ") and text.endswith("What to do: fix it."), text


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(disguise(number=NUMBER), st.sampled_from(["page", "translation"]))
def test_no_disguise_of_the_number_reaches_the_log(
    tmp_path_factory: pytest.TempPathFactory, markdown: str, where: str
) -> None:
    root = tmp_path_factory.mktemp("disguised")
    if where == "page":
        result = english(root, markdown)
    else:
        result = english(root, "", re.sub(r"\n+$", "", markdown))
    assert result.returncode != 0, result.stderr
    assert not leaks(result.stdout + result.stderr, root), result.stderr


def test_a_cut_excerpt_keeps_none_of_the_hidden_digits(tmp_path: Path) -> None:
    """Raw HTML is quoted cut to 60 characters: cut after the hidden digits, before the rest of
    the number, the excerpt alone holds no full number, and still must not be quoted."""
    html = f"<div>{'ab ' * 15}136 {HIDDEN} 3209</div>"
    src = write_project(tmp_path / "src", {"index.md": f"# 首页\n\n{html}\n"}, CONF)
    result = build(src, tmp_path / "out")
    assert result.returncode != 0
    assert f"raw HTML {NOT_SHOWN} is not published" in result.stderr, result.stderr
    assert not leaks(result.stdout + result.stderr, tmp_path), result.stderr


def test_a_private_value_is_not_quoted_either(tmp_path: Path) -> None:
    conf = CONF.replace(
        f"{{'phone': {{'value': {MASKED!r}, 'visibility': 'masked'}}}}",
        "{'email': {'value': 'owner@example.org', 'visibility': 'private'}}",
    )
    pages = {
        "index.md": "# 首页\n\n简介。\n\n邮箱 owner@example.org\n",
        "locales/en/LC_MESSAGES/index.po": HEADER
        + 'msgid "首页"\nmsgstr "Home"\n\nmsgid "简介。"\nmsgstr "Introduction."\n',
    }
    result = build(write_project(tmp_path / "src", pages, conf), tmp_path / "out", language="en")
    assert result.returncode != 0
    assert f"untranslated message {NOT_SHOWN}" in result.stderr, result.stderr
    assert "the full email, which the owner keeps private" in result.stderr
    assert "owner@example" not in result.stdout + result.stderr


@settings(max_examples=100, deadline=None)
@given(disguise(number=NUMBER))
def test_the_catalog_check_quotes_no_disguise_of_the_number(markdown: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        src = project(root, "", re.sub(r"\n+$", "", markdown))
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            check_catalogs(["en"], src / "locales", found=[Secret("phone", SECRET, "masked")])
        assert not leaks(output.getvalue(), root), output.getvalue()


def test_what_sphinx_prints_outside_its_logging_is_withheld_in_the_release_report(tmp_path, capsys):
    """A crash's reason (a template named after the number, say) is printed by Sphinx itself,
    past every logging filter: the release's report and the crash report it keeps withhold it."""
    from resume.languages import BY_CODE
    from tools.release import reporting
    from tools.release.building import Job, JobResult

    saved = tmp_path / "sphinx-err-abc123.log"
    saved.write_text(f"Traceback …\njinja2.TemplateNotFound: 'n{NUMBER}.html'\n", "utf-8")
    stderr = (
        "\nExtension error:\nReason: TemplateNotFound(" + repr(f"n{NUMBER}.html") + ")\n"
        f"The full traceback has been saved in:\n{saved}\n"
    )
    result = JobResult(Job(BY_CODE["en"], "html"), 2, "", stderr, 1.0)
    found = [Secret("phone", SECRET, "masked")]
    (tmp_path / "_build").mkdir()
    moved = reporting.keep_crash_reports([result], tmp_path / "_build", found)
    assert reporting.report([result], moved, found) == ["html/en"]
    printed = capsys.readouterr().out
    kept = (tmp_path / "_build" / reporting.CRASH_REPORTS / "html-en.log").read_text("utf-8")
    for text in (printed, kept):
        assert HIDDEN not in text and not SECRET.search(normalise(text)), text
    assert "Reason: (a text holding a value kept private; not shown)" in printed
