"""The live preview keeps the extension imported between rebuilds (``tools/preview.py``), and
imports it again once its files have changed: an edit to ``_ext/`` counts at the next save, and
the rebuilds after it start with the extension imported again.

The preview runs in a process of its own, as ``nox -s serve`` runs it; the project's
``conf.py`` notes which module of the extension, if any, was imported when the build began.
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
from tools import preloading, preview
src, out = Path(sys.argv[1]), Path(sys.argv[2])
arguments = ["-b", "html", "-q", str(src), str(out)]
codes = [preview.rebuild(arguments), preview.rebuild(arguments)]
# From now on every digest of the extension's files differs from the one taken before.
preview.extension_digest = preloading.extension_digest = lambda folder: "its files changed"
codes.append(preview.rebuild(arguments))
codes.append(preview.rebuild(arguments))
print(json.dumps(codes))
"""

CONF = """
import os, sys
with open(os.environ["PREVIEW_SEEN"], "a", encoding="utf-8") as seen:
    model = sys.modules.get("resume.model")
    seen.write(f"{id(model) if model else None}\\n")
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
    assert json.loads(result.stdout.splitlines()[-1]) == [0, 0, 0, 0], result.stderr
    # Loaded by the first rebuild before it forks, and again, before the fork, once its files
    # changed: the same module in the two rebuilds before the change and in the two after it.
    first, second, changed, after = seen.read_text("utf-8").split()
    assert "None" not in (first, changed)
    assert first == second != changed == after


BROKEN = """\
import sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from tools.release.building import preload
for name in [n for n in sys.modules if n.partition(".")[0] == "resume"]:
    del sys.modules[name]  # as the preview forgets an extension whose files changed
preload(Path(sys.argv[1]))
print("preloaded")
"""


def test_an_extension_that_does_not_import_is_left_to_the_build(tmp_path: Path) -> None:
    """The preview imports a changed extension again in its own process: a package that no
    longer imports (a syntax error in its ``__init__``) must not stop the preview."""
    package = tmp_path / "_ext" / "resume"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("def broken(:\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-c", BROKEN.format(repo=str(REPO)), str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["preloaded"]
