"""Accessibility: axe-core finds nothing on any page of any edition, nor on the root page.

The three editions are built once (``build_site``), laid side by side with the root page as
``_build/html`` holds them, served on 127.0.0.1 and read in headless Chromium, in the light and
the dark colour scheme, at a desktop (1280×800) and a phone (390×844) width. Each page is checked
with axe-core (``axe-core`` in ``package.json``, installed by ``npm ci``) against the WCAG 2.x A
and AA rules, axe's best practices and ``target-size`` (a target at least 24×24 CSS pixels, or
spaced as if it were). The search page is checked with results and their snippets shown.

Outside CI a missing ``node_modules/axe-core`` skips the test, saying why; on CI it fails.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from resume.languages import EDITIONS
from tools.root_page import write_root_index

from helpers import REPO, Build

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
SCHEMES = ("light", "dark")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
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
    paths = sorted(p.relative_to(root).as_posix() for p in (root / code).rglob("*.html"))
    return [f"{p}?q={QUERY}" if p == f"{code}/search.html" else p for p in paths]


def show(page: Any, url: str) -> None:
    """Open ``url`` and wait until it (and a search's results) are shown."""
    page.goto(url, wait_until="load")
    if "search.html?q=" in url:
        page.wait_for_function(
            """() => document.querySelector("#search-results .search-summary")?.textContent
                     && [...document.querySelectorAll("ul.search > li")]
                          .every((li) => li.querySelector("p.context, span"))""",
            timeout=10_000,
        )


def violations(page: Any, axe: str) -> list[dict[str, Any]]:
    """axe's violations on the page as it is shown now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe)
    return page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)["violations"]


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


def check(page: Any, base: str, paths: list[str], axe: str) -> dict[str, list[str]]:
    """Each page loaded once, then checked in each colour scheme at each width: the page's
    media and viewport change in place, as they do when a reader's settings change."""
    found = {}
    for path in paths:
        show(page, base + path)
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            for name, size in VIEWPORTS.items():
                page.set_viewport_size(size)
                if problems := describe(violations(page, axe)):
                    found[f"{path} [{scheme}, {name}]"] = problems
    return found


@pytest.mark.parametrize("code", [e.code for e in EDITIONS])
def test_no_violation_on_any_page(code, site_root, serve, chromium, axe_source):
    paths = page_paths(site_root, code)
    assert len(paths) > 10
    context = chromium.new_context()
    try:
        assert check(context.new_page(), serve(site_root), paths, axe_source) == {}
    finally:
        context.close()


def test_no_violation_on_the_root_page(site_root, serve, chromium, axe_source):
    """The root page as a reader without JavaScript sees it: its script would leave at once."""
    base = serve(site_root)
    context = chromium.new_context()
    page = context.new_page()

    def without_redirect(route: Any) -> None:
        response = route.fetch()
        body = REDIRECT.sub("", response.text())
        assert body != response.text(), "the root page's script was not found"
        route.fulfill(response=response, body=body)

    page.route(base + "index.html", without_redirect)
    try:
        assert check(page, base, ["index.html"], axe_source) == {}
    finally:
        context.close()
