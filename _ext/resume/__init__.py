"""A small Sphinx extension for a résumé written as documentation.

Role and project pages state their data once, in the ``resume-role`` and ``resume-project``
directives; the extension collects it after translation and draws on it for the timeline,
the project list and the links between roles and projects.

The package's other modules (``languages``, ``release``) need only the standard library, so
that ``noxfile.py`` can import them before Sphinx is installed; the Sphinx parts load here,
lazily.
"""

from __future__ import annotations

from typing import Any


def setup(app: Any) -> dict[str, Any]:
    from .extension import setup as setup_extension

    return setup_extension(app)
