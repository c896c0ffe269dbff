"""What the tests share besides fixtures: building, checking and copying the project.

Imported as ``from helpers import …`` (``tests/`` is on ``sys.path`` under pytest); the fixtures
that use these live in ``conftest.py``.

Two ways to build:

* ``build`` runs Sphinx in this process (``sphinx.testing``), for every test of the extension's
  behaviour. It is strict as the release build is (``nitpicky``; ``-W``: any warning is a
  failure) and fresh (``-E``): ``Build.returncode`` is 0 for a clean build, 1 when Sphinx warned,
  2 when the build stopped on an exception; ``Build.stderr`` holds the warnings and the error.
* The release build (``tools/release/``) runs in subprocesses, as it does for real; Read the
  Docs' builds (``read_the_docs``, with ``tools/readthedocs.py``'s commands) and other tests'
  runs of ``python -m sphinx`` are forked from a process with Sphinx loaded (``sphinx_forked``,
  ``warm_sphinx.py``), which runs what ``python -m sphinx`` runs, a second and a half sooner.
"""

from __future__ import annotations

import atexit
import functools
import gc
import hashlib
import itertools
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any, TypeVar

import pytest
from bs4 import BeautifulSoup
from filelock import FileLock

REPO = Path(__file__).resolve().parents[1]
for path in (REPO, REPO / "_ext"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from resume.languages import BY_SPHINX, SOURCE  # noqa: E402
from resume.outputs import file_name  # noqa: E402
from tools import readthedocs  # noqa: E402

from resume_sources import epoch_after_sources, phone, redirected  # noqa: E402

#: ``SOURCE_DATE_EPOCH`` of the builds under test: fixed for fixed sources, and after every date
#: they state, so that new content never falls after the build's date.
EPOCH = str(epoch_after_sources())
#: Another machine's user, as far as a build could see it: a time zone 14 hours from UTC (another
#: date than UTC's at EPOCH), the POSIX locale, another user name (``HOME`` is set per build).
ELSEWHERE = {"TZ": "Pacific/Kiritimati", "LANG": "POSIX", "USER": "someone-else",
             "LOGNAME": "someone-else"}  # fmt: skip
#: The environment variables that change what a build publishes (resume/environment.py), and
#: Read the Docs' own: the test session runs without them, whatever the shell has set.
BUILD_VARIABLES = ("RESUME_PHONE", "RESUME_GITHUB", "RESUME_NOINDEX", "SOURCE_DATE_EPOCH")
BUILD_VARIABLE_PREFIXES = ("READTHEDOCS",)
#: What a copy of the project leaves out: outputs, caches, compiled catalogs (rebuilt from .po).
COPY_IGNORE = (
    ".git", "_build", ".nox", ".venv", "venv", ".pytest_cache", "__pycache__", "*.mo",
    "node_modules",
)  # fmt: skip
#: The small test projects' conf.py: the résumé extension, strict. Chinese pages are indexed
#: without jieba's dictionary: an empty ``dict`` stops Sphinx from loading jieba's whole default
#: dictionary (about 350 000 words, a second or more) as a "user dictionary" on every build.
SMALL_CONF = (
    "import sys\n"
    f"sys.path.insert(0, {str(REPO / '_ext')!r})\n"
    "extensions = ['myst_parser', 'resume']\n"
    "language = 'zh_CN'\n"
    "nitpicky = True\n"
    "html_search_options = {'dict': ''}\n"
)


def elsewhere(home: Path) -> dict[str, str]:
    """This process's environment as another user's machine would have it (``ELSEWHERE``, no
    locale variable of ours, ``home`` as ``HOME``), with the tests' ``SOURCE_DATE_EPOCH``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG"))}
    home.mkdir(parents=True, exist_ok=True)
    return env | ELSEWHERE | {"HOME": str(home), "SOURCE_DATE_EPOCH": EPOCH}


@dataclass
class Build:
    """One Sphinx build: its status, what it reported, and where it wrote."""

    returncode: int
    stdout: str
    stderr: str
    outdir: Path
    language: str = SOURCE.sphinx
    #: The jieba user dictionaries that Sphinx loaded during the build (in-process builds only).
    jieba_dictionaries: list[str] = field(default_factory=list)
    _pages: dict[str, BeautifulSoup] = field(default_factory=dict, repr=False, compare=False)

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if "WARNING" in line or "ERROR" in line]

    @property
    def code(self) -> str:
        """The edition's folder and URL code (``zh-cn``, ``en``, ``ja``)."""
        return BY_SPHINX[self.language].code

    def html(self, docname: str) -> BeautifulSoup:
        """The page, parsed once: the tests read it, none changes it."""
        if docname not in self._pages:
            text = (self.outdir / f"{docname}.html").read_text("utf-8")
            self._pages[docname] = BeautifulSoup(text, "html.parser")
        return self._pages[docname]


@contextmanager
def environment(values: Mapping[str, str] | None) -> Iterator[None]:
    """``os.environ`` with ``values`` set (an empty value unsets the variable), then restored."""
    saved = dict(os.environ)
    try:
        for name, value in (values or {}).items():
            if value:
                os.environ[name] = value
            else:
                os.environ.pop(name, None)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def without_cyclic_collection() -> Iterator[None]:
    """No cyclic garbage collection while an in-process build runs, as in the release's forked
    builders (``tools.release.children.fork_call``): each full collection during the build
    walked this worker's whole heap again as the build grew it. What the build leaves in
    cycles is collected after it, once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def jieba_recorder() -> Iterator[list[str]]:
    """The dictionaries that Sphinx's Chinese search loads with ``jieba.load_userdict``."""
    import sphinx.search.zh as zh

    loaded: list[str] = []
    load = zh.jieba_load_userdict

    def record(path: str) -> None:
        loaded.append(str(path))
        load(path)

    zh.jieba_load_userdict = record
    try:
        yield loaded
    finally:
        zh.jieba_load_userdict = load


@functools.cache
def _template_cache() -> str:
    """This process's folder of compiled templates, in the session's temporary folder (TMPDIR:
    ``conftest.hermetic_environment``)."""
    return tempfile.mkdtemp(prefix="jinja2-", dir=os.environ.get("TMPDIR"))


def share_compiled_templates(app: Any) -> None:
    """Give the build's templates the bytecode cache that every in-process build of this test
    process shares (``theme.keep_compiled``, in the session's temporary folder), in place of the
    one beside the build's fresh doctrees (``theme.cache_compiled_templates``, tested on its
    own): each build would compile the same templates again, a third of a small project's
    build."""
    from resume.theme import keep_compiled

    keep_compiled(app, Path(_template_cache()))


def build(
    srcdir: Path,
    builddir: Path,
    builder: str = "html",
    language: str = SOURCE.sphinx,
    *,
    confoverrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    parallel: int = 0,
) -> Build:
    """Build ``srcdir`` in this process, strictly and from clean, into ``builddir/<builder>``.

    ``env`` is set while ``conf.py`` runs and the build lasts: the real project reads its
    environment variables there (``resume/environment.py``).
    """
    from sphinx.testing.util import SphinxTestApp

    shutil.rmtree(builddir, ignore_errors=True)
    status, warning = StringIO(), StringIO()
    overrides = {"language": language, **(confoverrides or {})}
    returncode, app = 0, None
    with environment(env), jieba_recorder() as loaded, without_cyclic_collection():
        try:
            app = SphinxTestApp(
                builder,
                srcdir=srcdir,
                builddir=builddir,
                freshenv=True,
                confoverrides=overrides,
                status=status,
                warning=warning,
                parallel=parallel,
            )
            share_compiled_templates(app)
            app.build(force_all=True)
        except Exception:  # what `python -m sphinx` reports, and exits 2 on
            warning.write(traceback.format_exc())
            returncode = 2
        finally:
            if app is not None:
                # SphinxTestApp.cleanup() deletes srcdir/docutils.conf: keep the project's own.
                docutils_conf = Path(srcdir, "docutils.conf")
                kept = docutils_conf.read_bytes() if docutils_conf.is_file() else None
                app.cleanup()
                if kept is not None:
                    docutils_conf.write_bytes(kept)
    stderr = warning.getvalue()
    if returncode == 0 and stderr.strip():
        returncode = 1  # -W: a warning fails the build
    return Build(returncode, status.getvalue(), stderr, builddir / builder, language, list(loaded))


T = TypeVar("T")


def shared(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], T]) -> T:
    """``make(folder)``, run once per test run whatever the number of workers, and its result.

    Under pytest-xdist each worker has a session of its own, so a session fixture would build
    once per worker. The first worker to ask builds under a lock in the run's temporary root,
    which every worker shares and pytest removes after a passing run, and keeps the result
    beside the build (pickled); the others wait for the lock and read it. ``make`` must return
    something that pickles (``Build``, ``ReadTheDocs``, paths, tuples).
    """
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder; each worker's own is a folder in it
    folder = root / "shared" / name
    kept = root / "shared" / f"{name}.pickle"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(root / "shared" / f"{name}.lock"):
        if kept.is_file():
            value: T = pickle.loads(kept.read_bytes())
            return value
        shutil.rmtree(folder, ignore_errors=True)  # a build that stopped half-way
        folder.mkdir()
        value = make(folder)
        temporary = kept.with_suffix(".partial")
        temporary.write_bytes(pickle.dumps(value))
        temporary.replace(kept)
        return value


def write_project(src: Path, pages: Mapping[str, str], conf: str = "") -> Path:
    """A small project that uses the résumé extension (``SMALL_CONF`` + ``conf``)."""
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(SMALL_CONF + conf, "utf-8")
    for name, text in pages.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return src


def copy_project(target: Path) -> Path:
    """A copy of the repository's sources, to break without touching the real ones."""
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns(*COPY_IGNORE))
    return target


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (following links), by path, with its SHA-256."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped by its new parent, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def release(build: Path, source: Path = REPO, codes: tuple[str, ...] = ()) -> tuple[bool, str, str]:
    """``tools.release.release_build`` with ``SOURCE_DATE_EPOCH=EPOCH``: (success, stdout, stderr).

    What it prints is captured here and also passed on, so that a failing test shows it.
    """
    from tools.release import release_build

    out, err = StringIO(), StringIO()
    with environment({"SOURCE_DATE_EPOCH": EPOCH}), redirect_stdout(out), redirect_stderr(err):
        ok = release_build(build=build, source=source, codes=codes)
    sys.stdout.write(out.getvalue())
    sys.stderr.write(err.getvalue())
    return ok, out.getvalue(), err.getvalue()


#: The owner's phone number as conf.py masks it, and a made-up full number that fits the mask
#: (tests never hold the owner's real one), for the real site's opt-in builds; and a profile.
PHONE = phone()
MADE_UP = PHONE.made_up
GITHUB = "https://github.com/example"
#: The small test projects' phone number, masked, and a made-up full number that fits it:
#: literals of their own, which no change of the owner's number reaches.
SMALL_MASKED = "+86 136 **** 3209"
SMALL_FULL = "+86 136 1234 3209"
#: The opt-in builds' base URL, for each edition: ``OPT_IN_BASEURL.format(code)``.
OPT_IN_BASEURL = "https://example.org/{}/"

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
#: The program that checks several ePubs in one Java process (run from source).
EPUBCHECK_MANY = REPO / "tests" / "EpubCheckMany.java"
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")


def file_digest(path: Path) -> str:
    """The SHA-256 of the file's bytes."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def epubcheck_reports(books: Sequence[Path], folder: Path) -> dict[str, tuple[int, str]]:
    """Check ``books`` with the reference validator, all in one Java process
    (``EpubCheckMany.java``, reports in ``folder``): for each book's SHA-256, the exit status
    that ``java -jar epubcheck.jar --usage BOOK`` returns and what it prints.

    Without Java or epubcheck the test is skipped, saying why; in CI it fails instead.
    """
    java = shutil.which("java")
    if not (java and EPUBCHECK.is_file()):
        reason = (
            "epubcheck needs Java and /usr/share/java/epubcheck.jar (apt-get install epubcheck)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    # A short run: the client compiler and the serial collector halve the JVM's time.
    command = [java, *JAVA_OPTIONS, "-cp", str(EPUBCHECK), str(EPUBCHECK_MANY), str(folder),
               *map(str, books)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    reports = {}
    for index, book in enumerate(books):
        status, _, output = (folder / f"{index}.txt").read_text("utf-8").partition("\n")
        reports[file_digest(book)] = (int(status), output)
    return reports


def without_a_page(book: Path, folder: Path) -> Path:
    """A copy of ``book`` in ``folder`` without one page (``experience/index.xhtml``), which its
    manifest still lists: a book that epubcheck must refuse."""
    broken = folder / book.name
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            if info.filename != "experience/index.xhtml":
                target.writestr(info, source.read(info))
    return broken


def epubcheck_passed(returncode: int, output: str) -> str:
    """A book's epubcheck report (``epubcheck_reports``) says it passed: no fatal, error or
    warning, and, among the usage notes (``--usage``), none that a content document lacks its
    language (HTM-020, HTM-021). Returns what epubcheck printed."""
    assert returncode == 0, output
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in output, output
    assert "HTM-020" not in output and "HTM-021" not in output, output
    return output


# -- python -m sphinx, forked from a warm process ------------------------------------------


class WarmSphinx:
    """The server of ``warm_sphinx.py``, and the builds it runs for this process: one request
    line per build, answered when it finishes; several threads may wait on builds at once."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("warm_sphinx.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.lock = threading.Lock()  # guards ``waiting``
        self.sending = threading.Lock()  # one request line at a time
        self.waiting: dict[int, Future[list[Any]]] = {}
        self.count = itertools.count()
        threading.Thread(target=self._answers, daemon=True).start()
        atexit.register(self.close)

    def close(self) -> None:
        """End the server (at its end of input) and wait for it, as for any child process."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()

    def run(self, arguments: Sequence[str], env: Mapping[str, str], cwd: Path) -> list[Any]:
        """(exit status, stdout, stderr) of one build."""
        answer: Future[list[Any]] = Future()
        with self.lock:
            ident = next(self.count)
            self.waiting[ident] = answer
        request = {"id": ident, "arguments": list(arguments), "env": dict(env), "cwd": str(cwd)}
        with self.sending:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        return answer.result()

    def _answers(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            reply = json.loads(line)
            with self.lock:
                answer = self.waiting.pop(reply["id"])
            answer.set_result(reply["result"])
        with self.lock:  # the server ended: no answer will come
            ended, self.waiting = list(self.waiting.values()), {}
        for answer in ended:
            answer.set_exception(RuntimeError("the warm Sphinx process ended"))


_WARM: list[WarmSphinx] = []
_WARM_LOCK = threading.Lock()


def _warm_sphinx() -> WarmSphinx:
    """This process's server (``warm_sphinx.py``), started at its first build (one, whichever
    thread asks first)."""
    with _WARM_LOCK:
        if not _WARM:
            _WARM.append(WarmSphinx())
        return _WARM[0]


def sphinx_forked(
    arguments: Sequence[str], env: Mapping[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m sphinx arguments`` in ``cwd`` with the environment ``env`` (the whole of it),
    run in a child forked from a process that has Sphinx, MyST, furo and jieba's dictionary
    loaded (``warm_sphinx.py``), and what ``subprocess.run(…, capture_output=True, text=True)``
    returns for it. Each build starts from that state and imports the project's extension
    itself: what one build loads or changes, no other sees."""
    returncode, out, err = _warm_sphinx().run(arguments, env, cwd or Path.cwd())
    # As text=True reads a pipe: universal newlines (Sphinx ends a progress line with "\r").
    out, err = (re.sub(r"\r\n?", "\n", text) for text in (out, err))
    return subprocess.CompletedProcess(["sphinx", *arguments], returncode, out, err)


def run_forked(command: Sequence[str], **options: Any) -> subprocess.CompletedProcess[str]:
    """``subprocess.run(command, …)`` for a command ``python -m sphinx …``, through
    ``sphinx_forked``: with ``env`` and ``cwd``; its output captured as text
    (``capture_output``), else printed; ``check`` raises as ``subprocess.run`` does."""
    _, flag, module, *arguments = command
    assert (flag, module) == ("-m", "sphinx"), command
    assert set(options) <= {"capture_output", "text", "env", "cwd", "check"}, options
    assert options.get("text") or not options.get("capture_output"), "output is read as text"
    result = sphinx_forked(arguments, options.get("env") or os.environ, options.get("cwd"))
    result.args = list(command)  # before check: its error names the command
    if not options.get("capture_output"):
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        result.stdout = result.stderr = None
    if options.get("check"):
        result.check_returncode()
    return result


# -- Read the Docs -------------------------------------------------------------------------

RTD_PROJECT = readthedocs.PROJECT
#: Each edition's address on Read the Docs: ``RTD_BASE.format(code)``.
RTD_BASE = readthedocs.canonical_url("{}")
#: The parent project and one translation.
RTD_CODES = ("zh-cn", "en")
#: What Read the Docs injected into html_context until 2024, and furo still reads (-A name=value).
INJECTED_CONTEXT = {"READTHEDOCS": "True", "slug": RTD_PROJECT, "display_github": "True",
                    "github_user": "owner", "github_repo": "resume", "github_version": "main",
                    "conf_py_path": "/"}  # fmt: skip


@dataclass
class ReadTheDocs(readthedocs.Build):
    """One project's build on Read the Docs (what it printed and returned, by format), and its
    pages."""

    @property
    def html(self) -> Path:
        return self.output / "html"

    @property
    def epub(self) -> Path:
        return self.output / "epub" / file_name(self.code, "epub")

    @property
    def base(self) -> str:
        return readthedocs.canonical_url(self.code)

    _pages: dict[str, BeautifulSoup] = field(default_factory=dict, repr=False, compare=False)

    def page(self, name: str) -> BeautifulSoup:
        """The page, parsed once: the tests read it, none changes it."""
        if name not in self._pages:
            text = (self.html / name).read_text("utf-8")
            self._pages[name] = BeautifulSoup(text, "html.parser")
        return self._pages[name]

    def pages(self) -> list[str]:
        return site_pages(self.html)


def site_pages(folder: Path) -> list[str]:
    """Every page of an edition's web site in ``folder``, relative to it, sorted; not the old
    addresses that ``redirects.txt`` sends on, which hold a refresh and a link, no page
    (``_ext/resume/redirects.py``; test_redirects checks them)."""
    old = {f"{docname}.html" for docname in redirected()}
    return sorted(
        name
        for name in (p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
        if name not in old
    )


def read_the_docs(
    code: str,
    root: Path,
    builders: tuple[str, ...] = readthedocs.FORMATS,
    extra_env: Mapping[str, str] | None = None,
    options: tuple[str, ...] = (),
) -> ReadTheDocs:
    """Read the Docs' build of one project (``tools.readthedocs.build``: its commands and
    environment, each command forked from a warm process), into ``root``: ``builders`` in turn
    into ``root/_readthedocs/<builder>``, all reading ``root/doctrees``, as there."""
    done = readthedocs.build(
        code, root / "_readthedocs", root / "doctrees",
        formats=builders, env=extra_env, options=options, run=run_forked,
    )  # fmt: skip
    return ReadTheDocs(done.code, done.output, done.logs, done.returncodes)
