"""The catalog check's command line: ``nox -s catalogs-check [-- en]``.

Prints a table of problem counts per catalog and language, then each problem with its file and
line, and exits non-zero when any catalog of the languages named (all editions' by default) is
incomplete, inexact or malformed (``resume.catalogs``). A problem in an entry that holds a
value the owner keeps private or masked (``conf.py``'s ``resume_contact``) quotes none of it
(``resume.catalogs.withheld``): CI's log is public too.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from resume.catalogs import KINDS, Problem, catalog_files, catalog_problems, withheld
from resume.languages import EDITIONS
from resume.reading import Secret

from . import REPO
from .release.publishing import release_secrets

LOCALES = REPO / "locales"


def report(problems: Iterable[Problem], files: Iterable[Path], locales: Path) -> str:
    """A table of problem counts per file, with a total line."""
    counts: dict[Path, Counter[str]] = {path: Counter() for path in files}
    for problem in problems:
        counts.setdefault(problem.path, Counter())[problem.kind] += 1
    rows: list[tuple[str, ...]] = [("catalog", *KINDS)]
    total: Counter[str] = Counter()
    for path, counter in counts.items():
        rows.append((str(path.relative_to(locales)), *(str(counter[k]) for k in KINDS)))
        total.update(counter)
    rows.append(("total", *(str(total[k]) for k in KINDS)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )


def main(
    argv: Sequence[str] | None = None,
    locales: Path = LOCALES,
    found: Sequence[Secret] | None = None,
) -> int:
    """Check the catalogs of ``argv``'s languages (Sphinx ``language`` values); 0 when clean.
    ``found``: the values no message may quote (by default, those of the repository's
    ``conf.py``)."""
    languages = list(argv if argv else [e.sphinx for e in EDITIONS])
    found = release_secrets(REPO) if found is None else found
    failed = False
    for language in languages:
        files = catalog_files(language, locales)
        problems = withheld((p for path in files for p in catalog_problems(path)), found)
        print(f"== {language}: {len(files)} catalogs")
        print(report(problems, files, locales))
        for problem in problems:
            print(problem)
        if not files:
            print(f"no catalogs in {locales / language / 'LC_MESSAGES'}")
        failed = failed or bool(problems) or not files
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
