"""The release build: valid ePubs, reproducible output, and failures that leave the last good build."""

from __future__ import annotations

import shutil
import zipfile

import pytest
from conftest import copy_project, epubcheck, tree_digest
from resume.languages import EDITIONS
from resume.outputs import BASENAME
from tools.release import release_build


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
    assert {info.date_time for info in infos} == {(2023, 11, 14, 22, 13, 20)}
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])


@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.code)
def test_epubcheck_passes(releases, edition):
    build, _ = releases
    epubcheck(build / "epub" / edition.code / f"{BASENAME}-{edition.code}.epub")


def test_failed_build_leaves_the_last_good_output(good_release, tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    shutil.copytree(good_release, project / "_build")
    before = tree_digest(project / "_build")

    page = project / "experience" / "abeam.md"
    page.write_text(page.read_text("utf-8").replace(":end: 2016", ":end: 2012"), "utf-8")
    assert not release_build(build=project / "_build", source=project, codes=["zh-cn"])

    assert tree_digest(project / "_build") == before
    assert not list((project / "_build").glob(".staging-*"))
    out = capsys.readouterr()
    assert "abeam.md:" in out.out and "end 2012 is before start 2014" in out.out
    assert "previous output" in out.err
