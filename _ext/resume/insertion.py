"""Pages and catalogs reach nothing outside the repository, and nothing over the network.

docutils and Sphinx read files and URLs while a page is parsed: ``include``,
``literalinclude``, ``csv-table`` with ``:file:`` or ``:url:``, ``raw`` with ``:file:`` or
``:url:``; and they copy into the output the files that ``image``, ``figure`` and the
``download`` role name, following symbolic links. A page (or a translation a pull request
brings) could publish the build machine's files (``/proc/self/environ``), or make the build
fetch an address on its network. So:

* ``include`` and ``literalinclude`` are refused: the résumé's text is in its pages;
* ``csv-table`` and ``raw`` with ``:file:`` or ``:url:`` are refused before anything is read
  (``csv-table`` with its rows in the page works as before);
* an image or a figure from another address is refused: Sphinx's ePub builder would fetch it;
* an image, a figure or a download must be a file inside the source folder, reached without
  leaving it (no ``..`` out of it, no absolute path outside it, no symbolic link that leaves
  it), and an image at most ``MAX_IMAGE_BYTES`` and ``MAX_IMAGE_PIXELS``; anything else is
  an error at its line and is taken out of the page, so that no builder copies it;
* a symbolic link among the sources, ``_static/`` or ``_templates/`` that leaves the
  repository stops the build before anything is read or copied, naming the link.

``file_insertion_enabled`` stays off for anything that slips past the directives above.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Include, Raw
from docutils.parsers.rst.directives.tables import CSVTable
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.directives.code import LiteralInclude
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

from . import messages

#: The largest image a page may show: a photo for the web is far smaller; a bigger one makes
#: every edition, and the ePub, that much heavier.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: Width × height: 4000 × 4000 is more than any screen or A4 page shows.
MAX_IMAGE_PIXELS = 16_000_000


class RefusedFileDirective(SphinxDirective):
    """``include`` and ``literalinclude``: a page may not pull in another file."""

    has_content = True
    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    #: Every option of both directives, so that the refusal is the one message.
    option_spec: ClassVar[dict[str, Any]] = {
        name: directives.unchanged
        for spec in (Include.option_spec, LiteralInclude.option_spec)
        for name in spec or {}
    }

    def run(self) -> list[nodes.Node]:
        messages.warn(
            f"the {self.name} directive reads a file while the page is built, which no page "
            f"or catalog may do (nothing was read)",
            "write the text in the page itself (or its catalog)",
            self.get_location(),
            subtype="insertion",
        )
        return []


class _NoFileOrURL:
    """Refuse ``:file:`` and ``:url:`` before the directive reads them."""

    name: str
    options: dict[str, Any]

    def refused(self: Any) -> list[nodes.Node] | None:
        given = [option for option in ("file", "url") if option in self.options]
        if not given:
            return None
        what = "fetches an address" if "url" in given else "reads a file"
        messages.warn(
            f"the {self.name} directive with :{given[0]}: {what} while the page is built, "
            f"which no page or catalog may do (nothing was read)",
            f"write the {'rows' if self.name == 'csv-table' else 'content'} in the page itself",
            self.get_location(),
            subtype="insertion",
        )
        return []


class SafeCSVTable(_NoFileOrURL, CSVTable, SphinxDirective):
    """``csv-table`` with its rows in the page only."""

    def run(self) -> Any:
        refused = self.refused()
        return refused if refused is not None else super().run()


class SafeRaw(_NoFileOrURL, Raw, SphinxDirective):
    """``raw`` never reads a file or an address (resume.safety refuses raw HTML anyway)."""

    def run(self) -> Any:
        refused = self.refused()
        return refused if refused is not None else super().run()


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, every link on the way resolved, is ``root`` or under it."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def _unpublished(path: Path, srcdir: Path, skipped: set[str]) -> bool:
    """Whether ``path`` (inside ``srcdir``) is hidden (``.git/``, ``.env``) or in a folder the
    site never publishes (``_build``, ``.nox``: ``exclude_patterns``)."""
    parts = Path(os.path.realpath(path)).relative_to(os.path.realpath(srcdir)).parts
    return any(part.startswith(".") for part in parts) or bool(parts and parts[0] in skipped)


def _skipped(config: Config) -> set[str]:
    """The top folders of ``exclude_patterns`` (``_build``, ``.nox``, ``venv`` …)."""
    return {Path(p).parts[0] for p in config.exclude_patterns if Path(p).parts} - {"**", "*"}


def _is_remote(uri: str) -> bool:
    return bool(urlsplit(uri).scheme) or uri.startswith("//")


#: Files a browser runs scripts in when it opens them from the site's address.
ACTIVE_SUFFIXES = (".svg", ".svgz", ".html", ".htm", ".xhtml", ".xht", ".xml", ".xsl")
#: What runs in them: a script element, an event handler (an attribute ``on…=``, after a space
#: or a slash), a javascript: address, embedded documents and style sheets, and a character
#: reference inside a tag (``jav&#97;script:``), in any case. A refusal errs on the safe side:
#: a résumé's pictures need none of these. (A sanitiser would rewrite the file; we refuse it.)
ACTIVE = re.compile(
    rb"<\s*(?:script|foreignobject|iframe|embed|object|handler)\b|<[^>]*?[\s/]on[a-z]+\s*="
    rb"|javascript\s*:|<\?xml-stylesheet|<[^>]*?&#",
    re.IGNORECASE,
)


def active_content(path: Path) -> str:
    """What in the file at ``path`` would run in a reader's browser, or ``""``: an SVG or HTML
    file is served from the site's own address, where its script reads and acts as the site.
    A compressed SVG is read as it is served, unpacked."""
    if path.suffix.lower() not in ACTIVE_SUFFIXES:
        return ""
    data = path.read_bytes()
    if path.suffix.lower() == ".svgz" or data[:2] == b"\x1f\x8b":
        import gzip

        try:
            data = gzip.decompress(data)
        except OSError:
            return "is not a readable compressed SVG"
    found = ACTIVE.search(data)
    if found:
        what = found.group(0)[-40:].decode("utf-8", "replace")
        return f"holds {what!r}, which would run in a reader's browser"
    return ""


def _image_problem(path: Path) -> str:
    """Why the image at ``path`` is too large or would run a script, or ``""``."""
    import imagesize  # type: ignore[import-untyped]  # Sphinx's own dependency; reads the header

    if active := active_content(path):
        return active
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"is {size / 1024 / 1024:.1f} MB, more than {MAX_IMAGE_BYTES // 1024 // 1024} MB"
    width, height = imagesize.get(str(path))
    if width > 0 and height > 0 and width * height > MAX_IMAGE_PIXELS:
        return f"is {width}×{height} pixels, more than {MAX_IMAGE_PIXELS // 1_000_000} million"
    return ""


def check_files(app: Sphinx, doctree: nodes.document) -> None:
    """Images, figures and downloads name files inside the source folder, of a sane size;
    any other is reported and taken out, before Sphinx's collectors note it for copying."""
    env = app.env
    srcdir = Path(app.srcdir)
    docname = env.docname
    skipped = _skipped(app.config)
    for node in list(doctree.findall(addnodes.download_reference)):
        target = node.get("reftarget", "")
        path = Path(env.relfn2path(target, docname)[1])
        refused = what_to_do = ""
        if _is_remote(target):
            # Sphinx links any target with "://" as it is: javascript://… would run on a click.
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                refused = "is neither a file nor an https:// address"
                what_to_do = "link to an https:// address, or put the file beside the page"
        elif not inside(path, srcdir) or _unpublished(path, srcdir, skipped):
            refused = (
                "is outside the source folder, a link that leaves it, hidden or in a folder "
                "that is never published, and is not published"
            )
            what_to_do = "put the file in the repository, beside the page, and link to it there"
        elif path.is_file() and (active := active_content(path)):
            refused = f"{active}, and is not published"
            what_to_do = (
                "offer it as a PDF or an image without script, or link to where it is hosted"
            )
        if refused:
            messages.warn(
                f"the download {target!r} {refused}", what_to_do, node, subtype="insertion"
            )
            node.replace_self(nodes.inline(node.astext(), node.astext()))
    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if not uri:
            continue
        _, filename = env.relfn2path(uri, docname)
        path = Path(filename)
        problem = ""
        if _is_remote(uri):
            # Sphinx's ePub builder downloads it while building (ImageDownloader), and every
            # reader's browser would load it from that address.
            problem = "is at another address, which the build would fetch"
        elif not inside(path, srcdir):
            problem = "is outside the source folder, or a link that leaves it"
        elif _unpublished(path, srcdir, skipped):
            problem = "is hidden, or in a folder that is never published"
        elif path.is_file():
            problem = _image_problem(path)
        if problem:
            messages.warn(
                f"the image {uri!r} {problem}, and is not published",
                f"put an image of at most {MAX_IMAGE_BYTES // 1024 // 1024} MB and "
                f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels in the repository, beside the "
                "page",
                image,
                subtype="insertion",
            )
            gone = image.parent if isinstance(image.parent, nodes.figure) else image
            gone.parent.remove(gone)


def _walk(top: Path, skipped: set[str]) -> Iterator[Path]:
    """Every path under ``top`` (links not followed), but not under ``skipped`` folder names,
    and nothing hidden, which Sphinx never reads or copies (an editor's lock file, ``.#page.md``,
    is a dangling link)."""
    for folder, subfolders, files in os.walk(top):
        subfolders[:] = [d for d in subfolders if d not in skipped and not d.startswith(".")]
        for name in [*subfolders, *files]:
            if not name.startswith("."):
                yield Path(folder, name)


def leaving_links(srcdir: Path, folders: list[Path], skipped: set[str]) -> list[Path]:
    """The symbolic links under ``srcdir`` and ``folders`` whose target is outside ``srcdir``
    (outside the folder itself, for a folder outside ``srcdir``), missing, or hidden or never
    published inside it (``.git/config``, ``.env``, ``_build``): Sphinx copies what a link
    points to under the link's own name, which need not be hidden."""
    found = []
    for top in [srcdir, *folders]:
        root = srcdir if inside(top, srcdir) else top
        if not top.is_dir():
            continue
        for path in _walk(top, skipped):
            if path.is_symlink() and (
                not path.exists() or not inside(path, root) or _unpublished(path, root, skipped)
            ):
                found.append(path)
    return sorted(set(found))


def check_links(app: Sphinx, config: Config) -> None:
    """A link that leaves the repository stops the build before a page is read or a file
    copied (Sphinx copies ``_static`` following links)."""
    srcdir = Path(app.srcdir)
    folders = [
        Path(app.confdir, folder)
        for folder in (*config.html_static_path, *config.templates_path, *config.html_extra_path)
    ]
    if found := leaving_links(srcdir, folders, _skipped(config)):
        shown = ", ".join(
            str(p.relative_to(srcdir)) if inside(p.parent, srcdir) else str(p) for p in found[:5]
        )
        raise ConfigError(
            messages.problem(
                f"the symbolic link {shown}{' and more' if len(found) > 5 else ''} points "
                "outside the repository, at a hidden or unpublished file in it (.git/, .env, "
                "_build), or nowhere, and would publish what it points to",
                subtype="symlink",
            )
        )


def no_file_insertion(app: Sphinx) -> None:
    """docutils' own switch, for any reading directive not replaced above."""
    app.env.settings["file_insertion_enabled"] = False


def setup_insertion(app: Sphinx) -> None:
    for name in ("include", "literalinclude"):
        app.add_directive(name, RefusedFileDirective, override=True)
    app.add_directive("csv-table", SafeCSVTable, override=True)
    app.add_directive("raw", SafeRaw, override=True)
    app.connect("config-inited", check_links)
    # Before Sphinx's collectors (priority 500), which note images and downloads to copy.
    app.connect("doctree-read", check_files, priority=100)
    app.connect("builder-inited", no_file_insertion)
