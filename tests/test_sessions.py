"""The nox sessions that typeset anything (the PDF, the text résumé, the social card) install
the pinned fonts: a fresh clone has no other way to get them.

``noxfile.py`` is imported with a stand-in for nox (the test environment has none) and each
session is called with a session that records what it installs and runs.
"""

from __future__ import annotations

import importlib
import signal
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import REPO


class Recorder:
    """A nox session: what it installs, in order, and what it runs."""

    def __init__(self, posargs: list[str]) -> None:
        self.posargs = posargs
        self.bin = str(Path(sys.executable).parent)
        self.installed: list[str] = []
        self.ran: list[tuple[str, ...]] = []

    def install(self, *args: str) -> None:
        self.installed += [arg for arg in args if arg != "-r"]

    def run(self, *args: str, **_: Any) -> None:
        self.ran.append(args)

    def notify(self, *_: Any) -> None:
        pass

    def log(self, *_: Any) -> None:
        pass


class CommandFailed(Exception):
    """nox's: a command's exit status that is not a success."""

    def __init__(self, reason: str, *, return_code: int) -> None:
        super().__init__(reason)
        self.return_code = return_code


class Aborted(Exception):
    """What ``session.error`` raises, with its message."""


@pytest.fixture(scope="module")
def noxfile() -> types.ModuleType:
    def session(*args: Any, **kwargs: Any) -> Callable[..., Any]:
        if args and callable(args[0]):
            return args[0]
        return lambda function: function

    stand_in = types.ModuleType("nox")
    stand_in.session = session  # type: ignore[attr-defined]
    stand_in.Session = Recorder  # type: ignore[attr-defined]
    stand_in.options = types.SimpleNamespace()  # type: ignore[attr-defined]
    stand_in.command = types.SimpleNamespace(CommandFailed=CommandFailed)  # type: ignore[attr-defined]
    saved = sys.modules.get("nox")
    sys.modules["nox"] = stand_in
    sys.path.insert(0, str(REPO))
    try:
        sys.modules.pop("noxfile", None)
        return importlib.import_module("noxfile")
    finally:
        sys.path.remove(str(REPO))
        if saved is None:
            sys.modules.pop("nox", None)
        else:
            sys.modules["nox"] = saved


@pytest.mark.parametrize(("name", "posargs"), [("pdf", ["en", "--out", "x"]), ("serve", ["en"])])
def test_a_session_that_typesets_installs_the_fonts(noxfile, name: str, posargs: list[str]) -> None:
    session = Recorder(posargs)
    getattr(noxfile, name)(session)
    assert noxfile.FONT_REQUIREMENTS in session.installed, session.installed
    assert session.ran, "the session ran nothing"


def test_the_build_runs_the_release_as_a_program_in_the_session(noxfile) -> None:
    """``nox -s build`` hands its arguments to ``python -m tools.release`` in the session's
    environment, which parses them; nox's own process builds nothing."""
    session = Recorder(["en", "--variant", "platform-en"])
    noxfile.build(session)
    assert session.ran == [("python", "-m", "tools.release", "en", "--variant", "platform-en")]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV], ids=lambda s: s.name)
def test_a_release_killed_outright_says_so_and_what_to_do(noxfile, sig: signal.Signals) -> None:
    """A release SIGKILLed says nothing itself, and nox only gives its exit status (-9): the
    session says how it ended, that the live site is the previous one, and to build again."""

    class Killed(Recorder):
        def run(self, *args: str, **_: Any) -> None:
            raise CommandFailed(f"Returned code {-sig}", return_code=-sig)

        def error(self, *args: Any) -> None:
            raise Aborted(*args)

    with pytest.raises(Aborted) as aborted:
        noxfile.build(Killed([]))
    said = str(aborted.value)
    assert sig.name in said and "untouched" in said, said
    assert "What to do: build again" in said, said


def test_a_release_that_fails_has_said_why_itself(noxfile) -> None:
    """A release that fails on its own (exit 1) has printed its problems and what to do."""

    class Failed(Recorder):
        def run(self, *args: str, **_: Any) -> None:
            raise CommandFailed("Returned code 1", return_code=1)

    with pytest.raises(CommandFailed):
        noxfile.build(Failed([]))


def test_noxfile_imports_with_the_standard_library_alone() -> None:
    """nox runs ``noxfile.py`` in its own environment, which has none of the build's packages:
    what it imports of the project must need only the standard library, and nothing of
    ``tools/``, which runs in the sessions."""
    import subprocess

    nox_stand_in = (
        "import sys, types; sys.modules['nox'] = types.SimpleNamespace("
        "options=types.SimpleNamespace(), session=lambda *a, **k: (lambda f: f) if not a else a[0])"
    )
    code = (
        f"{nox_stand_in}; sys.path[:0] = [{str(REPO)!r}]; import noxfile; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'tools'], 'imports tools/'"
    )
    # -S: no site-packages (no Sphinx, no Babel, no docutils), as in nox's own environment.
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
