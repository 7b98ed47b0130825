"""Each named query returns the same rows from the CLI, over HTTP, and through the remote backend.

One store is built from the seeds and a few PDFs; the CLI runs on it, a real server serves it,
and a second server (with a write token) is filled through the remote backend and queried
through it. Rows are compared as multisets of {column: value}.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from conftest import PDF_DIR, SEEDS_DIR
from web_server import running_server

from ofsted_kg.cli import main
from ofsted_kg.queries import load_queries, run_named
from ofsted_kg.store import EmbeddedStore, open_store
from ofsted_kg.store.results import select_results
from ofsted_kg.web import WebConfig

PDFS = [
    "80555_somerset_2015-03-27.pdf",
    "80555_somerset_2022-09-21.pdf",
    "80427_bath-and-north-east-somerset_2017-07-07.pdf",
    "80528_north-somerset_2023-05-11.pdf",
]
TOKEN = "named-queries-token"
QUERIES = sorted(load_queries())


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def cli_query(name: str, store: Path) -> bytes:
    """What `ofsted-kg query NAME --store STORE --format json` writes, run by the command's own
    main() in this process: a Python started for each of the ten queries cost half a CPU-second
    each (the installed command itself is run in test_package.py)."""
    out = io.BytesIO()
    with contextlib.redirect_stdout(io.TextIOWrapper(out, encoding="utf-8")) as text:
        status = main(["query", name, "--store", str(store), "--format", "json"])
        text.flush()
        assert status == 0, f"{name}: exit status {status}"
        return out.getvalue()


def rows_of(sparql_json: bytes | str) -> Counter[tuple[tuple[str, str], ...]]:
    _, rows = select_results(sparql_json)
    return Counter(tuple(sorted((name, term.value) for name, term in row.items())) for row in rows)


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("named") / "store"
    sources = [str(SEEDS_DIR)] + [str(PDF_DIR / name) for name in PDFS]
    done = cli("build", *sources, "--store", str(path))
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def cli_rows(built_store) -> dict[str, Counter]:
    rows = {}
    for name in QUERIES:
        rows[name] = rows_of(cli_query(name, built_store))
    return rows


@pytest.fixture(scope="module")
def http_rows(built_store, cli_rows) -> dict[str, Counter]:
    store = EmbeddedStore(built_store, read_only=True)
    rows = {}
    with running_server(store, WebConfig()) as server:
        for name in QUERIES:
            request = urllib.request.Request(
                f"{server.url}/queries/{name}",
                headers={"Accept": "application/sparql-results+json"},
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                rows[name] = rows_of(response.read())
    return rows


@pytest.fixture(scope="module")
def remote_rows(built_store, http_rows, tmp_path_factory, monkeypatch_module) -> dict[str, Counter]:
    source = EmbeddedStore(built_store, read_only=True)
    target_path = tmp_path_factory.mktemp("remote") / "store"
    EmbeddedStore(target_path).close()  # created here, served read-only: the write worker writes
    target = EmbeddedStore(target_path, read_only=True)
    rows = {}
    with running_server(target, WebConfig(write_token=TOKEN)) as server:
        monkeypatch_module.setenv("OFSTED_KG_STORE_TOKEN", TOKEN)
        monkeypatch_module.setenv("OFSTED_KG_GRAPH_STORE_URL", f"{server.url}/rdf-graph-store")
        remote = open_store(server.sparql)
        for graph in source.named_graphs():
            remote.replace_graph(graph, source.graph_ntriples(graph))
        for name, query in load_queries().items():
            data, _ = run_named(remote, query, {}, "json")
            rows[name] = rows_of(data)
    return rows


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_project_has_its_named_queries() -> None:
    for required in ("inspection-summary", "inspector-history"):
        assert required in QUERIES


@pytest.mark.parametrize("name", QUERIES)
def test_same_rows_from_cli_http_and_remote(name, cli_rows, http_rows, remote_rows) -> None:
    assert http_rows[name] == cli_rows[name]
    assert remote_rows[name] == cli_rows[name]


def test_summary_has_a_row_per_inspection_for_the_built_reports(cli_rows) -> None:
    # Two of the PDFs (Somerset 2015, Bath and North East Somerset 2017) are the reports of two
    # seeds: one row each, with both files.
    rows = [dict(row) for row in cli_rows["inspection-summary"]]
    assert len(rows) == 5 + len(PDFS) - 2
    files = [f for row in rows for f in row["source_file"].split(";")]
    assert sorted(files) == sorted([p.name for p in SEEDS_DIR.iterdir()] + PDFS)
