"""The edit loop the benchmark times (``tools/bench.py``): after one role page is saved, the
incremental rebuild ``nox -s serve`` runs (``tools/preview.py``: ``sphinx-build -b html -n
--keep-going`` into a kept output folder, forked from a process that has Sphinx and jieba's
dictionary loaded), on a copy of the sources; then a clean build of the same sources, which must
write the same files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from resume.languages import SOURCE

from . import REPO
from .preview import rebuild, warm_up

#: The edit loop's date (``SOURCE_DATE_EPOCH``) unless one is set.
EPOCH = "1700000000"
#: What a copy of the sources for the edit loop leaves out.
NOT_SOURCES = shutil.ignore_patterns(
    "_build", ".nox", ".git", "tests", "node_modules", "__pycache__", "*.mo", ".venv", "venv",
    ".pytest_cache", ".mypy_cache", ".ruff_cache",
)  # fmt: skip


def preview_arguments(src: Path, out: Path) -> list[str]:
    """``sphinx-build``'s arguments for the Chinese edition as ``nox -s serve`` passes them."""
    return [
        "-b", "html", "-D", f"language={SOURCE.sphinx}", "-n", "--keep-going", "-q",
        str(src), str(out),
    ]  # fmt: skip


def serve_build(src: Path, out: Path, *, clean: bool = False) -> float:
    """Seconds of a rebuild as ``nox -s serve`` makes it on save (``tools/preview.py``: forked
    from this process, warmed up beforehand, into a kept output folder), with the doctrees in
    ``out/.doctrees``; ``clean``: a new ``sphinx-build -E`` into empty folders instead."""
    arguments = preview_arguments(src, out)
    # A fixed date: the timeline's present is the same in the preview and in its clean twin.
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", EPOCH)}
    began = time.perf_counter()
    if clean:
        command = [sys.executable, "-m", "sphinx", "-E", *arguments]
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        code, said = result.returncode, f"{result.stdout}\n{result.stderr}"
    else:
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            code, said = rebuild(arguments), "(its output is above)"
        finally:
            os.environ.clear()
            os.environ.update(saved)
    seconds = time.perf_counter() - began
    if code:
        raise SystemExit(f"the preview's build failed:\n{said}")
    return seconds


def _files(root: Path) -> dict[str, bytes]:
    """Every file a preview's output holds (its doctrees and build info are no output)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".buildinfo" and ".doctrees" not in path.parts
    }


def role_page(src: Path) -> Path:
    """The first role page (a page of ``experience/`` with a ``resume-role``)."""
    for page in sorted((src / "experience").glob("*.md")):
        if "{resume-role}" in page.read_text("utf-8"):
            return page
    raise SystemExit(f"no role page in {src / 'experience'}: nothing to edit")


class EditLoop:
    """A copy of the sources, and its preview built once (not timed); ``save`` edits one role
    page (a paragraph appended, different each time) and times the rebuild."""

    def __init__(self, folder: Path) -> None:
        warm_up()  # as the preview does once, before it serves
        self.src = shutil.copytree(REPO, folder / "src", ignore=NOT_SOURCES)
        self.out = folder / "serve"
        self.page = role_page(self.src)
        self.text = self.page.read_text("utf-8")
        self.saves = 0
        serve_build(self.src, self.out)

    def save(self) -> float:
        self.saves += 1
        self.page.write_text(f"{self.text}\n第 {self.saves} 次保存的段落。\n", "utf-8")
        return serve_build(self.src, self.out)

    def differing(self, clean: Path) -> list[str]:
        """The files the preview writes otherwise than a clean build of the same sources."""
        serve_build(self.src, clean, clean=True)
        left, right = _files(self.out), _files(clean)
        names = left.keys() | right.keys()
        return sorted(name for name in names if left.get(name) != right.get(name))
