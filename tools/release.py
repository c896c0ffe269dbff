"""The release build: every edition and builder from clean, published only when all succeed.

Used by ``nox -s build`` and by the tests; it needs nothing but the standard library.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from resume.languages import BY_CODE, EDITIONS, Edition
from resume.outputs import BASENAME

from . import BUILD, REPO
from .root_page import write_root_index

HERE = REPO
BUILDERS = ("html", "epub")


# What to do about each kind of problem a build reports, keyed by a tell-tale part of its message.
HINTS = {
    "[myst.topmatter]": "fix the YAML front matter between the two --- lines at the top of the page",
    "[myst.xref_missing]": "point the link at an existing page or label, or add the label",
    "[ref.ref]": "point the reference at an existing label, or add the label",
    "[toc.not_included]": "add the page to a toctree (experience/index.md, projects/index.md)",
    "Duplicate explicit target name": "give one of the two labels another name",
    "Unknown directive type": "check the directive's name (resume-role, resume-project, …)",
    "Unknown option key": "remove or rename the key; the message lists the allowed keys",
    "resume-role:": "fix the role's data: dates are YYYY or YYYY-MM, end may be 'present'",
    "resume-project:": "fix the project's data: name, url (https) and relation are required",
    "[resume.catalog]": "run `nox -s catalogs`, then translate, unfuzzy or delete the entry",
    "[resume.figures]": "make the translation state the same figures as its source",
    "[resume]": "fix the page's résumé data as the message says",
}


@dataclass(frozen=True)
class Job:
    edition: Edition
    builder: str

    @property
    def name(self) -> str:
        return f"{self.builder}/{self.edition.code}"


def sphinx_command(
    python: str, job: Job, outdir: Path, doctrees: Path, source: Path = HERE
) -> list[str]:
    """The one sphinx-build command line, for any edition and builder."""
    return [
        python, "-m", "sphinx",
        "-b", job.builder,
        "-D", f"language={job.edition.sphinx}",
        "-d", str(doctrees),
        "-n",            # nitpicky: every reference must resolve
        "-W",            # warnings are errors
        "--keep-going",  # ... but report all of them before failing
        "-E",            # a fresh environment: release builds never reuse old state
        "-q",            # print warnings and errors only
        str(source),
        str(outdir),
    ]  # fmt: skip


def source_date_epoch() -> str | None:
    """``SOURCE_DATE_EPOCH`` if set, else the last commit's date: one commit, one output."""
    if value := os.environ.get("SOURCE_DATE_EPOCH"):
        return value
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=HERE, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def resolve_editions(codes: Iterable[str]) -> list[Edition]:
    codes = list(codes)
    unknown = [code for code in codes if code not in BY_CODE]
    if unknown:
        raise SystemExit(f"unknown edition {', '.join(unknown)}; choose from {', '.join(BY_CODE)}")
    return [BY_CODE[code] for code in codes] if codes else list(EDITIONS)


def release_build(
    python: str = sys.executable,
    codes: Sequence[str] = (),
    build: Path = BUILD,
    source: Path = HERE,
    workers: int = 2,
) -> bool:
    """Build every edition and builder from clean into a staging folder.

    Only when every job succeeds is the staged output moved into ``build``: a failed build
    leaves the last good output exactly as it was.
    """
    jobs = [Job(edition, builder) for edition in resolve_editions(codes) for builder in BUILDERS]
    build.mkdir(parents=True, exist_ok=True)
    staging = build / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    env = dict(os.environ)
    epoch = source_date_epoch()
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch

    def run(job: Job) -> tuple[Job, subprocess.CompletedProcess[str], float]:
        outdir = staging / job.builder / job.edition.code
        doctrees = staging / "doctrees" / job.builder / job.edition.code
        command = sphinx_command(python, job, outdir, doctrees, source)
        began = time.perf_counter()
        result = subprocess.run(command, cwd=source, env=env, capture_output=True, text=True)
        return job, result, time.perf_counter() - began

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run, jobs))
        failed = []
        for job, result, seconds in results:
            status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
            print(f"[{job.name}] {status} in {seconds:.1f}s", flush=True)
            for stream in (result.stdout, result.stderr):
                for line in stream.splitlines():
                    print(f"[{job.name}] {line}", flush=True)
            if result.returncode:
                failed.append(job.name)
        if failed:
            output = "\n".join(r.stdout + r.stderr for _, r, _ in results)
            advice = [hint for mark, hint in HINTS.items() if mark in output]
            if advice:
                print("What to do:", *(f"  - {hint}" for hint in advice), sep="\n", file=sys.stderr)
            print(
                f"Build failed ({', '.join(failed)}): fix the problems above. "
                f"The previous output in {build} is untouched.",
                file=sys.stderr,
            )
            return False
        for job, _, _ in results:
            publish(job, staging, build, epoch)
        if (build / "html").is_dir():
            write_root_index(build / "html")  # the page that picks an edition for the reader
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def repack_epub(path: Path, epoch: str | None) -> None:
    """Rewrite the ePub zip reproducibly: fixed timestamps and order, ``mimetype`` first, stored."""
    stamp = time.gmtime(int(epoch) if epoch else 315532800)[:6]  # 1980-01-01: zip's earliest
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    names = sorted(name for name, _ in members if name != "mimetype")
    data = dict(members)
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w") as target:
        for name in ["mimetype", *names]:
            info = zipfile.ZipInfo(name, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the building system
            target.writestr(info, data[name], compresslevel=9)
    temporary.replace(path)


def publish(job: Job, staging: Path, build: Path, epoch: str | None) -> None:
    """Move one job's staged output into place."""
    source = staging / job.builder / job.edition.code
    target = build / job.builder / job.edition.code
    if job.builder == "epub":
        # Only the book itself is published, not the ePub builder's unpacked tree.
        book = source / f"{BASENAME}-{job.edition.code}.epub"
        repack_epub(book, epoch)
        source = staging / "books" / job.edition.code
        source.mkdir(parents=True)
        book.rename(source / book.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".old-{target.name}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    source.rename(target)
    shutil.rmtree(old, ignore_errors=True)


