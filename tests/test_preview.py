"""The live preview's rebuilds (``tools/preview.py``): each is a child forked from a process that
loaded Sphinx once, and must behave as a new ``sphinx-build`` would.

The preview runs in a process of its own, as ``nox -s serve`` runs it: a script here warms up,
then rebuilds a small project after each change it makes, printing each exit status.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

from tools import preview

from helpers import REPO, write_project

SCRIPT = """\
import json, os, sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from tools.preview import rebuild, warm_up
src, out = Path(sys.argv[1]), Path(sys.argv[2])
arguments = ["-b", "html", "-n", "-W", "--keep-going", "-q", str(src), str(out)]
warm_up()
codes = [rebuild(arguments)]
page = src / "index.md"
page.write_text(page.read_text("utf-8") + "\\nA saved paragraph.\\n", "utf-8")
os.environ["PREVIEW_TITLE"] = "Title from the environment"
codes.append(rebuild(arguments))
page.write_text(page.read_text("utf-8") + "\\n```{{no-such-directive}}\\n```\\n", "utf-8")
codes.append(rebuild(arguments))
print(json.dumps(codes))
"""

CONF = """
import os
html_title = os.environ.get("PREVIEW_TITLE", "First title")
"""


def test_rebuilds_see_each_change_and_report_errors_with_file_and_line(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", {"index.md": "# Home\n\nFirst paragraph.\n"}, CONF)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(repo=str(REPO)), str(src), str(out)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first, second, broken = json.loads(result.stdout.splitlines()[-1])
    assert (first, second) == (0, 0), result.stderr
    assert broken == 1, "a page with an unknown directive must fail the strict rebuild"
    assert f"{src / 'index.md'}:" in result.stderr and "no-such-directive" in result.stderr
    # The second rebuild wrote the edit and the title from the environment it had then.
    page = (out / "index.html").read_text("utf-8")
    assert "A saved paragraph." in page
    assert "Title from the environment" in page


def test_the_builder_sphinx_autobuild_hands_to_its_workers_pickles() -> None:
    """sphinx-autobuild runs each rebuild in a process of its pool, sent there pickled: a
    builder class defined inside a function would never rebuild (the change is lost silently)."""
    assert pickle.loads(pickle.dumps(preview.ForkedBuilder)) is preview.ForkedBuilder


QUIET_SCRIPT = """\
import sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from tools.preview import rebuild_quietly, warm_up
src, out = Path(sys.argv[1]), Path(sys.argv[2])
arguments = ["-b", "html", "-n", "--keep-going", str(src), str(out)]
warm_up()
print(rebuild_quietly(arguments, "first build")[1], flush=True)
page = src / "index.md"
page.write_text(page.read_text("utf-8") + "\\nA saved paragraph.\\n", "utf-8")
print(rebuild_quietly(arguments, "index.md")[1], flush=True)
page.write_text(page.read_text("utf-8") + "\\n[nowhere](#nowhere)\\n", "utf-8")
print(rebuild_quietly(arguments, "index.md")[1], flush=True)
"""


def test_each_rebuild_prints_one_line_and_its_warnings(tmp_path: Path) -> None:
    """What changed, how long, how many warnings: no progress, no MyST settings (MdParserConfig)."""
    src = write_project(tmp_path / "src", {"index.md": "# Home\n\nFirst paragraph.\n"}, CONF)
    result = subprocess.run(
        [sys.executable, "-c", QUIET_SCRIPT.format(repo=str(REPO)), str(src), str(tmp_path / "o")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3, result.stdout
    assert re.fullmatch(r"first build: rebuilt in \d+\.\ds, 0 warnings", lines[0]), lines[0]
    assert re.fullmatch(r"index\.md: rebuilt in \d+\.\ds, 0 warnings", lines[1]), lines[1]
    assert re.fullmatch(r"index\.md: rebuilt in \d+\.\ds, 1 warning", lines[2]), lines[2]
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1 and f"{src / 'index.md'}:" in warnings[0], result.stderr
    assert "MdParserConfig" not in result.stdout + result.stderr
