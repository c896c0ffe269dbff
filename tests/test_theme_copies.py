"""The copies of furo's templates in ``_templates/`` match the installed furo.

``_templates/page.html`` and ``_templates/partials/icons.html`` are furo's own files with the
interface strings put through ``_()``. After a furo upgrade they would silently keep the old
markup: this test fails until they are taken again from the new release.
"""

from __future__ import annotations

import re
import sys
from importlib.metadata import version
from pathlib import Path

import furo
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "_ext"))

from resume.theme import FURO_VERSION  # noqa: E402

FURO_THEME = Path(furo.__file__).parent / "theme" / "furo"
COPIES = ["page.html", "partials/icons.html"]


def test_installed_furo_is_the_one_the_copies_were_taken_from():
    assert version("furo") == FURO_VERSION, (
        f"furo {version('furo')} is installed, the copies in _templates/ are of {FURO_VERSION}: "
        "take page.html and partials/icons.html again from the new furo, redo the changes their "
        "header lists, and set FURO_VERSION in _ext/resume/theme.py"
    )


def _strings_through_gettext(text: str) -> str:
    """Our copy's changes undone: ``{{ _("X")|e }}`` back to ``X``, header comment dropped."""
    text = re.sub(r"\{#-.*?-#\}\n", "", text, count=1, flags=re.DOTALL)
    return re.sub(r'\{\{ _\("([^"]*)"\)(?:\|e)? \}\}', r"\1", text)


@pytest.mark.parametrize("name", COPIES)
def test_each_copy_names_the_furo_version(name):
    header = (REPO / "_templates" / name).read_text("utf-8").splitlines()[0]
    assert f"furo {FURO_VERSION}" in header


def test_icons_differ_from_furo_only_in_translated_titles():
    ours = _strings_through_gettext(
        (REPO / "_templates" / "partials/icons.html").read_text("utf-8")
    )
    theirs = (FURO_THEME / "partials" / "icons.html").read_text("utf-8")
    assert ours == theirs
