"""The theme's templates are compiled once and kept between builds (Jinja's bytecode cache,
beside the doctrees: ``theme.cache_compiled_templates``), and a template edited between two
builds is compiled again: the next build shows the edit, as the preview must."""

from __future__ import annotations

import os
from pathlib import Path

from helpers import sphinx_forked

LAYOUT = """\
{%- extends "!layout.html" %}
{%- block extrahead %}{{ super() }}<meta name="marker" content="MARKER">{% endblock %}
"""


def test_an_edited_template_shows_in_the_next_build(make_project, tmp_path):
    src = make_project({"index.md": "# 标题\n\n正文。\n"}, conf="templates_path = ['_templates']\n")
    (src / "_templates").mkdir()
    doctrees, out = tmp_path / "doctrees", tmp_path / "html"

    def built_with(marker: str) -> str:
        (src / "_templates" / "layout.html").write_text(LAYOUT.replace("MARKER", marker), "utf-8")
        arguments = ["-b", "html", "-n", "-W", "--keep-going", "-d", str(doctrees), str(src), str(out)]  # fmt: skip
        result = sphinx_forked(arguments, os.environ)
        assert result.returncode == 0, result.stderr
        return Path(out / "index.html").read_text("utf-8")

    assert 'content="one"' in built_with("one")
    cached = {path.name: path.read_bytes() for path in (doctrees / "jinja2").iterdir()}
    assert cached, "no compiled template was kept"
    page = built_with("two")
    assert 'content="two"' in page and 'content="one"' not in page
    again = {path.name: path.read_bytes() for path in (doctrees / "jinja2").iterdir()}
    assert again != cached, "the edited template's compiled code was not replaced"
