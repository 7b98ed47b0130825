"""What the session fixtures make once per test run, however many pytest-xdist workers run it.

Each xdist worker is its own process with its own session fixtures, so a session fixture that
builds or extracts would be made once per worker. `made_once_per_run` makes it once, in the
folder all the run's workers share (the parent of each worker's base temporary folder); the first
worker to ask makes it while the others wait on a lock, then every worker reads it.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this test run: shared by its xdist workers when there are any."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once_per_run(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]
) -> Path:
    """The folder `name` of this run, filled by `make(folder)` the first time any worker asks."""
    root = run_folder(tmp_path_factory)
    folder, done = root / name, root / f"{name}.done"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def write_pickle(path: Path, value: Any) -> None:
    path.write_bytes(pickle.dumps(value))


def read_pickle(path: Path) -> Any:
    return pickle.loads(path.read_bytes())


def _extract_json(path: Path) -> dict[str, Any]:
    from ofsted_kg.extract import extract

    return extract(path).to_json()


def extract_all(files: list[Path]) -> dict[str, dict[str, Any]]:
    """Each file as `ofsted-kg extract` prints it, by file name, extracted on every core (forked
    workers, as the build forks its own)."""
    with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=get_context("fork")) as pool:
        return dict(
            zip((path.name for path in files), pool.map(_extract_json, files), strict=True)
        )
