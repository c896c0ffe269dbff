"""Old addresses that keep working: a renamed or retired page's address sends its reader on.

The list is ``redirects.txt`` at the repository's root (``rediraffe_redirects`` in ``conf.py``),
one ``old new`` pair a line, source paths as the pages are named (``experience/old.md
experience/new.md``; a retired page points at ``index.md``). sphinxext-rediraffe writes each old
address as a page that sends the reader to the new one, in every edition's web site (it leaves
the ePub and the PDF alone, which have no addresses to keep).

This module checks the list on every build, whatever the builder, at its file and line: a
redirect to a page that does not exist, or from a page that still exists, fails the build
(rediraffe's own check names neither the file nor the line, and runs for the web site only).
A list with a bad line is not handed to rediraffe, whose parser would report it again and then
stop the build with a crash report: it gets the good lines' pairs instead.
It also gives rediraffe a template in the edition's language: ``lang``, the site's title,
``noindex``, and a plain link beside the refresh, with no script.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from .languages import edition
from .messages import warn
from .outputs import is_website

#: rediraffe's own grammar of a line: two paths, each bare or quoted.
_PAIR = re.compile(r"(?:(\"|')(.*?)\1|(\S+))\s+(?:(\"|')(.*?)\4|(\S+))")
TEMPLATE_NAME = "resume-redirect.html"


def redirect_list(config: Any, srcdir: Path) -> Path | None:
    """The redirect list's path, when the project keeps one (``rediraffe_redirects``)."""
    name = getattr(config, "rediraffe_redirects", None)
    return srcdir / name if isinstance(name, str) and name else None


def docname(path: str, suffixes: list[str]) -> str:
    """``experience/old.md`` → ``experience/old``."""
    for suffix in suffixes:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def check_redirects(app: Any, env: Any) -> None:
    """Each line of the list: from a page that is gone, to a page that exists."""
    path = redirect_list(app.config, Path(app.srcdir))
    if path is None:
        return
    if not path.is_file():
        warn(
            f"the redirect list {path} does not exist",
            "create it (it may hold comments only), or take rediraffe_redirects out of conf.py",
            subtype="redirects",
        )
        return
    suffixes = list(app.config.source_suffix)
    good: dict[str, str] = {}
    broken = False
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _PAIR.fullmatch(line)
        if match is None:
            problem = f"the line {line!r} is not two paths, 'old new'"
            what_to_do = "write 'experience/old.md experience/new.md'"
        else:
            source, target = match[2] or match[3], match[5] or match[6]
            old, new = docname(source, suffixes), docname(target, suffixes)
            if old in env.found_docs:
                problem = f"redirects {old}, which is still a page"
                what_to_do = "remove the line, or the page"
            elif new not in env.found_docs:
                problem = f"redirects {old} to {new}, which is not a page"
                what_to_do = "name the page it became (or index.md, for a page retired)"
            elif source in good:
                problem = f"redirects {old} a second time"
                what_to_do = "keep one of its lines"
            else:
                good[source] = target
                continue
        broken = True
        warn(problem, what_to_do, f"{path}:{number}", subtype="redirects")
    if broken:  # rediraffe reads the list again when it writes: only the good pairs
        app.config.rediraffe_redirects = good


def use_template(app: Any) -> None:
    """Give rediraffe a template in the edition's language, written beside the doctrees."""
    if not is_website(app.builder) or redirect_list(app.config, Path(app.srcdir)) is None:
        return
    tag = edition(app.config.language).tag
    title = html.escape(str(app.config.html_title or app.config.project))
    template = Path(app.doctreedir) / TEMPLATE_NAME
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(
        "<!DOCTYPE html>\n"
        f'<html lang="{tag}">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        '<meta http-equiv="refresh" content="0; url={{ rel_url | e }}">\n</head>\n'
        f"<body>\n<main>\n<h1>{title}</h1>\n"
        '<p><a href="{{ rel_url | e }}">{{ rel_url | e }}</a></p>\n</main>\n'
        "</body>\n</html>\n",
        "utf-8",
    )
    app.config.rediraffe_template = str(template)


def setup_redirects(app: Any) -> None:
    app.connect("env-check-consistency", check_redirects)
    app.connect("builder-inited", use_template)
