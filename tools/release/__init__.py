"""The release build: every edition and builder from clean, published all at once or not at
all. ``python -m tools.release`` runs it (``__main__``); the building, the publishing and the
reporting are modules of their own.

``release_build`` lives in ``__main__`` and is loaded on first use, so that ``python -m
tools.release`` runs that module once, as the program; the rest needs neither Sphinx nor the
extension's Sphinx modules to import, so importing this package is quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .building import VARIANTS, Job, JobResult
from .layout import PublishError, live_release, recover
from .publishing import assemble, check_release, publish, release_secrets
from .reporting import CRASH_REPORTS, CUT_SHORT_HINT, GENERAL_HINT, HINTS, condense, hints

if TYPE_CHECKING:
    from .__main__ import release_build, resolve_editions, resolve_variants, source_date_epoch

__all__ = [
    "CRASH_REPORTS",
    "CUT_SHORT_HINT",
    "GENERAL_HINT",
    "HINTS",
    "VARIANTS",
    "Job",
    "JobResult",
    "PublishError",
    "assemble",
    "check_release",
    "condense",
    "hints",
    "live_release",
    "publish",
    "recover",
    "release_build",
    "release_secrets",
    "resolve_editions",
    "resolve_variants",
    "source_date_epoch",
]

#: The names ``__main__`` defines: loaded from it when first asked for.
_FROM_MAIN = ("release_build", "resolve_editions", "resolve_variants", "source_date_epoch")

if not TYPE_CHECKING:  # mypy reads the imports above, and flags any other name

    def __getattr__(name: str) -> Any:
        if name in _FROM_MAIN:
            from . import __main__

            return getattr(__main__, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
