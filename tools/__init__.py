"""Build tooling around the Sphinx project: the release build (``release``), the benchmark
(``bench``, with ``edit_loop`` and ``lighthouse``; ``suite_bench`` for the test suite), the root
language page (``root_page``), Read the Docs' build (``readthedocs``), the catalogs' update
(``catalogs``) and check (``check_catalogs``), a recruiter's copy of the PDF and text résumé
(``paper_copy``), and what a process that forks builds shares (``preloading``).

These modules know the repository's layout; the Sphinx extension in ``_ext/resume`` does not.
They run as programs in a nox session's environment (``python -m tools.release``), where the
build's dependencies are installed; ``noxfile.py`` imports none of them.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

#: The repository: the Sphinx source folder.
REPO = Path(__file__).resolve().parents[1]
#: Where ``nox -s build`` publishes.
BUILD = REPO / "_build"
#: How a tool runs a ``python -m sphinx`` command: as ``subprocess.run`` does. The tests pass
#: their own, which forks the build from a process with Sphinx loaded.
Runner = Callable[..., "subprocess.CompletedProcess[str]"]

# The extension's standard-library modules (the editions, the output names) are shared.
if str(REPO / "_ext") not in sys.path:
    sys.path.insert(0, str(REPO / "_ext"))
