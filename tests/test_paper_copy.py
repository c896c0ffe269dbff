"""``nox -s pdf -- en --out DIR`` (``tools/paper_copy.py``): a recruiter's copy of the PDF and the
text résumé, with the full number only when ``RESUME_PHONE`` is set for it, and nothing else: not
beside the two files, not under ``_build/``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from resume.outputs import file_name
from tools import paper_copy

from helpers import MADE_UP, REPO, run_forked


def squeeze(text: str) -> str:
    return "".join(text.split())


def snapshot(folder: Path) -> dict[str, float]:
    """Every file under ``folder`` with its modification time (nothing when it does not exist)."""
    if not folder.exists():
        return {}
    return {str(p): p.lstat().st_mtime for p in folder.rglob("*")}


def test_the_copy_holds_the_full_number_in_two_files_and_nowhere_else(tmp_path, monkeypatch):
    monkeypatch.setenv("RESUME_PHONE", MADE_UP)
    before = snapshot(REPO / "_build")
    out = tmp_path / "for-one-recruiter"

    assert paper_copy.main(["en", "--out", str(out)], run=run_forked) == 0

    names = sorted(p.name for p in out.iterdir())
    assert names == [file_name("en", "pdf"), file_name("en", "txt")]
    assert MADE_UP in (out / file_name("en", "txt")).read_text("utf-8")
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing (apt-get install poppler-utils)")
        pytest.skip("pdftotext is missing (apt-get install poppler-utils)")
    text = subprocess.run(
        ["pdftotext", str(out / file_name("en", "pdf")), "-"], capture_output=True, text=True
    ).stdout
    assert squeeze(MADE_UP) in squeeze(text)
    assert snapshot(REPO / "_build") == before, "the copy touched _build/"


def test_a_mistyped_number_is_one_plain_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    typo = MADE_UP[:-1]  # a digit short
    monkeypatch.setenv("RESUME_PHONE", typo)
    out = tmp_path / "out"

    assert paper_copy.main(["en", "--out", str(out)], run=run_forked) == 1

    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "RESUME_PHONE" in lines[0] and "What to do:" in lines[0]
    assert squeeze(typo) not in squeeze(captured.err + captured.out)
    assert not out.exists()  # not even the folder it would have made
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "letter.txt").write_text("Dear Acme,", "utf-8")
    assert paper_copy.main(["en", "--out", str(mine)], run=run_forked) == 1
    assert [p.name for p in mine.iterdir()] == ["letter.txt"]  # the owner's folder is kept


@pytest.mark.parametrize("inside", ["_build/html/en", "_static", "for-acme"])
def test_a_folder_inside_the_repository_is_refused_before_anything_is_built(
    tmp_path, monkeypatch, capsys, inside: str
) -> None:
    """_build/html is the live site (a link into the release), _static is published by the next
    build, and anything else in the checkout can be committed."""
    source = tmp_path / "repo"
    (source / "_build" / "current" / "html").mkdir(parents=True)
    (source / "_build" / "html").symlink_to("current/html")
    (source / "_static").mkdir()
    monkeypatch.setenv("RESUME_PHONE", MADE_UP)

    assert paper_copy.main(["en", "--out", str(source / inside)], source=source) == 1

    err = capsys.readouterr().err
    assert "inside the repository" in err and "What to do:" in err, err
    assert MADE_UP not in err
    assert not [p for p in source.rglob("*") if p.is_file()], "something was written"
