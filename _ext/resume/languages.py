"""The three names of each edition's language, in one place.

* ``sphinx``: the value of Sphinx's ``language`` setting and of the catalog folders;
* ``code``: the folder and URL code, as Read the Docs spells it;
* ``tag``: the BCP 47 tag for ``lang`` attributes and the ePub.

Imported by ``conf.py``, the extension, ``noxfile.py`` and the tests.
"""

from __future__ import annotations

from typing import NamedTuple


class Edition(NamedTuple):
    sphinx: str
    code: str
    tag: str
    label: str  # the language's name in that language, for the switcher
    separator: str  # between the items of a generated list of names


EDITIONS: tuple[Edition, ...] = (
    Edition("zh_CN", "zh-cn", "zh-CN", "中文", "、"),
    Edition("en", "en", "en", "English", ", "),
    Edition("ja", "ja", "ja", "日本語", "、"),
)
SOURCE = EDITIONS[0]

BY_SPHINX = {e.sphinx: e for e in EDITIONS}
BY_CODE = {e.code: e for e in EDITIONS}


def edition(language: str | None) -> Edition:
    """The edition for a Sphinx ``language`` value (``None`` means the source language)."""
    if not language:
        return SOURCE
    try:
        return BY_SPHINX[language]
    except KeyError:
        known = ", ".join(BY_SPHINX)
        raise ValueError(f"unknown language {language!r}; expected one of: {known}") from None
