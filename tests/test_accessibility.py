"""Accessibility: axe-core finds nothing on any page of any edition, nor on the root page.

The three editions are built once (``build_site``), laid side by side with the root page as
``_build/html`` holds them, served on 127.0.0.1 and read in headless Chromium, in the light and
the dark colour scheme, at a desktop (1280×800) and a phone (390×844) width. Each page is checked
with axe-core (``axe-core`` in ``package.json``, installed by ``npm ci``) against the WCAG 2.x A
and AA rules, axe's best practices and ``target-size`` (a target at least 24×24 CSS pixels, or
spaced as if it were). The search page is checked with results and their snippets shown.

One page of the browser loads each page in turn, with axe-core in it before the page's own
scripts (an init script of its context: nothing is added to the document that axe checks), and
checks it in the four views, going round them one setting at a time. Each edition's pages are
checked in ``SHARDS`` tests, every ``SHARDS``-th page in each, so that the workers share them.

Outside CI a missing ``node_modules/axe-core`` skips the test, saying why; on CI it fails.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from resume.languages import EDITIONS
from tools.root_page import write_root_index

from helpers import REPO, Build, site_pages

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: What axe checks: WCAG 2.0, 2.1 and 2.2 at levels A and AA, best practices, target size.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22a",
            "wcag22aa",
            "best-practice",
        ],
    },
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
#: The four views (colour scheme, width), each one setting away from the one before it, and
#: the last from the first: a page is checked in the view the page before it was left in, and
#: then in the three others, round the circle.
VIEWS = [("light", "desktop"), ("light", "phone"), ("dark", "phone"), ("dark", "desktop")]
#: The tests that each edition's pages are shared among.
SHARDS = 3
#: A query with results in every edition: the search page is checked as a reader sees it.
QUERY = "Kubernetes"
#: The root page's script, which sends the browser on to an edition.
REDIRECT = re.compile(r"<script>\s*// The first of the reader's languages.*?</script>", re.DOTALL)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        reason = f"{AXE.relative_to(REPO)} is missing: run `npm ci` in the repository"
        if os.environ.get("CI"):
            pytest.fail(f"accessibility tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return AXE.read_text("utf-8")


@pytest.fixture(scope="session")
def site_root(build_site: Callable[..., Build], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three editions side by side (links to the session's builds) and the root page."""
    root = tmp_path_factory.mktemp("accessibility") / "html"
    root.mkdir()
    for edition in EDITIONS:
        build = build_site(edition.sphinx, "html")
        assert build.returncode == 0, build.stderr
        (root / edition.code).symlink_to(build.outdir, target_is_directory=True)
    write_root_index(root)
    return root


def page_paths(root: Path, code: str) -> list[str]:
    """Every page of an edition, the search page with a query."""
    paths = [f"{code}/{name}" for name in site_pages(root / code)]
    return [f"{p}?q={QUERY}" if p == f"{code}/search.html" else p for p in paths]


def show(page: Any, url: str) -> None:
    """Open ``url`` and wait until it (and a search's results) are shown."""
    page.goto(url, wait_until="load")
    if "search.html?q=" in url:
        page.wait_for_function(
            # searchtools.js titles the page "Search Results" once its last result is shown
            # (they come one by one, after the summary sentence).
            """() => document.querySelector("#search-results .search-summary")?.textContent
                     && Search.title?.innerText === Documentation.gettext("Search Results")
                     && [...document.querySelectorAll("ul.search > li")]
                          .every((li) => li.querySelector("p.context, span"))""",
            timeout=10_000,
        )


def violations(page: Any) -> list[dict[str, Any]]:
    """axe's violations on the page as it is shown now (axe is in the page: ``open_page``)."""
    script = "(options) => axe.run(document, options).then((results) => results.violations)"
    found: list[dict[str, Any]] = page.evaluate(script, AXE_OPTIONS)
    return found


def describe(found: list[dict[str, Any]]) -> list[str]:
    """One line per violation: the rule, its impact, how many nodes, the first few."""
    lines = []
    for violation in found:
        targets = [json.dumps(node["target"], ensure_ascii=False) for node in violation["nodes"]]
        lines.append(
            f"{violation['id']} ({violation['impact']}, {len(targets)} nodes): "
            + ", ".join(targets[:4])
        )
    return lines


@dataclass
class Checker:
    """A page of the browser, with axe-core in every document it loads, and the view it is in
    (an index in ``VIEWS``)."""

    page: Any
    view: int = 0

    def check(self, base: str, paths: list[str]) -> dict[str, list[str]]:
        """Each page loaded once, then checked in each view: the page's media and viewport
        change in place, as they do when a reader's settings change."""
        found = {}
        for path in paths:
            show(self.page, base + path)
            for step in range(len(VIEWS)):
                if step:
                    self.turn()
                scheme, width = VIEWS[self.view]
                if problems := describe(violations(self.page)):
                    found[f"{path} [{scheme}, {width}]"] = problems
        return found

    def turn(self) -> None:
        """Into the next view: one setting changes."""
        (scheme, width), self.view = VIEWS[self.view], (self.view + 1) % len(VIEWS)
        next_scheme, next_width = VIEWS[self.view]
        if next_scheme != scheme:
            self.page.emulate_media(color_scheme=next_scheme)
        if next_width != width:
            self.page.set_viewport_size(VIEWPORTS[next_width])


def open_page(chromium: Any, axe: str) -> tuple[Any, Checker]:
    """A new context, in the first view, whose every document has axe-core; and its page."""
    scheme, width = VIEWS[0]
    context = chromium.new_context(color_scheme=scheme, viewport=VIEWPORTS[width])
    context.add_init_script(script=axe)
    return context, Checker(context.new_page())


@pytest.fixture(scope="session")
def checker(chromium: Any, axe_source: str) -> Iterator[Checker]:
    """One page for all the editions' pages that this worker checks."""
    context, checker = open_page(chromium, axe_source)
    yield checker
    context.close()


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.parametrize("code", [e.code for e in EDITIONS])
def test_no_violation_on_any_page(code, shard, site_root, serve, checker):
    paths = page_paths(site_root, code)
    assert len(paths) > 10
    assert checker.check(serve(site_root), paths[shard::SHARDS]) == {}


def test_no_violation_on_the_root_page(site_root, serve, chromium, axe_source):
    """The root page as a reader without JavaScript sees it: its script would leave at once."""
    base = serve(site_root)
    context, checker = open_page(chromium, axe_source)

    def without_redirect(route: Any) -> None:
        response = route.fetch()
        body = REDIRECT.sub("", response.text())
        assert body != response.text(), "the root page's script was not found"
        route.fulfill(response=response, body=body)

    checker.page.route(base + "index.html", without_redirect)
    try:
        assert checker.check(base, ["index.html"]) == {}
    finally:
        context.close()


#: A page with one fault in the dark scheme alone (grey text on a dark grey ground) and one at
#: the phone's width alone (two 10×10 buttons side by side, smaller than ``target-size`` allows).
FAULTY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Faulty</title><style>
  @media (prefers-color-scheme: dark) { body { background: #222; color: #444; } }
  @media (max-width: 500px) { button { width: 10px; height: 10px; padding: 0; margin: 0; } }
</style></head>
<body><main><h1>Faulty</h1><p>Some text to read.</p>
<button type="button">1</button><button type="button">2</button>
</main></body></html>
"""


def test_each_view_finds_what_only_it_shows(tmp_path, serve, chromium, axe_source):
    """The checker turns through all four views and axe checks what each shows: a fault of the
    dark scheme is found in the two dark views alone, one of the phone's width in the two phone
    views alone."""
    (tmp_path / "faulty.html").write_text(FAULTY, "utf-8")
    context, checker = open_page(chromium, axe_source)
    try:
        found = checker.check(serve(tmp_path), ["faulty.html"])
    finally:
        context.close()
    rules = {view: {line.split(" ")[0] for line in lines} for view, lines in found.items()}
    assert rules == {
        "faulty.html [light, phone]": {"target-size"},
        "faulty.html [dark, phone]": {"color-contrast", "target-size"},
        "faulty.html [dark, desktop]": {"color-contrast"},
    }
