"""Private by default: the full phone number reaches no output unless the build opts in.

Every file that the release builds write is scanned: text files, the ePub zip's members
(decompressed), ``objects.inv`` (decompressed), the search index, ``resume.json``, the sitemap
if there is one, and binary files byte by byte. Digits are compared with spaces, dashes, dots,
brackets and plus signs removed, so that no spelling of the number slips through.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resume import reading
from resume.contact import mask_mismatch
from resume.languages import EDITIONS
from resume.outputs import file_name

from helpers import MADE_UP, PHONE, Build
from resume_sources import Phone

OPT_IN_BUILDERS = ("html", "epub")

NATIONAL = PHONE.national  # its digits without the country code: any spelling contains them
SEPARATORS = re.compile(r"[\s\-‐‑‒–—−.·()\[\]{}（）［］+＋]")
TAG = re.compile(r"<[^>]*>")
TEXT_SUFFIXES = {".html", ".xhtml", ".js", ".css", ".json", ".xml", ".opf", ".ncx", ".txt",
                 ".svg", ".map", ".buildinfo", ""}  # fmt: skip
OPT_IN = ("zh_CN", "en")  # the opt-in builds: two editions are enough to show it works


def normalise(text: str) -> str:
    """The text without separators: ``+86 (136) 1234-3209`` becomes ``8613612343209``."""
    return SEPARATORS.sub("", html.unescape(text))


@dataclass(frozen=True)
class Scanned:
    """One file of an output, or one member of a zip in it, as text."""

    kind: str
    name: str
    text: str

    @property
    def has_number(self) -> bool:
        # Also with the markup taken out, should a page wrap the digits in tags.
        return NATIONAL in normalise(self.text) or NATIONAL in normalise(TAG.sub("", self.text))


def kind_of(name: str) -> str:
    base = re.split(r"[/!]", name)[-1]
    if base == "objects.inv":
        return "objects.inv (zlib-decompressed)"
    if base in ("searchindex.js", "resume.json", "sitemap.xml", "robots.txt", "contact.vcf"):
        return base
    suffix = Path(base).suffix.lower()
    return f"{suffix or base} {'text' if suffix in TEXT_SUFFIXES else 'binary'}"


def read(name: str, data: bytes) -> Iterator[Scanned]:
    """The file as text, or each member of it when it is a zip (an ePub)."""
    if name.endswith(".epub"):
        yield Scanned("ePub zip (as stored)", name, data.decode("latin-1"))
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            for info in sorted(book.infolist(), key=lambda i: i.filename):
                member = f"{name}!{info.filename}"
                for scanned in read(member, book.read(info)):
                    yield Scanned(f"ePub member: {scanned.kind}", scanned.name, scanned.text)
        return
    if kind_of(name).startswith("objects.inv"):
        header = data.split(b"\n", 4)
        text = b"\n".join(header[:4]) + b"\n" + zlib.decompress(header[4])
        yield Scanned(kind_of(name), name, text.decode("utf-8"))
        return
    # Binary files too: a number would be ASCII digits in them as well.
    text = data.decode("utf-8" if kind_of(name).endswith(" text") else "latin-1")
    yield Scanned(kind_of(name), name, text)


def scan(root: Path) -> list[Scanned]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return [s for path in files for s in read(path.relative_to(root).as_posix(), path.read_bytes())]


def inventory(scanned: dict[str, list[Scanned]]) -> str:
    """The files scanned, grouped by kind: what the closing note quotes."""
    groups: dict[str, list[str]] = defaultdict(list)
    for build, files in scanned.items():
        for item in files:
            groups[item.kind].append(f"{build}/{item.name}")
    lines = [f"{sum(map(len, scanned.values()))} files scanned in {len(scanned)} builds"]
    for kind in sorted(groups):
        names = groups[kind]
        shown = ", ".join(names[:3]) + (f", … ({len(names) - 3} more)" if len(names) > 3 else "")
        lines.append(f"  {kind}: {len(names)} — {shown}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def outputs(good_release: Path, opt_in) -> dict[str, Build]:
    """Every edition in every published format by default (the release build, as published:
    html, epub, and whatever else it publishes), and the opt-in builds (``RESUME_PHONE`` set;
    ``RESUME_GITHUB`` and a base URL too) of the site and the ePub."""
    builds = {
        f"default/{fmt}/{e.code}": Build(0, "", "", good_release / fmt / e.code, e.sphinx)
        for e in EDITIONS
        for fmt in published_formats(good_release)
    }
    for e in EDITIONS:
        if e.sphinx in OPT_IN:
            for builder in OPT_IN_BUILDERS:
                builds[f"opt-in/{builder}/{e.code}"] = opt_in(e.sphinx, builder)
    for name, build in builds.items():
        assert build.returncode == 0 and not build.warnings, f"{name}:\n{build.stderr}"
        assert build.outdir.is_dir(), name
    return builds


def published_formats(release: Path) -> list[str]:
    """The formats a release publishes, one folder each: html and epub at least."""
    formats = sorted(
        p.name for p in release.iterdir() if not p.name.startswith(".") and p.name != "current"
    )
    assert {"html", "epub"} <= set(formats), formats
    return formats


@pytest.fixture(scope="module")
def scanned(outputs: dict[str, Build]) -> dict[str, list[Scanned]]:
    return {name: scan(build.outdir) for name, build in outputs.items()}


def hits(files: list[Scanned]) -> list[str]:
    return [item.name for item in files if item.has_number]


def test_normalising_finds_every_spelling():
    plus = f"+{PHONE.country}" if PHONE.country else ""
    first, *rest = PHONE.groups
    spellings = [
        MADE_UP, "-".join([plus, *PHONE.groups]), f"({plus}) " + ".".join(PHONE.groups), PHONE.tel,
        "&#160;".join(PHONE.groups), f"<b>{first}</b> " + " ".join(rest),
    ]  # fmt: skip
    for spelling in spellings:
        assert Scanned("test", "test", spelling).has_number, spelling
    assert not Scanned("test", "test", PHONE.masked).has_number


#: ASCII digits and + to their full-width forms, which an owner typing in CJK may write.
FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")


@st.composite
def masked_numbers(draw: st.DrawFn) -> str:
    """A masked phone number as an owner may write it: with or without a country code, set
    apart as they like, in groups of digits, one of them hidden (four digits or more: with
    three, ``+852 *** 5678`` reads as ``8525678``, which a full number could be)."""
    country = draw(st.sampled_from(["", "+1 ", "+86 ", "+81-", "(+44) ", "+852."]))
    groups = draw(st.lists(st.text("0123456789", min_size=1, max_size=4), min_size=2, max_size=4))
    groups[draw(st.integers(0, len(groups) - 1))] = "*" * draw(st.integers(4, 5))
    masked = country + draw(st.sampled_from([" ", "-", "."])).join(groups)
    return masked.translate(FULL_WIDTH) if draw(st.booleans()) else masked


@given(masked_numbers())
def test_the_made_up_number_is_one_the_mask_stands_for(masked: str) -> None:
    """What the tests derive from the owner's masked number (``resume_sources.Phone``) holds
    for any number: the made-up one fits the mask, the gate finds it and its national digits
    (what ``Scanned`` looks for), and the masked value itself is not the full number."""
    phone, pattern = Phone(masked), reading.masked_pattern(masked)
    assert mask_mismatch(masked, phone.made_up) == ""
    assert pattern.search(reading.normalise(phone.made_up)) and pattern.search(phone.national)
    assert not pattern.search(reading.normalise(masked))
    assert re.sub(r"\D", "", phone.tel) == phone.country + phone.national
    # The outputs write a number's digits in ASCII (tel: links; JSON escapes the rest).
    assert phone.made_up.isascii() and phone.tel.isascii()


def test_the_scan_covers_every_kind_of_output(scanned):
    report = inventory(scanned)
    print(report)
    kinds = {item.kind for files in scanned.values() for item in files}
    expected = {"objects.inv (zlib-decompressed)", "searchindex.js", "resume.json",
                "ePub zip (as stored)", "ePub member: .xhtml text", "ePub member: .opf text",
                "ePub member: .ncx text", ".html text", ".js text", ".css text",
                "robots.txt", "contact.vcf", ".png binary"}  # fmt: skip
    assert expected <= kinds, report
    for name, files in scanned.items():
        names = {item.name for item in files}
        builder, code = name.split("/")[1:]
        if builder == "html":
            expected_names = {"index.html", "resume.json", "objects.inv", "searchindex.js",
                              "contact.vcf", "social-card.png"}  # fmt: skip
            assert expected_names <= names, name
        elif builder == "epub":
            assert f"{file_name(code, 'epub')}!index.xhtml" in names, name
        else:  # the other formats the release publishes (pdf, text …): named after the edition
            assert [n for n in names if n.startswith(f"{file_name(code)}.")], name


def test_full_number_in_no_output_by_default(scanned, good_release):
    found = {name: hits(files) for name, files in scanned.items() if name.startswith("default/")}
    assert len(found) == len(EDITIONS) * len(published_formats(good_release))
    assert {name: h for name, h in found.items() if h} == {}, inventory(scanned)


def test_masked_number_is_shown_by_default(outputs):
    for code in [e.code for e in EDITIONS]:
        page = outputs[f"default/html/{code}"].html("index")
        assert PHONE.masked in page.get_text()
        assert not page.select('a[href^="tel:"]')


@pytest.mark.parametrize("code", [e.code for e in EDITIONS if e.sphinx in OPT_IN])
def test_full_number_everywhere_expected_with_the_opt_in(scanned, outputs, code):
    site, book = f"opt-in/html/{code}", f"opt-in/epub/{code}"
    print(f"{site}: {hits(scanned[site])}\n{book}: {hits(scanned[book])}")
    assert {"index.html", "resume.json", "contact.vcf"} <= set(hits(scanned[site])), inventory(
        scanned
    )
    assert f"{file_name(code, 'epub')}!index.xhtml" in hits(scanned[book]), inventory(scanned)

    page = outputs[site].html("index")
    assert page.find("a", href=PHONE.tel).get_text() == MADE_UP
    [script] = page.find_all("script", type="application/ld+json")
    person = json.loads(script.string)
    assert person["telephone"] == MADE_UP
    resume = json.loads((outputs[site].outdir / "resume.json").read_text("utf-8"))
    assert resume["basics"]["phone"] == MADE_UP
