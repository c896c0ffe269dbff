"""Browser fixtures: a built site served on 127.0.0.1, and a headless Chromium to read it.

The fixtures are registered once for the session by ``pytest_plugins`` in ``conftest.py``.
Chromium is Debian's ``chromium`` (``CHROMIUM`` names another), else Playwright's own.
Without a browser the tests are skipped, saying why; in CI (``CI`` set) they fail instead.

Chromium itself refuses every request that is not for 127.0.0.1 (``local_only``), so that no
test reaches the network: a Playwright route would do it too, but it turns the browser's cache
off and holds every request until Python answers.
"""

from __future__ import annotations

import os
import socket
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tools import lighthouse

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Each page the tests load is a new document that runs its scripts (axe-core's half a
    # megabyte among them) a few times and is left: V8's optimising compilers would compile
    # them again for every page, on threads of their own, for runs too short to gain from it.
    # Without them the accessibility checks take a tenth less CPU in all: the suite's workers
    # share the machine's cores, so its CPU, not one page's time, is what the run waits on.
    "--js-flags=--no-opt --no-maglev",
]
HOST = lighthouse.HOST


def no_browser(reason: str) -> None:
    """Fail in CI, where the browser is installed on purpose; elsewhere skip and say why."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    warnings.warn(f"browser tests skipped: {reason}", stacklevel=2)
    pytest.skip(f"browser tests skipped: {reason}")


@contextmanager
def closed_port() -> Iterator[int]:
    """A port of 127.0.0.1 that refuses every connection while the context lasts: bound, so
    that nothing else takes it, and never listening."""
    with socket.socket() as reserved:
        reserved.bind((HOST, 0))
        yield reserved.getsockname()[1]


def local_only(port: int) -> list[str]:
    """Chromium's arguments that refuse every request not for 127.0.0.1: any other address
    goes through a proxy at ``port``, where nothing listens, and no other host name resolves.
    The request is still made, and shows in a page's ``request`` events (``Watched``)."""
    return [
        f"--proxy-server=http://{HOST}:{port}",
        # Chromium's own exception, all of 127/8 and localhost, first taken away: 127.0.0.1 alone.
        f"--proxy-bypass-list=<-loopback>;{HOST}",
        f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {HOST}",
    ]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Chromium, launched once per session, which reaches nothing but 127.0.0.1."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        no_browser("Playwright for Python is not installed (pip install -r tests/requirements.txt)")
    executable = CHROMIUM if Path(CHROMIUM).is_file() else None
    with closed_port() as port, sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=[*CHROMIUM_ARGS, *local_only(port)]
            )
        except Error as error:
            first_line = str(error).strip().splitlines()[0]
            no_browser(
                f"{CHROMIUM} is missing (apt-get install chromium) and Playwright's own Chromium "
                f"failed: {first_line}"
                if executable is None
                else f"{CHROMIUM} failed to start: {first_line}"
            )
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        # Browsers ask a host for /favicon.ico when a page names no icon (a test's small
        # project): the host's business, not a console error of the site's.
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        pass


def serving(directory: Path) -> AbstractContextManager[str]:
    """Serve ``directory`` on a free port of 127.0.0.1, as files are (not gzipped)."""
    return lighthouse.serve(directory, _QuietHandler)


def leaves(url: str) -> bool:
    """Whether fetching ``url`` would leave 127.0.0.1 (data: and blob: URLs never do)."""
    parts = urlsplit(url)
    return parts.scheme not in {"data", "blob", "about"} and parts.hostname != HOST


@dataclass
class Watched:
    """A page, with what went wrong on it: console errors, uncaught exceptions, and requests
    for anything not on 127.0.0.1 (which the browser refuses, ``local_only``)."""

    page: Any
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def watch(context: Any) -> Watched:
    """A new page of ``context``, watched."""
    watched = Watched(context.new_page())
    watched.page.on("console", lambda m: m.type == "error" and watched.errors.append(m.text))
    watched.page.on("pageerror", lambda error: watched.errors.append(str(error)))
    watched.page.on(
        "request",
        lambda request: leaves(request.url) and watched.outside.append(request.url),
    )
    return watched


@pytest.fixture
def watched(chromium: Any) -> Iterator[Watched]:
    """A fresh page in a fresh browser context, watched."""
    context = chromium.new_context()
    try:
        yield watch(context)
    finally:
        context.close()


@pytest.fixture(scope="session")
def reader(chromium: Any) -> Iterator[Callable[[str], Watched]]:
    """``reader(name)``: one watched page per name for the whole session, its lists emptied at
    each call. A reader going from query to query keeps the browser's cache, as a person
    searching one site does; what a test finds on the page is still only what that test did."""
    readers: dict[str, tuple[Any, Watched]] = {}

    def get(name: str) -> Watched:
        if name not in readers:
            context = chromium.new_context()
            readers[name] = (context, watch(context))
        watched = readers[name][1]
        watched.errors.clear()
        watched.outside.clear()
        return watched

    yield get
    for context, _ in readers.values():
        context.close()


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
    """``serve(directory)``: its base URL, one server per folder, all stopped at the end."""
    servers: dict[Path, tuple[str, AbstractContextManager[str]]] = {}

    def start(directory: Path) -> str:
        if directory not in servers:
            context = serving(directory)
            servers[directory] = (context.__enter__(), context)
        return servers[directory][0]

    yield start
    for _, context in servers.values():
        context.__exit__(None, None, None)
