"""Publishing trusts nothing it did not make: a carried-over edition that holds the full phone
number, a link planted at ``.releases`` or ``.lock``, a hosting variable that is no web
address, a full disk. Each stops the build with one plain message and what to do, and the live
site stays as it was.

The builds run with the stand-in for Sphinx of ``test_publish.py``, which writes
``FAKE_VERSION`` into every output, or, where the point is what the real build says, with the real one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tools.release import release_build
from tools.release.building import BuildMain

from helpers import REPO, SMALL_FULL, SMALL_MASKED, tree_digest
from test_publish import fake_build

#: The source's conf.py, as the release build reads it: the masked phone, opted in by
#: RESUME_PHONE as the real conf.py does (resume/environment.py).
CONF = f"""\
import os
resume_contact = {{"phone": {{"value": {SMALL_MASKED!r}, "visibility": "masked"}}}}
resume_contact_values = {{"phone": os.environ["RESUME_PHONE"]}} if os.environ.get("RESUME_PHONE") else {{}}
"""


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[BuildMain, Path]:
    """The stand-in for Sphinx and a source folder with ``CONF``."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text(CONF, "utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for name in ("FAKE_VERSION", "FAKE_FAIL", "FAKE_SLEEP", "FAKE_PIDS", "RESUME_PHONE"):
        monkeypatch.delenv(name, raising=False)
    return fake_build, source


def test_a_carried_over_edition_with_the_full_number_is_not_published(
    fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_sphinx, source = fake
    build = tmp_path / "_build"
    monkeypatch.setenv("RESUME_PHONE", SMALL_FULL)
    monkeypatch.setenv("FAKE_VERSION", f"电话 {SMALL_FULL}")
    assert release_build(build=build, source=source, build_main=fake_sphinx)  # opted in: published
    live = tree_digest(build / "current")
    capsys.readouterr()
    monkeypatch.delenv("RESUME_PHONE")
    monkeypatch.setenv("FAKE_VERSION", f"电话 {SMALL_MASKED}")
    assert not release_build(["zh-cn"], build=build, source=source, build_main=fake_sphinx)
    err = capsys.readouterr().err
    assert "html/en/index.html" in err and "carried over" in err, err
    assert "What to do: build every edition again" in err, err
    assert "1234" not in err  # the number is named, never shown
    assert tree_digest(build / "current") == live


def test_a_release_without_the_number_is_published_after_one_with_it(
    fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_sphinx, source = fake
    build = tmp_path / "_build"
    monkeypatch.setenv("RESUME_PHONE", SMALL_FULL)
    monkeypatch.setenv("FAKE_VERSION", f"电话 {SMALL_FULL}")
    assert release_build(build=build, source=source, build_main=fake_sphinx)
    monkeypatch.delenv("RESUME_PHONE")
    monkeypatch.setenv("FAKE_VERSION", f"电话 {SMALL_MASKED}")
    # Every edition again: clean.
    assert release_build(build=build, source=source, build_main=fake_sphinx)
    text = (build / "html" / "en" / "index.html").read_text("utf-8")
    assert SMALL_MASKED in text


def test_a_releases_link_is_never_followed(
    fake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_sphinx, source = fake
    build = tmp_path / "_build"
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "keep").mkdir(parents=True)
    (elsewhere / "keep" / "file.txt").write_text("kept", "utf-8")
    build.mkdir()
    os.symlink(elsewhere, build / ".releases")
    assert not release_build(build=build, source=source, build_main=fake_sphinx)
    err = capsys.readouterr().err
    assert f"{build / '.releases'} is a symbolic link" in err, err
    assert "What to do: delete the link" in err
    assert (elsewhere / "keep" / "file.txt").read_text("utf-8") == "kept"


def test_a_lock_link_is_never_followed(
    fake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_sphinx, source = fake
    build = tmp_path / "_build"
    build.mkdir()
    target = tmp_path / "created-by-the-build"
    os.symlink(target, build / ".lock")
    assert not release_build(build=build, source=source, build_main=fake_sphinx)
    err = capsys.readouterr().err
    assert f"{build / '.lock'} is a symbolic link" in err and "What to do:" in err, err
    assert not os.path.lexists(target)


def full_disk(arguments: list[str]) -> int:
    """A builder that fails as on a full disk: a hundred tracebacks, each ``[Errno 28]``."""
    for i in range(1, 101):
        print("Traceback (most recent call last):", file=sys.stderr)
        print(f'  File "x.py", line {i}, in write', file=sys.stderr)
        print(
            f"OSError: [Errno 28] No space left on device: '/build/.staging/out/{i}.html'",
            file=sys.stderr,
        )
    return 1


def test_a_full_disk_is_one_line_and_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert not release_build(build=tmp_path / "_build", build_main=full_disk)
    err = capsys.readouterr().err
    assert "is full (No space left on device)" in err, err
    assert "What to do: free some space" in err
    assert "Traceback" not in err and "fix each problem" not in err, err
    lines = err.strip().splitlines()  # the problem, what to do, the previous output untouched
    assert len(lines) == 3 and lines[-1].startswith("The previous output in "), err


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("READTHEDOCS_CANONICAL_URL", "javascript:alert(document.domain)//zh-cn/"),
        ("READTHEDOCS_CANONICAL_URL", "https:///zh-cn/"),
        ("SOURCE_DATE_EPOCH", "99999999999999"),
        ("RESUME_GITHUB", "javascript:alert(1)"),
    ],
)
def test_an_environment_value_out_of_range_is_one_plain_line(
    tmp_path: Path,
    variable: str,
    value: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv(variable, value)
    build = tmp_path / "_build"
    assert not release_build(codes=("zh-cn",), build=build, source=REPO)
    out, err = capsys.readouterr()
    said = [line for line in (out + err).splitlines() if variable in line]
    assert said and "Traceback" not in out + err, out + err
    assert any("set" in line and "or unset it" in line for line in said), said
    assert "What to do:" in err
    assert not (build / "current").exists()
