"""Text that looks like markup stays text in a real browser: on the page, in the JSON-LD and in
the search results.

A role title of ``<!--<script`` once swallowed the rest of ``<head>`` from inside the JSON-LD
element, and a heading whose text is ``<img src=x onerror=…>`` ran script on the search page,
where Sphinx sets result titles with ``innerHTML``.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from browser import Watched
from helpers import REPO, build, write_project

HOSTILE_TITLE = "<!--<script>alert('title')</script>"
HOSTILE_HEADING = "<img src=x onerror=alert('heading')>"
PAGE = f"""\
(home)=
# 首页

```{{resume-role}}
:organisation: 某公司
:title: {HOSTILE_TITLE}
:start: 2019
:end: present
```

```{{toctree}}
hostile
```
"""
HOSTILE_PAGE = """\
(hostile)=
# \\<img src=x onerror=alert('heading')\\>

quartzite 在这里。
"""
CONF = f"""
html_theme = "furo"
html_title = "某人 · 工程师"
html_static_path = [{str(REPO / "_static")!r}]
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    src = write_project(root / "src", {"index.md": PAGE, "hostile.md": HOSTILE_PAGE}, CONF)
    result = build(src, root / "out")
    assert result.returncode == 0, result.stderr
    return result.outdir


def test_the_json_ld_parses_and_the_head_survives(hostile_site, serve, watched: Watched):
    dialogs: list[str] = []
    watched.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    watched.page.goto(serve(hostile_site) + "index.html")
    data = json.loads(
        watched.page.evaluate(
            "() => document.querySelector('script[type=\"application/ld+json\"]').textContent"
        )
    )
    assert data["hasOccupation"]["name"] == HOSTILE_TITLE
    # Everything after the JSON-LD in <head> is still there: the title and the stylesheets.
    assert watched.page.title() == "某人 · 工程师"
    assert watched.page.evaluate("() => document.styleSheets.length") > 1
    assert dialogs == []
    watched.page.goto(serve(hostile_site) + "hostile.html")
    assert HOSTILE_HEADING in watched.page.inner_text("section#hostile h1")
    assert dialogs == []


def test_search_results_show_a_markup_title_as_text(hostile_site, serve, watched: Watched):
    dialogs: list[str] = []
    watched.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # Sphinx matches a section title when the query is at least half of it.
    query = quote("img src=x onerror=alert('heading')")
    watched.page.goto(serve(hostile_site) + f"search.html?q={query}")
    watched.page.wait_for_function(
        "() => document.querySelectorAll('ul.search > li').length > 0", timeout=10_000
    )
    titles = watched.page.evaluate(
        "() => [...document.querySelectorAll('ul.search > li > a')].map((a) => a.textContent)"
    )
    assert any(HOSTILE_HEADING in title for title in titles), titles
    assert watched.page.evaluate("() => document.querySelectorAll('ul.search img').length") == 0
    watched.page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert dialogs == []
    # Whatever result wins the ranking, each is written as text: here the one that matches the
    # section title itself, which Sphinx takes from the index's plain-text titles.
    titles = watched.page.evaluate(
        """(query) => Search._performSearch(query, new Set(), new Set(), new Set(), new Set())
            .map((result) => result[1])""",
        "img src=x onerror=alert('heading')",
    )
    assert titles and not [title for title in titles if "<" in title], titles
