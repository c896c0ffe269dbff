"""The benchmark: how long a release build takes and how big its outputs are, against targets.

``nox -s bench`` runs it (``python -m tools.bench``). Speed and size targets live
here and nowhere else: the tests assert behaviour, never timings.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from resume.languages import EDITIONS
from resume.outputs import BASENAME

from .release import release_build

# Targets for a release build of all three editions on two cores, and for what it writes:
# about twice what the build measured when they were set, so that a regression shows.
TARGETS = {
    "build seconds (3 editions, HTML + ePub)": 15.0,
    "HTML tree KiB (one edition)": 1280.0,
    "searchindex.js KiB (one edition)": 56.0,
    "ePub KiB (one edition)": 72.0,
    "home page KiB (one edition)": 60.0,
}


def _kib(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024
    return path.stat().st_size / 1024


def measure(build: Path) -> dict[str, list[tuple[str, float]]]:
    """Build every edition into ``build`` and return each measure with its value per edition."""
    began = time.perf_counter()
    if not release_build(build=build):
        raise SystemExit("the release build failed: nothing to measure")
    seconds = time.perf_counter() - began
    results: dict[str, list[tuple[str, float]]] = {
        "build seconds (3 editions, HTML + ePub)": [("all", seconds)]
    }
    for edition in EDITIONS:
        html = build / "html" / edition.code
        book = build / "epub" / edition.code / f"{BASENAME}-{edition.code}.epub"
        for name, value in (
            ("HTML tree KiB (one edition)", _kib(html)),
            ("searchindex.js KiB (one edition)", _kib(html / "searchindex.js")),
            ("ePub KiB (one edition)", _kib(book)),
            ("home page KiB (one edition)", _kib(html / "index.html")),
        ):
            results.setdefault(name, []).append((edition.code, value))
    return results


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        results = measure(Path(folder) / "_build")
    missed = []
    print(f"{'measure':42} {'edition':8} {'value':>9} {'target':>9}")
    for name, values in results.items():
        for edition, value in values:
            target = TARGETS[name]
            mark = "" if value <= target else "  MISSED"
            if mark:
                missed.append(f"{name} [{edition}]")
            print(f"{name:42} {edition:8} {value:9.1f} {target:9.1f}{mark}")
    if missed:
        print("Targets missed: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
