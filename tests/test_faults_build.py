"""Faults during a build: killed with SIGKILL at random moments, a full disk, a read-only store.

After any of them readers see the store as it was before the build or, once it is published,
exactly as after it (store/generations.py); the writer's working copy holds, for every file,
either its state before or its complete new state (one transaction per file); a plain one-line
error was printed (no traceback); and the next build completes to exactly the graph of an
uninterrupted build (compared as N-Quads exports).
"""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import PDF_DIR

from ofsted_kg.export import export
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.store.generations import Layout
from ofsted_kg.uris import Uris

REPO = Path(__file__).resolve().parents[1]
# Seeded so that a failure can be replayed; override with OFSTED_KG_FAULT_SEED to explore.
SEED = int(os.environ.get("OFSTED_KG_FAULT_SEED", "20261123"))
KILLS = 4


def run_build(sources: Path, store: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "build", str(sources), "--store", str(store)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=600,
    )


def start_build(sources: Path, store: Path) -> subprocess.Popen:
    """A build to kill: its stderr lines tell how far it got."""
    return subprocess.Popen(
        [sys.executable, "-m", "ofsted_kg", "build", str(sources), "--store", str(store)],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the extraction workers die with it
    )


@dataclass
class StoreState:
    counts: dict[str, int]  # named graph -> triples
    manifest: dict[str, str | None]  # file name -> graph built from it (None: refused)
    nquads: set[bytes]


def read_state(path: Path) -> StoreState:
    store = EmbeddedStore(path, read_only=True)
    try:
        rows = _select(
            store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        T = Uris().term
        entries = _select(
            store,
            f"""SELECT ?name ?graph WHERE {{ ?e a <{T("ManifestEntry")}> ; <{T("fileName")}> ?name .
                OPTIONAL {{ ?e <{T("builtGraph")}> ?graph }} }}""",
        )
        out = io.BytesIO()
        export(store, "nquads", out)
    finally:
        store.close()
    return StoreState(
        {row["g"]: int(row["n"]) for row in rows},
        {row["name"]: row.get("graph") for row in entries},
        set(out.getvalue().splitlines()),
    )


def read_working_copy(path: Path, scratch: Path) -> StoreState | None:
    """The state of the writer's working copy (what a stopped build had written), read through a
    store folder of its own whose live generation is a checkpoint of it."""
    work = Layout(path).work
    if not work.is_dir():
        return None
    shutil.rmtree(scratch, ignore_errors=True)
    copy = Layout(scratch)
    copy.generations.mkdir(parents=True)
    ox.Store.read_only(str(work)).backup(str(copy.generation("000001")))
    copy.publish("000001")
    return read_state(scratch)


def _select(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    return store.select(query)


def assert_each_file_before_or_after(state: StoreState, clean: StoreState) -> None:
    """Every report graph present is complete (as in the clean build) and has its manifest entry;
    every manifest entry's graph is present; no graph exists that a clean build lacks."""
    uris = Uris()
    derived = {str(uris.graph(name)) for name in ("manifest", "linking")}
    derived |= {f"{g}/inferred" for g in derived}
    assert set(state.counts) <= set(clean.counts)
    for graph, count in state.counts.items():
        if graph not in derived:  # the manifest and linking are rewritten as the build goes
            assert count == clean.counts[graph], graph
    report_prefix = str(uris.report_graph("x"))[:-1]
    reports = {
        g
        for g in state.counts
        if g.startswith(report_prefix) and "/" not in g[len(report_prefix) :]
    }
    assert reports == {g for g in state.manifest.values() if g}
    for graph in reports:
        assert f"{graph}/inferred" in state.counts or f"{graph}/inferred" not in clean.counts
    for name, graph in state.manifest.items():
        assert clean.manifest[name] == graph, name


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fault-sources")
    for path in sorted(PDF_DIR.glob("*.pdf"))[8::9][:20]:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def clean(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> StoreState:
    store = tmp_path_factory.mktemp("fault-clean") / "store"
    done = run_build(sources, store)
    assert done.returncode == 0, done.stderr[-2000:]
    return read_state(store)


def test_killed_builds_leave_each_file_before_or_after(sources, clean, tmp_path) -> None:
    store = tmp_path / "store"
    rng = random.Random(SEED)
    interrupted = 0
    for _ in range(KILLS):
        process = start_build(sources, store)
        # A random point: after a random number of files written (0 = while the static graphs
        # or the first file are written), plus a random fraction of the next file's time. Few
        # files a kill, so that later builds (which skip what is written) still have work left
        # when they are killed: a file takes ~0.1 s on two workers.
        for _ in range(rng.randrange(0, 3)):
            if not process.stderr.readline():
                break
        time.sleep(rng.uniform(0.0, 0.1))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            interrupted += 1
        process.wait(timeout=60)
        process.stderr.close()
        if Layout(store).live():  # a kill before the store was created leaves nothing to check
            assert_each_file_before_or_after(read_state(store), clean)
        working = read_working_copy(store, tmp_path / "working-copy")
        if working is not None:
            assert_each_file_before_or_after(working, clean)
    assert interrupted >= KILLS - 1, "the kills never caught a build running"

    done = run_build(sources, store)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    final = read_state(store)
    assert final.counts == clean.counts
    assert final.nquads == clean.nquads


def test_a_build_killed_at_the_generation_switch_is_seen_whole_or_not_at_all(
    sources, clean, tmp_path
) -> None:
    """Killed while it publishes (after linking, at random): readers see the store exactly as
    before the build or exactly as after it, and the next build completes it."""
    # The store before: a build of half the files, from the same folder (the manifest records
    # where each file was read).
    aside = tmp_path / "aside"
    aside.mkdir()
    for path in sorted(sources.iterdir())[::2]:
        path.rename(aside / path.name)
    before_store = tmp_path / "before"
    try:
        assert run_build(sources, before_store).returncode == 0
    finally:
        for path in aside.iterdir():
            path.rename(sources / path.name)
    before = read_state(before_store)
    rng = random.Random(SEED)
    seen = set()
    for attempt in range(3):
        store = tmp_path / f"store-{attempt}"
        shutil.copytree(before_store, store)
        process = start_build(sources, store)
        for line in process.stderr:
            if line.startswith("linked:"):  # the last step before the build is published
                break
        time.sleep(rng.uniform(0.0, 0.5))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        process.stderr.close()
        state = read_state(store)
        assert state.nquads in (before.nquads, clean.nquads)
        seen.add(state.nquads == clean.nquads)
        done = run_build(sources, store)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
        assert read_state(store).nquads == clean.nquads
        generations = [p for p in (store / "generations").iterdir() if p.is_dir()]
        assert len(generations) == 2, generations  # the live one and the working copy
    print(f"kills that left the old state / the new one: {seen}")


@contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A small tmpfs mounted at `folder` (needs root); skips the test where mounting is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _one_line_error(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 3  # a store error: never 1, which says only that files were refused
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ofsted-kg: ") and all(w in last for w in words), last


def test_full_disk_is_a_clear_error_and_the_store_survives(sources, clean, tmp_path) -> None:
    # 8 MiB holds the static graphs and some reports, not all 20 (about 14 MiB on disk).
    with tmpfs(tmp_path / "disk", "size=8m") as disk:
        store = disk / "store"
        done = run_build(sources, store)
        _one_line_error(done, "cannot write to the store", "No space left on device")
        assert_each_file_before_or_after(read_state(store), clean)
        working = read_working_copy(store, tmp_path / "working-copy")
        assert working is not None
        assert_each_file_before_or_after(working, clean)
        # Space freed: the next build completes and equals a clean build.
        subprocess.run(["mount", "-o", "remount,size=128m", str(disk)], check=True)
        done = run_build(sources, store)
        assert done.returncode == 0, done.stderr[-2000:]
        final = read_state(store)
        assert final.counts == clean.counts and final.nquads == clean.nquads


def test_read_only_location_is_a_clear_error(sources, tmp_path) -> None:
    with tmpfs(tmp_path / "ro", "ro,size=1m") as folder:
        done = run_build(sources, folder / "store")
        _one_line_error(done, "cannot open store", str(folder / "store"))


def test_read_only_existing_store_is_a_clear_error_and_unchanged(sources, clean, tmp_path) -> None:
    with tmpfs(tmp_path / "disk", "size=64m") as disk:
        store = disk / "store"
        assert run_build(sources, store).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        (sources / "extra.txt").write_text("Ofsted inspection of nothing in particular.\n")
        try:
            done = run_build(sources, store)
        finally:
            (sources / "extra.txt").unlink()
        _one_line_error(done, str(store))
        after = read_state(store)
        assert after.counts == clean.counts and after.nquads == clean.nquads
