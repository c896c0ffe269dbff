"""``helpers.shared``: a shared build is made once per test run, whatever the number of workers."""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from helpers import shared


@dataclass
class Worker:
    """What ``shared`` asks of pytest's ``TempPathFactory``: pytest-xdist gives each worker a
    folder of its own in the run's folder."""

    run: Path
    name: str

    def getbasetemp(self) -> Path:
        return self.run / f"popen-{self.name}"


def make(folder: Path) -> tuple[str, Path]:
    """A slow build that counts how often it runs, and a result that names its process."""
    with (folder.parent.parent / "builds.log").open("a") as log:
        log.write(f"{os.getpid()}\n")
    time.sleep(0.5)
    (folder / "output").write_text("built", "utf-8")
    return os.environ["PYTEST_XDIST_WORKER"], folder


def ask(run: Path, name: str) -> tuple[str, Path]:
    os.environ["PYTEST_XDIST_WORKER"] = name
    worker = Worker(run, name)
    worker.getbasetemp().mkdir(parents=True, exist_ok=True)
    return shared(worker, "site", make)


def test_workers_that_ask_at_once_share_one_build(tmp_path: Path) -> None:
    with ProcessPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(ask, [tmp_path] * 4, ["gw0", "gw1", "gw2", "gw3"]))
    assert len((tmp_path / "builds.log").read_text().splitlines()) == 1
    assert len(set(results)) == 1  # every worker got the one result, folder and all
    (builder, folder), *_ = results
    assert builder in ("gw0", "gw1", "gw2", "gw3")
    assert folder.parent.parent == tmp_path  # in the run's folder, not in a worker's
    assert (folder / "output").read_text("utf-8") == "built"


def test_a_build_that_failed_is_made_again_by_the_next_worker(tmp_path: Path, monkeypatch) -> None:
    def fail(folder: Path) -> None:
        (folder / "half").write_text("half-written", "utf-8")
        raise RuntimeError("the build stopped")

    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    first, second = Worker(tmp_path, "gw0"), Worker(tmp_path, "gw1")
    first.getbasetemp().mkdir()
    second.getbasetemp().mkdir()
    try:
        shared(first, "site", fail)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failure was not passed on")
    _, folder = shared(second, "site", make)
    assert sorted(p.name for p in folder.iterdir()) == ["output"]  # nothing half-written kept
    assert len((tmp_path / "builds.log").read_text().splitlines()) == 1
