"""Build tooling around the Sphinx project: the release build (``release``, with each edition's
builders in ``edition_build``), the benchmark (``bench``, with ``lighthouse``; ``suite_bench``
for the test suite), the root language page (``root_page``), the catalogs' update
(``catalogs``) and check (``check_catalogs``), and a recruiter's copy of the PDF and text
résumé (``paper_copy``).

These modules know the repository's layout; the Sphinx extension in ``_ext/resume`` does not.
They need only the standard library (and ``resume.languages``, ``resume.outputs``, which need
nothing else), so that ``noxfile.py`` can import them before Sphinx is installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The repository: the Sphinx source folder.
REPO = Path(__file__).resolve().parents[1]
#: Where ``nox -s build`` publishes.
BUILD = REPO / "_build"

# The extension's standard-library modules (the editions, the output names) are shared.
if str(REPO / "_ext") not in sys.path:
    sys.path.insert(0, str(REPO / "_ext"))
