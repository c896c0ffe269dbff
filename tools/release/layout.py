"""The build folder's layout, and the locks and links that keep it whole whatever instant a
build dies.

``build`` (``_build/``)::

    _build/
      .lock                  flock(2): held while the layout changes (start of build, publish)
      .releases/<id>/        one complete release: html/<code>/…, html/index.html,
                             epub/<code>/xu-xin-resume-<code>.epub,
                             pdf/<code>/xu-xin-resume-<code>.pdf,
                             text/<code>/xu-xin-resume-<code>.txt
      current -> .releases/<id>      the live release; swapped with ONE os.replace
      html -> current/html           fixed links (resume.outputs.LINKS): the paths in the
      epub -> current/epub           README never change
      pdf -> current/pdf
      text -> current/text
      variants -> current/variants   each declared variant's résumé, variants/<name>/
                             xu-xin-resume-<name>.pdf and .txt (resume.variants); no page
                             of the site links to them
      .staging-<pid>-<token>/        a running build's work; its own .lock is held while it runs

Links rather than folders because replacing one link is atomic (``os.replace``) and
replacing a folder is not: readers see the whole previous release or the whole new one. The
next build removes what a killed build left behind (its staging folder, a release that never
went live). Nothing here follows a link it did not make: a ``.lock`` or ``.releases`` that is a
symbolic link stops the build.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from resume.files import temporary_beside
from resume.outputs import LINKS, VARIANTS

RELEASES = ".releases"
CURRENT = "current"
LOCK = ".lock"
STAGING = ".staging-"


class PublishError(Exception):
    """The new output cannot be published; ``what_to_do`` tells the reader how to fix that.

    Raised before anything live has changed, unless the message says otherwise.
    """

    def __init__(self, problem: str, what_to_do: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.what_to_do = what_to_do

    def report(self) -> str:
        """The two lines printed to stderr: the problem, then ``What to do: …``."""
        return f"{self.problem}\nWhat to do: {self.what_to_do}"


@contextmanager
def flock(path: Path, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) for the ``with`` block.

    Yields False, holding nothing, when ``blocking`` is False and another open file holds it.
    ``flock`` rather than ``lockf``: its lock belongs to the open file, so it also excludes a
    second build in the same process, and closing another descriptor does not drop it.
    """
    # O_NOFOLLOW: a link planted at the lock's path never makes the build create a file.
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def refuse_links(build: Path) -> None:
    """Raise ``PublishError`` when ``build/.lock`` or ``build/.releases`` is a symbolic link:
    the clean-up would delete what ``.releases`` points to, the lock create a file where it
    points. The build makes neither a link, so someone else did. And when a real file or
    folder stands where the build keeps a link (``_build/html``): refused before any builder
    runs, not after them all (``ensure_links`` refuses it again under the lock)."""
    for name, harm in ((LOCK, "create a file where it points"), (RELEASES, "delete what it holds")):
        path = build / name
        if path.is_symlink():
            raise PublishError(
                f"{path} is a symbolic link, where the build keeps its own "
                f"{'lock file' if name == LOCK else 'folder'}: following it would {harm}",
                f"delete the link (rm {path}), then build again",
            )
    for name in (*LINKS, VARIANTS):  # where publishing puts links: refused now, not after
        path = build / name
        if path.exists() and not path.is_symlink():
            raise PublishError(
                f"{path} is a {'folder' if path.is_dir() else 'file'}, where the build keeps a "
                "link",
                f"move {path} out of {build}, then build again",
            )


def live_release(build: Path) -> Path | None:
    """The release ``build/current`` points to (``build/.releases/<id>``), or None if none is.

    Raises ``PublishError`` when ``current`` exists but is no link into ``.releases``: then
    which folder is live is unknown, and nothing may be removed or replaced.
    """
    current = build / CURRENT
    if not current.is_symlink():
        if current.exists():
            raise PublishError(
                f"{current} is not a symbolic link (was {build} copied without keeping links?)",
                f"delete {build} and build again, or copy it with its links (cp -a)",
            )
        return None
    target = os.readlink(current)
    parts = Path(target).parts
    if len(parts) != 2 or parts[0] != RELEASES:
        raise PublishError(
            f"{current} points to {target}, not into {RELEASES}/",
            f"delete {current} (the output is rebuilt complete) and build again",
        )
    release = build / RELEASES / parts[1]
    return release if release.is_dir() else None


def point(build: Path, name: str, target: str) -> None:
    """Make ``build/name`` a symbolic link to ``target``, atomically: a fresh link replaces it.

    Readers see the old link or the new one, never none. Raises ``OSError`` when ``build/name``
    is a real folder (``rename`` cannot put a link in place of a folder).
    """
    temporary = temporary_beside(build / name)
    os.symlink(target, temporary)
    try:
        os.replace(temporary, build / name)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (a rename, a new link) durable, so a power loss keeps them."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_links(build: Path, names: Iterable[str]) -> None:
    """Make each ``build/<name>`` the relative link ``current/<name>``.

    Raises ``PublishError`` when one is a file or a folder: the build never replaces what it
    did not make.
    """
    for name in names:
        link = build / name
        if link.is_symlink():
            if os.readlink(link) == f"{CURRENT}/{name}":
                continue
        elif link.exists():
            raise PublishError(
                f"{link} is a {'folder' if link.is_dir() else 'file'}, where the build keeps a link",
                f"move {link} out of {build}, then build again",
            )
        point(build, name, f"{CURRENT}/{name}")


def drop_links(build: Path, keep: Iterable[str]) -> None:
    """Remove each link ``build/<name>`` → ``current/<name>`` whose name is not in ``keep``:
    a folder the live release no longer has (``variants``, when none is declared any more)."""
    for link in build.iterdir():
        ours = link.is_symlink() and os.readlink(link) == f"{CURRENT}/{link.name}"
        if ours and link.name not in keep:
            link.unlink()


def _remove(path: Path) -> None:
    """Remove a file, a link or a whole folder (a link is removed, never followed)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def clean(build: Path) -> list[Path]:
    """Remove what killed builds left in ``build``; the caller holds ``build/.lock``.

    Removed: staging folders whose ``.lock`` no running build holds, temporary links, and
    every release ``current`` does not point to. Restores a fixed link that is missing.
    Returns what was removed. Raises ``OSError`` when something cannot be removed.
    When ``current`` is not a link into ``.releases``, no release is removed: which is live
    is unknown.
    """
    removed: list[Path] = []
    for path in sorted(build.glob(f"{STAGING}*")):
        if path.is_dir() and not path.is_symlink():
            lock = path / LOCK
            if lock.exists():
                with flock(lock, blocking=False) as free:
                    if not free:
                        continue  # a build that is running: not ours to remove
        _remove(path)
        removed.append(path)
    for path in sorted(build.glob(".*.tmp")):
        if path.is_symlink():
            path.unlink()
            removed.append(path)
    try:
        live = live_release(build)
    except PublishError:
        return removed
    if live is None and (build / CURRENT).is_symlink():
        return removed  # a dangling link: keep every release, publish replaces the link
    for release in sorted((build / RELEASES).glob("*")):
        if live is None or release.name != live.name:
            _remove(release)
            removed.append(release)
    if live is not None:
        ensure_links(
            build, [n for n in LINKS if not os.path.lexists(build / n) and (live / n).exists()]
        )
    return removed


def recover(build: Path) -> list[Path]:
    """``clean`` under the build's lock: clean up after a killed build. Returns what went."""
    if not build.is_dir():
        return []
    refuse_links(build)
    with flock(build / LOCK):
        return clean(build)


def unwritable(build: Path) -> list[Path]:
    """Every folder a build must change but cannot: ``build`` (or its first existing parent),
    and each folder of the releases (the build renames or removes them). Links are not
    followed: their targets are inside ``.releases``.
    """
    existing = build
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        return [existing]
    if existing != build:
        return []
    found: list[Path] = []
    for name in (RELEASES, CURRENT, *LINKS):
        top = build / name
        if top.is_symlink() or not top.is_dir():
            continue
        for folder, _, _ in os.walk(top):
            if not os.access(folder, os.W_OK | os.X_OK):
                found.append(Path(folder))
    return found


def check_writable(build: Path) -> None:
    """Raise ``PublishError`` naming the first folder the build cannot write, and what to do."""
    blocked = unwritable(build)
    if not blocked:
        return
    path = blocked[0]
    seen = ""
    try:
        live = live_release(build)
    except PublishError:
        live = None
    if live is not None and path.is_relative_to(live) and path != live:
        seen = f" (published as {build / path.relative_to(live)})"
    more = f" and {len(blocked) - 1} more" if len(blocked) > 1 else ""
    raise PublishError(
        f"cannot write {path}{seen}{more}: the build could not publish there",
        f"make it writable (chmod -R u+w {build}) or delete {build}, then build again",
    )
