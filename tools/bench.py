"""The benchmark: how long a release build takes and how big its outputs are, against targets.

``nox -s bench`` runs it (``python -m tools.bench``). Speed and size targets live here and
nowhere else: the tests assert behaviour, never timings. Time is measured as a ratio to a
reference taken in the same run, one plain ``sphinx-build -b html`` of the Chinese edition into
empty folders, because these machines are shared and their speed drifts; each figure is the
median of ``RUNS`` runs.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from resume.languages import EDITIONS
from resume.outputs import BASENAME

from . import REPO
from .release import release_build

#: Runs of each timed command; the median is reported.
RUNS = 5
RELEASE = "release build / plain zh-cn HTML build (3 editions, HTML + ePub + PDF + text)"
# Targets for a release build of all three editions on two cores, and for what it writes:
# about 1.25 times what the build measured when they were set, so that a regression shows.
TARGETS = {
    RELEASE: 4.5,
    "PDF KiB (one edition)": 256.0,
    "HTML tree KiB (one edition)": 1280.0,
    "searchindex.js KiB (one edition)": 56.0,
    "ePub KiB (one edition)": 72.0,
    "home page KiB (one edition)": 60.0,
}


def _kib(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024
    return path.stat().st_size / 1024


def plain_html_build(folder: Path) -> float:
    """Seconds of the reference: ``sphinx-build -b html`` of zh-cn, no ``-j``, empty folders."""
    out = folder / "reference"
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(out / "doctrees"),
         str(REPO), str(out / "html")],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - began


def release_seconds(build: Path) -> float:
    began = time.perf_counter()
    if not release_build(build=build):
        raise SystemExit("the release build failed: nothing to measure")
    return time.perf_counter() - began


def measure(folder: Path) -> dict[str, list[tuple[str, float]]]:
    """Time the release build against the reference, alternating, then measure the outputs of
    the last release build; each measure with its value per edition."""
    ratios = []
    for run in range(RUNS):
        with tempfile.TemporaryDirectory(dir=folder) as scratch:
            reference = plain_html_build(Path(scratch))
        build = folder / f"release-{run}" / "_build"
        ratios.append(release_seconds(build) / reference)
    results: dict[str, list[tuple[str, float]]] = {RELEASE: [("all", statistics.median(ratios))]}
    for edition in EDITIONS:
        html = build / "html" / edition.code
        book = build / "epub" / edition.code / f"{BASENAME}-{edition.code}.epub"
        for name, value in (
            ("HTML tree KiB (one edition)", _kib(html)),
            ("searchindex.js KiB (one edition)", _kib(html / "searchindex.js")),
            ("ePub KiB (one edition)", _kib(book)),
            (
                "PDF KiB (one edition)",
                _kib(build / "pdf" / edition.code / f"{BASENAME}-{edition.code}.pdf"),
            ),
            ("home page KiB (one edition)", _kib(html / "index.html")),
        ):
            results.setdefault(name, []).append((edition.code, value))
    return results


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        results = measure(Path(folder))
    missed = []
    width = max(len(name) for name in results)
    print(f"{'measure':{width}} {'edition':8} {'value':>9} {'target':>9}")
    for name, values in results.items():
        for edition, value in values:
            target = TARGETS[name]
            mark = "" if value <= target else "  MISSED"
            if mark:
                missed.append(f"{name} [{edition}]")
            print(f"{name:{width}} {edition:8} {value:9.2f} {target:9.2f}{mark}")
    if missed:
        print("Targets missed: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
