"""Reading what a page shows from the store: SELECT queries through the server's query runner
(deadlines and size limits apply) and labels for the URIs they return.

Labels of ontology terms and concepts come from the ontology graph held in memory (no query);
labels of instances (authorities, people, inspections) from one query per page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from flask import abort, current_app
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ...ontology import OA, ORG, PREFIXES, SCHEMA, ontology_graph
from ...uris import Uris, default_base
from ..formats import SPARQL_JSON, TURTLE
from ..pool import QueryError, QueryJob
from ..services import services

BASE_SETTING = "OFSTED_KG_BASE"  # Flask setting (WebConfig.extra) overriding $OFSTED_KG_BASE
# What names a resource on a page: its label, else a person's or file's name as printed, else
# (a recommendation or finding) its text.
LABEL_PATH = (
    f"<{SKOS.prefLabel}>|<{RDFS.label}>|<{SCHEMA.name}>|ofsted:nameAsPrinted|ofsted:fileName"
    "|ofsted:text"
)


@dataclass(frozen=True)
class Node:
    """One RDF term from a query result."""

    value: str
    is_uri: bool
    lang: str | None = None
    datatype: str | None = None

    @classmethod
    def from_json(cls, cell: dict[str, str]) -> Node:
        return cls(cell["value"], cell["type"] == "uri", cell.get("xml:lang"), cell.get("datatype"))


Row = dict[str, Node]


def uris() -> Uris:
    return Uris(current_app.config.get(BASE_SETTING) or default_base())


def prefixes() -> str:
    names = {**{k: str(v) for k, v in PREFIXES.items()}, "ofsted": str(uris().DEF)}
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in names.items())


def select(sparql: str) -> list[Row]:
    """Rows of a SELECT query (with the project prefixes), run by the server's query workers."""
    try:
        body, _ = services().runner.run(QueryJob(prefixes() + sparql, SPARQL_JSON, TURTLE))
    except QueryError as exc:
        abort(exc.status, exc.message)
    return [
        {name: Node.from_json(cell) for name, cell in binding.items()}
        for binding in json.loads(body)["results"]["bindings"]
    ]


def ask(sparql: str) -> bool:
    try:
        body, _ = services().runner.run(QueryJob(prefixes() + sparql, SPARQL_JSON, TURTLE))
    except QueryError as exc:
        abort(exc.status, exc.message)
    return bool(json.loads(body)["boolean"])


def iri(value: str) -> str:
    """`<value>` for a query. Values come from the store or are built by quoting every path
    segment, so they hold no '<', '>', quote or space; anything else is refused."""
    if any(c in value for c in '<>"{}|^`\\ \n'):
        abort(400, "not a valid IRI")
    return f"<{value}>"


def literal(text: str) -> str:
    """A user's string as a SPARQL literal, escaped."""
    return Literal(text).n3()


def values(name: str, items: Iterable[str]) -> str:
    return f"VALUES ?{name} {{ {' '.join(iri(i) for i in items)} }}"


# Standard vocabulary terms have no label in our ontology graph: say them in words here.
STANDARD_LABELS: dict[str, str] = {
    str(RDF.type): "type",
    str(RDFS.label): "label",
    str(RDFS.comment): "description",
    str(RDFS.subClassOf): "subclass of",
    str(RDFS.domain): "domain",
    str(RDFS.range): "range",
    str(RDFS.seeAlso): "see also",
    str(OWL.inverseOf): "inverse of",
    str(OWL.versionInfo): "version",
    str(SKOS.prefLabel): "preferred label",
    str(SKOS.altLabel): "also printed as",
    str(SKOS.notation): "notation",
    str(SKOS.definition): "definition",
    str(SKOS.inScheme): "in scheme",
    str(SKOS.topConceptOf): "top concept of",
    str(SKOS.hasTopConcept): "has top concept",
    str(DCTERMS.title): "title",
    str(DCTERMS.description): "description",
    str(DCTERMS["format"]): "format",
    str(DCTERMS.issued): "published",
    str(DCTERMS.date): "dated",
    str(PROV.wasDerivedFrom): "derived from",
    str(PROV.wasAssociatedWith): "associated with",
    str(PROV.qualifiedAssociation): "person named",
    str(PROV.hadRole): "role",
    str(PROV.agent): "person",
    str(PROV.atLocation): "location",
    str(SCHEMA.name): "name",
    str(SCHEMA.startDate): "start date",
    str(SCHEMA.endDate): "end date",
    str(SCHEMA.validFrom): "valid from",
    str(SCHEMA.validThrough): "valid through",
    str(SCHEMA.Person): "Person",
    str(PROV.Agent): "Agent",
    str(PROV.Activity): "Activity",
    str(PROV.Entity): "Entity",
    str(PROV.Association): "Association",
    str(PROV.Role): "Role",
    str(ORG.Organization): "Organisation",
    str(ORG.Post): "Post",
    str(ORG.Membership): "Membership",
    str(ORG.postIn): "post in",
    str(ORG.holds): "holds",
    str(ORG.member): "member",
    str(ORG.organization): "organisation",
    str(ORG.role): "role",
    str(ORG.subOrganizationOf): "part of",
    str(OA.hasSource): "source",
    str(OA.hasSelector): "selector",
    str(OA.exact): "quoted text",
    str(OA.prefix): "text before",
    str(OA.suffix): "text after",
    str(OA.TextQuoteSelector): "Text quote selector",
    str(OA.SpecificResource): "Specific resource",
    str(SKOS.Concept): "Concept",
    str(SKOS.ConceptScheme): "Concept scheme",
    str(OWL.Class): "Class",
    str(OWL.ObjectProperty): "Object property",
    str(OWL.DatatypeProperty): "Datatype property",
    str(OWL.Ontology): "Ontology",
    str(XSD.string): "text",
}


@cache
def _ontology_labels(base: str) -> dict[str, str]:
    graph = ontology_graph(base)
    labels: dict[str, str] = {}
    # rdfs:label wins: a scheme may share its URI with a property (ofsted:grade is both).
    for predicate in (SKOS.prefLabel, RDFS.label):
        for subject, label in graph.subject_objects(predicate):
            if isinstance(subject, URIRef):
                labels[str(subject)] = str(label)
    return labels


def term_label(uri: str) -> str | None:
    """The label of an ontology term, concept or standard vocabulary term, if it has one."""
    return _ontology_labels(uris().base).get(uri) or STANDARD_LABELS.get(uri)


def curie(uri: str) -> str:
    """`prov:wasDerivedFrom` for a URI in a known namespace, the path of one minted under the base
    (`local-authority/80555/gss/E06000066`), else the URI itself."""
    base = uris().base
    if uri.startswith(base + "id/"):
        return uri[len(base) + 3 :]
    names = {**{k: str(v) for k, v in PREFIXES.items()}, "ofsted": str(uris().DEF)}
    for prefix, namespace in names.items():
        if uri.startswith(namespace) and "/" not in uri[len(namespace) :]:
            return f"{prefix}:{uri[len(namespace) :]}"
    return uri


def labels(items: Iterable[str]) -> dict[str, str]:
    """A label for each URI: the ontology's, else the store's (one query), else its CURIE."""
    found: dict[str, str] = {}
    unknown = []
    for uri in set(items):
        label = term_label(uri)
        if label:
            found[uri] = label
        else:
            unknown.append(uri)
    if unknown:
        rows = select(
            f"SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ {values('s', unknown)} "
            f"?s {LABEL_PATH} ?l }} GROUP BY ?s"
        )
        found.update({row["s"].value: row["label"].value for row in rows})
    return {uri: found.get(uri) or curie(uri) for uri in set(items)}
