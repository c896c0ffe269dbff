"""What a process that forks Sphinx builds shares: what every build imports, loaded once.

A forked build finds these modules loaded instead of importing them itself: the release's
builders (``release.building``), the preview's rebuilds and the tests' ``python -m sphinx`` runs
(``tests/warm_sphinx.py``). The list names Sphinx, docutils, MyST, furo and their kin only,
nothing of the project: the extension is imported by whoever knows which project it builds. A
process that keeps the extension imported from one build to the next (the preview, the
release's fork server) tells by ``imported_extension_digest`` that its files changed.
``run_captured`` runs one build in a forked child as ``python -m sphinx`` would;
``load_search_dictionary`` loads jieba's dictionary for the Chinese builds to come.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import logging
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

#: The package of the project's extension, in ``SOURCE/_ext`` (as ``SOURCE/conf.py`` loads it).
EXTENSION = "resume"
#: The modules, as the builders import them while they run (each listed here is imported once
#: in the forking process, not once in each child).
SPHINX_MODULES = (
    "sphinx.cmd.build",
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.builders.epub3",
    "sphinx.writers.html5",
    "sphinx.search.en",
    "sphinx.search.ja",
    "sphinx.search.zh",
    "docutils.parsers.rst",
    "myst_parser",
    "myst_parser.sphinx_ext.main",
    "myst_parser.parsers.sphinx_",
    "furo",
    "jinja2",
    "babel.messages.pofile",
    "babel.messages.mofile",
    "typst",
    # And what every builder was found to import as it runs, in each child anew.
    "babel.numbers",
    "jinja2.ext",
    "myst_parser.sphinx_ext.directives",
    "myst_parser.sphinx_ext.mathjax",
    "myst_parser.sphinx_ext.myst_refs",
    "pygments.styles.native",
    "sphinx.builders.latex.transforms",
    "sphinx.ext.mathjax",
    "sphinx.util.console",
    "sphinx.util.math",
    "sphinx_basic_ng",
    "sphinxext.rediraffe",
    "xml.dom.minidom",
    "_strptime",
    "encodings.cp437",
    "encodings.unicode_escape",
    "encodings.utf_8_sig",
    *(
        f"a11y_pygments.a11y_{style}.style"
        for style in ("dark", "light", "high_contrast_dark", "high_contrast_light")
    ),
)


def import_all(names: Iterable[str]) -> None:
    """Import each module of ``names``; one that fails to import is left to the build, which
    reports it."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            continue


def preload_sphinx(languages: Iterable[str] = ()) -> None:
    """Import ``SPHINX_MODULES``, docutils' words for each of ``languages`` (Sphinx's
    ``language`` values) and Sphinx's built-in extensions."""
    import_all(SPHINX_MODULES)
    import_all(
        f"docutils.{parsers}languages.{language.lower()}"
        for language in languages
        for parsers in ("", "parsers.rst.")
    )
    try:
        from sphinx.application import builtin_extensions
    except ImportError:  # no Sphinx: the build says so
        return
    import_all(builtin_extensions)


def load_search_dictionary() -> None:
    """Load jieba's dictionary, as Sphinx's Chinese search does at the start of each build
    (half a second, from jieba's cache): loaded here, each forked build finds it loaded."""
    try:
        import jieba
    except ImportError:  # no Chinese search: the build says so
        return
    jieba.setLogLevel(logging.WARNING)  # as resume.search does: no "Building prefix dict…"
    jieba.initialize()


def extension_digest(folder: Path) -> str:
    """A digest of every file of the extension's package in ``folder`` (its code and data,
    caches aside): a process that imported it once tells by it that its files have changed."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            digest.update(f"{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def imported_extension_digest() -> str | None:
    """``extension_digest`` of the extension's package this process imported; None when none
    is imported or its files cannot be read."""
    file = getattr(sys.modules.get(EXTENSION), "__file__", None)
    try:
        return extension_digest(Path(file).parent) if file else None
    except OSError:
        return None


def run_captured(
    build_main: Callable[[list[str]], int], arguments: list[str]
) -> tuple[int, str, str, float]:
    """``build_main(arguments)`` with what it prints captured: (exit status, status output,
    warnings, seconds). A crash is reported as ``python -m sphinx`` reports one: its traceback
    in the warnings, status 2."""
    out, err = io.StringIO(), io.StringIO()
    began = time.perf_counter()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            returncode = build_main(arguments)
        except SystemExit as stopped:
            returncode = stopped.code if isinstance(stopped.code, int) else 1
        except Exception:
            traceback.print_exc()
            returncode = 2
    return returncode, out.getvalue(), err.getvalue(), round(time.perf_counter() - began, 3)
