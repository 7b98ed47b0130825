"""Refreshing a running site: a build into the store of a running `ofsted-kg serve`, and writes
through the server, while clients query it. Every answer is 200, and what was written is
visible without a restart (the store's generations: store/generations.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import PDF_DIR, REPO, SEEDS_DIR
from test_serve_cli import serve_process

from ofsted_kg.store.generations import Layout
from ofsted_kg.store.results import select_results

CLIENTS = 4
TOKEN = "refresh-test-token"
# The graphs are listed first (`GRAPH ?g {}`: the store's list of named graphs) and filtered by
# name before any of their triples is read: the same numbers as matching every quad of the store
# and filtering on its graph, which costs a scan of the whole store per query (these run after
# every write, and the clients' loop runs them all the time).
REPORT_GRAPHS = """SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {
  GRAPH ?g {} FILTER(CONTAINS(STR(?g), "/graph/report/") && !STRENDS(STR(?g), "/inferred"))
  FILTER EXISTS { GRAPH ?g { ?s ?p ?o } }
}"""
WRITTEN_TRIPLES = """SELECT (COUNT(*) AS ?n) WHERE {
  GRAPH ?g {} FILTER(STRSTARTS(STR(?g), "http://example.org/refresh/")) GRAPH ?g { ?s ?p ?o }
}"""
CLIENT_PATHS = [
    "/",
    "/inspections",
    "/authorities",
    "/sparql?" + urllib.parse.urlencode({"query": REPORT_GRAPHS}),
    "/queries/inspection-summary?format=csv",
]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=600,
        check=False,
    )


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def count(base: str, sparql: str) -> int:
    status, body = fetch(
        f"{base}/sparql?" + urllib.parse.urlencode({"query": sparql}),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert status == 200, body
    return int(select_results(body)[1][0]["n"])


@contextmanager
def serving(store: Path, *extra: str) -> Iterator[str]:
    with serve_process(
        [sys.executable, "-m", "ofsted_kg"],
        store,
        *extra,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    ) as base:
        yield base


@contextmanager
def querying(base: str) -> Iterator[Counter]:
    """CLIENTS threads request pages and /sparql in a loop until the block ends; the statuses
    they got (with the failing paths) are counted."""
    statuses: Counter = Counter()
    stop = threading.Event()

    def client(offset: int) -> None:
        turn = offset
        while not stop.is_set():
            path = CLIENT_PATHS[turn % len(CLIENT_PATHS)]
            status, body = fetch(base + path)
            statuses[200 if status == 200 else (status, path, body[:300])] += 1
            turn += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        yield statuses
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)


@pytest.fixture(scope="module")
def seeds_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built once for this file; each test writes into a copy of its own."""
    store = tmp_path_factory.mktemp("refresh-seeds") / "store"
    done = run_cli("build", str(SEEDS_DIR), "--store", str(store))
    assert done.returncode == 0, done.stderr[-2000:]
    return store


@pytest.fixture
def seeded_store(seeds_built: Path, tmp_path: Path) -> Path:
    store = tmp_path / "store"
    shutil.copytree(seeds_built, store)
    return store


def test_a_build_into_a_running_server_is_seen_without_an_error(seeded_store, tmp_path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    for path in sorted(PDF_DIR.glob("*.pdf"))[3::15][:12]:
        shutil.copy(path, new / path.name)
    with serving(seeded_store) as base:
        before = count(base, REPORT_GRAPHS)
        with querying(base) as statuses:
            done = run_cli("build", str(new), "--store", str(seeded_store))
        assert done.returncode == 0, done.stderr[-2000:]
        built = int(done.stderr.split(" built,")[0].rsplit(": ", 1)[-1])
        assert built >= 10, done.stderr[-2000:]
        assert statuses[200] > 20 and set(statuses) == {200}, statuses

        # Visible without a restart: in queries, pages, the Graph Store and the downloads.
        assert count(base, REPORT_GRAPHS) == before + built
        status, summary = fetch(base + "/queries/inspection-summary?format=csv")
        assert status == 200 and len(summary.decode().splitlines()) == 1 + 5 + built
        status, nquads = fetch(base + "/download/graph.nq")
        graphs = {line.rsplit(b" ", 2)[-2] for line in nquads.splitlines() if line}
        report_graphs = [g for g in graphs if b"/graph/report/" in g and b"inferred" not in g]
        assert status == 200 and len(report_graphs) == before + built
        newest = report_graphs[0].decode()[1:-1]
        status, _ = fetch(base + "/rdf-graph-store?" + urllib.parse.urlencode({"graph": newest}))
        assert status == 200


def test_writes_through_the_server_are_seen_by_the_next_query(seeded_store) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    rounds = 200
    with serving(seeded_store, "--write-token", TOKEN) as base:
        with querying(base) as statuses:
            for i in range(rounds):
                graph = f"http://example.org/refresh/{i}"
                update = f"INSERT DATA {{ GRAPH <{graph}> {{ <{graph}#s> <{graph}#p> {i} }} }}"
                status, body = fetch(
                    f"{base}/sparql",
                    data=update.encode(),
                    headers={**auth, "Content-Type": "application/sparql-update"},
                )
                assert status == 200, body
                assert count(base, WRITTEN_TRIPLES) == i + 1
        assert statuses[200] > rounds and set(statuses) == {200}, statuses
        # Bounded disk: once the readers are idle (they let go of a replaced generation within
        # a second), the live generation and the writer's working copy, nothing else.
        deadline = time.monotonic() + 10
        while len(generations(seeded_store)) > 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert generations(seeded_store) == [Layout(seeded_store).live(), "work"]


def generations(store: Path) -> list[str]:
    return sorted(p.name for p in (store / "generations").iterdir() if p.is_dir())
