"""The release build: valid ePubs, reproducible output (failures: tests/test_bad_input.py)."""

from __future__ import annotations

import time
import zipfile

import pytest

from resume.languages import EDITIONS
from resume.outputs import BASENAME

from helpers import EPOCH, epubcheck, tree_digest


def test_release_writes_every_edition(releases):
    build, _ = releases
    for edition in EDITIONS:
        assert (build / "html" / edition.code / "index.html").is_file()
        assert (build / "epub" / edition.code / f"{BASENAME}-{edition.code}.epub").is_file()
    assert not list(build.glob(".staging-*")), "the staging folder is left behind"


def test_two_builds_are_byte_identical(releases):
    first, second = releases
    digests = tree_digest(first)
    assert len(digests) > 50
    assert digests == tree_digest(second)


def test_epub_zip_is_reproducible(releases):
    build, _ = releases
    book = build / "epub" / "en" / f"{BASENAME}-en.epub"
    with zipfile.ZipFile(book) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    # Every member dated the build's date, SOURCE_DATE_EPOCH (in UTC; a ZIP keeps even seconds).
    stamp = time.gmtime(int(EPOCH) // 2 * 2)[:6]
    assert {info.date_time for info in infos} == {stamp}
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.code)
def test_epubcheck_passes(releases, edition):
    build, _ = releases
    epubcheck(build / "epub" / edition.code / f"{BASENAME}-{edition.code}.epub")


# A failed build leaves the last good output: tests/test_bad_input.py, whose one failed build
# writes a role page with an end before its start among its cases.
