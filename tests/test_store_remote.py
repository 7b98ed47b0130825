"""RemoteStore against a second instance of our own server (loopback, write token)."""

from __future__ import annotations

import pytest
from web_server import FIXTURE_GRAPH, fixture_store, running_server

from ofsted_kg.queries import parse_query_file, select_named
from ofsted_kg.store import StoreError, open_store
from ofsted_kg.store.remote import RemoteStore
from ofsted_kg.web import WebConfig

TOKEN = "remote-test-token"
GRAPH = "http://example.org/graph/remote"
TRIPLES = b'<http://example.org/a> <http://example.org/p> "caf\\u00E9 \\"x\\"" .\n<http://example.org/a> <http://example.org/q> <http://example.org/b> .\n'


@pytest.fixture(scope="module")
def remote_server(tmp_path_factory):
    store = fixture_store(tmp_path_factory.mktemp("remote") / "store")
    with running_server(store, WebConfig(write_token=TOKEN)) as running:
        yield running


@pytest.fixture(params=["graph-store", "update-only"])
def remote(remote_server, request, monkeypatch):
    monkeypatch.setenv("OFSTED_KG_STORE_TOKEN", TOKEN)
    graph_store = f"{remote_server.url}/rdf-graph-store" if request.param == "graph-store" else None
    if graph_store:
        monkeypatch.setenv("OFSTED_KG_GRAPH_STORE_URL", graph_store)
    else:
        monkeypatch.delenv("OFSTED_KG_GRAPH_STORE_URL", raising=False)
    store = open_store(remote_server.sparql)
    assert isinstance(store, RemoteStore)
    return store


def test_remote_store_round_trip(remote):
    remote.replace_graph(GRAPH, TRIPLES)
    assert GRAPH in remote.named_graphs() and FIXTURE_GRAPH in remote.named_graphs()
    lines = remote.graph_ntriples(GRAPH).decode("utf-8").splitlines()
    assert sorted(lines) == sorted(
        [
            '<http://example.org/a> <http://example.org/p> "café \\"x\\"" .',
            "<http://example.org/a> <http://example.org/q> <http://example.org/b> .",
        ]
    )
    remote.replace_graph(GRAPH, TRIPLES.splitlines()[1] + b"\n")  # replaces, not adds
    assert len(remote.graph_ntriples(GRAPH).splitlines()) == 1
    quads = remote.dump("application/n-quads").decode("utf-8").splitlines()
    assert sum(line.endswith(f"<{GRAPH}> .") for line in quads) == 1
    remote.drop_graph(GRAPH)
    assert GRAPH not in remote.named_graphs()


def test_remote_named_query_binds_parameters_as_terms(remote, tmp_path):
    """Parameters reach a remote store as they reach the embedded one: terms in a VALUES block
    at the start of the WHERE group (queries.py), never spliced text."""
    path = tmp_path / "labelled.rq"
    path.write_text(
        "# param: label string — the label\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?a WHERE { ?a rdfs:label ?label }\n",
        encoding="utf-8",
    )
    query = parse_query_file(path)
    rows = select_named(remote, query, {"label": "Authority 7"})
    assert [row["a"] for row in rows] == ["http://example.org/authority7"]
    assert rows[0]["a"].is_uri
    # A value that looks like SPARQL stays one literal.
    assert select_named(remote, query, {"label": 'x" } ?a ?b ?c . { "'}) == []


def test_remote_store_without_token_cannot_write(remote_server, monkeypatch):
    monkeypatch.delenv("OFSTED_KG_STORE_TOKEN", raising=False)
    store = RemoteStore(remote_server.sparql)
    with pytest.raises(StoreError, match="401|Unauthorized"):
        store.replace_graph(GRAPH, TRIPLES)
