"""The RDF form of a resource's document: every triple with the resource as subject or object
(no blank nodes exist in the graph, so this bounds the description), plus the document's own
`foaf:primaryTopic`. Serialised by pyoxigraph in the format asked for."""

from __future__ import annotations

import pyoxigraph as ox
from flask import abort

from ...export import project_prefixes
from ...formats import PAGE_FORMATS, RdfFormat, media_type_of
from ...store.embedded import xml_checked
from ..pool import QueryError
from ..services import services
from .data import page_sparql, uris

# The formats of a resource's document, by media type (preferred first).
RDF_FORMATS: dict[str, RdfFormat] = {media_type_of(fmt): fmt for fmt in PAGE_FORMATS}
RDF_TYPES = tuple(RDF_FORMATS)
PRIMARY_TOPIC = ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic")


def description(topic: str) -> list[ox.Triple]:
    sparql = page_sparql("description", {"topic": topic})
    try:
        return services().queries.construct(sparql)
    except QueryError as exc:
        abort(exc.status, exc.message)


def serialize(topic: str, document: str, media_type: str) -> bytes:
    triples = set(description(topic))
    if topic != document:
        triples.add(ox.Triple(ox.NamedNode(document), PRIMARY_TOPIC, ox.NamedNode(topic)))
    ordered = sorted(triples, key=str)
    options = {}
    fmt = RDF_FORMATS[media_type]
    if fmt in (RdfFormat.TURTLE, RdfFormat.RDF_XML):
        prefixes = project_prefixes(uris())
        prefixes["foaf"] = "http://xmlns.com/foaf/0.1/"
        prefixes.pop("id")  # local names with slashes would need escapes
        options["prefixes"] = prefixes
    return xml_checked(ox.serialize(ordered, format=fmt, **options), fmt)
