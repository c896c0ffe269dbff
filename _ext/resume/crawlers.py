"""What search engines read besides the pages: ``robots.txt`` and a page's description.

Standard library only: the editions' builder (``resume.hosting``) and the root page, which the
release writes without Sphinx (``tools/root_page.py``), write them by the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable

#: How many characters of a paragraph make a meta description.
DESCRIPTION_LENGTH = 150
ROBOTS = "robots.txt"


def shorten(text: str) -> str:
    """``text`` as a meta description: on one line, cut to ``DESCRIPTION_LENGTH`` characters
    with an ellipsis (by character, not word: Chinese and Japanese put no space between
    words)."""
    text = " ".join(text.split())
    if len(text) > DESCRIPTION_LENGTH:
        text = text[: DESCRIPTION_LENGTH - 1].rstrip() + "…"
    return text


def robots_txt(noindex: bool, sitemaps: Iterable[str] = ()) -> str:
    """``robots.txt``: all allowed, naming ``sitemaps``, or nothing when ``noindex``
    (``RESUME_NOINDEX``)."""
    if noindex:
        return "User-agent: *\nDisallow: /\n"
    lines = ["User-agent: *", "Allow: /"]
    if sitemaps := list(sitemaps):
        lines += ["", *(f"Sitemap: {url}" for url in sitemaps)]
    return "\n".join(lines) + "\n"
