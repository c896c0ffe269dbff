"""How long the test suite takes, as CI runs it, against one plain HTML build.

``python -m tools.suite_bench [ROUNDS] [-- pytest args]``, in the environment of
``nox -s tests`` (``.nox/tests/bin/python``). The suite runs as ``nox -s tests`` runs it on CI
(``CI=true``, ``pytest -n auto --dist load``); the reference is a plain
``sphinx-build -b html -n -W --keep-going`` of the Chinese edition into empty folders, timed
before and after each run of the suite, in the same sitting, because these machines are shared
and their speed drifts. Each reference is the median of ``REFERENCE_BUILDS`` builds, begun after
a rest: a single build, timed as the suite's last processes (browsers) close, varied by a third.
The ratio of each round is the suite over the mean of its two references; the median of the
rounds is reported. Not a test: speed is measured, never asserted by the suite (``nox -s bench``
holds the build's targets).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from resume.languages import SOURCE

from . import REPO

#: The suite's budget, in plain builds.
TARGET = 64.0
#: Plain builds per reference, and the seconds the machine is left to settle before them.
REFERENCE_BUILDS = 3
SETTLE = 10.0


def plain_html_build() -> float:
    """Seconds of one plain, strict HTML build of the Chinese edition into empty folders."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going", "-q",
             "-D", f"language={SOURCE.sphinx}", "-d", str(out / "doctrees"),
             str(REPO), str(out / "html")],
            check=True,
        )  # fmt: skip
        return time.perf_counter() - began


def reference() -> float:
    """The median of ``REFERENCE_BUILDS`` plain builds, after ``SETTLE`` seconds' rest."""
    time.sleep(SETTLE)
    return statistics.median(plain_html_build() for _ in range(REFERENCE_BUILDS))


def suite(arguments: list[str]) -> float:
    """Seconds of the test suite as ``nox -s tests`` runs it on CI."""
    env = {**os.environ, "CI": "true"}
    command = [sys.executable, "-m", "pytest", "-n", "auto", "--dist", "load", "-q", *arguments]
    began = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=env)
    seconds = time.perf_counter() - began
    if result.returncode:
        raise SystemExit(f"the test suite failed (exit {result.returncode}): no figure")
    return seconds


def main(argv: list[str]) -> int:
    head, tail = argv, []
    if "--" in argv:
        split = argv.index("--")
        head, tail = argv[:split], argv[split + 1 :]
    rounds = int(head[0]) if head else 1
    references = [reference()]
    ratios = []
    for _ in range(rounds):
        seconds = suite(tail)
        references.append(reference())
        build = statistics.mean(references[-2:])
        ratios.append(seconds / build)
        print(f"suite {seconds:.1f} s, plain build {build:.2f} s: {ratios[-1]:.1f}")
    ratio = statistics.median(ratios)
    print(
        f"test suite / plain zh-cn HTML build: {ratio:.1f} (target <= {TARGET:g}); "
        f"references {', '.join(f'{r:.2f}' for r in references)} s, "
        f"median {statistics.median(references):.2f} s"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
