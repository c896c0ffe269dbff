"""A failed release build says what to do, whatever failed: the "What to do" of an error that
stops Sphinx (a crash report) reaches the output, and Sphinx's full report is kept under the
build folder until the next build, named only when there was one."""

from __future__ import annotations

import re
from pathlib import Path

from tools.release import CRASH_REPORTS, GENERAL_HINT, condense, hints

from helpers import copy_project, release

#: A crash report as Sphinx 8.2 prints it, for an error whose message has two lines.
REPORT = """\
Sphinx error!

Versions
========

* Sphinx version:   8.2.3

Traceback
=========

      File "/x/_ext/resume/pdf.py", line 176, in fonts
        raise PaperError(
    resume.pdf.PaperError: the font 'Noto Sans CJK SC' (regular) is not in /nowhere.
What to do: install Debian's fonts-noto-cjk.


The full traceback has been saved in:
{log}

To report this error to the developers, please open an issue at <https://github.com/sphinx-doc/sphinx/issues/>. Thanks!
Please also report this if it was a user error, so that a better error message can be provided next time.
"""


def test_a_crash_report_is_cut_to_its_whole_message():
    short = condense(REPORT.format(log="/var/tmp/sphinx-err-abc.log"))
    assert short == (
        "Sphinx error: the font 'Noto Sans CJK SC' (regular) is not in /nowhere.\n"
        "What to do: install Debian's fonts-noto-cjk. "
        "(Sphinx's full report: /var/tmp/sphinx-err-abc.log)\n"
    )


def test_the_advice_of_a_message_is_not_said_again_and_replaces_the_general_one():
    output = REPORT.format(log="/var/tmp/sphinx-err-abc.log")
    assert hints(output) == []
    assert hints("something failed, no advice given") == [GENERAL_HINT]
    assert hints(output + "\nx.md:1: WARNING: a warning of no known kind") == [GENERAL_HINT]


def test_a_crash_says_what_to_do_and_where_its_report_is_until_the_next_build(tmp_path):
    project = copy_project(tmp_path / "project")
    conf = project / "conf.py"
    good_conf = conf.read_text("utf-8")
    (tmp_path / "no-fonts").mkdir()
    conf.write_text(good_conf + f"resume_pdf_font_paths = [{str(tmp_path / 'no-fonts')!r}]\n")
    build = tmp_path / "_build"

    ok, out, err = release(build, source=project, codes=("en",))
    assert not ok
    # Said by the messages of the HTML builder (the social card) and the PDF builder, on their
    # lines, and not again in a summary.
    assert "pip install -r requirements-fonts.txt" in out, out
    assert "What to do:\n" not in err and GENERAL_HINT not in out + err, err
    named = re.findall(r"Sphinx's full report: (\S+)\)", out + err)
    assert named == [str(build / CRASH_REPORTS / "resumepdf-en.log")], out + err
    assert "PaperError" in Path(named[0]).read_text("utf-8")

    conf.write_text(good_conf, "utf-8")
    ok, out, err = release(build, source=project, codes=("en",))
    assert ok, out + err
    assert not (build / CRASH_REPORTS).exists()
    assert "full report" not in out + err
