"""The web server with a real client (SPARQLWrapper) over loopback: methods, formats, errors,
safety (writes, outbound connections, time and size limits), descriptions."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import urllib.error
from concurrent.futures import ThreadPoolExecutor

import pytest
from rdflib import Graph
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
from web_server import FIXTURE_GRAPH, Running, fixture_store, running_server

from ofsted_kg.web import WebConfig

# Wall-clock limits (a 2 s query deadline that cheap queries must beat): `make test` runs this
# file on its own after the parallel run, so another xdist worker's load does not decide them.
pytestmark = pytest.mark.timing

REFUSED = (SPARQLWrapperException, urllib.error.HTTPError)
TOKEN = "web-test-token"
SELECT = (
    "PREFIX ex: <http://example.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?a ?label WHERE { ?a a ex:Authority ; rdfs:label ?label ; ex:rank ?r } "
    "ORDER BY ?r LIMIT 3"
)
CONSTRUCT = (
    "PREFIX ex: <http://example.org/> CONSTRUCT { ?a ex:rank ?r } "
    "WHERE { ?a ex:rank ?r FILTER(?r <= 2) }"
)
# Seven-way cross product of the fixture's 90 triples: far more than 2 s of work.
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?q ?r ?s . ?t ?u ?v }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Read-only, as by default; short time limit, small body and result caps."""
    store = fixture_store(tmp_path_factory.mktemp("web") / "store")
    config = WebConfig(query_timeout=2, max_body_bytes=64 * 1024, max_result_bytes=20_000)
    with running_server(store, config) as running:
        yield running


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    store = fixture_store(tmp_path_factory.mktemp("writable") / "store")
    with running_server(store, WebConfig(write_token=TOKEN)) as running:
        yield running


def _client(server: Running, method: str, request_method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    client.setMethod(method)
    if request_method:
        client.setRequestMethod(request_method)
    return client


METHODS = [(GET, None), (POST, URLENCODED), (POST, POSTDIRECTLY)]


@pytest.mark.parametrize(("method", "request_method"), METHODS)
@pytest.mark.parametrize("result_format", [JSON, XML, CSV, TSV])
def test_select_by_every_method_and_format(server, method, request_method, result_format):
    client = _client(server, method, request_method)
    client.setQuery(SELECT)
    client.setReturnFormat(result_format)
    result = client.query().convert()
    if result_format == JSON:
        labels = [b["label"]["value"] for b in result["results"]["bindings"]]
    elif result_format == XML:
        labels = [
            node.getElementsByTagName("literal")[0].firstChild.data
            for node in result.getElementsByTagName("binding")
            if node.getAttribute("name") == "label"
        ]
    else:
        delimiter = "," if result_format == CSV else "\t"
        rows = list(csv.reader(io.StringIO(result.decode("utf-8")), delimiter=delimiter))
        labels = [row[1].strip('"') for row in rows[1:]]
    assert labels == ["Authority 1", "Authority 2", "Authority 3"]


@pytest.mark.parametrize(("method", "request_method"), METHODS)
@pytest.mark.parametrize("result_format", [TURTLE, N3, RDFXML, JSONLD, XML])
def test_construct_by_every_method_and_format(server, method, request_method, result_format):
    client = _client(server, method, request_method)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(result_format)
    graph = client.queryAndConvert()
    if not isinstance(graph, Graph):  # JSON-LD and Turtle come back as text
        graph = Graph().parse(data=graph, format="json-ld" if result_format == JSONLD else "turtle")
    assert len(graph) == 2


def test_ask_and_n_triples_by_accept(server):
    status, headers, body = server.request(
        "GET",
        "/sparql?query=ASK%20%7B%7D",
        headers={"Accept": "text/csv, application/sparql-results+xml;q=0.5"},
    )
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+xml")
    status, headers, body = server.request(
        "POST",
        "/sparql",
        CONSTRUCT,
        {
            "Content-Type": "application/sparql-query",
            "Accept": "application/n-triples;q=0.9, text/turtle;q=0.1",
        },
    )
    assert headers["content-type"].startswith("application/n-triples")
    assert body.count(b"\n") == 2


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "says"),
    [
        ("PUT", "/sparql?query=ASK%7B%7D", None, {}, 405, "Method Not Allowed"),
        ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400, "given 2 times"),
        (
            "POST",
            "/sparql",
            "ASK {}",
            {"Content-Type": "text/plain"},
            415,
            "unsupported Content-Type",
        ),
        ("POST", "/sparql", "query=ASK%7B%7D", {}, 415, "needs a Content-Type"),
        ("GET", "/sparql?query=SELECT%20%2A%20%7B", None, {}, 400, "syntax error"),
        ("GET", "/sparql?query=%FF", None, {}, 400, "not valid UTF-8"),
        ("GET", "/sparql?query=ASK%7B%7D&format=pdf", None, {}, 400, "unknown format"),
        ("GET", "/sparql?update=CLEAR%20ALL", None, {}, 400, "POST, never GET"),
    ],
)
def test_protocol_errors_say_why(server, method, path, body, headers, status, says):
    got, response_headers, content = server.request(method, path, body, headers)
    assert got == status
    assert says in content.decode("utf-8")
    assert b"Traceback" not in content
    assert response_headers["content-type"].startswith("text/plain")


def test_request_body_is_capped(server):
    big = "query=" + "x" * (65 * 1024)
    status, _, _ = server.request(
        "POST", "/sparql", big, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 413


def test_result_size_is_capped_not_truncated(server):
    status, _, body = server.request(
        "GET", "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%20.%20%3Fx%20a%20%3Ft%7D"
    )
    assert status == 413
    assert b"larger than this server's limit" in body


def test_update_refused_without_token(server, writable):
    for running, expected in ((server, 403), (writable, 401)):
        client = _client(running, POST, URLENCODED)
        client.setQuery("CLEAR ALL")
        with pytest.raises(REFUSED):
            client.query()
        status, _, body = running.request(
            "POST", "/sparql", "CLEAR ALL", {"Content-Type": "application/sparql-update"}
        )
        assert status == expected, body
    status, _, _ = server.request("DELETE", f"/rdf-graph-store?graph={FIXTURE_GRAPH}")
    assert status == 403


def test_update_accepted_with_token(writable):
    client = _client(writable, POST, POSTDIRECTLY)
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.setQuery(
        "INSERT DATA { GRAPH <http://example.org/graph/new> { <http://example.org/x> <http://example.org/p> 1 } }"
    )
    client.query()
    reader = _client(writable, GET)
    reader.setQuery("ASK { GRAPH <http://example.org/graph/new> { ?s ?p 1 } }")
    reader.setReturnFormat(JSON)
    assert reader.query().convert()["boolean"] is True


@pytest.fixture
def loopback_listener():
    """A listening socket on loopback that records whether anyone connected."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    yield listener
    listener.close()


def _connected(listener: socket.socket) -> bool:
    try:
        listener.accept()[0].close()
        return True
    except TimeoutError:
        return False


@pytest.mark.parametrize(
    "target", ["loopback", "http://203.0.113.7/sparql", "http://example.org/sparql"]
)
def test_service_refused_before_any_connection(server, loopback_listener, target):
    if target == "loopback":
        target = f"http://127.0.0.1:{loopback_listener.getsockname()[1]}/sparql"
    client = _client(server, GET)
    client.setQuery(f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}")
    with pytest.raises(REFUSED):
        client.query()
    status, _, body = server.request(
        "POST",
        "/sparql",
        f"SELECT * {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        {"Content-Type": "application/sparql-query"},
    )
    assert status == 403 and b"SERVICE is disabled" in body
    assert not _connected(loopback_listener)


def test_allow_listed_service_on_private_address_still_refused(tmp_path, loopback_listener):
    target = f"http://127.0.0.1:{loopback_listener.getsockname()[1]}/sparql"
    config = WebConfig(allowed_services=(target,))
    with running_server(fixture_store(tmp_path / "store"), config) as running:
        status, _, body = running.request(
            "GET",
            "/sparql?query="
            + f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}".replace(" ", "%20"),
        )
    assert status == 403 and b"non-public address 127.0.0.1" in body
    assert not _connected(loopback_listener)


def test_from_a_graph_not_in_the_store_is_refused(server):
    status, _, body = server.request(
        "POST",
        "/sparql",
        "ASK FROM <http://example.org/remote.ttl> { ?s ?p ?o }",
        {"Content-Type": "application/sparql-query"},
    )
    assert status == 400 and b"never fetches remote data" in body
    status, _, body = server.request(
        "POST",
        "/sparql",
        f"ASK FROM <{FIXTURE_GRAPH}> {{ ?s ?p ?o }}",
        {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert status == 200 and json.loads(body)["boolean"] is True


def test_expensive_query_stopped_while_cheap_query_answered(server):
    def run(query: str):
        client = _client(server, POST, URLENCODED)
        client.setQuery(query)
        client.setReturnFormat(JSON)
        try:
            return client.query().convert()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(run, EXPENSIVE)
        threading.Event().wait(0.3)  # let the slow query take its worker first
        cheap = pool.submit(run, SELECT).result()
        assert not slow.done()  # the cheap answer came while the slow query was still running
        assert len(cheap["results"]["bindings"]) == 3
        stopped = slow.result()
    assert stopped[0] == 504 and "time limit of 2 s" in stopped[1]
    # The killed worker was replaced: the server still answers.
    assert len(run(SELECT)["results"]["bindings"]) == 3


def test_service_description_and_query_page(server):
    status, headers, body = server.request("GET", "/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(str(o) == sd + "SPARQL11Query" for o in graph.objects())
    assert not any(str(o) == sd + "SPARQL11Update" for o in graph.objects())
    status, headers, body = server.request(
        "GET", "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert headers["content-type"].startswith("text/html")
    assert b"<textarea" in body and b"vendor/yasgui/yasgui.min.js" in body and b"//cdn" not in body
    status, _, body = server.request("GET", "/static/sparql_editor.js")
    assert status == 200 and b"innerHTML" not in body


def test_void_counts_the_triples(server):
    status, _, body = server.request("GET", "/.well-known/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=body, format="turtle")
    counts = [o.toPython() for p, o in graph.predicate_objects() if str(p).endswith("#triples")]
    assert counts == [90]


def test_cors_on_reads_not_on_writes(server, writable):
    _, headers, _ = server.request("GET", "/sparql?query=ASK%7B%7D")
    assert headers["access-control-allow-origin"] == "*"
    _, headers, _ = writable.request(
        "POST",
        "/sparql",
        "CLEAR SILENT GRAPH <http://example.org/none>",
        {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert "access-control-allow-origin" not in headers


def test_graph_store_read(server):
    status, headers, body = server.request(
        "GET",
        f"/rdf-graph-store?graph={FIXTURE_GRAPH}",
        headers={"Accept": "application/n-triples"},
    )
    assert status == 200 and body.count(b"\n") == 90
    status, _, _ = server.request("GET", "/data?graph=http://example.org/none")
    assert status == 404


def test_allow_listed_service_redirect_is_not_followed(tmp_path):
    """An allow-listed endpoint that redirects elsewhere: the redirect is not followed."""
    import http.server

    hits: list[str] = []

    class Redirecting(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    redirector = http.server.HTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    target = f"http://127.0.0.1:{redirector.server_address[1]}/sparql"
    config = WebConfig(allowed_services=(target,), allow_private_services=True)
    try:
        with running_server(fixture_store(tmp_path / "store"), config) as running:
            status, _, body = running.request(
                "POST",
                "/sparql",
                f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                {"Content-Type": "application/sparql-query"},
            )
    finally:
        redirector.shutdown()
    assert status == 400 and b"redirect" in body
    assert hits == ["/sparql"]
