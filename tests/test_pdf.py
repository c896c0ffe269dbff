"""The résumé for paper (``-b resumepdf``, ``resume/pdf.py``): the PDF and the text edition of
each language, read back with poppler's tools as a reader's software would, and a browser's
print of the site.

Each edition is built once per module, in this process, with a fixed ``SOURCE_DATE_EPOCH``;
the faults are built in processes of their own, by ``python -m sphinx``'s entry point
(``helpers.sphinx_forked``), as the release build runs them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resume.dates import format_period
from resume.figures import figures
from resume.languages import BY_CODE, EDITIONS, SOURCE
from resume.outputs import file_name, published
from resume.paper import (
    Paper,
    ProjectEntry,
    RoleEntry,
    Run,
    flat,
    percent_encoded,
    plain_text,
    restates,
)
from resume.pdf import trials
from tools import readthedocs

from helpers import (
    EPOCH,
    MADE_UP,
    PHONE,
    REPO,
    Build,
    build,
    copy_project,
    elsewhere,
    shared,
    sphinx_forked,
)
from resume_sources import allowed_han, projects
from resume_sources import roles as role_data
from resume_sources import source as page_source

CODES = [e.code for e in EDITIONS]
POPPLER = ("pdfinfo", "pdffonts", "pdftotext", "pdftoppm")
#: A4 in PostScript points, as pdfinfo prints it.
A4 = "595.276 x 841.89 pts (A4)"
#: The glance list of the home page: each item is one message of index.po.
_GLANCE_ITEM = re.compile(r"^- (\*\*.+)$", re.MULTILINE)
_HAN = re.compile(r"[\u3400-\u9fff]+")


def poppler(tool: str, *args: str) -> str:
    """Run one of poppler's tools; without them the test is skipped (in CI it fails)."""
    if shutil.which(tool) is None:
        reason = f"{tool} is missing (apt-get install poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    result = subprocess.run([tool, *args], capture_output=True, text=True, check=True)
    return result.stdout


def squeeze(text: str) -> str:
    """Text without white space, hyphens or no-break spaces: lines joined as a reader would."""
    return re.sub(r"[\s\-\u00ad\u00a0]", "", text)


# -- What the edition says, from its sources and catalogs ---------------------------------------


def catalog(code: str, docname: str) -> dict[str, str]:
    """The page's translations in the edition (``{}`` for the source)."""
    if code == SOURCE.code:
        return {}
    from babel.messages.pofile import read_po

    path = REPO / "locales" / BY_CODE[code].sphinx / "LC_MESSAGES" / f"{docname}.po"
    with path.open("rb") as file:
        return {
            m.id: m.string
            for m in read_po(file)
            if isinstance(m.id, str) and m.id and isinstance(m.string, str)
        }


def translate(code: str, docname: str, message: str) -> str:
    return catalog(code, docname).get(message, message) if code != SOURCE.code else message


def first(pattern: str, text: str, flags: int = 0) -> str:
    """The first group of ``pattern``'s first match in ``text``, which must match."""
    match = re.search(pattern, text, flags)
    assert match, f"{pattern!r} not in {text!r}"
    return match[1]


def organisation(docname: str) -> str:
    source = (REPO / f"{docname}.md").read_text("utf-8")
    return first(r"^:organisation: (.+)$", source, re.MULTILINE).strip()


def roles(code: str) -> list[tuple[str, str]]:
    """Each role's organisation and period in the edition, newest first."""
    language = BY_CODE[code].sphinx
    return [
        (translate(code, name, organisation(name)), format_period(role.start, role.end, language))
        for name, role in role_data().items()
    ]


def glance(code: str) -> list[str]:
    """The home page's at-a-glance items in the edition, as Markdown."""
    items = _GLANCE_ITEM.findall((REPO / "index.md").read_text("utf-8"))
    return [translate(code, "index", item) for item in items]


def headline_figures(code: str) -> list[str]:
    """The bold lead of each at-a-glance item: the edition's headline figures."""
    return [first(r"\*\*(.+?)\*\*", item) for item in glance(code)]


# -- Builds --------------------------------------------------------------------------------


def output(outdir: Path, code: str, extension: str) -> Path:
    return outdir / file_name(code, extension)


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Build]:
    """``paper(code, variant="default")``: the edition built with ``-b resumepdf`` once;
    ``variant`` ``opt-in`` is a build with ``RESUME_PHONE``."""
    cache: dict[tuple[str, str], Build] = {}

    def get(code: str, variant: str = "default") -> Build:
        if (code, variant) not in cache:
            env = {"SOURCE_DATE_EPOCH": EPOCH}
            if variant == "opt-in":
                env["RESUME_PHONE"] = MADE_UP
            result = shared(
                tmp_path_factory,
                f"paper-{variant}-{code}",
                lambda folder: build(REPO, folder, "resumepdf", BY_CODE[code].sphinx, env=env),
            )
            assert result.returncode == 0, result.stderr
            cache[code, variant] = result
        return cache[code, variant]

    return get


@pytest.fixture(scope="module")
def pdf_text(paper: Callable[..., Build]) -> Callable[[str], str]:
    texts: dict[str, str] = {}

    def get(code: str) -> str:
        if code not in texts:
            texts[code] = poppler("pdftotext", str(output(paper(code).outdir, code, "pdf")), "-")
        return texts[code]

    return get


# -- The fonts -----------------------------------------------------------------------------

#: The font file the PDF is set in, by name, with its SHA-256: the file that the wheel pinned by
#: its digest in requirements-fonts.txt installs (upstream Noto Sans CJK 2.004, variable).
PINNED_FONTS = {
    "NotoSansCJK-VF.otf.ttc": "d3d8256cdec8dbcb3552284bc6b20c734dd60c2ee9df83b5758e34807c4bac32",
}


def _sha256(path: str | Path) -> str:
    import hashlib

    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def pinned_font_files() -> list[Path]:
    """The pinned font files where the builder finds them, each checked against its digest."""
    from resume.pdf import font_folders

    files = [
        Path(f, name) for f in font_folders([]) for name in PINNED_FONTS if Path(f, name).is_file()
    ]
    assert sorted(f.name for f in files) == sorted(PINNED_FONTS)
    assert all(_sha256(f) == PINNED_FONTS[f.name] for f in files)
    return files


def _postscript_names(path: Path) -> set[str]:
    """The PostScript name (name ID 6) of every face of an OpenType file or collection."""
    import struct

    data = path.read_bytes()
    starts = [0]
    if data[:4] == b"ttcf":
        (count,) = struct.unpack(">I", data[8:12])
        starts = list(struct.unpack(f">{count}I", data[12 : 12 + 4 * count]))
    names = set()
    for start in starts:
        (tables,) = struct.unpack(">H", data[start + 4 : start + 6])
        directory = data[start + 12 : start + 12 + 16 * tables]
        offset = next(
            struct.unpack(">I", directory[i + 8 : i + 12])[0]
            for i in range(0, len(directory), 16)
            if directory[i : i + 4] == b"name"
        )
        _, records, strings = struct.unpack(">HHH", data[offset : offset + 6])
        for at in range(offset + 6, offset + 6 + 12 * records, 12):
            platform, _, _, name_id, length, where = struct.unpack(">6H", data[at : at + 12])
            if name_id == 6 and platform == 3:
                text = data[offset + strings + where : offset + strings + where + length]
                names.add(text.decode("utf-16-be"))
    return names


# -- The PDF -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_two_a4_pages(paper, code):
    info = poppler("pdfinfo", str(output(paper(code).outdir, code, "pdf")))
    assert re.search(r"^Pages:\s+2$", info, re.MULTILINE), info
    assert A4 in info, info
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info


@pytest.mark.parametrize("code", CODES)
def test_every_font_embedded_and_subset_in_the_edition_s_face(paper, code):
    table = poppler("pdffonts", str(output(paper(code).outdir, code, "pdf")))
    rows = [line.split() for line in table.splitlines()[2:] if line.strip()]
    assert rows, table
    for row in rows:
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), table
        assert re.match(r"[A-Z]{6}\+", row[0]), table  # a subset's tag
    names = " ".join(row[0] for row in rows)
    if code == "zh-cn":
        assert "NotoSansCJKsc" in names and "NotoSansCJKjp" not in names, table
    elif code == "ja":
        assert "NotoSansCJKjp" in names, table
    else:  # Latin text in a Latin face; the Chinese name in the Simplified Chinese one
        assert "LibertinusSerif-Regular" in names and "NotoSansCJKjp" not in names, table
    # Every CJK face is one of the pinned font files' (PINNED_FONTS, by their digests).
    pinned = {name for file in pinned_font_files() for name in _postscript_names(file)}
    embedded = {row[0].split("+", 1)[1] for row in rows}
    assert {name for name in embedded if "CJK" in name} <= pinned, (embedded, pinned)


@pytest.mark.parametrize("code", CODES)
def test_every_role_and_headline_figure_in_reading_order(paper, pdf_text, code):
    text = squeeze(pdf_text(code))
    position = 0
    left_out = squeeze(" ".join(left_out_of(paper(code))))
    for lead in headline_figures(code):
        if squeeze(lead) in left_out:
            continue
        found = text.find(squeeze(lead), position)
        assert found >= 0, f"{lead!r} is missing or out of order in the {code} PDF:\n{text}"
        position = found
    for name, period in roles(code):
        for part in (name, period):
            found = text.find(squeeze(part), position)
            assert found >= 0, f"{part!r} is missing or out of order in the {code} PDF:\n{text}"
            position = found
    for project in projects().values():
        assert squeeze(project.name) in text, project.name


def test_the_phone_follows_the_privacy_setting(paper, pdf_text):
    assert PHONE.masked in pdf_text("zh-cn")
    full = poppler("pdftotext", str(output(paper("zh-cn", "opt-in").outdir, "zh-cn", "pdf")), "-")
    assert MADE_UP in full and not any(mask in full for mask in PHONE.masks)
    for code in CODES:
        assert squeeze(MADE_UP) not in squeeze(pdf_text(code))


_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
_DELIMITERS = b"()<>[]{}/% \t\r\n"


def _shown_strings(content: bytes) -> list[bytes]:
    """The strings a content stream shows with ``Tj`` and ``TJ``: a small tokenizer, since a
    glyph id may be any byte (``]`` and ``)`` included, escaped only where PDF requires it)."""
    shown: list[bytes] = []
    pending: list[bytes] = []
    at = 0
    while at < len(content):
        char = content[at]
        if char == ord("("):
            depth, current = 1, bytearray()
            at += 1
            while depth and at < len(content):
                char = content[at]
                if char == ord("\\"):
                    octal = re.match(rb"[0-7]{1,3}", content[at + 1 : at + 4])
                    if octal:
                        current.append(int(octal[0], 8) & 0xFF)
                        at += 1 + len(octal[0])
                        continue
                    current.append(_ESCAPES.get(content[at + 1], content[at + 1]))
                    at += 2
                    continue
                depth += char == ord("(")
                depth -= char == ord(")")
                if depth:
                    current.append(char)
                at += 1
            pending.append(bytes(current))
            continue
        if char == ord("<") and content[at + 1 : at + 2] != b"<":  # a hex string
            end = content.find(b">", at)
            digits = re.sub(rb"\s", b"", content[at + 1 : end])
            if end > 0 and re.fullmatch(rb"[0-9A-Fa-f]*", digits):
                pending.append(bytes.fromhex(digits.decode()))
                at = end + 1
                continue
        if content[at : at + 2] in (b"<<", b">>"):
            at += 2
            continue
        if char in _DELIMITERS:
            at += 1
            continue
        end = at
        while end < len(content) and content[end] not in _DELIMITERS:
            end += 1
        token = content[at:end]
        if token in (b"Tj", b"TJ"):
            shown += pending
        if token.isalpha() or token in (b"'", b'"'):  # an operator: its operands are used up
            pending = []
        at = end
    return shown


def _shown_glyphs(pdf: bytes) -> list[int]:
    """Every glyph id the PDF's content streams show (Typst's fonts: two bytes a glyph)."""
    import zlib

    shown: list[int] = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            content = zlib.decompress(match[1])
        except zlib.error:
            continue
        if not content[:16].isascii() or b"Tf" not in content:
            continue  # a font, an image, a tag tree: not a page's content
        for string in _shown_strings(content):
            shown += [int.from_bytes(string[i : i + 2], "big") for i in range(0, len(string), 2)]
    return shown


@pytest.mark.parametrize("code", CODES)
def test_no_notdef_glyph(paper, code):
    glyphs = _shown_glyphs(output(paper(code).outdir, code, "pdf").read_bytes())
    assert len(glyphs) > 1000  # the streams were read
    assert 0 not in glyphs  # glyph 0 is .notdef: a character the font could not set


def test_the_notdef_check_sees_a_missing_glyph(tmp_path):
    import typst

    from resume.pdf import package_fonts

    source = tmp_path / "tofu.typ"
    source.write_text('#set text(font: "Noto Sans CJK SC")\nA \U00013000 B', "utf-8")
    pdf = typst.compile(
        str(source),
        font_paths=package_fonts(),
        ignore_system_fonts=True,
    )
    assert 0 in _shown_glyphs(pdf)


def test_page_one_is_not_blank(paper, tmp_path):
    pdf = output(paper("ja").outdir, "ja", "pdf")
    poppler("pdftoppm", "-f", "1", "-l", "1", "-r", "24", "-gray", str(pdf), str(tmp_path / "p"))
    image = next(tmp_path.glob("p*.pgm")).read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+\d+\s", image)
    assert header, image[:20]
    width, height, pixels = int(header[1]), int(header[2]), image[header.end() :]
    dark = sum(1 for value in pixels if value < 128)
    assert dark > 0.01 * width * height


def test_the_pdf_is_set_in_the_pinned_font_files():
    import base64
    from importlib import metadata

    import typst

    from resume.pdf import CHINESE, FONT_PACKAGE, FONT_REQUIREMENTS, TYPEFACES, font_folders

    lines = (REPO / FONT_REQUIREMENTS).read_text("utf-8").replace("\\\n", " ").splitlines()
    requirements = [line for line in lines if line.strip() and not line.startswith("#")]
    # pip's hash-checking mode: every requirement pinned, with its digest.
    assert requirements and all("==" in r and "--hash=sha256:" in r for r in requirements)
    distribution = metadata.distribution(FONT_PACKAGE)
    assert any(r.startswith(f"{FONT_PACKAGE}=={distribution.version} ") for r in requirements)
    assert not distribution.requires  # a dependency would need a pinned digest of its own
    # The wheel's own record of the files it installs, which the pinned digest covers.
    recorded = {
        file.name: base64.urlsafe_b64decode(
            file.hash.value + "=" * (-len(file.hash.value) % 4)
        ).hex()
        for file in distribution.files or []
        if file.hash and file.hash.mode == "sha256"
    }
    assert {name: recorded.get(name) for name in PINNED_FONTS} == PINNED_FONTS
    # The faces the builder sets each edition in, with no path configured, are those files.
    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=font_folders([])
    )
    families = {*CHINESE, *(f for typeface in TYPEFACES.values() for f in typeface.fonts)}
    used = {info.path for info in fonts.fonts() if info.family in families and info.path}
    assert {Path(path).name: _sha256(path) for path in used} == PINNED_FONTS


@pytest.mark.parametrize("code", ["zh-cn", "ja"])
def test_the_pdf_depends_on_the_pinned_fonts_alone(paper, code, tmp_path):
    """Another checkout, another folder of the same font files, another user's environment:
    the same bytes, so every machine with the pinned fonts and Typst makes this PDF."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for file in pinned_font_files():
        shutil.copyfile(file, fonts / file.name)
    project = copy_project(tmp_path / "checkout")
    home = tmp_path / "home"
    outdir = tmp_path / "out"
    command = [
        sys.executable, "-m", "sphinx", "-b", "resumepdf", "-D", f"language={BY_CODE[code].sphinx}",
        "-D", f"resume_pdf_font_paths={fonts}", "-d", str(tmp_path / "doctrees"),
        "-n", "-W", "--keep-going", "-q", str(project), str(outdir),
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=tmp_path, env=elsewhere(home)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for extension in ("pdf", "txt"):
        here = output(paper(code).outdir, code, extension).read_bytes()
        there = output(outdir, code, extension).read_bytes()
        assert here == there, extension


def test_the_typst_source_is_beside_the_pdf_for_the_privacy_scan(paper):
    outdir = paper("zh-cn").outdir
    data = output(outdir, "zh-cn", "json").read_text("utf-8")
    assert PHONE.masked in data
    typst = output(outdir, "zh-cn", "typ").read_text("utf-8")
    assert f'json("{file_name("zh-cn", "json")}")' in typst


# -- The text layer -----------------------------------------------------------------------

#: Characters that no reader sees and that travel into copy and paste: zero-width spaces and
#: joiners, direction marks, the word joiner, the byte order mark, the soft hyphen.
INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_LEFT_OUT = re.compile(r"\.pdf leaves out, to fit \d+ pages: (.+)$", re.MULTILINE)


def left_out_of(build: Build) -> list[str]:
    """What the build's output says the PDF leaves out, one item each."""
    return _LEFT_OUT.findall(build.stdout + build.stderr)


def sentences(text: str) -> list[str]:
    """``text`` as sentences, compared as a reader compares them: no white space, line breaks,
    page numbers, bullets or separators (the PDF draws with space what the text writes as ·)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?m)^\s*\d+\s*/\s*\d+\s*$", "", text)
    text = re.sub(r"[\s·•|\-–—→:：]+", "", text)
    return [part for part in re.split(r"(?<=[.。;；!?！？])", text) if part]


@pytest.mark.parametrize("code", CODES)
def test_no_invisible_character_or_hyphenated_word_in_the_text_layer(pdf_text, code):
    text = pdf_text(code)
    assert not INVISIBLE.findall(text), sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(text)})
    # A word cut at a line's end by hyphenation: letters, a hyphen, a line break, lowercase.
    assert not re.search(r"[a-z]-\n[a-z]", text), re.findall(r"\w+-\n\w+", text)


@pytest.mark.parametrize("code", CODES)
def test_the_pdf_reads_as_the_text_edition_sentence_by_sentence(paper, pdf_text, code):
    """pdftotext's default mode (what a parser or a portal reads) gives the text edition's
    sentences in its order, but for what the build lists as left out."""
    build = paper(code)
    text = output(build.outdir, code, "txt").read_text("utf-8")
    shown = sentences(pdf_text(code))
    dropped = " ".join(left_out_of(build))
    kept = [
        line
        for line in text.splitlines()
        if len(line) < 20 or line.removeprefix("- ") not in dropped
    ]
    expected = sentences("\n".join(kept))
    assert shown == expected, "\n".join(f"{tag} {line}" for tag, line in _diff(expected, shown))


def _diff(expected: list[str], shown: list[str]) -> list[tuple[str, str]]:
    import difflib

    lines = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, expected, shown).get_opcodes():
        if op != "equal":
            lines += [("-", s) for s in expected[a1:a2]] + [("+", s) for s in shown[b1:b2]]
    return lines


@pytest.mark.parametrize("code", CODES)
def test_headings_are_tagged_and_bookmarked_and_links_are_ascii(paper, code):
    pdf = output(paper(code).outdir, code, "pdf").read_bytes()
    assert re.search(rb"/S\s*/H1\b", pdf) and re.search(rb"/S\s*/H2\b", pdf)
    assert re.search(rb"/Type\s*/Outlines", pdf)
    assert re.search(rb"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", pdf)  # PDF/UA-1
    text = output(paper(code).outdir, code, "txt").read_text("utf-8")
    titles = [line for line in text.split("\n\n\n")[1:] if line]
    assert len(re.findall(rb"/Title\s*[(<]", pdf)) >= len(titles)
    for uri in re.findall(rb"/URI\s*\(([^)]*)\)", pdf):
        assert uri.isascii() and b" " not in uri, uri


@pytest.mark.parametrize("code", CODES)
def test_a_page_never_ends_on_a_role_heading_nor_starts_with_its_last_bullet(paper, pdf_text, code):
    pages = [sentences(page) for page in pdf_text(code).split("\f") if page.strip()]
    text = output(paper(code).outdir, code, "txt").read_text("utf-8")
    for role in _roles_of(text):
        heading = sentences(role[0])[0]
        for number, page in enumerate(pages[:-1]):
            ends = "".join(page)[-len(heading) - 40 :]
            assert not ("".join(page).endswith(heading) or ends.endswith(heading)), role[0]
            head_here = any(heading in s for s in page)
            bullets = role[2:]
            if head_here and len(bullets) >= 2:
                last, before = sentences(bullets[-1])[0], sentences(bullets[-2])[0]
                on_next = [s for s in pages[number + 1]]
                if any(s.startswith(last) or last.startswith(s) for s in on_next[:3]):
                    assert before in "".join(on_next), (role[0], "last bullet alone")


@pytest.mark.parametrize("code", CODES)
def test_every_period_starts_at_one_left_edge(paper, code):
    """Dates line up: each period ("2019 – 2021", "2021 – Present") begins where the others do."""
    bbox = poppler("pdftotext", "-bbox", str(output(paper(code).outdir, code, "pdf")), "-")
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', bbox)
    starts = set()
    for i, (_x, _y, word) in enumerate(words):
        if word == "–" and 0 < i < len(words) - 1 and re.fullmatch(r"(19|20)\d\d", words[i - 1][2]):
            first = i - 1  # the period's first word: its year, or the month before it (Dec 2026)
            if first and words[first - 1][1] == words[first][1] and words[first - 1][2].isalpha():
                first -= 1
            starts.add(round(float(words[first][0]), 1))
    assert len(starts) == 1, starts


def _roles_of(text: str) -> list[list[str]]:
    """The text edition's roles: [organisation, title and period, bullets …] (no overview)."""
    sections = text.split("\n\n\n")
    roles = []
    for section in sections:
        blocks = section.strip("\n").split("\n\n")
        for block in blocks:
            lines = block.splitlines()
            bullets = [line[2:] for line in lines if line.startswith("- ")]
            if len(lines) >= 3 and bullets and not lines[0].startswith("- "):
                roles.append([lines[0], lines[1], *bullets])
    return roles


# -- The text edition ----------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_text_edition_holds_every_role_and_project(paper, code):
    text = output(paper(code).outdir, code, "txt").read_text("utf-8")
    assert text.endswith("\n") and "\n\n\n\n" not in text
    for name, period in roles(code):
        assert name in text and period in text, name
    for project in projects().values():
        assert project.name in text
    for item in glance(code):
        lead = first(r"\*\*(.+?)\*\*", item)
        line = next(line for line in text.splitlines() if lead in line)
        # One line per item, unwrapped, stating the same figures as the catalog's item.
        stated = re.sub(r"\*\*|\[([^]]*)\]\([^)]*\)", lambda m: m[1] or "", item)
        assert not (figures(stated) - figures(line)), (stated, line)
    if code == "en":
        allowed = {*allowed_han(), "徐鑫"}
        assert set(_HAN.findall(text)) <= allowed, set(_HAN.findall(text)) - allowed
    if code == "ja":
        assert re.search(r"[\u3040-\u30ff]", text)  # kana: Japanese, not the Chinese source


def _prose(docname: str) -> list[str]:
    """The page's paragraphs and bullets as Markdown (the messages of its catalog)."""
    lines = (REPO / f"{docname}.md").read_text("utf-8").splitlines()
    fenced, found = False, []
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        elif line.strip() and not fenced and not line.startswith(("#", "(", ":", "`")):
            found.append(line.removeprefix("- "))
    return found


def _plain(text: str) -> str:
    """Text as compared: no Markdown link targets or code marks, straight quotes (Sphinx's
    smart quotes curl them), no white space."""
    text = re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", text).replace("`", "")
    text = unicodedata.normalize("NFKC", text).translate(str.maketrans("‘’“”", "''\"\""))
    return squeeze(text)


@pytest.mark.parametrize("code", CODES)
def test_the_text_edition_says_every_bullet_and_project_description(paper, code):
    """Whatever the PDF leaves out, the text edition holds every fact of the edition's pages."""
    text = _plain(output(paper(code).outdir, code, "txt").read_text("utf-8"))
    for docname in [*role_data(), *projects()]:
        for message in _prose(docname):
            said = translate(code, docname, message)
            assert _plain(said) in text, (docname, said)


# -- Read the Docs -------------------------------------------------------------------------


def test_read_the_docs_offers_one_pdf(tmp_path):
    import json

    import jsonschema
    import yaml

    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text("utf-8"))
    schema = json.loads((REPO / "tests/data/readthedocs-config-v2.schema.json").read_text("utf-8"))
    jsonschema.validate(config, schema)
    # The fonts come from the package index, as for nox -s build: no system package of fonts.
    assert not [p for p in config["build"].get("apt_packages", []) if "font" in p], config
    output_dir = tmp_path / "_readthedocs"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        **readthedocs.environment("ja", output_dir),
    }
    for command in config["build"]["jobs"]["post_build"]:
        result = subprocess.run(["bash", "-c", command], cwd=REPO, env=env, capture_output=True,
                                text=True)  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    assert [p.name for p in (output_dir / "pdf").iterdir()] == [file_name("ja", "pdf")]
    # It names the file it kept, not the scratch folder it built in (gone by then).
    said = result.stdout + result.stderr
    kept = output_dir / "pdf" / file_name("ja", "pdf")
    assert result.stdout.splitlines()[-1] == f"The PDF résumé is in {kept}.", said
    assert "plain-text" not in said, said
    text = poppler("pdftotext", str(output_dir / "pdf" / file_name("ja", "pdf")), "-")
    assert readthedocs.canonical_url("ja") in text


# -- The release publishes the PDF and the text, and nothing else of the builder's ---------


def test_release_publishes_only_the_final_files(tmp_path):
    from tools.release import Job, assemble

    outputs = tmp_path / "out"
    folder = outputs / "resumepdf" / "en"
    folder.mkdir(parents=True)
    for name in (*(file_name("en", extension) for extension in ("pdf", "txt", "typ", "json")),
                 "resume.typ"):  # fmt: skip
        (folder / name).write_text(name)
    release = assemble([Job(BY_CODE["en"], "resumepdf")], outputs, tmp_path / "release", EPOCH)
    found = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert found == [published("pdf", "en", "pdf"), published("text", "en", "txt")]


# -- Faults: a clear message, and the last good files stay in place --------------------------


#: The role page the faults below are written into: any.
FAULTY = f"{next(iter(role_data()))}.md"


def _add_bullet(src: Path, text: str) -> str:
    page = src / FAULTY
    page.write_text(page.read_text("utf-8").rstrip("\n") + f"\n- {text}\n", "utf-8")
    return FAULTY


FAULTS = {
    # name: (change the project copy → the file the message names, confoverrides, message parts)
    "missing font": (None, "resume_pdf_font_paths={empty}", ["requirements-fonts.txt", "{empty}"]),
    "broken page": (
        lambda src: _add_bullet(src, "见 [不存在的页面](nowhere.md)"), "",
        [FAULTY, "were not written"],
    ),
    "character without a glyph": (
        lambda src: _add_bullet(src, "象形文字 \U00013000"), "",
        ["U+13000", "no glyph", "What to do"],
    ),
    "full phone number": (
        lambda src: _add_bullet(src, f"电话 {MADE_UP}"), "",
        ["full phone", "What to do"],
    ),
}  # fmt: skip


def test_without_the_font_package_the_message_says_how_to_install_it():
    from resume.pdf import FONT_PACKAGE, FONT_REQUIREMENTS, SC, PaperError, load_fonts

    with pytest.raises(PaperError) as error:
        load_fonts([], [SC])  # no folder configured, and the package not found
    message = str(error.value)
    assert f"{FONT_PACKAGE}, the package that holds it, is missing" in message, message
    assert f"What to do: install the pinned fonts, pip install -r {FONT_REQUIREMENTS}" in message


def test_the_fonts_read_once_follow_their_folder(tmp_path):
    """A process that builds twice (the tests, a script calling Sphinx) reads the fonts again
    when a folder's files change: a face removed is a missing font, not the last build's
    ``Fonts``; a broken link in the folder is skipped, as Typst skips it."""
    from resume.pdf import SC, PaperError, load_fonts

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    pinned = pinned_font_files()
    for file in pinned:
        (fonts / file.name).symlink_to(file)
    (fonts / "moved.otf").symlink_to(tmp_path / "nowhere.otf")
    first, _ = load_fonts([str(fonts)], [SC])
    assert load_fonts([str(fonts)], [SC])[0] is first  # read once
    for file in pinned:
        (fonts / file.name).unlink()
    with pytest.raises(PaperError, match=f"{SC!r} .* is not in {re.escape(str(fonts))}"):
        load_fonts([str(fonts)], [SC])


def test_the_fonts_read_once_follow_a_linked_folder(tmp_path):
    """Typst reads a folder linked inside a font folder (to the system's fonts, say): a face
    removed there is a missing font too, not the last build's ``Fonts``."""
    from resume.pdf import SC, PaperError, load_fonts

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pinned = pinned_font_files()
    for file in pinned:
        (elsewhere / file.name).symlink_to(file)
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "linked").symlink_to(elsewhere, target_is_directory=True)
    load_fonts([str(fonts)], [SC])
    for file in pinned:
        (elsewhere / file.name).unlink()
    with pytest.raises(PaperError, match=f"{SC!r} .* is not in {re.escape(str(fonts))}"):
        load_fonts([str(fonts)], [SC])


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_fails_the_pdf_and_keeps_the_last_good_one(fault, paper, tmp_path):
    change, override, parts = FAULTS[fault]
    source = REPO
    if change is not None:
        source = copy_project(tmp_path / "src")
        change(source)
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    outdir = tmp_path / "out"
    good = paper("zh-cn").outdir
    shutil.copytree(good, outdir)
    before = {p.name: p.read_bytes() for p in outdir.iterdir() if p.suffix in (".pdf", ".txt")}
    arguments = [
        "-b", "resumepdf", "-D", "language=zh_CN",
        "-d", str(tmp_path / "doctrees"), "-n", "-W", "--keep-going", "-E", "-q",
        str(source), str(outdir),
    ]  # fmt: skip
    if override:
        arguments[-2:-2] = ["-D", override.format(empty=empty)]
    result = sphinx_forked(arguments, os.environ, cwd=source)
    report = result.stdout + result.stderr
    assert result.returncode != 0, report
    for part in parts:
        assert part.format(empty=empty) in report, report
    after = {p.name: p.read_bytes() for p in outdir.iterdir() if p.suffix in (".pdf", ".txt")}
    assert after == before, "the last good PDF and text must stay as they were"


# -- A browser's print of the site ---------------------------------------------------------


def test_browser_print_of_a_role_page_is_the_content_only(build_site, serve, watched, tmp_path):
    site = build_site(SOURCE.sphinx, "html")
    assert site.returncode == 0, site.stderr
    role = next(iter(role_data().values()), None)
    assert role, "the résumé has no role page"
    heading = re.search(r"^# (.+)$", page_source(role.docname), re.M)
    assert heading, f"{role.docname}.md has no title"
    page = watched.page
    page.goto(serve(site.outdir) + f"{role.docname}.html")
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    text = poppler("pdftotext", str(pdf), "-")
    assert heading[1] in text and role.title in " ".join(text.split()), text
    # The sidebar's downloads, the table of contents, the switcher, the page navigation.
    for chrome in ("下载 ePub", "下载 PDF", "本页目录", "日本語", "English", "下一页", "上一页"):
        assert chrome not in text, chrome
    # An external link is followed by its address.
    # The project with the shortest address, which no line break can split.
    project = min(projects().values(), key=lambda project: len(project.url), default=None)
    assert project, "the résumé has no project page"
    page.goto(serve(site.outdir) + f"{project.docname}.html")
    page.pdf(path=str(pdf), format="A4")
    assert f"({project.url})" in poppler("pdftotext", str(pdf), "-")


def test_print_keeps_cards_whole():
    css = (REPO / "_static" / "resume.css").read_text("utf-8")
    block = css[css.index("@media print") :]
    assert "break-inside: avoid" in block and ".resume-card" in block


# -- What the PDF gives up, and how it writes addresses and awards ---------------------------


def _paper(highlights: list[str], bullets: list[str], projects: int = 2) -> Paper:
    """A small résumé: one role with ``bullets`` and the ``highlights`` that link to it."""
    role = RoleEntry([Run("Org")], "Engineer", "2019 – 2021", "", [Run("Overview.")],
                     [[Run(b)] for b in bullets])  # fmt: skip
    said = ["Overview.", *bullets]
    return Paper(
        language="en", code="en", name=[Run("Name")], headline="Engineer", url="", contact=[],
        titles={}, summary=[Run("Summary.")], highlights=[[Run(h)] for h in highlights],
        roles=[role],
        projects=[ProjectEntry(f"P{n}", "https://example.com/", "Contributor",
                               [[Run(f"About P{n}.")], [Run(f"My work on P{n}.")]])
                  for n in range(projects)],
        skills=[], languages=[], education=[], awards=[],
        repeats={i: "Org" for i, h in enumerate(highlights) if restates(h, said)},
    )  # fmt: skip


def test_a_highlight_restates_a_paragraph_when_that_paragraph_states_all_its_figures():
    bullets = ["Raised GPU utilization from 20% to 50%, above 80% for some.", "Led 7 teams."]
    assert restates("GPU 20% → 50%: from 20% to 50%", bullets)
    assert not restates("GPU 20% → 50% with 7 teams", bullets)  # two bullets, not one
    assert not restates("A great engineer", bullets)  # no figure: nothing to compare
    assert restates("GPU 利用率 20% → 50%", ["推理 GPU 日均利用率从 20% 提升到 50%"])


@given(
    repeated=st.lists(st.booleans(), min_size=1, max_size=6),
    condense=st.integers(min_value=0, max_value=6),
)
def test_repetition_goes_first_and_the_text_keeps_everything(repeated, condense):
    bullets = [f"Delivered {n + 10} services." for n in range(6)]
    highlights = [
        f"{n + 10} services" if again else f"{n + 100} users" for n, again in enumerate(repeated)
    ]
    paper = _paper(highlights, bullets)
    dropped = min(condense, sum(repeated))
    shown = paper.condensed(0, False, dropped)
    # Only restating highlights go, the last first; every other highlight stays.
    kept = [flat(h) for h in shown.highlights]
    assert len(kept) == len(highlights) - dropped
    assert all(h in kept for h, again in zip(highlights, repeated, strict=True) if not again)
    gone = paper.left_out(shown)
    assert len(gone) == dropped and all("Org says too" in line for line in gone)
    # The text edition is written from the whole résumé: it never loses a fact.
    text = plain_text(paper)
    assert all(h in text for h in highlights) and all(b in text for b in bullets)
    later = paper.condensed(1, True, sum(repeated))
    described = " ".join(paper.left_out(later))
    assert "About P0." in described and "About P1." in described and bullets[0] in described


@given(repeated=st.lists(st.booleans(), max_size=6), roles=st.integers(min_value=1, max_value=5))
def test_the_pdf_tries_every_repetition_before_any_fact(repeated, roles):
    paper = _paper([f"{n + 10} services" if again else "x" for n, again in enumerate(repeated)],
                   [f"Delivered {n + 10} services." for n in range(6)])  # fmt: skip
    paper.roles = paper.roles * roles
    steps = trials(paper)
    assert steps[0] == (0, False, 0) and len(set(steps)) == len(steps)
    # Every restating highlight goes, one at a time, before any description or bullet.
    first = steps[: sum(repeated) + 1]
    assert all(not cut and not projects for cut, projects, _ in first)
    assert [d for _, _, d in steps[: sum(repeated) + 1]] == list(range(sum(repeated) + 1))
    assert steps[-1] == (roles - 1, True, sum(repeated))


@given(
    path=st.text(alphabet="abcé中文 -_/日本", max_size=12),
    query=st.text(alphabet="abé=&中", max_size=6),
)
def test_link_addresses_are_percent_encoded_ascii(path, query):
    href = f"https://example.com/{path}" + (f"?{query}" if query else "")
    encoded = percent_encoded(href)
    assert encoded.isascii() and " " not in encoded
    assert urllib.parse.unquote(encoded) == href
    assert percent_encoded(encoded) == encoded  # what is already encoded stays


def test_link_addresses_named_cases():
    assert percent_encoded("https://example.com/简历?q=徐鑫#工作") == (
        "https://example.com/%E7%AE%80%E5%8E%86?q=%E5%BE%90%E9%91%AB#%E5%B7%A5%E4%BD%9C"
    )
    assert percent_encoded("https://例子.中国/a b") == "https://xn--fsqu00a.xn--fiqs8s/a%20b"
    assert percent_encoded("https://apisix.apache.org/") == "https://apisix.apache.org/"


@pytest.mark.parametrize(
    ("title", "summary", "shown_title", "text"),
    [
        ("PMP", "项目管理专业人士资格认证", "PMP", "项目管理专业人士资格认证"),
        ("系统架构设计师", "软考高级职称——系统架构设计师", "", "软考高级职称——系统架构设计师"),
        ("PMP", "PMP（项目管理专业人士）资格认证", "", "PMP（项目管理专业人士）资格认证"),
        ("SAD", "SAD, a senior title", "", "SAD, a senior title"),
        ("SAD", "A title: SAD of China", "", "A title: SAD of China"),
    ],
)
def test_each_award_names_itself_once(title, summary, shown_title, text):
    from resume.paper import _award

    shown, runs = _award(title, summary, None)
    assert shown == shown_title and flat(runs) == text
    assert flat(runs).count(title) + shown.count(title) == 1
    assert (not shown_title and any(r.bold and r.text == title for r in runs)) or shown_title
