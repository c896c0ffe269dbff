"""Publishing is all or nothing: whatever instant the build dies, ``_build/html`` and
``_build/epub`` show the whole previous output or the whole new one; an interrupted build stops
its children, and the next build removes what it left.

These tests run ``release_build`` with a stand-in for Sphinx that writes each builder's
output in a few milliseconds (``fake_build``), or ``publish`` on a prepared tree; the real site is
built by ``tests/test_release.py``.
"""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from resume.languages import EDITIONS
from resume.outputs import SITE_FILES, file_name
from tools import release
from tools.release import PublishError, layout, live_release, publish, recover, release_build
from tools.release.building import BuildMain

from helpers import alive, tree_digest

REPO = Path(__file__).resolve().parents[1]
CODES = [e.code for e in EDITIONS]


# A stand-in for Sphinx's ``build_main``, which the release calls in each child with
# ``sphinx-build``'s arguments: writes a tiny HTML tree, ePub, or PDF and text saying FAKE_VERSION
# into the output folder (its last argument), and the site's own files (SITE_FILES) beside the
# HTML. FAKE_FAIL (codes) makes those editions fail (saying FAKE_SAY, its output folder for
# {outdir}, when given), FAKE_SLEEP makes it slow, FAKE_PIDS collects
# its pid, FAKE_NO_FILE names a site file the HTML builder leaves out.
def fake_build(arguments: list[str]) -> int:
    builder, outdir = arguments[arguments.index("-b") + 1], Path(arguments[-1])
    code = outdir.name  # the edition's code, or the variant's name
    version = os.environ.get("FAKE_VERSION", "v")
    if os.environ.get("FAKE_PIDS"):
        with open(os.environ["FAKE_PIDS"], "a") as pids:
            pids.write(f"{os.getpid()}\n")
    time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
    if code in os.environ.get("FAKE_FAIL", "").split(","):
        said = os.environ.get("FAKE_SAY", "pages/{outdir}.md:3: ERROR: made-up failure")
        print(said.replace("{outdir}", str(outdir)), file=sys.stderr)
        return 1
    outdir.mkdir(parents=True)
    if builder == "html":
        (outdir / "index.html").write_text(f"<title>{code}</title>{version}", "utf-8")
        (outdir / "_static").mkdir()
        (outdir / "_static" / "style.css").write_text(version, "utf-8")
        for name in SITE_FILES:
            if name != os.environ.get("FAKE_NO_FILE"):
                (outdir / name).write_text(version, "utf-8")
    elif builder == "epub":
        with zipfile.ZipFile(outdir / file_name(code, "epub"), "w") as book:
            book.writestr("mimetype", "application/epub+zip")
            book.writestr("content.txt", version)
    else:
        for extension in ("pdf", "txt"):
            (outdir / file_name(code, extension)).write_text(version, "utf-8")
    return 0


# Reads lines "build TAB staged TAB n TAB codes TAB log" and for each forks a child that runs
# ``publish`` and SIGKILLs itself just before its n-th change to the file system (0: never),
# then writes how many changes it made to log.out (its stderr to log.err); prints each child's
# exit status. One process, with tools.release imported once, forks a child per kill point (a
# fork from the test process, which may have other threads, could hang).
KILL_SCRIPT = """\
import os, signal, sys, traceback
sys.path.insert(0, {repo!r})
from pathlib import Path
from tools import release
def publish(build, staged, n, codes):
    count = 0
    def counted(call):
        def wrapper(*args, **kwargs):
            nonlocal count
            count += 1
            if count == n:
                os.kill(os.getpid(), signal.SIGKILL)
            return call(*args, **kwargs)
        return wrapper
    for name in ("rename", "replace", "symlink", "link", "unlink", "remove", "rmdir", "mkdir"):
        setattr(os, name, counted(getattr(os, name)))
    release.publish(build, staged, codes)
    return count
for line in sys.stdin:
    build, staged, n, codes, log = line.rstrip("\\n").split("\\t")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.dup2(os.open(log + ".out", os.O_WRONLY | os.O_CREAT, 0o644), 1)
            os.dup2(os.open(log + ".err", os.O_WRONLY | os.O_CREAT, 0o644), 2)
            print(publish(Path(build), Path(staged), int(n), codes.split(",") if codes else []))
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""

# Runs ``release_build`` with the fake builder in a child process, to be interrupted. A test run
# started in the background ("&" in a script) ignores SIGINT, and so would this child: it takes
# Python's default handler, as a build started at a terminal has. The fake builder imports
# nothing of Sphinx, so neither does the release beforehand (``preload``).
BUILD_SCRIPT = """\
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path[:0] = [{repo!r}, {repo!r} + "/_ext", {repo!r} + "/tests"]
from pathlib import Path
from tools.release import building, release_build
from test_publish import fake_build
building.preload = lambda source: None
sys.exit(0 if release_build(build=Path(sys.argv[1]), build_main=fake_build) else 1)
"""


@pytest.fixture
def fake_python() -> BuildMain:
    """The stand-in for Sphinx that the release's children call (``fake_build``)."""
    return fake_build


@pytest.fixture
def fake_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A fixed SOURCE_DATE_EPOCH, and none of the fake's switches."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    switches = ("FAKE_VERSION", "FAKE_FAIL", "FAKE_SLEEP", "FAKE_PIDS", "FAKE_NO_FILE", "FAKE_SAY")
    for name in switches:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def build_version(
    fake: BuildMain, build: Path, version: str, codes: list[str] | tuple[str, ...] = (), **env: str
) -> bool:
    os.environ["FAKE_VERSION"] = version
    os.environ.update(env)
    try:
        return release_build(codes, build=build, build_main=fake)
    finally:
        for name in ("FAKE_VERSION", *env):
            os.environ.pop(name, None)


def site(build: Path) -> dict[str, str | None]:
    """What each published path says: ``{"html/en": "A", "epub/en": "A", …, "root": …}``."""
    state: dict[str, str | None] = {}
    for code in CODES:
        page = build / "html" / code / "index.html"
        state[f"html/{code}"] = (
            page.read_text("utf-8").split("</title>")[1] if page.is_file() else None
        )
        book = build / "epub" / code / file_name(code, "epub")
        if book.is_file():
            with zipfile.ZipFile(book) as archive:
                state[f"epub/{code}"] = archive.read("content.txt").decode()
        else:
            state[f"epub/{code}"] = None
    state["root"] = "yes" if (build / "html" / "index.html").is_file() else None
    return state


def expected(old: str, new: str, built: list[str]) -> dict[str, str | None]:
    """The site after a build of ``built`` (all if empty) as ``new`` over a site all ``old``."""
    return {
        **{
            f"{fmt}/{c}": new if (not built or c in built) else old
            for c in CODES
            for fmt in ("html", "epub")
        },
        "root": "yes",
    }


def leftovers(build: Path) -> list[str]:
    """Anything but the live release, its links and the lock."""
    live = live_release(build)
    links = {"current", "html", "epub", "pdf", "text", ".lock", ".releases"}
    names = {p.name for p in build.iterdir()} - links
    held = {p.name for p in (build / ".releases").glob("*")} - {live.name if live else ""}
    return sorted(names | {f".releases/{name}" for name in held})


def stage(root: Path, version: str, codes: list[str]) -> Path:
    """A staged release as ``assemble`` leaves it: ``html/<code>/``, ``epub/<code>/<book>``."""
    for code in codes:
        html = root / "html" / code
        (html / "_static").mkdir(parents=True)
        (html / "index.html").write_text(f"<title>{code}</title>{version}", "utf-8")
        (html / "_static" / "style.css").write_text(version, "utf-8")
        (root / "epub" / code).mkdir(parents=True)
        with zipfile.ZipFile(root / "epub" / code / file_name(code, "epub"), "w") as book:
            book.writestr("mimetype", "application/epub+zip")
            book.writestr("content.txt", version)
    return root


# -- The layout --------------------------------------------------------------------------------


def test_layout_links_and_one_release(fake_python, fake_env, tmp_path):
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    assert site(build) == expected("A", "A", [])
    assert os.readlink(build / "html") == "current/html"
    assert os.readlink(build / "epub") == "current/epub"
    assert os.readlink(build / "current").startswith(".releases/")
    assert leftovers(build) == []
    first = os.readlink(build / "current")

    assert build_version(fake_python, build, "A")  # the same output: the same release, unchanged
    assert os.readlink(build / "current") == first
    assert build_version(fake_python, build, "B")
    assert os.readlink(build / "current") != first
    assert site(build) == expected("A", "B", [])
    assert leftovers(build) == [], "the old release was not removed"


def test_two_builds_make_the_same_tree(fake_python, fake_env, tmp_path):
    """The release's name is a digest of its content: equal builds, equal trees, even read
    with ``rglob`` (which does not follow the links)."""
    first, second = tmp_path / "one" / "_build", tmp_path / "two" / "_build"
    assert build_version(fake_python, first, "A") and build_version(fake_python, second, "A")
    assert tree_digest(first) == tree_digest(second)
    assert tree_digest(first / "current") == tree_digest(second / "current")
    assert "html/en/index.html" in tree_digest(first / "current")


# -- Fault 1: a repeated edition code ----------------------------------------------------------


def test_repeated_code_is_built_once(fake_python, fake_env, tmp_path, capsys):
    assert [e.code for e in release.resolve_editions(["en", "ja", "en"])] == ["en", "ja"]
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    assert build_version(fake_python, build, "B", ["en", "en"])
    assert site(build) == expected("A", "B", ["en"])
    assert capsys.readouterr().out.count("[html/en] ok") == 2  # one per build
    assert leftovers(build) == []


def test_partial_build_carries_the_other_editions_over(fake_python, fake_env, tmp_path):
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    assert build_version(fake_python, build, "B", ["ja"])
    assert build_version(fake_python, build, "C", ["zh-cn"])
    assert site(build) == {**expected("A", "A", []), **{
        "html/ja": "B", "epub/ja": "B", "html/zh-cn": "C", "epub/zh-cn": "C",
    }}  # fmt: skip
    assert leftovers(build) == []


def test_unknown_code_says_what_to_do():
    with pytest.raises(SystemExit, match="What to do: name editions from zh-cn, en, ja"):
        release.resolve_editions(["fr"])


def test_failed_build_changes_nothing(fake_python, fake_env, tmp_path, capsys):
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    live = os.readlink(build / "current")
    assert not build_version(fake_python, build, "B", FAKE_FAIL="ja")
    assert site(build) == expected("A", "A", [])
    assert os.readlink(build / "current") == live
    assert leftovers(build) == []
    err = capsys.readouterr().err
    assert "What to do:" in err and "untouched" in err


def test_a_failure_says_each_thing_once(fake_python, fake_env, tmp_path, capsys):
    """A message's own advice is not repeated in a summary, the previous output is said to be
    untouched once, on the last line, and a path into the staging folder (gone when the build
    ends) is shown as the output it belongs to."""
    build = tmp_path / "_build"
    say = "{outdir}/index.html:1: WARNING: made up. What to do: mend the made-up thing [resume.x]"
    assert not build_version(fake_python, build, "A", ["ja"], FAKE_FAIL="ja", FAKE_SAY=say)
    out, err = capsys.readouterr()
    said = [line for line in out.splitlines() if "mend the made-up thing" in line]
    assert len(said) == 3 and all("WARNING: made up." in line for line in said), out  # a job each
    assert "What to do" not in err, err
    assert err.splitlines() == [
        f"Build failed (html/ja, epub/ja, resumepdf/ja). The previous output in {build} is "
        "untouched."
    ]
    assert ".staging-" not in out
    assert "[html/ja] html/ja/index.html:1: WARNING: made up." in out


def test_a_refusal_ends_with_what_to_do_then_untouched(fake_python, fake_env, tmp_path, capsys):
    """The layout's refusal and an environment variable's: the message ends with its advice,
    and the previous output is said to be untouched on a line of its own, once."""
    build = tmp_path / "_build"
    build.mkdir()
    (build / ".releases").symlink_to(tmp_path)
    assert not build_version(fake_python, build, "A")
    lines = capsys.readouterr().err.splitlines()
    assert lines[-2].startswith("What to do: ") and lines[-2].endswith("then build again")
    assert lines[-1] == f"The previous output in {build} is untouched."
    fake_env.setenv("READTHEDOCS_CANONICAL_URL", "ftp://x")
    from tools.release.__main__ import main

    assert main(["en"]) == 1  # refused before the build folder is touched
    lines = capsys.readouterr().err.splitlines()
    assert "What to do: " in lines[-2] and lines[-2].endswith("or unset it"), lines
    assert lines[-1].startswith("The previous output in ") and len(lines) == 2, lines


@pytest.mark.parametrize("missing", SITE_FILES)
def test_a_site_without_its_own_files_is_not_published(missing, fake_python, fake_env, tmp_path,
                                                       capsys):  # fmt: skip
    """resume.json, the vCard and the social card are published with the pages, or nothing is."""
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    assert all((build / "html" / code / name).is_file() for code in CODES for name in SITE_FILES)
    assert not build_version(fake_python, build, "B", FAKE_NO_FILE=missing)
    assert site(build) == expected("A", "A", [])
    err = capsys.readouterr().err
    assert f"wrote no {missing}" in err and "What to do:" in err


# -- Fault 2: killed at any instant --------------------------------------------------------------


class Killed(NamedTuple):
    """How a publishing child of ``KILL_SCRIPT`` ended, and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def killed_publish(tmp_path: Path) -> Iterator[Callable[[Path, Path, int, list[str]], Killed]]:
    """``kill(build, staged, n, codes)``: ``publish`` in a child SIGKILLed before its n-th
    change (``KILL_SCRIPT``); its exit status, stdout and stderr."""
    script = KILL_SCRIPT.format(repo=str(REPO))
    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as forker:
        assert forker.stdin and forker.stdout

        def kill(build: Path, staged: Path, n: int, codes: list[str]) -> Killed:
            log = tmp_path / f"kill-{n}"
            line = "\t".join((str(build), str(staged), str(n), ",".join(codes), str(log)))
            forker.stdin.write(line + "\n")
            forker.stdin.flush()
            status = forker.stdout.readline()
            assert status, "the process that forks the publishing children ended"
            out, err = (log.with_suffix(suffix).read_text() for suffix in (".out", ".err"))
            return Killed(int(status), out, err)

        yield kill
        forker.stdin.close()


@pytest.mark.parametrize("scenario", ["all-editions", "one-edition"])
def test_killed_publish_leaves_old_or_new_never_a_mix(
    scenario, fake_python, fake_env, tmp_path, killed_publish
):
    """SIGKILL the publishing process before each of its changes to the file system in turn."""
    codes = ["en"] if scenario == "one-edition" else []
    template = tmp_path / "template"
    assert build_version(fake_python, template, "A")
    old, new = expected("A", "A", []), expected("A", "B", codes)

    def attempt(n: int) -> tuple[int, Killed, Path]:
        build = tmp_path / f"run-{n}" / "_build"
        build.parent.mkdir()
        subprocess.run(["cp", "-a", str(template), str(build)], check=True)
        staged = stage(build / ".staging-1-test" / "release", "B", codes or CODES)
        return n, killed_publish(build, staged, n, codes), build

    _, whole, _ = attempt(0)
    assert whole.returncode == 0, whole.stderr
    changes = int(whole.stdout)
    assert changes > 5
    runs = [attempt(n) for n in range(1, changes + 2)]
    outcomes = set()
    for n, result, build in runs:
        killed = result.returncode == -signal.SIGKILL
        assert killed == (n <= changes), result.stderr
        # No repair needed: at every instant, the published paths show one whole release.
        assert site(build) in (old, new), f"a mixed site when killed before change {n}"
        recover(build)
        state = site(build)
        assert state in (old, new), f"a mixed site when killed before change {n}, after recovery"
        outcomes.add("new" if state == new else "old")
        assert leftovers(build) == [], f"left behind when killed before change {n}"
        if state == new:
            assert all((build / name).is_symlink() for name in ("html", "epub", "current"))
    assert outcomes == {"old", "new"}


def test_failure_at_each_change_in_publish_leaves_old_or_new(tmp_path, monkeypatch):
    """Each change to the file system in turn raises OSError: publish raises (old output) or
    returns (new output)."""
    template = tmp_path / "template"
    stage(template / ".releases" / "seed", "A", CODES)
    template.joinpath("current").symlink_to(".releases/seed")
    for name in ("html", "epub"):
        template.joinpath(name).symlink_to(f"current/{name}")
    old, new = {**expected("A", "A", []), "root": None}, expected("A", "B", ["ja"])
    count = failing = 0
    armed = False

    def counted(call):
        def wrapper(*args, **kwargs):
            nonlocal count
            count += armed
            if armed and count == failing:
                raise OSError(28, "No space left on device (made up)")
            return call(*args, **kwargs)

        return wrapper

    for name in ("rename", "replace", "symlink", "link", "unlink", "rmdir", "mkdir"):
        monkeypatch.setattr(os, name, counted(getattr(os, name)))
    outcomes = []
    for failing in range(1, 200):
        build = tmp_path / f"run-{failing}"
        subprocess.run(["cp", "-a", str(template), str(build)], check=True)
        staged = stage(build / ".staging-1-test" / "release", "B", ["ja"])
        count, armed = 0, True
        try:
            publish(build, staged, ["ja"])
        except (OSError, PublishError):
            armed = False
            assert site(build) == old, f"changed by a failure at change {failing}"
            outcomes.append("old")
        else:
            armed = False
            assert site(build) == new, f"incomplete after a failure at change {failing}"
            outcomes.append("new")
            if count < failing:
                break  # no change failed: every change has been tried
    assert outcomes.count("old") > 5 and outcomes[-1] == "new"


def test_failure_at_the_swap_is_reported_and_cleaned(fake_python, fake_env, tmp_path, capsys):
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    point = layout.point

    def refuse(build: Path, name: str, target: str) -> None:
        if name == "current":
            raise PermissionError(13, "Permission denied (made up)", str(build / name))
        point(build, name, target)

    fake_env.setattr(layout, "point", refuse)
    assert not build_version(fake_python, build, "B")
    err = capsys.readouterr().err
    assert "What to do:" in err and "untouched" in err
    assert site(build) == expected("A", "A", [])
    assert len(list((build / ".releases").iterdir())) == 2  # B installed but never live
    fake_env.setattr(layout, "point", point)
    assert build_version(fake_python, build, "C", ["en"])
    assert site(build) == expected("A", "C", ["en"])
    assert leftovers(build) == []


# -- Fault 3: a folder that cannot be written ----------------------------------------------------


@pytest.fixture
def permissions_bind(monkeypatch: pytest.MonkeyPatch) -> None:
    """As root, modes do not stop writes; have ``os.access`` answer as for the owner instead,
    so that the check sees the folder as any other user would."""
    if os.geteuid() != 0:
        return
    real = os.access

    def access(path, mode, **kwargs):
        bits = os.stat(path).st_mode
        if mode & os.W_OK and not bits & stat.S_IWUSR:
            return False
        return real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_read_only_epub_fails_early_and_changes_nothing(
    fake_python, fake_env, tmp_path, capsys, permissions_bind
):
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    before = tree_digest(build / "html"), tree_digest(build / "epub")
    pids = tmp_path / "pids"
    (build / "epub").chmod(0o555)  # through the link: the live release's epub/
    try:
        assert not build_version(fake_python, build, "B", FAKE_PIDS=str(pids))
    finally:
        (build / "epub").chmod(0o755)
    err = capsys.readouterr().err
    assert "cannot write" in err and "epub" in err, err
    assert "What to do: make it writable" in err
    assert not pids.exists(), "the build ran before finding it could not publish"
    assert (tree_digest(build / "html"), tree_digest(build / "epub")) == before
    assert (build / "html").is_symlink()


def test_a_folder_where_a_link_belongs_is_refused(fake_python, fake_env, tmp_path, capsys):
    """The build never replaces what it did not make: a real ``_build/html`` stays as it is."""
    build = tmp_path / "_build"
    stage(build, "A", ["en"])
    before = tree_digest(build / "html"), tree_digest(build / "epub")
    fake_env.setenv("FAKE_PIDS", str(tmp_path / "pids"))
    assert not build_version(fake_python, build, "B")
    assert not (tmp_path / "pids").exists(), "builders ran before the folder was refused"
    err = capsys.readouterr().err
    assert f"{build / 'html'} is a folder, where the build keeps a link" in err, err
    assert f"What to do: move {build / 'html'} out of {build}" in err
    assert (tree_digest(build / "html"), tree_digest(build / "epub")) == before


# -- Leftovers -----------------------------------------------------------------------------------


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A staging folder whose lock a (pretend) running build holds."""
    staging = tmp_path / "_build" / ".staging-1-running"
    staging.mkdir(parents=True)
    with open(staging / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield staging


def test_leftovers_are_removed_but_not_a_running_build(fake_python, fake_env, tmp_path, held):
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    dead = build / ".staging-999-dead"
    (dead / "out" / "html" / "en").mkdir(parents=True)
    (dead / ".lock").touch()  # nobody holds it: its build was killed
    stage(build / ".releases" / "never-live", "B", CODES)
    (build / ".current-999-dead.tmp").symlink_to(".releases/never-live")
    assert build_version(fake_python, build, "C", ["ja"])
    assert leftovers(build) == [held.name]
    assert site(build) == expected("A", "C", ["ja"])


def test_a_copy_without_links_is_refused(fake_python, fake_env, tmp_path, capsys):
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-rL", str(build), str(copy)], check=True)
    before = tree_digest(copy)
    assert not build_version(fake_python, copy, "B")
    assert "What to do:" in capsys.readouterr().err
    assert tree_digest(copy) == before


# -- Interruptions: the children stop ------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG")
@pytest.mark.parametrize(
    "sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name
)
def test_interrupted_build_stops_its_children(sig, fake_python, fake_env, tmp_path):
    build = tmp_path / "_build"
    assert build_version(fake_python, build, "A")
    pids = tmp_path / "pids"
    env = {**os.environ, "FAKE_VERSION": "B", "FAKE_SLEEP": "60", "FAKE_PIDS": str(pids)}
    parent = subprocess.Popen(
        [sys.executable, "-c", BUILD_SCRIPT.format(repo=str(REPO)), str(build)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not (pids.exists() and len(set(pids.read_text().split())) == 2):  # two workers
            assert time.monotonic() < deadline and parent.poll() is None, "no children started"
            time.sleep(0.02)
        children = [int(pid) for pid in pids.read_text().split()]
        parent.send_signal(sig)
        _, err = parent.communicate(timeout=30)
    finally:
        if parent.poll() is None:  # the test failed: its builders die with it
            parent.kill()
            parent.communicate()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(alive(pid) for pid in children), f"children left running after {sig.name}"
    assert site(build) == expected("A", "A", [])
    if sig == signal.SIGKILL:
        assert parent.returncode == -signal.SIGKILL
        assert recover(build), "the killed build's staging folder was not found"
    else:
        assert parent.returncode != 0
        assert "What to do:" in err, err
    if sig == signal.SIGTERM:
        assert parent.returncode == 128 + signal.SIGTERM
    assert leftovers(build) == []


CTRL_C_SCRIPT = """\
import sys
sys.path[:0] = [{repo!r}, {repo!r} + "/_ext"]
from tools.release import __main__ as program
def interrupted(*args, **kwargs):
    raise KeyboardInterrupt
program.release_build = interrupted
sys.exit(program.main([]))
"""


def test_ctrl_c_ends_the_program_with_130_and_no_traceback():
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_SCRIPT.format(repo=str(REPO))],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 128 + signal.SIGINT
    assert "Traceback" not in done.stderr, done.stderr


IGNORED_SCRIPT = """\
import os, signal, sys, time
sys.path[:0] = [{repo!r}, {repo!r} + "/_ext"]
from tools.release.children import fork_call
signal.signal(signal.SIGINT, signal.SIG_IGN)  # as under nohup, or in a background job
child = fork_call(lambda: time.sleep(0.5) or 7)
time.sleep(0.1)
os.kill(child, signal.SIGINT)
_, status = os.waitpid(child, 0)
print(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and PR_SET_PDEATHSIG")
def test_a_child_ignores_the_signals_its_release_ignores():
    done = subprocess.run(
        [sys.executable, "-c", IGNORED_SCRIPT.format(repo=str(REPO))],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.stdout.split() == ["7"], done.stderr  # not -2: the SIGINT did not stop it


def test_a_link_to_a_folder_the_release_no_longer_has_is_removed(tmp_path):
    build = tmp_path / "_build"
    codes = [edition.code for edition in EDITIONS]

    def staged(name: str, variant: bool) -> Path:
        release = tmp_path / name
        for code in codes:
            (release / "pdf" / code).mkdir(parents=True)
            (release / "pdf" / code / file_name(code, "pdf")).write_text(name, "utf-8")
        if variant:
            (release / "variants" / "v").mkdir(parents=True)
            (release / "variants" / "v" / file_name("v", "pdf")).write_text(name, "utf-8")
        return release

    publish(build, staged("one", variant=True), codes, variants=["v"])
    assert (build / "variants" / "v" / file_name("v", "pdf")).read_text("utf-8") == "one"
    publish(build, staged("two", variant=False), codes, variants=[])  # no longer declared
    assert not (build / "variants").is_symlink() and not (build / "variants").exists()
    assert (build / "pdf" / "en" / file_name("en", "pdf")).read_text("utf-8") == "two"
