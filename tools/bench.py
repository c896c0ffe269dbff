"""The benchmark: how long a release build and an edit take, how big the outputs are, against
targets.

``nox -s bench`` runs it (``python -m tools.bench``). Speed and size targets live here and
nowhere else: the tests assert behaviour, never timings. Time is measured as a ratio to a
reference taken in the same run, one plain ``sphinx-build -b html`` of the Chinese edition into
empty folders, because these machines are shared and their speed drifts; each figure is the
median of ``RUNS`` runs. Measured:

* the release build (``tools/release/``: every edition and builder, from clean);
* the edit loop (``tools/edit_loop.py``): after one role page is saved, the incremental
  rebuild ``nox -s serve`` runs, on a copy of the sources; then a clean build of the same
  sources, which must write the same files;
* the sizes of the outputs of the last release build (the social card among them), and each
  home page with all it loads;
* where Node.js and ``npm ci``'s Lighthouse are there, Lighthouse on the home page, a role, a
  project and the search page of each edition, built and served as Read the Docs does
  (``tools/lighthouse.py``, median of its runs): scores, layout shift, KiB loaded.

The results are printed, and written as JSON to ``_build/bench/<UTC time>.json`` and
``_build/bench/latest.json``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from resume.files import write_atomically
from resume.languages import EDITIONS, SOURCE
from resume.outputs import SOCIAL_CARD, published

from . import BUILD, REPO, lighthouse
from .edit_loop import EditLoop
from .release import release_build

#: Runs of each timed command; the median is reported.
RUNS = 5
RELEASE = "release build / plain zh-cn HTML build (3 editions, HTML + ePub + PDF + text)"
EDIT = "edit loop / plain zh-cn HTML build (one role page saved, incremental HTML)"
EDIT_DIFFERS = "edit loop: files that differ from a clean build"
#: Where the results go, as JSON.
RESULTS = BUILD / "bench"
HOME = "home page KiB with all it loads (uncompressed)"
CARD = "social card KiB (one edition)"
#: Lighthouse's figures, per page: name in the table, key in ``lighthouse.figures``.
LIGHTHOUSE_SCORES = {
    f"Lighthouse {category}": category for category in lighthouse.CATEGORIES
}  # fmt: skip
LIGHTHOUSE_CLS = "Lighthouse cumulative layout shift"
LIGHTHOUSE_KIB = "Lighthouse KiB loaded (uncompressed)"
LIGHTHOUSE_FAILED = "Lighthouse audits failed (beyond those allowed)"


@dataclass(frozen=True)
class Target:
    """A figure's budget: at most ``limit`` (``"max"``), at least (``"min"``), or strictly
    below it (``"below"``)."""

    limit: float
    kind: str = "max"

    def met(self, value: float) -> bool:
        if self.kind == "min":
            return value >= self.limit
        if self.kind == "below":
            return value < self.limit
        return value <= self.limit

    def __str__(self) -> str:
        sign = {"max": "<=", "min": ">=", "below": "<"}[self.kind]
        return f"{sign} {self.limit:g}"


# Targets for a release build of all three editions on two cores (each edition read once, in
# one process, by all its builders), for the preview's rebuild after an edit, for what the
# release writes, and for Lighthouse (its own targets, tools/lighthouse.py's TARGETS).
TARGETS = {
    RELEASE: Target(1.6),
    EDIT: Target(0.15),
    EDIT_DIFFERS: Target(0),
    "PDF KiB (one edition)": Target(256),
    "HTML tree KiB (one edition)": Target(1280),
    "searchindex.js KiB (one edition)": Target(56),
    "ePub KiB (one edition)": Target(72),
    # At most 150 kB (146 KiB): what link previews fetch without fail, and a quick download.
    CARD: Target(146),
    HOME: Target(lighthouse.TARGETS["KiB"]["home"]),
    **{name: Target(lighthouse.TARGETS["score"], "min") for name in LIGHTHOUSE_SCORES},
    LIGHTHOUSE_CLS: Target(lighthouse.TARGETS["cls"], "below"),
    LIGHTHOUSE_FAILED: Target(0),
}


def target(name: str, key: str) -> Target | None:
    """The budget of measure ``name`` for ``key`` (an edition, or "<code> <page>"), if any."""
    page = key.split()[-1]
    if name == "Lighthouse seo" and page == "search":
        return Target(lighthouse.TARGETS["search seo"], "min")  # noindex: is-crawlable fails
    if name == LIGHTHOUSE_KIB:
        limit = lighthouse.TARGETS["KiB"].get(page)
        return Target(limit) if limit else None
    return TARGETS.get(name)


class _Loads(HTMLParser):
    """The local files a page loads as it opens: stylesheets, scripts, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        rel = (found.get("rel") or "").split()
        if tag == "link" and ({"stylesheet", "icon", "preload"} & set(rel)):
            self.urls.append(found.get("href") or "")
        elif tag in ("script", "img") and found.get("src"):
            self.urls.append(found["src"] or "")


def page_weight(page: Path) -> float:
    """KiB of ``page`` and of every local file it loads as it opens, uncompressed (each once;
    what lies elsewhere, or is fetched later by a script, is not counted here: Lighthouse
    counts all of it)."""
    parser = _Loads()
    parser.feed(page.read_text("utf-8"))
    files = {page.resolve()}
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        path = (page.parent / unquote(parts.path)).resolve()
        if path.is_file():
            files.add(path)
    return sum(path.stat().st_size for path in files) / 1024


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


def output_sizes(build: Path) -> dict[str, list[tuple[str, float]]]:
    """What a release in ``build`` publishes, by edition: the HTML tree, its search index, home
    page (with all it loads) and social card, the ePub and the PDF, in KiB."""
    results: dict[str, list[tuple[str, float]]] = {}
    for edition in EDITIONS:
        html = build / "html" / edition.code
        for name, value in (
            ("HTML tree KiB (one edition)", _kib(html)),
            ("searchindex.js KiB (one edition)", _kib(html / "searchindex.js")),
            ("ePub KiB (one edition)", _kib(build / published("epub", edition.code, "epub"))),
            ("PDF KiB (one edition)", _kib(build / published("pdf", edition.code, "pdf"))),
            (HOME, page_weight(html / "index.html")),
            (CARD, _kib(html / SOCIAL_CARD)),
        ):
            results.setdefault(name, []).append((edition.code, value))
    return results


def measure(folder: Path) -> tuple[dict[str, list[tuple[str, float]]], dict[str, object]]:
    """Time the release build and the edit loop against the reference, alternating, then
    measure the outputs of the last release build; each measure with its value per edition,
    and the raw figures."""
    loop = EditLoop(folder / "edit")
    references, releases, edits = [], [], []
    for run in range(RUNS):
        with tempfile.TemporaryDirectory(dir=folder) as scratch:
            references.append(plain_html_build(Path(scratch)))
        build = folder / f"release-{run}" / "_build"
        releases.append(release_seconds(build))
        edits.append(loop.save())
        if run < RUNS - 1:
            shutil.rmtree(build.parent)  # the last one is measured below
    differing = loop.differing(folder / "clean")
    ratio = statistics.median
    results: dict[str, list[tuple[str, float]]] = {
        RELEASE: [("all", ratio(r / c for r, c in zip(releases, references, strict=True)))],
        EDIT: [(SOURCE.code, ratio(e / c for e, c in zip(edits, references, strict=True)))],
        EDIT_DIFFERS: [(SOURCE.code, float(len(differing)))],
    }
    results.update(output_sizes(build))
    raw: dict[str, object] = {
        "reference_seconds": references,
        "release_seconds": releases,
        "edit_seconds": edits,
        "edited_page": loop.page.relative_to(loop.src).as_posix(),
        "edit_differs_from_clean": differing,
    }
    return results, raw


def measure_lighthouse() -> tuple[dict[str, list[tuple[str, float]]], dict[str, object]]:
    """Lighthouse on each audited page, built and served as Read the Docs does
    (``lighthouse.audit``): the four scores, the layout shift, the KiB loaded and the count of
    audits failed beyond those allowed, each by "<code> <page>"."""
    figures = lighthouse.audit()
    results: dict[str, list[tuple[str, float]]] = {}
    for key, page in figures.items():
        allowed = lighthouse.TARGETS["may fail"].get(key.split()[-1], set())
        failed = [name for name in page["failed"] if name not in allowed]
        for name, value in (
            *((name, float(page[category])) for name, category in LIGHTHOUSE_SCORES.items()),
            (LIGHTHOUSE_CLS, float(page["cls"])),
            (LIGHTHOUSE_KIB, float(page["KiB"])),
            (LIGHTHOUSE_FAILED, float(len(failed))),
        ):
            results.setdefault(name, []).append((key, value))
    return results, {"lighthouse": figures}


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def write_json(results: dict[str, list[tuple[str, float]]], raw: dict[str, object]) -> Path:
    """Write the results to ``RESULTS/<UTC time>.json`` and ``RESULTS/latest.json``."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    document = {
        "date": stamp,
        "commit": _commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "runs": RUNS,
        "measures": [
            {
                "measure": name,
                "edition": edition,
                "value": round(value, 3),
                "target": str(budget) if (budget := target(name, edition)) else None,
                "met": budget.met(value) if budget else None,
            }
            for name, values in results.items()
            for edition, value in values
        ],
        "raw": raw,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}.json"
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    write_atomically(path, text)
    write_atomically(RESULTS / "latest.json", text)
    return path


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        results, raw = measure(Path(folder))
    if why := lighthouse.missing():
        print(f"Lighthouse: not run, {why}.")
        raw["lighthouse"] = f"not run: {why}"
    else:
        audited, figures = measure_lighthouse()
        results.update(audited)
        raw.update(figures)
    missed = []
    width = max(len(name) for name in results)
    print(f"{'measure':{width}} {'edition/page':14} {'value':>9} {'target':>9}")
    for name, values in results.items():
        for key, value in values:
            budget = target(name, key)
            mark = "  MISSED" if budget and not budget.met(value) else ""
            if mark:
                missed.append(f"{name} [{key}]")
            shown = str(budget) if budget else "-"
            print(f"{name:{width}} {key:14} {value:9.2f} {shown:>9}{mark}")
    differing = raw["edit_differs_from_clean"]
    if differing:
        print(f"The preview differs from a clean build in: {differing}")
    print(f"Results: {write_json(results, raw)}")
    if missed:
        print("Targets missed: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
