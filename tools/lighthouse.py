"""Lighthouse on the site as Read the Docs builds and serves it: ``python -m tools.lighthouse``.

Each edition is built as Read the Docs builds it (``READTHEDOCS_CANONICAL_URL`` set, so every
page has its canonical and absolute alternate links), laid out as Read the Docs serves it
(``/<code>/latest/``, the parent's ``robots.txt`` at the root) and served gzipped from
127.0.0.1. Lighthouse (``lighthouse@12.2.3``, pinned in ``package.json``; ``npm ci``) audits the
home page, a role, a project and the search page with a query of five results in each edition,
in its default mobile emulation, ``RUNS`` times; each figure is the median.

``audit(site) -> dict`` is what the benchmark calls: per page, the four category scores (0–100),
the cumulative layout shift, what the page loads (bytes, uncompressed and as sent) and the
audits that failed. ``TARGETS`` are the figures a page must reach.

Needs Node.js and Chromium (``CHROME_PATH``, Debian's ``/usr/bin/chromium`` by default); no
network beyond 127.0.0.1. Standard library only, like the rest of ``tools``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

from resume.files import write_atomically
from resume.languages import EDITIONS, SOURCE

from . import REPO, readthedocs

#: Lighthouse, from ``npm ci`` (``package-lock.json``).
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox"
HOST = "127.0.0.1"
#: Runs of each page; the median is reported.
RUNS = 3
VERSION = readthedocs.VERSION
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: A query with five results in each edition (the search page's weight is measured with it).
QUERIES = {"zh-cn": "Kubernetes", "en": "Kubernetes", "ja": "Kubernetes"}
#: The pages audited in each edition: the home page, a role, a project, the search page.
PAGES = {
    "home": "index.html",
    "role": "experience/tencent.html",
    "project": "projects/apisix.html",
    "search": "search.html?q={query}",
}
#: What each page must reach: every category 100 (the search page says noindex, so SEO's
#: ``is-crawlable`` is the one audit it may miss), no layout shift, and what it loads, in KiB
#: uncompressed.
TARGETS: dict[str, Any] = {
    "score": 100,
    "search seo": 66,  # is-crawlable alone weighs a third of the SEO audits' weight
    "may fail": {"search": {"is-crawlable"}},
    "cls": 0.01,
    "KiB": {"home": 100.0, "search": 150.0},
}
#: The types a Read the Docs server sends gzipped.
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".xml", ".inv")


# -- Building as Read the Docs does ----------------------------------------------------------


def build(folder: Path, source: Path = REPO, python: str = sys.executable) -> Path:
    """Build each edition's HTML as Read the Docs does (``tools.readthedocs.build``), into
    ``folder/<code>/latest/``, with the parent's ``robots.txt`` at ``folder``; return ``folder``.
    Raises ``SystemExit`` with Sphinx's output when a build fails."""
    folder = Path(folder)
    scratch = folder / ".readthedocs"
    for edition in EDITIONS:
        done = readthedocs.build(
            edition.code, scratch / edition.code, scratch / "doctrees" / edition.code,
            formats=("html",), source=source, python=python,
        )  # fmt: skip
        if done.returncodes["html"]:
            raise SystemExit(f"{edition.code}: the build failed:\n{done.logs['html']}")
        (folder / edition.code).mkdir(parents=True, exist_ok=True)
        (done.output / "html").rename(folder / edition.code / VERSION)
    shutil.rmtree(scratch, ignore_errors=True)
    # Read the Docs serves the parent project's default version's robots.txt at the root.
    shutil.copy2(folder / SOURCE.code / VERSION / "robots.txt", folder / "robots.txt")
    return folder


def edition_root(site: Path, code: str) -> str:
    """The edition's folder in ``site``, relative: ``<code>/latest/`` as Read the Docs lays it
    out, or ``<code>/`` as the release build does."""
    return f"{code}/{VERSION}/" if (site / code / VERSION / "index.html").is_file() else f"{code}/"


# -- Serving, gzipped ------------------------------------------------------------------------


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it, as Read the Docs sends them."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=1200")
        self.end_headers()
        return BytesIO(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


class QuietServer(ThreadingHTTPServer):
    """A reader that leaves before its answer is sent (a browser dropping a request it no longer
    needs, a page closed) is no fault of the server's: socketserver would print a traceback for
    it. Any other error is printed as before."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(root: Path, handler: type[SimpleHTTPRequestHandler] = GzipHandler) -> Iterator[str]:
    """Serve ``root`` on a free port of 127.0.0.1 from a thread (gzipped, as Read the Docs
    serves it, unless another ``handler`` is given); yield its base URL."""
    server = QuietServer((HOST, 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- Lighthouse ------------------------------------------------------------------------------


def missing() -> str | None:
    """Why Lighthouse cannot run here, or None."""
    if not shutil.which("node"):
        return "Node.js is not installed"
    if not LIGHTHOUSE.exists():
        return f"{LIGHTHOUSE} is missing (npm ci)"
    if not Path(CHROME).is_file():
        return f"no Chromium at {CHROME} (CHROME_PATH)"
    return None


def lighthouse(url: str) -> dict[str, Any]:
    """One Lighthouse run on ``url`` (mobile, the four categories): its JSON report."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `npm ci` in {REPO}")
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [
            str(LIGHTHOUSE), url,
            "--output=json", f"--output-path={report}",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ]  # fmt: skip
        env = {**os.environ, "CHROME_PATH": CHROME}
        subprocess.run(command, check=True, env=env, cwd=scratch, stdout=subprocess.DEVNULL)
        return json.loads(report.read_text("utf-8"))


def figures(report: Mapping[str, Any]) -> dict[str, Any]:
    """What one report says of the page: scores, layout shift, bytes, failed audits."""
    categories = report["categories"]
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    failed = sorted(
        name
        for category in categories.values()
        for ref in category["auditRefs"]
        if ref["weight"] > 0
        and ref.get("group") != "metrics"  # a metric shows in the performance score
        and (name := ref["id"]) in audits
        and audits[name]["score"] is not None
        and audits[name]["score"] < 1
    )
    return {
        **{name: round(100 * (categories[name]["score"] or 0)) for name in CATEGORIES},
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "FCP ms": audits["first-contentful-paint"]["numericValue"],
        "LCP ms": audits["largest-contentful-paint"]["numericValue"],
        "TBT ms": audits["total-blocking-time"]["numericValue"],
        "KiB": sum(r.get("resourceSize") or 0 for r in requests) / 1024,
        "KiB sent": sum(r.get("transferSize") or 0 for r in requests) / 1024,
        "requests": len(requests),
        "failed": failed,
    }


def median_figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over the runs; the audits that failed in any."""
    merged: dict[str, Any] = {}
    for key in runs[0]:
        if key == "failed":
            merged[key] = sorted({name for run in runs for name in run[key]})
        else:
            merged[key] = statistics.median(run[key] for run in runs)
    return merged


def page_urls(site: Path) -> dict[str, str]:
    """Each audited page's path in ``site``, by ``<code> <page>``."""
    return {
        f"{edition.code} {name}": edition_root(site, edition.code)
        + path.format(query=quote(QUERIES[edition.code]))
        for edition in EDITIONS
        for name, path in PAGES.items()
    }


def audit(site: Path | None = None, runs: int = RUNS) -> dict[str, dict[str, Any]]:
    """Lighthouse's figures for each audited page of ``site`` (the median of ``runs`` runs),
    by ``<code> <page>``. Without ``site``, the editions are built as Read the Docs builds them
    into a temporary folder first."""
    if site is None:
        with tempfile.TemporaryDirectory() as folder:
            return audit(build(Path(folder)), runs)
    results = {}
    with serve(Path(site)) as base:
        for key, path in page_urls(Path(site)).items():
            results[key] = median_figures([figures(lighthouse(base + path)) for _ in range(runs)])
    return results


def missed(key: str, result: Mapping[str, Any]) -> list[str]:
    """The targets that one page (``<code> <page>``) misses."""
    page = key.split()[-1]
    misses = []
    for category in CATEGORIES:
        target = TARGETS["search seo"] if (page, category) == ("search", "seo") else 100
        if result[category] < target:
            misses.append(f"{category} {result[category]:.0f}")
    allowed = TARGETS["may fail"].get(page, set())
    if failed := [name for name in result["failed"] if name not in allowed]:
        misses.append("failed: " + ", ".join(failed))
    if result["cls"] >= TARGETS["cls"]:
        misses.append(f"CLS {result['cls']:.3f}")
    if (limit := TARGETS["KiB"].get(page)) and result["KiB"] > limit:
        misses.append(f"{result['KiB']:.1f} KiB > {limit:.0f}")
    return misses


def report(results: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Print a table of the results; return the pages that missed a target, with why."""
    print(
        f"{'page':14} {'perf':>4} {'a11y':>4} {'b.p.':>4} {'seo':>4} {'CLS':>6} "
        f"{'KiB':>6} {'sent':>6}  failed audits"
    )
    misses = []
    for key, r in results.items():
        print(
            f"{key:14} {r['performance']:4.0f} {r['accessibility']:4.0f} "
            f"{r['best-practices']:4.0f} {r['seo']:4.0f} {r['cls']:6.3f} {r['KiB']:6.1f} "
            f"{r['KiB sent']:6.1f}  {' '.join(r['failed'])}"
        )
        if why := missed(key, r):
            misses.append(f"{key}: {'; '.join(why)}")
    return misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a folder built by an earlier run (--keep)")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    site = args.site or (build(args.keep) if args.keep else None)
    results = audit(site, args.runs)
    if args.json:
        write_atomically(args.json, json.dumps(results, indent=2))
    misses = report(results)
    for miss in misses:
        print(f"MISSED {miss}", file=sys.stderr)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
