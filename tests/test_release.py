"""The release build: valid ePubs, reproducible output (failures: tests/test_bad_input.py)."""

from __future__ import annotations

import os
import time
import zipfile

import pytest

from resume.languages import BY_CODE, EDITIONS
from resume.outputs import SITE_FILES, published

from helpers import EPOCH, tree_digest


def test_release_writes_every_edition(releases):
    build, _ = releases
    for edition in EDITIONS:
        assert (build / "html" / edition.code / "index.html").is_file()
        assert (build / published("epub", edition.code, "epub")).is_file()
    assert not list(build.glob(".staging-*")), "the staging folder is left behind"


def test_the_same_release_from_another_folder_and_machine(releases):
    """The session's build and one of a copy in another folder, with another time zone,
    locale, home and user: the same release id and the same files, byte for byte."""
    first, second = releases
    assert os.readlink(first / "current") == os.readlink(second / "current")
    digests, others = tree_digest(first), tree_digest(second)
    assert len(digests) > 50
    differ = sorted(path for path in digests.keys() | others.keys()
                    if digests.get(path) != others.get(path))  # fmt: skip
    assert not differ, differ


def test_epub_zip_is_reproducible(releases):
    build, _ = releases
    book = build / published("epub", "en", "epub")
    with zipfile.ZipFile(book) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    # Every member dated the build's date, SOURCE_DATE_EPOCH (in UTC; a ZIP keeps even seconds).
    stamp = time.gmtime(int(EPOCH) // 2 * 2)[:6]
    assert {info.date_time for info in infos} == {stamp}
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.code)
def test_epubcheck_passes(releases, edition, checked_epubs, epubcheck):
    build, _ = releases
    epubcheck(build / published("epub", edition.code, "epub"), checked_epubs)


def test_each_book_checked_in_one_java_process_has_its_own_verdict(checked_epubs, epubcheck_batch):
    """The broken book fails, naming what it lacks; the books checked after it in the same
    process pass, and no report names another book."""
    reports = epubcheck_batch(checked_epubs)
    broken, *good = checked_epubs
    status, output = reports[broken]
    assert status == 1 and "RSC-001" in output and "experience/index.xhtml" in output, output
    assert "Messages: 0 fatals / 0 errors" not in output, output
    for book in good:
        status, output = reports[book]
        assert status == 0 and "Messages: 0 fatals / 0 errors / 0 warnings" in output, output
    for book, (_, output) in reports.items():
        assert not [other for other in checked_epubs if other != book and str(other) in output]


# A failed build leaves the last good output: tests/test_bad_input.py, whose one failed build
# writes a role page with an end before its start among its cases.


def test_the_release_leaves_out_sphinx_s_build_info(tmp_path):
    """Sphinx's ``.buildinfo`` (a digest that holds the checkout's path) is no output."""
    from tools.release import Job, assemble

    html = tmp_path / "out" / "html" / "en"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<p>page</p>")
    for name in SITE_FILES:
        (html / name).write_bytes(b"")
    (html / ".buildinfo").write_text("config: 0123\ntags: 4567\n")
    release = assemble([Job(BY_CODE["en"], "html")], tmp_path / "out", tmp_path / "release", None)
    published = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert published == sorted(["html/en/index.html", *(f"html/en/{n}" for n in SITE_FILES)])
