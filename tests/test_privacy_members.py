"""The privacy gate reads each text once: an ePub's member that is the same file as a page the
scan has found clean (by name and content, read the same way) is not read again, in the
builder's scan or in the release's; any other member is, and a full number in it is found.
Its decoding of percent-encoding is the standard library's, faster."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from resume import reading
from resume.reading import Secret, masked_pattern, scan

MASKED = "+86 136 **** 3209"
FULL = "+86 136 1234 3209"


def secrets() -> list[Secret]:
    return [Secret("phone", masked_pattern(MASKED), "masked")]


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def counting(monkeypatch) -> list[str]:
    """The names of the texts the scan reads from now on."""
    read: list[str] = []
    readable = reading.readable

    def counted(name: str, text: str) -> list[str]:
        read.append(name)
        return readable(name, text)

    monkeypatch.setattr(reading, "readable", counted)
    return read


def test_an_epub_member_found_clean_as_a_page_is_not_read_again(tmp_path, monkeypatch):
    page = b"<p>136 **** 3209</p>"
    (tmp_path / "EPUB").mkdir()
    (tmp_path / "EPUB" / "index.xhtml").write_bytes(page)
    inventory = b"# Sphinx inventory\nzlib.\n" + b"not compressed"
    members = {"EPUB/index.xhtml": page, "EPUB/other.xhtml": b"<p>other</p>"}
    write_zip(tmp_path / "book.epub", {**members, "objects.inv": inventory})
    read = counting(monkeypatch)
    clean: set[str] = set()
    assert scan(tmp_path, secrets(), clean=clean) == {}
    # The page once, as a file; the other member and the inventory (read otherwise as a file
    # than as a member: never taken for one another) from the archive.
    assert sorted(read) == [
        f"{tmp_path / 'EPUB' / 'index.xhtml'}",
        f"{tmp_path / 'book.epub'}!EPUB/other.xhtml",
        f"{tmp_path / 'book.epub'}!objects.inv",
    ]

    # The release's scan of the ePub repacked (another archive, the same members): nothing
    # found clean is read again; a member that changed is, and its number is found.
    (tmp_path / "EPUB" / "index.xhtml").unlink()
    write_zip(tmp_path / "book.epub", {"objects.inv": inventory, **members})  # in another order
    read.clear()
    assert scan(tmp_path, secrets(), known_clean=frozenset(clean)) == {}
    assert read == [f"{tmp_path / 'book.epub'}!objects.inv"]
    write_zip(tmp_path / "book.epub", {**members, "EPUB/other.xhtml": FULL.encode()})
    read.clear()
    hits = scan(tmp_path, secrets(), known_clean=frozenset(clean))
    assert read == [f"{tmp_path / 'book.epub'}!EPUB/other.xhtml"]
    assert hits == {tmp_path / "book.epub": [(read[0], secrets()[0])]}


def test_a_member_is_known_by_its_name_too(tmp_path):
    """A page found clean does not vouch for the same bytes under a name read otherwise."""
    text = b"<p title='136 1234 3209'>x</p>"
    (tmp_path / "a.txt").write_bytes(b"<p>clean</p>")
    clean: set[str] = set()
    assert scan(tmp_path, secrets(), clean=clean) == {}
    write_zip(tmp_path / "book.epub", {"a.txt": b"<p>clean</p>", "b.xhtml": text})
    hits = scan(tmp_path, secrets(), known_clean=frozenset(clean))
    assert [name for name, _ in hits[tmp_path / "book.epub"]] == [
        f"{tmp_path / 'book.epub'}!b.xhtml"
    ]


@given(
    st.text(alphabet=st.sampled_from([*"%%%0123456789abcdefABCDEFgz \x7f", "é", "中", "\udc80"]))
)
def test_percent_decoding_is_the_standard_one(text):
    assert reading._unquote(text) == unquote(text)


@given(st.binary())
def test_percent_decoding_of_any_bytes_is_the_standard_one(data):
    text = "".join(f"%{byte:02x}" if byte > 0x7F or byte % 3 else chr(byte) for byte in data)
    assert reading._unquote(text) == unquote(text)
