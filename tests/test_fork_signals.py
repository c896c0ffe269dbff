"""A signal that stops a build is not lost when it arrives while a builder is being forked
(``tools/release/children.py``): raised in os.fork's at-fork hooks, its exception would be
printed and dropped, and the build would run on to its end."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import REPO

# A hook that runs in the parent right after each fork sends the signal at that very instant.
SCRIPT = """\
import os, signal, sys
sys.path[:0] = [{repo!r}, {repo!r} + "/_ext"]
from tools.release.children import fork_call
class Stopped(Exception):
    pass
def stop(signum, frame):
    raise Stopped
signal.signal(signal.SIGTERM, stop)
os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGTERM))
try:
    pid = fork_call(lambda: 0)
except Stopped:
    os.wait()
    print("stopped")
else:
    os.waitpid(pid, 0)
    print("ran on")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and signal masks")
def test_a_signal_during_a_fork_stops_the_caller() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(repo=str(REPO))],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.split() == ["stopped"], result.stderr
