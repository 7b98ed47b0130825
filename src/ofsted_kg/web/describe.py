"""Machine-readable descriptions: the SPARQL Service Description of /sparql and a VoID
description of the dataset at /.well-known/void."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from .. import vocab
from ..queries import page_query
from .formats import GRAPH_TYPES, JSONLD, NTRIPLES, RDFXML, TURTLE, choose
from .pool import QueryError
from .services import services

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# Media type -> rdflib serializer name, for the descriptions.
RDFLIB_FORMATS = {TURTLE: "turtle", NTRIPLES: "nt", JSONLD: "json-ld", RDFXML: "xml"}
# Result formats the endpoint serves, as W3C format IRIs.
FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "N-Quads",
    "TriG",
)

bp = Blueprint("describe", __name__)


def _serialize(graph: Graph, media_type: str) -> Response:
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    body = graph.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")
    response = Response(body, content_type=media_type)
    response.headers["Vary"] = "Accept"
    return response


def service_description(media_type: str, endpoint: str) -> Response:
    graph = Graph()
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if services().config.write_token:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in FORMAT_IRIS:
        graph.add((service, SD.resultFormat, FORMATS[name]))
    dataset, default_graph = BNode(), BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "The default graph is the union of all named graphs (one per inspection report, plus "
                "the linking and ontology graphs)."
            ),
        )
    )
    graph.add((dataset, VOID.inDataset, URIRef(url_for("describe.void", _external=True))))
    return _serialize(graph, media_type)


def _count(sparql: str) -> int:
    try:
        return int(services().queries.select(sparql)[0]["n"])
    except QueryError as exc:
        abort(exc.status, exc.message)


@bp.route("/.well-known/void")
def void() -> Response:
    here = url_for("describe.void", _external=True)
    dataset = URIRef(here + "#dataset")
    graph = Graph()
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add(
        (
            dataset,
            DCTERMS.title,
            Literal("Ofsted inspections of English local authorities' children's services"),
        )
    )
    graph.add((dataset, DCTERMS.license, URIRef(vocab.LICENCE)))
    graph.add((dataset, DCTERMS.rights, Literal(vocab.RIGHTS, lang="en")))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(url_for("sparql.endpoint", _external=True))))
    graph.add(
        (
            dataset,
            VOID.triples,
            Literal(_count(page_query("triple-count").sparql), datatype=XSD.integer),
        )
    )
    for name in FORMAT_IRIS[4:]:
        graph.add((dataset, VOID.feature, FORMATS[name]))
    media_type = choose(request.headers.get("Accept"), GRAPH_TYPES[:4]) or TURTLE
    return _serialize(graph, media_type)
