"""``nox -s catalogs``: extract the messages of every page and update the catalogs from them.

The message templates are extracted into a folder emptied first (``_build/gettext``), so that a
page renamed or deleted leaves no template behind to recreate its old catalog. sphinx-intl then
merges them into ``locales/{en,ja}`` (and the theme's template into ``locales/zh_CN``). A catalog
it creates gets a whole header: the ``Language`` of its folder, that language's
``Plural-Forms``, and no ``#, fuzzy`` flag (the template's flag would make the translation gate,
and gettext, drop the whole file). Run in the build environment: ``python -m tools.catalogs``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from resume.languages import EDITIONS, SOURCE

from . import BUILD, REPO, Runner

#: The catalogs' folder (conf.py: resume_locale_dirs).
LOCALES = "locales"
#: The theme's template: the only one the source language has a catalog for.
THEME_TEMPLATE = "sphinx.pot"


def extract(source: Path, pot: Path, run: Runner = subprocess.run) -> None:
    """Write every page's message template into ``pot``, emptied first."""
    shutil.rmtree(pot, ignore_errors=True)
    run(
        [sys.executable, "-m", "sphinx",
         "-b", "gettext",
         "-n", "-W", "--keep-going",
         "-E",  # every page, so no message is left out
         "-q",
         str(source), str(pot)],
        check=True,
    )  # fmt: skip


def update(pot: Path, locales: Path, languages: list[str]) -> list[Path]:
    """Merge the templates in ``pot`` into the catalogs of ``languages``; return those created,
    each with a complete header."""
    from sphinx_intl.basic import update as intl_update

    before = set(locales.rglob("*.po"))
    # No wrapping (line_width 0), as the catalogs are written; one process, no pool to fork.
    intl_update(str(locales), str(pot), tuple(languages), line_width=0, jobs=1)
    created = sorted(set(locales.rglob("*.po")) - before)
    for path in created:
        complete_header(path, path.relative_to(locales).parts[0])
    return created


def complete_header(path: Path, language: str) -> None:
    """Give a new catalog its language's header, without the template's fuzzy flag."""
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as file:
        catalog = read_po(file, locale=language)
    catalog.fuzzy = False
    # Babel writes Language and Plural-Forms from the locale set when reading.
    with path.open("wb") as file:
        write_po(file, catalog, width=0)


def main(source: Path = REPO, build: Path = BUILD, run: Runner = subprocess.run) -> None:
    pot = build / "gettext"
    extract(source, pot, run)
    locales = source / LOCALES
    translated = [e.sphinx for e in EDITIONS if e != SOURCE]
    for path in update(pot, locales, translated):
        print(f"created {path.relative_to(source)}: translate every entry")
    # The source language has only the theme's catalog, updated from its template alone.
    theme = build / "gettext-theme"
    shutil.rmtree(theme, ignore_errors=True)
    theme.mkdir(parents=True)
    shutil.copy2(pot / THEME_TEMPLATE, theme / THEME_TEMPLATE)
    update(theme, locales, [SOURCE.sphinx])


if __name__ == "__main__":
    main()
