"""The benchmark (``tools/bench.py``) measures the files a release publishes, where it publishes
them (``resume.outputs.published``), each against a target. No timing is asserted here: speed and
size targets live in ``nox -s bench``."""

from __future__ import annotations

from pathlib import Path

import pytest

from resume.languages import EDITIONS
from resume.outputs import SOCIAL_CARD, published
from tools import bench, lighthouse

KIB = 1024


def _file(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A release laid out as the release build publishes it, each file of a size of its own:
    edition ``i`` has a search index of ``i + 1`` KiB, a card of ``i + 2``, an ePub of ``i + 3``,
    a PDF of ``i + 4``, and a home page that loads a stylesheet of 5 KiB, a script from another
    host and the stylesheet again."""
    for i, edition in enumerate(EDITIONS):
        html = tmp_path / "html" / edition.code
        _file(html / "searchindex.js", (i + 1) * KIB)
        _file(html / SOCIAL_CARD, (i + 2) * KIB)
        _file(tmp_path / published("epub", edition.code, "epub"), (i + 3) * KIB)
        _file(tmp_path / published("pdf", edition.code, "pdf"), (i + 4) * KIB)
        _file(html / "_static" / "site.css", 5 * KIB)
        head = (
            '<link rel="stylesheet" href="_static/site.css">'
            '<script src="https://elsewhere.example/x.js"></script>'
            '<link rel="preload" href="_static/site.css">'
        )
        (html / "index.html").write_text(head.ljust(KIB), "utf-8")
    return tmp_path


def test_output_sizes_read_the_published_files(release):
    results = bench.output_sizes(release)
    codes = [e.code for e in EDITIONS]
    assert results["searchindex.js KiB (one edition)"] == [(c, i + 1) for i, c in enumerate(codes)]
    assert results[bench.CARD] == [(c, i + 2) for i, c in enumerate(codes)]
    assert results["ePub KiB (one edition)"] == [(c, i + 3) for i, c in enumerate(codes)]
    assert results["PDF KiB (one edition)"] == [(c, i + 4) for i, c in enumerate(codes)]
    # The page and its stylesheet, once; the other host's script is not counted here.
    assert results[bench.HOME] == [(c, 1 + 5) for c in codes]
    # The edition's whole HTML folder: the page, the stylesheet, the index and the card.
    assert results["HTML tree KiB (one edition)"] == [
        (c, 1 + 5 + (i + 1) + (i + 2)) for i, c in enumerate(codes)
    ]


def test_every_output_measure_has_its_target(release):
    for name, values in bench.output_sizes(release).items():
        for code, value in values:
            budget = bench.target(name, code)
            assert budget is not None, name
            assert budget.met(value), (name, code, value)  # the small files fit every budget
    assert bench.TARGETS[bench.HOME].limit == lighthouse.TARGETS["KiB"]["home"]
