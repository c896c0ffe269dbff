"""The privacy gate on a rebuild reads again only what changed: an output it found clean, for
the same secrets and the same rules, is known by its name and content and not read again; any
other is, and a full number in it still fails the build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from resume import reading
from resume.reading import CLEAN_FILES, Secret, masked_pattern, scan

from helpers import write_project

MASKED = "+86 136 **** 3209"
FULL = "+86 136 1234 3209"
CONF = f"resume_contact = {{'phone': {{'value': {MASKED!r}, 'visibility': 'masked'}}}}\n"


def secrets() -> list[Secret]:
    return [Secret("phone", masked_pattern(MASKED), "masked")]


def test_a_second_scan_reads_only_the_changed_files(tmp_path, monkeypatch):
    for name in ("a.html", "b.txt", "c.json"):
        (tmp_path / name).write_text(f"<p>{name}: 136 **** 3209</p>", "utf-8")
    clean: set[str] = set()
    assert scan(tmp_path, secrets(), clean=clean) == {}
    assert len(clean) == 3

    read: list[str] = []
    texts = reading.texts

    def counted(path: Path):
        read.append(path.name)
        return texts(path)

    monkeypatch.setattr(reading, "texts", counted)
    again: set[str] = set()
    assert scan(tmp_path, secrets(), known_clean=frozenset(clean), clean=again) == {}
    assert read == [] and again == clean

    (tmp_path / "b.txt").write_text(f"call {FULL}", "utf-8")
    (tmp_path / "c.json").rename(tmp_path / "c.html")  # another name: read again
    hits = scan(tmp_path, secrets(), known_clean=frozenset(clean), clean=set())
    assert sorted(read) == ["b.txt", "c.html"]
    assert list(hits) == [tmp_path / "b.txt"]
    # What was found clean holds for these secrets only (the gate keeps it under this key).
    other = [Secret("phone", masked_pattern("+86 139 **** 0000"), "masked")]
    assert reading.rules_digest(other) != reading.rules_digest(secrets())


def sphinx(src: Path, out: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going", "-q",
               "-d", str(out / ".doctrees"), str(src), str(out / "html")]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True)


def test_a_number_saved_into_a_page_fails_the_rebuild(tmp_path):
    pages = {"index.md": "# Home\n\n```{toctree}\nother\n```\n", "other.md": "# Other\n\nText.\n"}
    src = write_project(tmp_path / "src", pages, CONF)
    out = tmp_path / "out"
    first = sphinx(src, out)
    assert first.returncode == 0, first.stderr
    assert (out / ".doctrees" / f"html-{CLEAN_FILES}").is_file()  # what the rebuild reads

    (src / "other.md").write_text(f"# Other\n\nCall {FULL}.\n", "utf-8")
    second = sphinx(src, out)
    assert second.returncode != 0
    assert "privacy" in second.stderr and "other.html" in second.stderr, second.stderr
    assert not (out / "html" / "other.html").exists()
    assert (out / "html" / "index.html").is_file()


def test_the_release_scan_skips_only_what_the_builders_found_clean_for_its_secrets(tmp_path):
    from tools.release.publishing import found_clean

    staging = tmp_path / "staging"
    release = staging / "release" / "html" / "en"
    release.mkdir(parents=True)
    page = release / "index.html"
    page.write_text("<p>136 **** 3209</p>", "utf-8")
    clean: set[str] = set()
    assert scan(release, secrets(), clean=clean) == {}
    notes = staging / "doctrees" / "en"
    notes.mkdir(parents=True)
    (notes / f"html-{CLEAN_FILES}").write_text(
        f'{{"key": "{reading.rules_digest(secrets())}", "clean": {sorted(clean)!r}}}'.replace(
            "'", '"'
        ),
        "utf-8",
    )
    (notes / f"epub-{CLEAN_FILES}").write_text('{"key": "another", "clean": ["x"]}', "utf-8")
    (notes / f"text-{CLEAN_FILES}").write_text("not JSON", "utf-8")
    assert found_clean(staging, secrets()) == clean
    other = [Secret("phone", masked_pattern("+86 139 **** 0000"), "masked")]
    assert found_clean(staging, other) == set()
    # A page changed after the builders' scan is read again, and its number found.
    page.write_text(f"<p>{FULL}</p>", "utf-8")
    hits = scan(release, secrets(), known_clean=found_clean(staging, secrets()))
    assert list(hits) == [page]
