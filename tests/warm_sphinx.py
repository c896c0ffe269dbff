"""``python -m sphinx`` without starting a Python: a build forked from a process that has loaded
Sphinx, MyST, furo and jieba's dictionary (``helpers.sphinx_forked`` runs this server).

A new Python for each ``sphinx-build`` spends about a second and a half importing those and
loading jieba's dictionary before the build starts; the tests that run many builds (the
preview's incremental builds and their clean counterparts, Read the Docs' builds) fork each
one from this module's process instead, as ``nox -s serve`` does (``tools/preview.py``), and
run ``sphinx.cmd.build.build_main``, exactly as ``python -m sphinx`` would.

It imports nothing of the project's extension: each build imports the extension of the project
it builds, from that project's ``_ext`` (its ``conf.py`` puts it on the path), as a new Python
would; a module imported here would be the one every build got. What it loads is the release's
list (``tools.preloading``), which names none of the extension.

Run as ``python tests/warm_sphinx.py``, it serves: each line on its standard input is a build
(JSON: ``id``, ``arguments``, ``env``, ``cwd``), forked at once, so that builds run side by
side; each line it writes is one that finished (``id``, ``result``: exit status, stdout,
stderr), in the order they finish. It ends when its standard input does. A small server of our
own rather than ``multiprocessing``'s fork server, which runs the parent's main script again
in each child and would need the build's function pickled from a process that must not import
this module.
"""

from __future__ import annotations

import gc
import json
import os
import selectors
import sys
import time
import traceback
from collections.abc import Mapping


def warm_up() -> None:
    """Import what every build imports (``tools.preloading``) and load jieba's dictionary."""
    from tools.preloading import load_search_dictionary, preload_sphinx

    preload_sphinx()
    load_search_dictionary()


def build_main(arguments: list[str], env: Mapping[str, str], cwd: str) -> tuple[int, str, str]:
    """``python -m sphinx arguments`` in ``cwd`` with the environment ``env``, in this (forked)
    process: (exit status, what it printed on stdout, on stderr). A crash is reported as
    ``python -m sphinx`` reports one: a traceback, status 2."""
    import sphinx
    from sphinx.cmd.build import build_main as sphinx_build

    from tools.preloading import run_captured

    # What python -m sphinx has in sys.argv (its messages name the program after it).
    sys.argv = [os.path.join(os.path.dirname(sphinx.__file__), "__main__.py"), *arguments]
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()  # TZ as the environment says
    returncode, out, err, _ = run_captured(sphinx_build, arguments)
    return returncode, out, err


def serve(requests: int = 0, replies: int = 1) -> None:
    """Fork a child for each request read from the file descriptor ``requests``, write each
    result to ``replies`` when its child ends; return when ``requests`` ends and every child
    has."""
    selector = selectors.DefaultSelector()
    selector.register(requests, selectors.EVENT_READ)
    pending = b""
    running: dict[int, tuple[int, object, bytearray]] = {}  # pipe: child, request id, result
    while True:
        for key, _ in selector.select():
            fd = key.fd
            if fd == requests:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    selector.unregister(fd)
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    request = json.loads(line)
                    pipe, pid = _fork(request, requests, replies)
                    running[pipe] = (pid, request["id"], bytearray())
                    selector.register(pipe, selectors.EVENT_READ)
                continue
            pid, ident, result = running[fd]
            chunk = os.read(fd, 1 << 16)
            if chunk:
                result += chunk
                continue
            selector.unregister(fd)
            os.close(fd)
            del running[fd]
            status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            said = (
                json.loads(result) if result else [2, "", f"the build's process ended ({status})"]
            )
            _write_all(replies, json.dumps({"id": ident, "result": said}).encode() + b"\n")
        if not running and requests not in selector.get_map():
            return


def _fork(request: dict, requests: int, replies: int) -> tuple[int, int]:
    """Start the child that runs one request; the pipe its result comes through, its pid."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return read_end, pid
    result: object = [2, "", "the build did not run"]
    try:
        gc.disable()  # as the release's builders (tools.release.children.fork_call)
        os.close(read_end)
        os.close(requests)
        os.close(replies)
        result = build_main(request["arguments"], request["env"], request["cwd"])
    except BaseException:
        result = [2, "", traceback.format_exc()]
    finally:
        try:
            _write_all(write_end, json.dumps(result).encode())
        finally:
            os._exit(0)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


if __name__ == "__main__":
    # The replies go through a descriptor of their own: what a build prints outside Python's
    # streams (a library writing to the file descriptor) goes to this server's stderr instead.
    replies = os.dup(1)
    os.dup2(2, 1)
    sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tools
    warm_up()
    serve(sys.stdin.fileno(), replies)
