"""From the builders' outputs to the live release: gather what is published, carry over what
this build did not make, check the whole for secrets, and make it live in one step.

A release is named by a digest of its content, so two builds of one commit make the same
release (and the same tree), and a rebuild of an unchanged commit changes nothing. Publishing
renames a complete release into ``.releases`` and then replaces the ``current`` link
(``layout``): whatever instant the process dies, the published paths show the whole previous
release or the whole new one.
"""

from __future__ import annotations

import hashlib
import os
import runpy
import shutil
import sys
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from resume import reading
from resume.files import temporary_beside
from resume.languages import BY_CODE
from resume.outputs import LINKS, PUBLISHED, SITE_FILES, file_name
from resume.reading import CLEAN_FILES

from ..root_page import write_root_index
from . import layout
from .building import VARIANT_BUILDER, VARIANTS, Job
from .layout import CURRENT, LOCK, RELEASES, PublishError

#: Sphinx's note to its next incremental build: not published (see ``assemble``).
BUILDINFO = ".buildinfo"


def repack_epub(path: Path, epoch: str | None) -> None:
    """Rewrite the ePub zip reproducibly: fixed timestamps and order, ``mimetype`` first, stored."""
    stamp = time.gmtime(int(epoch) if epoch else 315532800)[:6]  # 1980-01-01: zip's earliest
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    names = sorted(name for name, _ in members if name != "mimetype")
    data = dict(members)
    temporary = temporary_beside(path)
    with zipfile.ZipFile(temporary, "w") as target:
        for name in ["mimetype", *names]:
            info = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the building system
            target.writestr(info, data[name], compresslevel=9)
    temporary.replace(path)


def _wrote_no(job: Job, name: str) -> PublishError:
    return PublishError(
        f"[{job.name}] the {job.builder} builder wrote no {name}",
        "check epub_basename in conf.py (it must be <BASENAME>-<code>), then build again"
        if job.builder == "epub"
        else "build again; if it happens again, report it with the build's output",
    )


def assemble(jobs: Iterable[Job], outputs: Path, release: Path, epoch: str | None) -> Path:
    """Gather the jobs' outputs, ``outputs/<builder>/<code>/``, into ``release``: the HTML
    tree as it is, and of every other builder only its files (``PUBLISHED``), the ePub
    repacked; never a builder's scratch files (the PDF builder's Typst source, say) nor the
    HTML builder's ``.buildinfo``. A variant's PDF and text go to ``variants/<name>/``.

    Returns ``release``, shaped ``html/<code>/…`` (with ``SITE_FILES`` at its root),
    ``epub/<code>/<BASENAME>-<code>.epub``, ``pdf/<code>/<BASENAME>-<code>.pdf`` and
    ``text/<code>/<BASENAME>-<code>.txt``.
    Raises ``PublishError`` when a builder wrote no file it publishes.
    """
    for job in jobs:
        source = job.outdir(outputs)
        if job.variant:
            target = release / VARIANTS / job.variant
            target.mkdir(parents=True)
            for extension in PUBLISHED[VARIANT_BUILDER].values():
                output = source / file_name(job.variant, extension)
                if not output.is_file():
                    raise _wrote_no(job, output.name)
                output.rename(target / output.name)
            continue
        code = job.edition.code
        for fmt, extension in PUBLISHED[job.builder].items():
            target = release / fmt / code
            target.parent.mkdir(parents=True, exist_ok=True)
            if not extension:
                # The site's own files besides its pages (resume.json, the vCard, the card).
                missing = [name for name in SITE_FILES if not (source / name).is_file()]
                if missing:
                    raise _wrote_no(job, ", ".join(missing))
                source.rename(target)
                # Sphinx's note to its next incremental build, in the same folder: a digest of
                # the configuration that holds the checkout's path. Releases are built from
                # clean and served as they are: no reader, and it would make each folder's
                # release differ.
                (target / BUILDINFO).unlink(missing_ok=True)
                continue
            output = source / file_name(code, extension)
            if not output.is_file():
                raise _wrote_no(job, output.name)
            if job.builder == "epub":
                repack_epub(output, epoch)
            target.mkdir()
            output.rename(target / output.name)
    return release


def release_id(release: Path) -> str:
    """A digest of every file's path and content under ``release``: 20 hex digits."""
    digest = hashlib.sha256()
    for path in sorted(release.rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest.update(path.relative_to(release).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:20]


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link a file (published files are never changed in place), or copy it."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def carry_over(
    live: Path, release: Path, codes: Iterable[str], variants: Iterable[str] = ()
) -> list[str]:
    """Copy into ``release`` each edition folder of ``live`` (``<format>/<code>/``) that this
    build did not make (its code is not in ``codes``), and each of ``variants`` (names, still
    declared) it did not make: a partial build publishes a whole site.

    Returns the ``<format>/<code>`` carried over. Raises ``OSError`` on I/O errors.
    """
    built = set(codes)
    kept = set(variants)
    carried = []
    for fmt in sorted(live.iterdir()):
        if fmt.is_symlink() or not fmt.is_dir():
            continue
        for edition in sorted(fmt.iterdir()):
            target = release / fmt.name / edition.name
            wanted = edition.name in kept if fmt.name == VARIANTS else edition.name in BY_CODE
            if wanted and edition.name not in built and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(edition, target, symlinks=True, copy_function=_link_or_copy)
                carried.append(f"{fmt.name}/{edition.name}")
    return carried


def release_secrets(source: Path) -> list[reading.Secret]:
    """What no release of ``source`` may hold, in this process's environment: its
    ``conf.py``'s contact details as the builds saw them (``RESUME_PHONE`` opts in)."""
    namespace = runpy.run_path(str(source / "conf.py"))
    return reading.secrets_of(
        namespace.get("resume_contact", {}), namespace.get("resume_contact_values", {})
    )


def found_clean(staging: Path, found: Sequence[reading.Secret]) -> set[str]:
    """The outputs this build's builders found clean for the same secrets and rules (the notes
    ``resume.privacy`` keeps beside each edition's doctrees): the release scan need not read
    them again. Carried-over editions and repacked ePubs are not among them, and are read."""
    notes = staging.glob(f"doctrees/*/*-{CLEAN_FILES}")
    return set().union(*(reading.clean_in_note(note, list(found)) for note in notes))


def check_release(release: Path, found: Sequence[reading.Secret], carried: Sequence[str]) -> None:
    """Raise ``PublishError`` when a file of ``release`` holds a secret: an edition carried over
    from a build that had the full number, say. The files are named, never their text."""
    hits = reading.scan(release, list(found), known_clean=found_clean(release.parent, found))
    if not hits:
        return
    kinds = sorted({secret.kind for parts in hits.values() for _, secret in parts})
    shown = ", ".join(str(path.relative_to(release)) for path in list(hits)[:5])
    more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
    from_live = f" (carried over from the live site: {', '.join(carried)})" if carried else ""
    raise PublishError(
        f"the release would publish the full {', '.join(kinds)}, which this build keeps "
        f"masked or private, in {shown}{more}{from_live}; nothing was published",
        "build every edition again (nox -s build), so that none keeps the value; to publish "
        "it on purpose, give it to this build too (RESUME_PHONE=…)",
    )


def publish(
    build: Path,
    release: Path,
    codes: Sequence[str],
    found: Sequence[reading.Secret] = (),
    variants: Iterable[str] = (),
) -> Path:
    """Make ``release`` (a complete staged tree, ``html/<code>/``, ``epub/<code>/``,
    ``pdf/<code>/``, ``text/<code>/``, on the same file system as ``build``) the live output,
    in one atomic step; ``variants`` names the declared variants it may carry over.

    Under ``build/.lock``: check that everything can be written, carry the editions not in
    ``codes`` over from the live release, write the root page, check that no file holds a
    secret of ``found`` (``check_release``), rename the tree to ``.releases/<id>`` and replace
    the ``current`` link. Older releases are removed after that; a failure to remove one is
    reported and left to the next build.
    Returns the live release. Raises ``PublishError`` or ``OSError`` before the swap, with the
    previous output live and unchanged.
    """
    build.mkdir(parents=True, exist_ok=True)
    layout.refuse_links(build)
    with layout.flock(build / LOCK):
        layout.check_writable(build)
        live = layout.live_release(build)
        carried = carry_over(live, release, codes, variants) if live is not None else []
        if (release / "html").is_dir():
            write_root_index(release / "html")  # the page that picks an edition for the reader
        check_release(release, found, carried)
        formats = sorted(p.name for p in release.iterdir() if p.is_dir())
        target = build / RELEASES / release_id(release)
        layout.ensure_links(build, [*LINKS, *formats])
        if live is not None and live.name == target.name:
            shutil.rmtree(release)  # the same output as the live one: nothing to change
            return live
        if target.exists():
            shutil.rmtree(target)  # a copy a killed build installed but never made live
        target.parent.mkdir(exist_ok=True)
        os.sync()  # the files on disk before the link that makes them live (power loss)
        os.rename(release, target)
        layout.point(build, CURRENT, f"{RELEASES}/{target.name}")  # the one step that publishes
        try:  # from here on the new output is live: a failure is reported, never raised
            layout.drop_links(build, keep=[*LINKS, *formats])
            layout.fsync_dir(build)
            layout.clean(build)
        except OSError as error:
            print(
                f"Published, but could not remove an older release: {error}\n"
                f"What to do: nothing now; the next build removes it (or delete it by hand)",
                file=sys.stderr,
            )
        return target
