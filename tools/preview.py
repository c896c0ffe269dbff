"""The live preview, ``nox -s serve -- [code]``: one edition, rebuilt on every save, served on
127.0.0.1 with the browser reloaded after each rebuild.

sphinx-autobuild watches the files, serves the output and reloads the browser. Its own rebuild
starts a new Python for each save, which imports Sphinx, MyST and furo and loads jieba's
dictionary all over again: most of an edit's rebuild (``nox -s bench`` measures it). Here this
process loads all that once (``warm_up``) before serving, and each rebuild is a child forked
from it that runs ``sphinx.cmd.build.build_main`` with sphinx-autobuild's arguments, exactly as
``python -m sphinx build`` would (``rebuild``). What the build changes happens in the child
alone, so each rebuild starts from the same state. The project's extension is loaded by the
first build's ``rebuild``, with a digest of its files; once they no longer match it, the next
``rebuild`` drops it and imports it again before it forks, so an edit to ``_ext/`` counts at the
next save and the saves after it find the extension loaded again.

Run as ``python -m tools.preview`` with ``sphinx-autobuild``'s command line (``-b html -D
language=… -n --keep-going SOURCE OUTDIR`` and its own options).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import REPO
from .preloading import EXTENSION as EXTENSION_PACKAGE
from .preloading import (
    extension_digest,
    imported_extension_digest,
    load_search_dictionary,
)
from .release.building import preload
from .release.children import fork_call

#: The project's extension: a change there is a change to every page's output.
EXTENSION = REPO / "_ext"
#: The files a page is written in.
SOURCE_SUFFIXES = {".md", ".rst"}


def warm_up() -> None:
    """Import what every build imports (``release.building.preload``; the extension is imported
    by the first ``rebuild``, which knows the project) and load jieba's dictionary."""
    preload(None)
    load_search_dictionary()


#: The digest of the extension's files (``extension_digest``) when this process imported it,
#: by ``_warm_extension``; None before, or when it could not.
_imported: str | None = None
_warmed = False


def _extension_folder(source: Path) -> Path:
    """Where the extension's package comes from: the one imported, else ``source/_ext``."""
    module = sys.modules.get(EXTENSION_PACKAGE)
    if module is not None and getattr(module, "__file__", None):
        return Path(str(module.__file__)).parent
    return source / "_ext" / EXTENSION_PACKAGE


def _warm_extension(arguments: Sequence[str]) -> None:
    """Import the extension of the project ``arguments`` build (``preload``): each rebuild
    would import it again, a good part of an edit's rebuild. Once its files have changed, it is
    dropped and imported again here, so that the rebuilds after that start warm too. Its files'
    digest is taken first, so that a change made meanwhile makes the next rebuild import it
    again."""
    global _imported, _warmed
    if _warmed:
        if _imported is None:
            return
        if imported_extension_digest() == _imported:
            return
        _forget_extension()
    _warmed = True
    from sphinx.cmd.build import get_parser

    try:
        source = Path(get_parser().parse_args(list(arguments)).sourcedir)
        folder = _extension_folder(source)
        before = extension_digest(folder)
    except (SystemExit, OSError):  # arguments sphinx-build refuses, or no extension: not ours
        _imported = None
        return
    preload(source)
    _imported = before if _extension_folder(source) == folder else None


def _forget_extension() -> None:
    """Drop the extension's modules, so that the next import reads them from disk."""
    for name in [n for n in sys.modules if n.partition(".")[0] == EXTENSION_PACKAGE]:
        del sys.modules[name]


def _fresh_extension() -> None:
    """In a rebuild's child: forget the imported extension if its files changed since the
    parent's check, so that Sphinx imports it again from what is on disk now."""
    if _imported is not None and imported_extension_digest() != _imported:
        _forget_extension()


def rebuild(arguments: Sequence[str]) -> int:
    """Run ``sphinx-build arguments`` in a child forked from this process (in its folder and
    environment) and return the exit status as ``sphinx-build`` gives it: 0 built, 1 Sphinx
    reported errors, 2 the build could not start or crashed (a broken extension, bad arguments;
    what happened is printed). Without ``os.fork`` (Windows), a new
    ``python -m sphinx build``. Call it from a process with one thread: forking copies only
    the calling thread."""
    if not hasattr(os, "fork"):
        return subprocess.call([sys.executable, "-m", "sphinx", "build", *arguments])

    _warm_extension(arguments)

    def build() -> int:
        from sphinx.cmd.build import build_main

        _fresh_extension()
        return build_main(list(arguments))

    pid = fork_call(build)  # a preview stopped by SIGTERM leaves no build running
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


#: Sphinx's words for a problem, in the warning file (``-w``): one line each.
PROBLEM_WORDS = ("WARNING:", "ERROR:", "CRITICAL:")


def rebuild_quietly(arguments: Sequence[str], what: str) -> tuple[int, str]:
    """``rebuild`` with ``-q`` (no progress, no MyST settings: Sphinx's warnings alone, on
    stderr) and its one line of summary: ``what`` changed, how long it took, how many warnings
    (counted in a warning file, ``-w``, deleted afterwards), and the exit status if not 0."""
    with tempfile.TemporaryDirectory(prefix="resume-preview-") as folder:
        log = Path(folder) / "warnings.txt"
        began = time.perf_counter()
        code = rebuild(["-q", "-w", str(log), *arguments])
        seconds = time.perf_counter() - began
        text = log.read_text("utf-8", "replace") if log.exists() else ""
    count = sum(1 for line in text.splitlines() if any(w in line for w in PROBLEM_WORDS))
    line = f"{what}: rebuilt in {seconds:.1f}s, {count} warning{'s' * (count != 1)}"
    if code:
        line += (
            f"; Sphinx exited with {code}: the preview serves the last output until the problems "
            "above are fixed (Ctrl+C stops it)"
        )
    return code, line


def changes(changed: Sequence[Path], deleted: Sequence[Path], extension: bool) -> str:
    """What a rebuild is for, in a few words."""
    if deleted:
        return f"{', '.join(_shown(p) for p in deleted[:3])} deleted (whole)"
    if not changed:
        return "first build"
    named = ", ".join(_shown(p) for p in changed[:3])
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return f"{named}{more}{' (the extension: whole)' if extension else ''}"


try:
    from sphinx_autobuild.build import Builder as AutobuildBuilder
    from sphinx_autobuild.utils import show_message
except ImportError:  # only nox -s serve installs sphinx-autobuild
    AutobuildBuilder = object


class ForkedBuilder(AutobuildBuilder):
    """sphinx-autobuild's builder (pinned in requirements-preview.txt), each rebuild forked from
    a warm process (``rebuild``) instead of a new Python, and summed up in one line
    (``rebuild_quietly``) instead of Sphinx's progress and MyST's settings.

    sphinx-autobuild calls it here for the first build, then, for each change, in a process
    it forks from this one for the purpose (which is warm too), handing it over pickled: so
    the class lives at the module's top. Sphinx reads again only the pages that changed, which
    is wrong in two cases, rebuilt whole instead: a change to the extension (``_ext/``), whose
    code every page's output comes from, and a deleted page, whose output Sphinx leaves behind
    (the output folder is emptied first)."""

    def __call__(self, *, changed_paths: Sequence[Path]) -> None:
        changed = [path for path in changed_paths if path.exists()]
        arguments = list(self.sphinx_args)
        deleted = [p for p in changed_paths if not p.exists() and p.suffix in SOURCE_SUFFIXES]
        extension = any(EXTENSION in path.resolve().parents for path in changed)
        if deleted:
            from sphinx.cmd.build import get_parser

            outdir = Path(get_parser().parse_args(arguments).outputdir)
            shutil.rmtree(outdir, ignore_errors=True)
            arguments.insert(0, "-E")
        elif extension:
            arguments.insert(0, "-E")
        # One line a rebuild: what changed, how long, how many warnings (shown above it).
        _code, line = rebuild_quietly(arguments, changes(changed, deleted, extension))
        show_message(line if changed_paths else f"{line}; serving on {self.uri}")


def main(argv: Sequence[str] | None = None) -> int:
    """sphinx-autobuild's ``main``, warmed up, with each rebuild made by ``rebuild``."""
    import sphinx_autobuild.__main__ as autobuild

    warm_up()
    # sphinx-autobuild hands each change to a process of a pool it makes with the default start
    # method; a forked one is warm (Python 3.14 makes "forkserver" the default on Linux).
    if "fork" in multiprocessing.get_all_start_methods():
        multiprocessing.set_start_method("fork", force=True)
    # sphinx-autobuild's main() builds with the Builder named in its own module.
    autobuild.Builder = ForkedBuilder
    arguments: Any = list(argv) if argv is not None else sys.argv[1:]
    try:
        autobuild.main(arguments)
    except KeyboardInterrupt:  # Ctrl-C during the first build, before the server runs
        print("Preview stopped.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
