"""The RDF form of a resource's document: every triple with the resource as subject or object
(no blank nodes exist in the graph, so this bounds the description), plus the document's own
`foaf:primaryTopic`. Serialised by pyoxigraph in the format asked for."""

from __future__ import annotations

import io

import pyoxigraph as ox
from flask import abort

from ...export import project_prefixes
from ...store.embedded import xml_checked
from ..formats import JSONLD, NTRIPLES, RDFXML, TURTLE
from ..pool import QueryError, QueryJob
from ..services import services
from .data import page_sparql, uris

RDF_TYPES = (TURTLE, JSONLD, NTRIPLES, RDFXML)
EXTENSION_OF = {TURTLE: "ttl", JSONLD: "jsonld", NTRIPLES: "nt", RDFXML: "rdf"}
FORMAT_NAMES = {TURTLE: "Turtle", JSONLD: "JSON-LD", NTRIPLES: "N-Triples", RDFXML: "RDF/XML"}
OX_FORMATS = {
    TURTLE: ox.RdfFormat.TURTLE,
    JSONLD: ox.RdfFormat.JSON_LD,
    NTRIPLES: ox.RdfFormat.N_TRIPLES,
    RDFXML: ox.RdfFormat.RDF_XML,
}
PRIMARY_TOPIC = ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic")


def description(topic: str) -> list[ox.Triple]:
    sparql = page_sparql("description", {"topic": topic})
    try:
        body, _ = services().runner.run(QueryJob(sparql, TURTLE, NTRIPLES))
    except QueryError as exc:
        abort(exc.status, exc.message)
    return [q.triple for q in ox.parse(input=io.BytesIO(body), format=ox.RdfFormat.N_TRIPLES)]


def serialize(topic: str, document: str, media_type: str) -> bytes:
    triples = set(description(topic))
    if topic != document:
        triples.add(ox.Triple(ox.NamedNode(document), PRIMARY_TOPIC, ox.NamedNode(topic)))
    ordered = sorted(triples, key=str)
    options = {}
    if media_type in (TURTLE, RDFXML):
        prefixes = project_prefixes(uris())
        prefixes["foaf"] = "http://xmlns.com/foaf/0.1/"
        prefixes.pop("id")  # local names with slashes would need escapes
        options["prefixes"] = prefixes
    fmt = OX_FORMATS[media_type]
    return xml_checked(ox.serialize(ordered, format=fmt, **options), fmt)
