"""The W3C SPARQL 1.1 Protocol test suite, run against a real server on loopback."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace
from rdflib.collection import Collection
from web_server import Running, fixture_store, running_server

from ofsted_kg.web import WebConfig

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TOKEN = "protocol-test-token"

BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json")


def _manifest(shared: Path) -> tuple[Graph, list]:
    folder = shared / "conformance" / "sparql11-protocol"
    graph = Graph().parse(folder / "manifest.ttl", format="turtle", publicID=folder.as_uri() + "/")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return graph, list(Collection(graph, graph.value(manifest, MF.entries)))


SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MANIFEST, ENTRIES = _manifest(SHARED)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = fixture_store(tmp_path_factory.mktemp("protocol") / "store", read_only=True)
    with running_server(store, WebConfig(write_token=TOKEN, query_timeout=20)) as running:
        yield running


def _load_graph_data(server: Running, test) -> None:
    for data in MANIFEST.objects(test, UT.graphData):
        source = Path(str(MANIFEST.value(data, UT.graph)).removeprefix("file://"))
        name = str(MANIFEST.value(data, RDFS.label))
        status, _, body = server.request(
            "PUT",
            f"/rdf-graph-store?graph={name}",
            source.read_bytes(),
            {"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"},
        )
        assert status in (201, 204), body


def _boolean(media_type: str, body: bytes) -> bool:
    if media_type.startswith("application/sparql-results+json"):
        return json.loads(body)["boolean"]
    root = ET.fromstring(body)
    element = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    return element is not None and element.text == "true"


@pytest.mark.parametrize("test", ENTRIES, ids=[str(t).rsplit("#", 1)[-1] for t in ENTRIES])
def test_protocol(server: Running, test) -> None:
    _load_graph_data(server, test)
    connection = MANIFEST.value(test, MF.action)
    for request in Collection(MANIFEST, MANIFEST.value(connection, HT.requests)):
        path = str(MANIFEST.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        method = str(MANIFEST.value(request, HT.methodName))
        headers = {}
        header_list = MANIFEST.value(request, HT.headers)
        for header in Collection(MANIFEST, header_list) if header_list else []:
            headers[str(MANIFEST.value(header, HT.fieldName))] = str(
                MANIFEST.value(header, HT.fieldValue)
            )
        body_node = MANIFEST.value(request, HT.body)
        body = str(MANIFEST.value(body_node, CNT.chars)) if body_node else None
        if "update" in (body or "") or "sparql-update" in headers.get("content-type", ""):
            headers["Authorization"] = f"Bearer {TOKEN}"
        if body is not None and "charset=UTF-16" in headers.get("content-type", ""):
            body = body.encode("utf-16")
        status, response_headers, content = server.request(method, path, body, headers)
        response = MANIFEST.value(request, HT.resp)
        expected = {str(s).removeprefix(HTS) for s in MANIFEST.objects(response, MF.expectedStatus)}
        assert f"{status // 100}xx" in expected, content.decode("utf-8", "replace")
        assert b"Traceback" not in content
        media_type = response_headers.get("content-type", "").split(";")[0]
        expected_format = MANIFEST.value(response, MF.expectedFormat)
        allowed = {"boolean": BOOLEAN_TYPES, "tabular": TABULAR_TYPES, "RDF": RDF_TYPES}
        if expected_format is not None:
            assert media_type in allowed[str(expected_format)]
        expected_boolean = MANIFEST.value(response, MF.expectedBoolean)
        if expected_boolean is not None:
            assert _boolean(media_type, content) == expected_boolean.toPython()
