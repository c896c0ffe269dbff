"""Forked children that die with their parent: the release's builders and the preview's rebuilds.

A child forked from a warm process starts with Python, Sphinx and the extension loaded; what
it changes stays in it. It must not outlive its parent: a parent SIGKILLed (or that lost
power) runs no handler, so only the kernel can stop the child (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable

#: Seconds a child is given to stop after SIGTERM before it is killed.
GRACE = 3.0


def die_with_parent(parent: int) -> None:
    """Have Linux SIGKILL this child when its parent dies (no-op elsewhere): the only way a
    child learns that its parent was SIGKILLed, when no handler of the parent runs."""
    if not sys.platform.startswith("linux"):
        return
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


#: The signals that stop a build.
_STOPPING = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def fork_call(work: Callable[[], int]) -> int:
    """Start ``work()`` in a child forked from this process, which dies with it and takes the
    default handlers of SIGTERM, SIGINT and SIGHUP (those this process ignores stay ignored);
    return the child's pid. The child ends with ``work``'s status, or 2 when it raised (the
    traceback printed), without running this process's clean-up.

    The child runs without the cyclic garbage collector: it ends after its work, whose cycles
    its exit frees (a child that runs builders one after another collects between them:
    ``building.run_task``). A builder's collections cost a tenth of its CPU; without them its
    peak memory grows by a few per cent (the largest builder of a release: 201 → 209 MB), as
    Sphinx's objects are mostly freed by their reference counts."""
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    # Held back during the fork: a handler that raises in os.fork's at-fork hooks (logging's)
    # has its exception printed and dropped, and the build would run on to its end.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    if pid:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a signal held back is raised here
        return pid
    code = 2
    try:
        for sig in _STOPPING:
            # A signal this process ignores (nohup, a background job) the child ignores too:
            # else one SIGINT to the group would stop the builders and not the release.
            if signal.getsignal(sig) is not signal.SIG_IGN:
                signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        die_with_parent(parent)
        gc.disable()
        code = work()
    except BaseException:  # reported; then the child ends with its status
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    raise AssertionError("unreachable")  # pragma: no cover


def stop(pids: Iterable[int]) -> None:
    """Stop each child (SIGTERM, then SIGKILL after ``GRACE``) and reap it."""
    left = set(pids)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in left:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.kill(pid, sig)
        deadline = time.monotonic() + GRACE
        while left and time.monotonic() < deadline:
            for pid in list(left):
                with contextlib.suppress(ChildProcessError):
                    if os.waitpid(pid, os.WNOHANG)[0] == 0:
                        continue
                left.discard(pid)
            time.sleep(0.02)
        if not left:
            return
