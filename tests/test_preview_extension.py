"""The live preview keeps the extension imported between rebuilds (``tools/preview.py``), and
imports it again in a rebuild whose extension's files changed since: an edit to ``_ext/``
counts at the next save.

The preview runs in a process of its own, as ``nox -s serve`` runs it; the project's
``conf.py`` notes whether the extension was already imported when the build began.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import REPO, write_project

SCRIPT = """\
import json, sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from tools import preview
src, out = Path(sys.argv[1]), Path(sys.argv[2])
arguments = ["-b", "html", "-q", str(src), str(out)]
codes = [preview.rebuild(arguments), preview.rebuild(arguments)]
preview._extension_digest = lambda folder: "its files changed"
codes.append(preview.rebuild(arguments))
print(json.dumps(codes))
"""

CONF = """
import os, sys
with open(os.environ["PREVIEW_SEEN"], "a", encoding="utf-8") as seen:
    seen.write(f"{'resume.model' in sys.modules}\\n")
"""


def test_a_rebuild_imports_the_extension_again_only_when_its_files_changed(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", {"index.md": "# Home\n\nText.\n"}, CONF)
    seen = tmp_path / "seen"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(repo=str(REPO)), str(src), str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PREVIEW_SEEN": str(seen)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [0, 0, 0], result.stderr
    # Loaded once, by the first rebuild, before it forks; imported anew once its files changed.
    assert seen.read_text("utf-8").split() == ["True", "True", "False"]
