"""The résumé for paper (``-b resumepdf``, ``resume/pdf.py``): the PDF and the text edition of
each language, read back with poppler's tools as a reader's software would, and a browser's
print of the site.

Each edition is built once per module, in this process, with a fixed ``SOURCE_DATE_EPOCH``;
the faults are built in subprocesses, as the release build and Read the Docs run them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from resume.dates import format_period
from resume.figures import figures
from resume.languages import BY_CODE, EDITIONS, SOURCE
from resume.outputs import BASENAME

from helpers import EPOCH, MADE_UP, REPO, Build, build, copy_project
from resume_sources import allowed_han, projects
from resume_sources import roles as role_data

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
    return outdir / f"{BASENAME}-{code}.{extension}"


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Build]:
    """``paper(code, variant="default")``: the edition built with ``-b resumepdf`` once;
    ``variant`` ``again`` is a second clean build, ``opt-in`` one with ``RESUME_PHONE``."""
    cache: dict[tuple[str, str], Build] = {}

    def get(code: str, variant: str = "default") -> Build:
        if (code, variant) not in cache:
            env = {"SOURCE_DATE_EPOCH": EPOCH}
            if variant == "opt-in":
                env["RESUME_PHONE"] = MADE_UP
            folder = tmp_path_factory.mktemp(f"paper-{variant}-{code}")
            result = build(REPO, folder, "resumepdf", BY_CODE[code].sphinx, env=env)
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
        assert "NotoSansCJKjp-Regular" in names, table
    else:  # Latin text in a Latin face; the Chinese name in the Simplified Chinese one
        assert "LibertinusSerif-Regular" in names and "NotoSansCJKjp" not in names, table


@pytest.mark.parametrize("code", CODES)
def test_every_role_and_headline_figure_in_reading_order(pdf_text, code):
    text = squeeze(pdf_text(code))
    position = 0
    for lead in headline_figures(code):
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
    assert "+86 136 **** 3209" in pdf_text("zh-cn")
    full = poppler("pdftotext", str(output(paper("zh-cn", "opt-in").outdir, "zh-cn", "pdf")), "-")
    assert MADE_UP in full and "****" not in full
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

    from resume.pdf import FONT_FOLDER

    source = tmp_path / "tofu.typ"
    source.write_text('#set text(font: "Noto Sans CJK SC")\nA \U00013000 B', "utf-8")
    pdf = typst.compile(
        str(source),
        font_paths=[FONT_FOLDER],
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


@pytest.mark.parametrize("code", ["zh-cn", "ja"])
def test_two_builds_are_byte_identical(paper, code):
    for extension in ("pdf", "txt"):
        first = output(paper(code).outdir, code, extension).read_bytes()
        second = output(paper(code, "again").outdir, code, extension).read_bytes()
        assert first == second, extension


def test_the_typst_source_is_beside_the_pdf_for_the_privacy_scan(paper):
    outdir = paper("zh-cn").outdir
    data = output(outdir, "zh-cn", "json").read_text("utf-8")
    assert "+86 136 **** 3209" in data
    assert f'json("{BASENAME}-zh-cn.json")' in output(outdir, "zh-cn", "typ").read_text("utf-8")


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


# -- Read the Docs -------------------------------------------------------------------------


def test_read_the_docs_offers_one_pdf(tmp_path):
    import json

    import jsonschema
    import yaml

    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text("utf-8"))
    schema = json.loads((REPO / "tests/data/readthedocs-config-v2.schema.json").read_text("utf-8"))
    jsonschema.validate(config, schema)
    assert "fonts-noto-cjk" in config["build"]["apt_packages"]
    output_dir = tmp_path / "_readthedocs"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "READTHEDOCS": "True",
        "READTHEDOCS_LANGUAGE": "ja",
        "READTHEDOCS_PROJECT": "xu-xin-resume-ja",
        "READTHEDOCS_VERSION": "latest",
        "READTHEDOCS_OUTPUT": str(output_dir),
        "READTHEDOCS_CANONICAL_URL": "https://xu-xin-resume.readthedocs.io/ja/latest/",
    }
    for command in config["build"]["jobs"]["post_build"]:
        result = subprocess.run(["bash", "-c", command], cwd=REPO, env=env, capture_output=True,
                                text=True)  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    assert [p.name for p in (output_dir / "pdf").iterdir()] == [f"{BASENAME}-ja.pdf"]
    text = poppler("pdftotext", str(output_dir / "pdf" / f"{BASENAME}-ja.pdf"), "-")
    assert "https://xu-xin-resume.readthedocs.io/ja/latest/" in text


# -- The release publishes the PDF and the text, and nothing else of the builder's ---------


def test_release_publishes_only_the_final_files(tmp_path):
    from tools.release import Job, assemble

    outputs = tmp_path / "out"
    folder = outputs / "resumepdf" / "en"
    folder.mkdir(parents=True)
    for name in (f"{BASENAME}-en.pdf", f"{BASENAME}-en.txt", f"{BASENAME}-en.typ",
                 f"{BASENAME}-en.json", "resume.typ"):  # fmt: skip
        (folder / name).write_text(name)
    release = assemble([Job(BY_CODE["en"], "resumepdf")], outputs, tmp_path / "release", EPOCH)
    published = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert published == [f"pdf/en/{BASENAME}-en.pdf", f"text/en/{BASENAME}-en.txt"]


# -- Faults: a clear message, and the last good files stay in place --------------------------


def _add_bullet(src: Path, text: str) -> str:
    page = src / "experience" / "wanhui.md"
    page.write_text(page.read_text("utf-8").rstrip("\n") + f"\n- {text}\n", "utf-8")
    return "experience/wanhui.md"


FAULTS = {
    # name: (change the project copy → the file the message names, confoverrides, message parts)
    "missing font": (None, "resume_pdf_font_paths={empty}", ["fonts-noto-cjk", "{empty}"]),
    "broken page": (
        lambda src: _add_bullet(src, "见 [不存在的页面](nowhere.md)"), "",
        ["experience/wanhui.md", "were not written"],
    ),
    "character without a glyph": (
        lambda src: _add_bullet(src, "象形文字 \U00013000"), "",
        ["U+13000", "no glyph", "What to do"],
    ),
    "full phone number": (
        lambda src: _add_bullet(src, "电话 +86 136 1234 3209"), "",
        ["full phone", "What to do"],
    ),
}  # fmt: skip


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
    command = [
        sys.executable, "-m", "sphinx", "-b", "resumepdf", "-D", "language=zh_CN",
        "-d", str(tmp_path / "doctrees"), "-n", "-W", "--keep-going", "-E", "-q",
        str(source), str(outdir),
    ]  # fmt: skip
    if override:
        command[-2:-2] = ["-D", override.format(empty=empty)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=source)
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
    page = watched.page
    page.goto(serve(site.outdir) + "experience/tencent.html")
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    text = poppler("pdftotext", str(pdf), "-")
    assert "腾讯" in text and "Senior Software Engineer" in text
    # The sidebar's downloads, the table of contents, the switcher, the page navigation.
    for chrome in ("下载 ePub", "下载 PDF", "本页目录", "日本語", "English", "下一页", "上一页"):
        assert chrome not in text, chrome
    # An external link is followed by its address.
    page.goto(serve(site.outdir) + "projects/apisix.html")
    page.pdf(path=str(pdf), format="A4")
    assert "(https://apisix.apache.org/)" in poppler("pdftotext", str(pdf), "-")


def test_print_keeps_cards_whole():
    css = (REPO / "_static" / "resume.css").read_text("utf-8")
    block = css[css.index("@media print") :]
    assert "break-inside: avoid" in block and ".resume-card" in block
