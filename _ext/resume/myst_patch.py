"""A speed patch of MyST-Parser: docutils' default settings computed once per parser.

Sphinx parses each translated message as a document of its own (``publish_msgstr``), and for
each MyST (5.2.0) builds docutils' default settings anew, only to drop them: its renderer
evaluates ``options.get("document", make_document())`` while the document is given. That is a
third of reading a translated edition. The defaults are computed once per set of components here
and each caller gets its own copy, which is all docutils' function promises. Kept here, apart
from the translation gate, because it changes nothing but the time a build takes: delete this
module when MyST stops doing the work twice.
"""

from __future__ import annotations

import copy
from typing import Any

from sphinx.application import Sphinx


def default_settings_once() -> None:
    """Replace MyST's ``get_default_settings`` with a memoised copy (once per process)."""
    from docutils.frontend import get_default_settings
    from myst_parser.mdit_to_docutils import base

    if getattr(base.get_default_settings, "resume_cached", False):
        return
    defaults: dict[tuple[Any, ...], Any] = {}

    def default_settings(*components: Any) -> Any:
        if components not in defaults:
            defaults[components] = get_default_settings(*components)
        return copy.deepcopy(defaults[components])

    default_settings.resume_cached = True  # type: ignore[attr-defined]
    base.get_default_settings = default_settings


def setup_myst_patch(app: Sphinx) -> None:
    default_settings_once()
