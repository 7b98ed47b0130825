"""The embedded store's generations (store/generations.py): readers never share a database with
its writer, see each write whole, and old generations go once no reader holds them."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import SEEDS_DIR
from test_faults_build import run_build, tmpfs
from web_server import fixture_store, running_server

from ofsted_kg.store import EmbeddedStore, StoreError, embedded
from ofsted_kg.store.generations import Layout, Writer
from ofsted_kg.web import WebConfig

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def triples(store: EmbeddedStore) -> int:
    data, _ = store.query(COUNT, result_format="text/csv")
    return int(data.decode().split()[1])


def insert(n: int) -> str:
    return f"INSERT DATA {{ GRAPH <http://example.org/g/{n}> {{ <http://example.org/s> <http://example.org/p> {n} }} }}"


def directories(path: Path) -> list[str]:
    return sorted(p.name for p in (path / "generations").iterdir() if p.is_dir())


def test_each_write_is_seen_by_the_next_read_and_old_generations_go(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "store")
    reader = EmbeddedStore(tmp_path / "store", read_only=True)
    for n in range(5):
        writer.update(insert(n))
        assert triples(reader) == n + 1
    assert directories(tmp_path / "store") == [Layout(tmp_path / "store").live(), "work"]
    with pytest.raises(StoreError, match="read-only"):
        reader.update(insert(99))


def test_a_reader_keeps_its_generation_whole_while_writes_are_published(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = EmbeddedStore(path)
    writer.update(insert(0))
    reader = EmbeddedStore(path, read_only=True)
    with reader._reader.using() as held:  # a query in progress in another thread
        first = Layout(path).live()
        for n in range(1, 4):
            writer.update(insert(n))
        # Its generation stays (and reads whole) while it is in use; the ones between went.
        assert len(list(held.quads_for_pattern(None, None, None))) == 1
        assert first in directories(path) and len(directories(path)) == 3
    assert triples(reader) == 4
    assert first not in directories(path)  # let go, and deleted, when its use ended


def test_a_writer_never_keeps_the_store_from_a_build(tmp_path: Path) -> None:
    """Idle after a write, or after a refused one, a writing process lets go of writer.lock
    within WRITER_IDLE_SECONDS; a build waiting meanwhile then gets it."""
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    store.update(insert(1))
    with pytest.raises(SyntaxError):
        store.update("INSERT DATA { nonsense")
    started = time.monotonic()
    Writer(Layout(path), for_build=True).close()  # blocks until the lock is free
    assert time.monotonic() - started < embedded.WRITER_IDLE_SECONDS + 1


def test_a_build_is_published_whole_and_only_at_its_end(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    reader = EmbeddedStore(path, read_only=True)
    with store.writing():
        store.update(insert(1))
        store.update(insert(2))
        assert triples(store) == 2  # the build reads its own writes
        assert triples(reader) == 0  # readers do not, until it ends
    assert triples(reader) == 2


def test_a_write_killed_before_it_was_published_never_appears(tmp_path: Path) -> None:
    """A write worker killed at its deadline between applying a write and publishing it (the
    working copy holds the write) must not have that write published by the next writer."""
    path = tmp_path / "store"
    EmbeddedStore(path).update(insert(1))
    killed = Writer(Layout(path), for_build=False)
    killed.writing_one()
    killed.store.update(insert(2))
    killed.close()  # as a kill leaves it: in the working copy, unpublished
    for for_build in (False, True):
        writer = Writer(Layout(path), for_build=for_build)
        try:
            assert len(writer.store) == 1, "the unpublished write is in the new writer's copy"
        finally:
            writer.close()
    store = EmbeddedStore(path)
    store.update(insert(3))
    assert triples(EmbeddedStore(path, read_only=True)) == 2


def test_a_write_while_a_build_holds_the_store_is_a_503_with_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In the environment: the server's write worker, a process of its own, waits for the build.
    monkeypatch.setenv(embedded.WRITE_WAIT_ENV, "0.5")
    store = fixture_store(tmp_path / "store")
    with running_server(store, WebConfig(write_token="t")) as server:
        build = Writer(Layout(tmp_path / "store"), for_build=True)  # as `ofsted-kg build` does
        try:
            status, headers, body = server.request(
                "POST",
                "/sparql",
                insert(1),
                {"Content-Type": "application/sparql-update", "Authorization": "Bearer t"},
            )
        finally:
            build.close()
        assert status == 503 and headers["retry-after"] == "5", body
        assert b"another process" in body
        status, _, _ = server.request(
            "POST",
            "/sparql",
            insert(1),
            {"Content-Type": "application/sparql-update", "Authorization": "Bearer t"},
        )
        assert status == 200


def _previous_layout_store(path: Path) -> int:
    """A store as the previous version wrote it: one RocksDB database in the folder itself."""
    old = ox.Store(str(path))
    old.update(insert(1) + " ; " + insert(2))
    old.flush()
    count = len(list(old.quads_for_pattern(None, None, None)))
    del old
    return count


def test_a_store_of_the_previous_layout_is_converted_in_place(tmp_path: Path) -> None:
    path = tmp_path / "store"
    quads = _previous_layout_store(path)
    assert triples(EmbeddedStore(path, read_only=True)) == quads
    assert not (path / "CURRENT").exists() and Layout(path).live()
    done = run_build(SEEDS_DIR, path)  # and a build continues from it
    assert done.returncode == 0, done.stderr[-2000:]
    assert triples(EmbeddedStore(path, read_only=True)) > quads + 1000


def test_a_store_of_the_previous_layout_that_cannot_be_converted_is_refused(
    tmp_path: Path,
) -> None:
    with tmpfs(tmp_path / "disk", "size=16m") as disk:
        _previous_layout_store(disk / "store")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        with pytest.raises(StoreError, match="cannot open store at .*store: it has the previous"):
            EmbeddedStore(disk / "store", read_only=True)


def test_no_store_is_a_clear_error_for_readers(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store there"):
        EmbeddedStore(tmp_path / "nothing", read_only=True)


def test_a_burst_of_writes_starts_no_thread_per_write(tmp_path: Path) -> None:
    """The idle writer is closed by one timer, not one thread per write: in a server's write
    worker every thread reserves a 64 MiB stack, and a burst of writes with a thread each ran the
    worker out of address space (RocksDB could not start its threads, and the worker aborted)."""
    import threading

    store = EmbeddedStore(tmp_path / "store")
    try:
        before = threading.active_count()
        for n in range(40):
            store.update(insert(n))
        assert threading.active_count() <= before + 1
        assert triples(store) == 40
    finally:
        store.close()
    deadline = time.monotonic() + embedded.WRITER_IDLE_SECONDS + 0.5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before
