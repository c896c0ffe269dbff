"""The extension's document nodes, and how each writer renders them.

* ``role_card``, ``project_card``, ``entry_card``: a page's data, a field list whose texts are
  translatable and whose attributes hold the raw values; HTML writers draw a ``<div>``.
* ``placeholder``: filled from other pages' data once every page is read (``resume.crosspage``).
* ``timeline_bar``: one role's span on the timeline; only HTML writers draw it.
* ``tag_marker``: a bullet's tags (``resume.variants``); no writer draws it.

Other writers (LaTeX, text, manual pages, Texinfo) keep the cards' content and skip the rest.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes


class role_card(nodes.General, nodes.Element):
    """A role's data: attributes ``start``, ``end``, ``technologies``, ``line``."""


class project_card(nodes.General, nodes.Element):
    """A project's data: attributes ``url``, ``roles``, ``line``."""


class entry_card(nodes.General, nodes.Element):
    """One entry of the home page's data (``kind``: skills, language, education, award, …)."""


class placeholder(nodes.General, nodes.Element):
    """Replaced once every page is read: ``kind`` says with what."""


class tag_marker(nodes.Inline, nodes.Element):
    """The ``{tag}`` role: the ``tags`` of the bullet or item it is in; no writer shows it."""


class timeline_bar(nodes.General, nodes.Element):
    """One role's span: ``start`` and ``width`` as fractions of the timeline's axis."""


def visit_card(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "div", CLASS=" ".join(node["classes"])))


def depart_card(self: Any, node: nodes.Element) -> None:
    self.body.append("</div>\n")


def visit_timeline_bar(self: Any, node: timeline_bar) -> None:
    style = f"--start: {node['start']:.4f}; --width: {node['width']:.4f}"
    self.body.append(
        f'<span class="resume-timeline-bar" aria-hidden="true">'
        f'<span class="resume-timeline-span" style="{style}"></span></span>'
    )
    raise nodes.SkipNode


def skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def nothing(self: Any, node: nodes.Node) -> None:
    pass


#: Writers other than HTML: they render a card's content as it is.
OTHER_FORMATS = ("latex", "text", "man", "texinfo")


def setup_nodes(app: Any) -> None:
    card = {"html": (visit_card, depart_card)} | {f: (nothing, nothing) for f in OTHER_FORMATS}
    skipped = {f: (skip, None) for f in OTHER_FORMATS}
    for node in (role_card, project_card, entry_card):
        app.add_node(node, **card)
    app.add_node(placeholder, html=(skip, None), **skipped)
    app.add_node(timeline_bar, html=(visit_timeline_bar, None), **skipped)
    app.add_node(tag_marker, html=(skip, None), **skipped)
