"""The extension's settings: every ``resume_*`` value declared once, typed, and read through
``resume.settings``; the owner's name and headline are settings of their own."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from resume import settings as settings_module
from resume.settings import PREFIX, Settings

from helpers import REPO, build

EXTENSION = REPO / "_ext" / "resume"
#: A ``resume_*`` value declared or read anywhere but through ``settings()``.
DIRECT = re.compile(r"add_config_value\(\s*[\"']resume_|config\.resume_\w+")


def test_every_resume_value_is_a_typed_field_registered_with_sphinx(make_project, tmp_path):
    from sphinx.testing.util import SphinxTestApp

    src = make_project({"index.md": "# Name\n"})
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out")
    try:
        registered = {name for name in app.config._options if name.startswith(PREFIX)}
        fields = {field.name: field for field in dataclasses.fields(Settings)}
        assert registered == {PREFIX + name for name in fields}
        read = settings_module.settings(app.config)
        for name, field in fields.items():
            value = getattr(read, name)
            assert value == getattr(app.config, PREFIX + name), name
            assert field.metadata["rebuild"] in ("", "env", "html"), name
    finally:
        app.cleanup()


def test_no_module_declares_or_reads_a_resume_value_but_through_settings():
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in sorted([*EXTENSION.glob("*.py"), REPO / "conf.py"])
        if path.name != "settings.py"
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if DIRECT.search(line)
    ]
    assert offenders == []


def test_the_owner_comes_from_its_setting_in_each_edition_and_not_from_the_title():
    config = {
        "zh_CN": {"name": "某人", "headline": "工程师"},
        "en": {"name": "Someone", "headline": "Engineer"},
    }
    read = Settings(owner=config)
    assert (read.name("en"), read.headline("en")) == ("Someone", "Engineer")
    assert (read.name("zh_CN"), read.headline("zh_CN")) == ("某人", "工程师")
    # An edition the setting does not name states the source's.
    assert (read.name("ja"), read.headline("ja")) == ("某人", "工程师")


def test_a_title_that_is_not_name_and_headline_changes_neither(make_project, tmp_path: Path):
    conf = (
        "html_title = 'Résumé — a title with · two · separators'\n"
        "resume_owner = {'zh_CN': {'name': 'Name', 'headline': 'Headline'}}\n"
    )
    src = make_project({"index.md": "# Name\n\n```{resume-contact}\n```\n"}, conf)
    result = build(src, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    data = json.loads((result.outdir / "resume.json").read_text("utf-8"))
    assert (data["basics"]["name"], data["basics"]["label"]) == ("Name", "Headline")
