"""/download/graph.EXT: streamed from a query worker, from the live generation, in chunks."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from web_server import fixture_store, running_server

from ofsted_kg.export import FORMATS, QUAD_FORMATS, export, parse_export
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.web import WebConfig
from ofsted_kg.web.pages.routes import DOWNLOADS

BULK_GRAPH = "http://example.org/graph/bulk"
BULK_TRIPLES = 20_000  # about 2 MB of N-Quads: several chunks of the worker's stream


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    store = fixture_store(tmp_path_factory.mktemp("downloads") / "store")
    lines = "\n".join(
        f'<http://example.org/s/{i}> <http://example.org/p/{i % 7}> "value {i}" .'
        for i in range(BULK_TRIPLES)
    )
    # Some triples in two graphs: the triple formats write their union, each triple once.
    store.replace_graph(BULK_GRAPH, lines.encode())
    store.replace_graph(BULK_GRAPH + "/copy", "\n".join(lines.splitlines()[:100]).encode())
    with running_server(store, WebConfig(query_workers=2, query_timeout=30)) as running:
        yield running, store


def _expected(store: EmbeddedStore, fmt: str) -> set:
    return (
        parse_export(store.dump("application/n-quads"), "nquads")
        if fmt in QUAD_FORMATS
        else {q.triple for q in parse_export(store.dump("application/n-quads"), "nquads")}
    )


@pytest.mark.parametrize("ext", sorted(DOWNLOADS))
def test_each_download_is_the_dataset(served, ext: str) -> None:
    running, store = served
    fmt, media_type = DOWNLOADS[ext]
    status, headers, body = running.request("GET", f"/download/graph.{ext}")
    assert status == 200 and headers["content-type"].startswith(media_type)
    assert "attachment" in headers["content-disposition"]
    assert parse_export(body, fmt) == _expected(store, fmt)
    if fmt in FORMATS and fmt not in QUAD_FORMATS:
        # The union: each triple once, as `ofsted-kg export` writes it.
        statements = [line for line in body.splitlines() if line.strip()]
        assert fmt != "ntriples" or len(statements) == export(store, fmt, _Discard())


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass


def test_a_client_leaving_half_way_costs_nothing_lasting(served) -> None:
    running, _ = served
    parts = urlsplit(running.url)
    for _ in range(3):  # more than the workers: each must have been handed back or replaced
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("GET", "/download/graph.nq")
        response = conn.getresponse()
        assert response.status == 200
        assert len(response.read(10_000)) == 10_000
        conn.close()
    # The workers still answer: each was handed back or replaced.
    status, _, body = running.request("GET", "/download/graph.nq")
    assert status == 200 and parse_export(body, "nquads") == _expected(served[1], "nquads")


def test_a_head_request_reads_none_of_a_download_and_keeps_the_workers(served) -> None:
    running, store = served
    for _ in range(4):  # more than the workers (2 shared, 1 reserved): each must come back
        status, headers, body = running.request("HEAD", "/download/graph.nq")
        assert status == 200 and body == b"" and "attachment" in headers["content-disposition"]
    status, _, body = running.request("GET", "/download/graph.nq")
    assert status == 200 and parse_export(body, "nquads") == _expected(store, "nquads")


def test_a_download_after_a_write_has_the_write(served, tmp_path: Path) -> None:
    running, store = served
    store.replace_graph(
        "http://example.org/graph/later", b"<http://example.org/later> <http://example.org/p> 1 ."
    )
    status, _, body = running.request("GET", "/download/graph.nq")
    assert status == 200 and b"<http://example.org/graph/later>" in body
