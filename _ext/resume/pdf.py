"""The résumé for paper: a typeset two-page A4 PDF and a plain-text edition, ``-b resumepdf``.

A Sphinx builder of ours, so that the PDF comes from what the HTML and ePub builders read: the
same doctrees, the same Domain records, in the edition's language (``resume.paper`` gathers
them). It resolves every page as they do, so a page, reference or catalog fault fails it as it
fails them (``-n -W --keep-going``); then, once, it writes into its output folder:

* ``<BASENAME>-<code>.pdf``: typeset by Typst (the ``typst`` package) with the template
  ``typst/resume.typ``, in Noto Sans CJK (the package pinned in ``requirements-fonts.txt``, or
  the folders of ``resume_pdf_font_paths``): the Chinese edition in
  its Simplified Chinese face, the Japanese in its Japanese face, the English in Libertinus
  Serif (which Typst embeds) with the Chinese face for Chinese names;
* ``<BASENAME>-<code>.txt``: the same résumé as plain text, one line per paragraph;
* beside them, what Typst read (``<BASENAME>-<code>.typ`` and ``.json``, and the template), so
  that the privacy gate scans the text that went into the compressed PDF, and anyone can run
  ``typst compile`` on it. The release build publishes the PDF and the text only.

The résumé must fill exactly ``resume_pdf_pages`` pages: the builder sets it in full, and if it
runs over, gives up repetition before facts: the highlights that restate a paragraph of their
role, one by one from the last, then the projects' descriptions (what the owner did stays),
then the oldest roles' bullets, one role at a time. It lists in its output what the PDF leaves
out; the text edition has no page limit and says everything. Nothing is written when a font
is missing (the message names the package), a character has no glyph in the fonts, the
page count is not met, the privacy scan finds a secret, or the build has already warned with
warnings as errors: the previous files stay as they were.

The document's date is ``resume_build_date`` (``SOURCE_DATE_EPOCH``): Typst reads no clock, and
the typesetter and the fonts are pinned, so one commit gives the same PDF on every machine.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import json
import os
import re
import shutil
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, Final

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.errors import SphinxError
from sphinx.util import logging

from . import messages, privacy
from .files import write_atomically
from .languages import edition
from .outputs import file_name
from .paper import Paper, flat, gather, plain_text
from .reading import quoted
from .settings import settings
from .variants import variant_of

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATE = HERE / "typst" / "resume.typ"
#: The package of Noto Sans CJK that the build pins by its digest (requirements-fonts.txt), and
#: the module it installs: the builder reads the fonts from that module's folder.
FONT_PACKAGE = "manimgx-fonts-cjk"
FONT_MODULE = "manimgx_fonts_cjk"
FONT_REQUIREMENTS = "requirements-fonts.txt"
SC, JP = "Noto Sans CJK SC", "Noto Sans CJK JP"
#: A Latin face Typst carries in itself: proportional quotes and dashes for the English edition.
LATIN = "Libertinus Serif"


@dataclass(frozen=True)
class Typeface:
    """An edition's fonts, in fallback order, and Typst's ``region`` for its language."""

    fonts: tuple[str, ...]
    region: str | None = None


TYPEFACES = {
    "zh_CN": Typeface((SC,), "cn"),
    "en": Typeface((LATIN, SC)),
    "ja": Typeface((JP,)),
}
#: Chinese names in any edition: Simplified Chinese forms.
CHINESE = (SC,)
#: PDF/UA-1: tagged headings, lists and links, a title and a language that screen readers use.
PDF_STANDARDS: Final = "ua-1"
#: Faces the PDF builder needs on the font path, each in these weights.
WEIGHTS = (400, 700)


class PaperError(SphinxError):
    category = "PDF error"


# -- Fonts ---------------------------------------------------------------------------------


# The few fields below are read by hand rather than with fontTools: a cmap and an axis do not
# justify a 4 MB dependency of every build.


def _tables(read: Callable[[int, int], bytes], index: int) -> dict[bytes, int]:
    """The offset of each table of a face of an OpenType file or collection."""
    start = 0
    if read(0, 4) == b"ttcf":
        (start,) = struct.unpack(">I", read(12 + 4 * index, 4))
    (count,) = struct.unpack(">H", read(start + 4, 2))
    tables = read(start + 12, 16 * count)
    return {
        tables[i : i + 4]: struct.unpack(">I", tables[i + 8 : i + 12])[0]
        for i in range(0, len(tables), 16)
    }


def _reader(font: BinaryIO) -> Callable[[int, int], bytes]:
    def read(offset: int, size: int) -> bytes:
        font.seek(offset)
        return font.read(size)

    return read


def weights(path: str, index: int) -> tuple[int, int] | None:
    """The weights a variable face can set (its ``fvar`` table's ``wght`` axis), or ``None``
    for a static face: Typst names a variable face by its default instance's weight alone."""
    with open(path, "rb") as font:
        read = _reader(font)
        fvar = _tables(read, index).get(b"fvar")
        if fvar is None:
            return None
        axes, _, count, size = struct.unpack(">HHHH", read(fvar + 4, 8))
        for at in range(fvar + axes, fvar + axes + count * size, size):
            tag, low, _default, high = struct.unpack(">4siii", read(at, 16))
            if tag == b"wght":
                return round(low / 65536), round(high / 65536)
    return None


def _cmap_ranges(path: str, index: int) -> list[tuple[int, int]]:
    """The code point ranges a face of an OpenType file or collection maps to glyphs."""
    with open(path, "rb") as font:
        read = _reader(font)
        cmap = _tables(read, index)[b"cmap"]
        _version, subtables = struct.unpack(">HH", read(cmap, 4))
        records = read(cmap + 4, 8 * subtables)
        chosen: dict[tuple[int, int], int] = {}
        for i in range(0, len(records), 8):
            platform, encoding, offset = struct.unpack(">HHI", records[i : i + 8])
            chosen[platform, encoding] = cmap + offset
        ranges: list[tuple[int, int]] = []
        if (offset := chosen.get((3, 10)) or chosen.get((0, 4))) is not None:
            fmt, _, length, _, groups = struct.unpack(">HHIII", read(offset, 16))
            if fmt == 12:
                data = read(offset + 16, 12 * groups)
                for first, last, glyph in struct.iter_unpack(">III", data):
                    ranges.append((first, last) if glyph else (first + 1, last))
                return ranges
        offset = chosen.get((3, 1)) or chosen.get((0, 3))
        if offset is None:
            return ranges
        fmt, length = struct.unpack(">HH", read(offset, 4))
        data = read(offset, length)
        segments = struct.unpack(">H", data[6:8])[0] // 2
        ends = struct.unpack(f">{segments}H", data[14 : 14 + 2 * segments])
        starts = struct.unpack(f">{segments}H", data[16 + 2 * segments : 16 + 4 * segments])
        return [(s, e) for s, e in zip(starts, ends, strict=True) if s != 0xFFFF]


@dataclass
class Coverage:
    """The characters a list of faces can set."""

    ranges: list[tuple[int, int]]

    @classmethod
    def of(cls, faces: Iterable[tuple[str, int]]) -> Coverage:
        merged: list[tuple[int, int]] = []
        for first, last in sorted(r for path, index in faces for r in _cmap_ranges(path, index)):
            if merged and first <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], last))
            else:
                merged.append((first, last))
        return cls(merged)

    def __contains__(self, char: str) -> bool:
        point = ord(char)
        at = bisect.bisect_right(self.ranges, (point, 0x10FFFF)) - 1
        return at >= 0 and self.ranges[at][0] <= point <= self.ranges[at][1]


def package_fonts() -> list[str]:
    """The folder of the pinned font package, or none when it is not installed."""
    spec = importlib.util.find_spec(FONT_MODULE)
    return list(spec.submodule_search_locations or []) if spec else []


def font_folders(configured: Iterable[str]) -> list[str]:
    """Where the builder reads fonts: ``resume_pdf_font_paths`` when set, else the package."""
    return list(configured) or package_fonts()


def load_fonts(folders: list[str], needed: Iterable[str]) -> tuple[Any, Coverage]:
    """Typst's fonts from ``folders`` and the ones it embeds (never the system's), and what
    the ``needed`` families can set. Raises ``PaperError`` naming a missing face and the
    package that has it.

    Read once per process for the same font files (each file's path, size and modification
    time): Typst's ``Fonts`` serves any number of compilations, and reading the faces' tables
    is a tenth of a second, at every build of a process that builds many times (the tests)."""
    return _load_fonts(tuple(folders), tuple(needed), font_files(folders))


def font_files(folders: Iterable[str]) -> tuple[tuple[str, int, int], ...]:
    """Every file under ``folders``, as (path, size, modification time), through linked
    folders too, as Typst reads them: the key of what is kept for the same fonts (the fonts
    read once, the social card)."""
    found = []
    for folder in folders:
        for root, _, names in os.walk(folder, followlinks=True):
            for name in names:
                try:
                    stat = os.stat(path := os.path.join(root, name))
                except OSError:  # a broken link, or a file gone since listed: Typst skips it
                    continue
                found.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


@functools.lru_cache(maxsize=8)
def _load_fonts(
    folders: tuple[str, ...], needed: tuple[str, ...], _files: tuple[tuple[str, int, int], ...]
) -> tuple[Any, Coverage]:
    import typst

    missing_folders = [f for f in folders if not Path(f).is_dir()]
    fonts = typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=True,
        font_paths=[f for f in folders if f not in missing_folders],
    )
    faces = []
    for family in needed:
        found = [info for info in fonts.fonts() if info.family == family and info.style == "normal"]
        for weight in WEIGHTS:
            info = next((info for info in found if _sets(info, weight)), None)
            if info is None:
                where = (
                    f"in {', '.join(folders)} (resume_pdf_font_paths)"
                    if folders
                    else f"installed: {FONT_PACKAGE}, the package that holds it, is missing"
                )
                raise PaperError(
                    messages.problem(
                        f"the font {family!r} ({'bold' if weight == 700 else 'regular'}) is not "
                        f"{where}, so the PDF cannot be typeset.",
                        f"install the pinned fonts, pip install -r {FONT_REQUIREMENTS} (nox -s "
                        f"build and Read the Docs do), or set resume_pdf_font_paths in conf.py "
                        f"to folders that hold {family}, regular and bold.",
                    )
                )
            if info.path:
                faces.append((info.path, info.index))
    return fonts, Coverage.of(dict.fromkeys(faces))


def _sets(info: Any, weight: int) -> bool:
    """Whether a face Typst found sets ``weight``: a static face of that weight, or a
    variable one whose range holds it."""
    if info.weight == weight:
        return True
    if not info.path:
        return False
    span = weights(info.path, info.index)
    return span is not None and span[0] <= weight <= span[1]


# -- What goes into the PDF ----------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def unset_characters(data: dict[str, Any], coverage: Coverage) -> dict[str, str]:
    """Each character of the résumé's texts that no face can set, with a text that holds it."""
    found: dict[str, str] = {}
    for text in _strings(data):
        for char in text:
            if char not in found and not char.isspace() and char not in coverage:
                found[char] = text
    return found


MAIN = """// {name}: what the résumé builder (resume.pdf) typeset; compile with
//   typst compile --font-path {folder} --ignore-system-fonts {name}
#import "resume.typ": resume
#resume(
  json("{data}"),
  fonts: {fonts},
  chinese-fonts: {chinese},
  region: {region},
)
"""


def _typst_array(items: Iterable[str]) -> str:
    return "(" + "".join(json.dumps(item) + ", " for item in items) + ")"


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF Typst wrote: its page tree's ``/Count`` (the bookmarks'
    outline has a ``/Count`` of its own)."""
    counts = [
        int(n)
        for n in re.findall(
            rb"<<(?:(?!>>).)*?/Type\s*/Pages\b(?:(?!>>).)*?/Count\s+(\d+)", pdf, re.S
        )
    ]
    counts += [
        int(n)
        for n in re.findall(
            rb"<<(?:(?!>>).)*?/Count\s+(\d+)(?:(?!>>).)*?/Type\s*/Pages\b", pdf, re.S
        )
    ]
    return max(counts, default=0)


def trials(paper: Paper) -> list[tuple[int, bool, int]]:
    """The ways to set ``paper``, from the whole to the most condensed, as ``Paper.condensed``'s
    (roles, projects, repeats): repetition goes first, one restating highlight at a time, then
    the projects' descriptions, then the oldest roles' bullets, one role at a time. A variant
    is condensed the same way, and never loses a record its tags keep."""
    repeats = len(paper.repeats)
    return (
        [(0, False, n) for n in range(repeats + 1)]
        + [(0, True, repeats)]
        + [(n, True, repeats) for n in range(1, len(paper.roles))]
    )


def longest(paper: Paper, count: int = 3) -> list[str]:
    """The ``count`` longest parts of ``paper`` (the summary, the at-a-glance list, a role, a
    project), each named with its length in characters: what to shorten or leave out first."""
    parts = [
        (len(flat(paper.summary)), paper.titles.get("summary") or "the summary"),
        (
            sum(len(flat(h)) for h in paper.highlights),
            paper.titles.get("highlights") or "at a glance",
        ),
    ]
    parts += [
        (len(flat(r.summary)) + sum(len(flat(h)) for h in r.highlights), flat(r.organisation))
        for r in paper.roles
    ]
    parts += [(sum(len(flat(t)) for t in p.paragraphs), p.name) for p in paper.projects]
    ranked = sorted((p for p in parts if p[0]), key=lambda p: -p[0])[:count]
    return [f"{name} ({size} characters)" for size, name in ranked]


# -- The builder ---------------------------------------------------------------------------


class ResumePDFBuilder(Builder):
    """The edition's résumé as a two-page PDF and as plain text (see the module's docstring)."""

    name = "resumepdf"
    format = "pdf"
    epilog = "The PDF and the plain-text résumé are in %(outdir)s."
    allow_parallel = False

    def init(self) -> None:
        self.edition = edition(self.config.language)
        self.typeface = TYPEFACES[self.edition.sphinx]
        needed = dict.fromkeys(f for f in (*self.typeface.fonts, *CHINESE) if f != LATIN)
        self.font_folders = font_folders(settings(self.config).pdf_font_paths)
        self.fonts, self.coverage = load_fonts(self.font_folders, needed)
        self.variant = variant_of(self.config)  # checked in config-inited

    def get_outdated_docs(self) -> str:
        return "all documents"  # one résumé from every page: always written whole

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return ""

    def prepare_writing(self, docnames: AbstractSet[str]) -> None:
        pass

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        # Resolving each page (Builder.write) reports what the other builders report.
        pass

    @property
    def basename(self) -> str:
        return file_name(self.variant.name if self.variant else self.edition.code)

    def finish(self) -> None:
        app = self.app
        if getattr(app, "_warncount", 0) and getattr(app, "_fail_on_warnings", False):
            messages.warn(
                f"{self.basename}.pdf and .txt were not written: the build reported the "
                "problems above (the previous files, if any, are unchanged)",
                subtype="pdf",
            )
            return
        started = time.perf_counter()
        paper = gather(app, self.variant)
        written = self.typeset(paper)
        if written is not None:
            logger.info(
                "%s.pdf: %d pages, %d bytes, in %.2f s",
                self.basename,
                page_count(written),
                len(written),
                time.perf_counter() - started,
            )

    def typeset(self, paper: Paper) -> bytes | None:
        """Typeset ``paper``, condensing it until it fits; write the PDF and the text."""
        import typst

        outdir = Path(self.outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        target = self.variant.pages if self.variant else settings(self.config).pdf_pages
        problem = self.check(paper)
        if problem:
            messages.error(problem, subtype="pdf")
            self.app.statuscode = 1
            return None

        shutil.copyfile(TEMPLATE, outdir / TEMPLATE.name)
        data_name, main_name = f"{self.basename}.json", f"{self.basename}.typ"
        main = MAIN.format(
            name=main_name,
            folder=" --font-path ".join(self.font_folders),
            data=data_name,
            fonts=_typst_array(self.typeface.fonts),
            chinese=_typst_array(CHINESE),
            region=json.dumps(self.typeface.region) if self.typeface.region else "none",
        )
        (outdir / main_name).write_text(main, encoding="utf-8")
        pdf, pages, chosen = b"", 0, paper
        # A one-page variant is tried in smaller type too, before it fails.
        compact = (False, True) if self.variant and target == 1 else (False,)
        for small, (roles, projects, dropped) in (
            (small, trial) for small in compact for trial in trials(paper)
        ):
            chosen = replace(paper.condensed(roles, projects, dropped), compact=small)
            data = json.dumps(chosen.as_data(), ensure_ascii=False, indent=1)
            (outdir / data_name).write_text(data + "\n", encoding="utf-8")
            try:
                pdf = typst.compile(
                    str(outdir / main_name),
                    root=str(outdir),
                    font_paths=self.fonts,
                    ignore_system_fonts=True,
                    timestamp=int(settings(self.config).build_date),
                    pdf_standards=PDF_STANDARDS,
                )
            except RuntimeError as error:
                messages.error(
                    f"Typst could not typeset {outdir / main_name}: {error}",
                    f"fix the template {TEMPLATE}, or the text that the message names",
                    subtype="pdf",
                )
                self.app.statuscode = 1
                return None
            pages = page_count(pdf)
            if not target or pages <= target:
                break
        if self.variant is not None and pages > target:
            messages.error(
                f"the variant {self.variant.name!r} fills {pages} page(s), not {target}, even "
                "with the projects and the older roles condensed; it leaves out no role, project "
                f"or entry its tags keep. The longest parts: {'; '.join(longest(paper))}.",
                "tag what this variant can do without (:tags: on a directive, {tag} on a bullet) "
                "and add the tag to its 'exclude' in resume_variants, shorten the longest parts, "
                "or set its 'pages' to 2",
                subtype="pdf",
            )
            self.app.statuscode = 1
            return None
        if target and pages != target and self.variant is None:  # a variant: at most
            messages.error(
                f"the PDF résumé ({self.edition.code}) fills {pages} page(s), not {target}, even "
                "with the projects and the older roles condensed.",
                "shorten the pages' prose (the home page's summary and at-a-glance list, each "
                "role's bullet points)"
                if pages > target
                else f"say more, or set resume_pdf_pages = {pages} in conf.py",
                subtype="pdf",
            )
            self.app.statuscode = 1
            return None
        write_atomically(outdir / f"{self.basename}.pdf", pdf)
        for what in paper.left_out(chosen):
            note = f"{self.basename}.pdf leaves out, to fit {target} pages: {what}"
            if getattr(self.app, "quiet", False):
                # -q (the release build) silences Sphinx's status, and a warning would fail the
                # build under -W: the note goes to the warning stream as plain text.
                self.app._warning.write(note + "\n")
            else:
                logger.info(note)
        text = plain_text(paper)
        write_atomically(outdir / f"{self.basename}.txt", text.encode("utf-8"))
        return pdf

    def check(self, paper: Paper) -> str:
        """What stops the PDF before it is typeset: a character without a glyph, a secret, or
        a variant's summary that no paragraph gives."""
        if self.variant and self.variant.summary and not paper.summary:
            return messages.problem(
                f"the variant {self.variant.name!r} takes its summary from the paragraph tagged "
                f"{self.variant.summary!r}, and the home page's summary section has none.",
                f"add that paragraph, with {{tag}}`{self.variant.summary}` in it, under the "
                "summary's heading, or remove 'summary' from the variant",
            )
        unset = unset_characters(paper.as_data(), self.coverage)
        if unset:
            found = privacy.secrets(self.config)  # the log is public: such a text is not quoted
            shown = "; ".join(
                f"{char!r} (U+{ord(char):04X}) in {quoted(text, found)}"
                for char, text in unset.items()
            )
            return messages.problem(
                f"the fonts of the {self.edition.code} PDF have no glyph for {shown}.",
                "write the character another way on its page or in its catalog, or add a font "
                "that has it to resume_pdf_font_paths",
            )
        normal = privacy.normalise(
            plain_text(paper) + json.dumps(paper.as_data(), ensure_ascii=False)
        )
        for secret in privacy.secrets(self.config):
            if secret.pattern.search(normal):
                return messages.problem(
                    f"the PDF résumé would hold the full {secret.kind}, which the owner keeps "
                    f"{'masked' if secret.kind in settings(self.config).contact else 'private'}; "
                    "nothing was written.",
                    "remove the value from the page or catalog that holds it (the masked value "
                    "in conf.py is the only form the sources may hold)",
                )
        return ""


def setup_pdf(app: Sphinx) -> None:
    app.add_builder(ResumePDFBuilder)
