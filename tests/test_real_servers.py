"""The remote backend against real SPARQL servers: Oxigraph server and Virtuoso 7, each on
loopback with a fresh database (tests/real_servers.py).

For each server, once: `ofsted-kg build` of the seeds and 40 PDFs, then everything is compared
with the same build in the embedded store: a rebuild writes nothing, `validate` finds the same,
`export` writes the same quads, every named query answers the same rows (as multisets), and
`ofsted-kg serve --store URL` answers pages and /sparql. Then the silent failures of real servers
each stop with a clear error and a non-zero exit: no union default graph, a result cap, wrong
credentials; and a build killed at random points leaves a store the next build completes.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PDF_DIR, SEEDS_DIR
from real_servers import Server, basic_auth_proxy, free_port, oxigraph_server, virtuoso_server
from SPARQLWrapper import JSON, SPARQLWrapper

from ofsted_kg.build import build
from ofsted_kg.cli import EXIT_STORE
from ofsted_kg.export import export, parse_export
from ofsted_kg.linking import link
from ofsted_kg.queries import load_queries, run_named
from ofsted_kg.store import EmbeddedStore, StoreError
from ofsted_kg.store.remote import RemoteStore
from ofsted_kg.store.results import select_results
from ofsted_kg.uris import Uris

PDFS = sorted(PDF_DIR.glob("*.pdf"))[:41]
PDFS, NEW_PDF = PDFS[:40], PDFS[40]  # NEW_PDF: a file the built store does not hold yet
SOURCES = [str(SEEDS_DIR), *map(str, PDFS)]
QUERIES = sorted(load_queries())
PROGRESS = re.compile(r"\[(\d+)/(\d+)\] ")  # the build's line for each file it deals with
COUNT_INSPECTIONS = (
    "PREFIX ofsted: <https://ofsted-kg.example/def/ofsted/> "
    "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a ofsted:Inspection }"
)


def environment(server: Server, **changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_KG_")}
    env.update(
        OFSTED_KG_UPDATE_URL=server.update_url, OFSTED_KG_GRAPH_STORE_URL=server.graph_store_url
    )
    if server.user:
        env.update(OFSTED_KG_STORE_USER=server.user, OFSTED_KG_STORE_PASSWORD=server.password or "")
    env.update(changes)
    return {k: v for k, v in env.items() if v}


def cli(server: Server, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", *args, "--store", server.query_url],
        capture_output=True,
        env=environment(server, **env),
        timeout=600,
        check=False,
    )


def remote_store(server: Server) -> RemoteStore:
    return RemoteStore(
        server.query_url,
        update_url=server.update_url,
        graph_store_url=server.graph_store_url,
        user=server.user,
        password=server.password,
    )


def rows_of(sparql_json: bytes) -> Counter[tuple[tuple[str, str], ...]]:
    """The rows as a multiset. A GROUP_CONCAT's order is the engine's (SPARQL leaves it open, and
    the embedded store's varies from group to group), so `source_file` lists compare sorted."""
    _, rows = select_results(sparql_json)
    return Counter(
        tuple(sorted((k, _sorted_list(k, t.value)) for k, t in row.items())) for row in rows
    )


def _sorted_list(column: str, value: str) -> str:
    return ";".join(sorted(value.split(";"))) if column == "source_file" else value


def exported(store: EmbeddedStore | RemoteStore) -> set:
    out = io.BytesIO()
    export(store, "nquads", out)
    return parse_export(out.getvalue(), "nquads")


def assert_built(done: subprocess.CompletedProcess[bytes], context: str = "") -> None:
    """The build wrote everything: exit status 1 only when files were refused (the corpus's HTML
    error pages, each named with its reason), never an error."""
    errors = done.stderr.decode()
    refused = re.search(r" (\d+) refused", errors)
    assert refused and "Traceback" not in errors, f"{context}{errors[-2000:]}"
    assert done.returncode == (1 if int(refused[1]) else 0), f"{context}{errors[-2000:]}"


@dataclass
class Reference:
    """The same sources built into the embedded store: what every server must give back."""

    quads: set
    rows: dict[str, Counter]
    validation: str
    inspections: int


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    path = tmp_path_factory.mktemp("embedded") / "store"
    store = EmbeddedStore(path)
    build(SOURCES, store, log=lambda _: None)
    rows = {
        name: rows_of(run_named(store, query, {}, "json")[0])
        for name, query in load_queries().items()
    }
    quads = exported(store)
    inspections = int(store.select(COUNT_INSPECTIONS)[0]["n"])
    store.close()
    validation = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "validate", "--store", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    yield Reference(quads, rows, validation.stderr.strip().splitlines()[-1], inspections)


@dataclass
class Built:
    kind: str
    server: Server
    first: subprocess.CompletedProcess[bytes]


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def built(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """One server of each kind, built once by `ofsted-kg build` of the seeds and 40 PDFs."""
    folder = tmp_path_factory.mktemp(request.param)
    start = oxigraph_server if request.param == "oxigraph" else virtuoso_server
    with start(folder) as server:
        first = cli(server, "build", *SOURCES)
        server.checkpoint()
        yield Built(request.param, server, first)


def test_build_writes_everything_and_a_rebuild_writes_nothing(built: Built) -> None:
    assert_built(built.first)
    summary = built.first.stderr.decode()
    assert f"{len(PDFS) + 5} file(s): {len(PDFS) + 3} built" in summary
    assert "relinked" in summary
    stats = build(SOURCES, remote_store(built.server), log=lambda _: None)
    assert stats.built == 0 and not stats.linked and stats.nothing_written


def test_export_equals_the_embedded_build(built: Built, reference: Reference) -> None:
    done = cli(built.server, "export", "--format", "nquads")
    assert done.returncode == 0, done.stderr.decode()
    quads = parse_export(done.stdout, "nquads")
    assert len(quads) > 20000
    assert quads == reference.quads


def test_validate_finds_what_the_embedded_build_finds(built: Built, reference: Reference) -> None:
    done = cli(built.server, "validate")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().strip().splitlines()[-1] == reference.validation


@pytest.mark.parametrize("name", QUERIES)
def test_named_query_rows_equal_the_embedded_store(
    built: Built, reference: Reference, name: str
) -> None:
    data, _ = run_named(remote_store(built.server), load_queries()[name], {}, "json")
    assert rows_of(data) == reference.rows[name]
    assert reference.rows[name], f"{name} answers no rows: the comparison would prove nothing"


def test_serve_answers_pages_and_sparql_from_the_server(built: Built, reference: Reference) -> None:
    port = free_port()
    env = environment(built.server)
    server = subprocess.Popen(
        [sys.executable, "-m", "ofsted_kg", "serve", "--store", built.server.query_url]
        + ["--port", str(port), "--host", "127.0.0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/", timeout=30) as response:
                    home = response.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1].decode()[-2000:]
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.3)
        with urllib.request.urlopen(f"{url}/queries/busiest-inspectors", timeout=60) as response:
            assert response.status == 200
            assert rows_of(response.read()) == reference.rows["busiest-inspectors"]
        assert "inspection" in home.lower()
        # A resource page: an inspection the reference store holds, dereferenced from its IRI.
        row = dict(next(iter(reference.rows["la-timeline"])))
        path = row["inspection"].removeprefix("https://ofsted-kg.example")
        with urllib.request.urlopen(f"{url}{path}", timeout=60) as response:
            assert response.status == 200 and "/doc/" in response.url
            assert row["local_authority"] in response.read().decode("utf-8")
        client = SPARQLWrapper(f"{url}/sparql")
        client.setReturnFormat(JSON)
        client.setQuery(COUNT_INSPECTIONS)
        answer = client.queryAndConvert()["results"]["bindings"]
        assert int(answer[0]["n"]["value"]) == reference.inspections > 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


# ---------------------------------------------------------------- the silent failures, loud


def test_no_union_default_graph_stops_the_build_before_writing(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path, union_default_graph=False) as server:
        done = cli(server, "build", str(SEEDS_DIR))
        assert done.returncode == EXIT_STORE
        error = done.stderr.decode()
        assert "not the union of its named graphs" in error and "nothing was written" in error
        assert "Traceback" not in error
        assert remote_store(server).named_graphs() == []  # not even the probe is left
        # Written anyway (by another tool), the store still fails the next build loudly, and a
        # named query (which reads the union) fails instead of answering no rows.
        remote_store(server).replace_graph("http://example.org/g", b"<a:b> <a:c> <a:d> .\n")
        assert cli(server, "build", str(SEEDS_DIR)).returncode == EXIT_STORE
        done = cli(server, "query", "la-timeline")
        assert done.returncode == EXIT_STORE and b"not the union" in done.stderr, done.stderr


def test_wrong_credentials_fail_at_once_with_the_settings_to_check(built: Built) -> None:
    if not built.server.user:
        pytest.skip("this server has no authentication")
    before = remote_store(built.server).select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    started = time.monotonic()
    done = cli(built.server, "build", *SOURCES, str(NEW_PDF), OFSTED_KG_STORE_PASSWORD="wrong")
    assert done.returncode == EXIT_STORE
    error = done.stderr.decode()
    assert "refused the credentials" in error and "OFSTED_KG_STORE_PASSWORD" in error, error
    assert "Traceback" not in error
    assert time.monotonic() - started < 30  # a 401 is not retried
    after = remote_store(built.server).select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert after == before


def test_a_result_cap_is_paged_by_the_build_and_an_error_for_a_query(tmp_path: Path) -> None:
    """Virtuoso with a cap of 30 rows: the build and export page past it and give
    what the embedded store gives; a named query over the cap fails loudly."""
    # The seeds alone have all the cap needs (each asserted below): the build's queries answer
    # up to 93 rows (linking's mentions and recommendations), export reads graphs of up to 3,300
    # triples, and co-inspectors answers 214 rows. Paging is quadratic on Virtuoso (each page
    # sorts the whole result): a PDF more, or a cap of 20 as before, cost hundreds of pages more.
    cap = 30
    sources = [str(SEEDS_DIR)]
    embedded = EmbeddedStore(tmp_path / "embedded")
    answered: list[int] = []  # the rows of each query the build asks
    select = embedded.select

    def counted_select(*args, **kwargs) -> list:
        rows = select(*args, **kwargs)
        answered.append(len(rows))
        return rows

    embedded.select = counted_select  # type: ignore[method-assign]
    build(sources, embedded, log=lambda _: None)
    del embedded.select
    assert max(answered) > cap
    expected = exported(embedded)
    assert max(Counter(quad.graph_name for quad in expected).values()) > cap  # type: ignore[union-attr]
    over_cap = rows_of(run_named(embedded, load_queries()["co-inspectors"], {}, "json")[0])
    embedded.close()
    assert sum(over_cap.values()) > cap
    with virtuoso_server(tmp_path / "virtuoso", max_rows=cap) as server:
        assert_built(cli(server, "build", *sources))
        server.checkpoint()
        assert exported(remote_store(server)) == expected
        done = cli(server, "query", "co-inspectors", "--format", "csv")
        assert done.returncode == EXIT_STORE
        error = done.stderr.decode()
        assert f"cut the result at {cap} rows" in error and "Traceback" not in error, error


def test_retries_until_the_server_answers_then_gives_up_at_the_deadline(tmp_path: Path) -> None:
    port = free_port()
    store = RemoteStore(f"http://127.0.0.1:{port}/query", retry_seconds=1.5)
    started = time.monotonic()
    with pytest.raises(StoreError, match=r"failed after \d+ attempt"):
        store.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    assert 0.5 < time.monotonic() - started < 10  # backoff 0.25 s, 0.5 s, then past the deadline


def test_retries_reach_a_server_that_starts_late(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    store = RemoteStore(f"{url}/query", update_url=f"{url}/update", retry_seconds=40)
    answers: list[object] = []
    asking = threading.Thread(target=lambda: answers.append(store.has_union_default_graph()))
    asking.start()  # refused connections until the server is up: retried with backoff
    time.sleep(1.0)
    with oxigraph_server(tmp_path, port=port):
        asking.join(timeout=60)
    assert answers == [True]


def test_a_build_killed_at_random_points_is_completed_by_the_next(
    tmp_path: Path, reference: Reference
) -> None:
    """Three builds, each killed at a random point of its own run, then one that completes the
    store. A point is a random file of those the build has left (its progress line `[n/N]`; the
    last one too, so the kill can land in the linking after it) and a random delay after that
    file's line, up to about the time one file takes. Fixed sleeps of 2-12 s, as before, often
    outlasted a build that had already ended, and spent that time waiting."""
    seed = random.randrange(1 << 16)
    chance = random.Random(seed)
    with ExitStack() as stack:
        server = stack.enter_context(oxigraph_server(tmp_path))
        done = 0  # the last file a killed build reported, of `files`
        for _ in range(3):
            process = subprocess.Popen(
                [sys.executable, "-m", "ofsted_kg", "build", *SOURCES]
                + ["--store", server.query_url, "--workers", "1"],
                env=environment(server),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            # A build that hangs is killed as `cli` would time it out, ending the loop below.
            watchdog = threading.Timer(600, process.kill)
            watchdog.start()
            target = None
            for line in process.stderr:  # type: ignore[union-attr] # a pipe
                progress = PROGRESS.match(line.decode("utf-8", "replace"))
                if not progress:
                    continue
                handled, files = int(progress[1]), int(progress[2])
                if target is None:
                    target = chance.randint(min(done + 1, files), files)
                done = max(done, handled)
                if handled >= target:
                    time.sleep(chance.uniform(0.0, 0.5))
                    break
            watchdog.cancel()
            process.kill()
            process.wait()
            process.stderr.close()  # type: ignore[union-attr]
        assert_built(cli(server, "build", *SOURCES), f"seed {seed}: ")
        assert exported(remote_store(server)) == reference.quads, f"seed {seed}"


def test_credentials_from_netrc(built: Built, tmp_path: Path, monkeypatch) -> None:
    if not built.server.user:
        pytest.skip("this server has no authentication")
    server = built.server
    for name in ("OFSTED_KG_STORE_USER", "OFSTED_KG_STORE_PASSWORD", "OFSTED_KG_STORE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "absent"))
    anonymous = RemoteStore(server.query_url, update_url=server.update_url)
    with pytest.raises(StoreError, match="refused the credentials"):
        anonymous.drop_graph("http://example.org/never-written")
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {server.user} password {server.password}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    RemoteStore(server.query_url, update_url=server.update_url).drop_graph(
        "http://example.org/never-written"
    )


def test_validate_and_export_fail_when_the_manifest_names_a_missing_graph(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as server:
        assert_built(cli(server, "build", str(SEEDS_DIR)))
        store = remote_store(server)
        graph = store.select(
            "SELECT ?g WHERE { GRAPH ?m { ?e <https://ofsted-kg.example/def/ofsted/builtGraph> ?g } }"
            " ORDER BY ?g LIMIT 1"
        )[0]["g"]
        store.drop_graph(graph)
        for command in (["validate"], ["export", "--format", "nquads"]):
            done = cli(server, *command)
            assert done.returncode == EXIT_STORE, command
            error = done.stderr.decode()
            assert f"does not return, first <{graph}>" in error and "Traceback" not in error


def test_linking_refuses_report_graphs_that_answer_no_mentions(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as server:
        store = remote_store(server)
        with pytest.raises(StoreError, match="no person mentions from 1 report graph"):
            link(store, Uris(), [str(Uris().report_graph("0" * 64))])


def test_basic_credentials_through_a_proxy(tmp_path: Path) -> None:
    triples = b"<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"
    with (
        oxigraph_server(tmp_path) as server,
        basic_auth_proxy(server, "builder", "s3cret") as proxy,
    ):
        remote_store(proxy).replace_graph("http://example.org/g", triples)
        assert remote_store(server).graph_ntriples("http://example.org/g") == triples
        wrong = Server(proxy.query_url, proxy.update_url, proxy.graph_store_url, "builder", "x")
        with pytest.raises(StoreError, match="refused the credentials"):
            remote_store(wrong).drop_graph("http://example.org/g")
        with pytest.raises(StoreError, match="refused the credentials"):
            RemoteStore(proxy.query_url).named_graphs()


def test_ask_answers_a_boolean(built: Built) -> None:
    store = remote_store(built.server)
    for sparql, expected in (
        ("ASK { ?s a <https://ofsted-kg.example/def/ofsted/Inspection> }", True),
        ("ASK { ?s a <http://example.org/Nothing> }", False),
    ):
        body, media_type = store.query(sparql, result_format="application/sparql-results+json")
        assert media_type == "application/sparql-results+json"
        assert json.loads(body)["boolean"] is expected
