"""Reading what a page shows from the store: SELECT queries through the server's query runner
(deadlines and size limits apply) and labels for the URIs they return.

The queries are the files `queries/pages/NAME.rq` (queries.page_query), run by `page_select`
with their parameters bound as typed terms in a VALUES block, as the named queries are.

Labels of ontology terms and concepts come from the ontology graph held in memory (no query);
labels of instances (authorities, people, inspections) from one query per page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from flask import abort, current_app
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ...ontology import OA, ORG, PREFIXES, SCHEMA, ontology_graph
from ...queries import QueryParameterError, bind_parameters, page_query, paged, query_text
from ...store.results import Term
from ...uris import Uris, default_base
from ..pool import QueryError
from ..services import services

BASE_SETTING = "OFSTED_KG_BASE"  # Flask setting (WebConfig.extra) overriding $OFSTED_KG_BASE


Node = Term  # one RDF term of a result row
Row = dict[str, Node]


def uris() -> Uris:
    return _uris_under(current_app.config.get(BASE_SETTING) or default_base())


@cache
def _uris_under(base: str) -> Uris:
    """One Uris per base, made once: pages ask for it for every link (twice per `href`), and
    making it each time was a sixth of the server's work on a cold list page."""
    return Uris(base)


def prefixes() -> str:
    names = {**{k: str(v) for k, v in PREFIXES.items()}, "ofsted": str(uris().DEF)}
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in names.items())


def select(sparql: str) -> list[Row]:
    """Rows of a SELECT query (with the project prefixes), run by the server's query workers."""
    try:
        return services().queries.select(prefixes() + sparql)
    except QueryError as exc:
        abort(exc.status, exc.message)


def ask(sparql: str) -> bool:
    try:
        return services().queries.ask(prefixes() + sparql)
    except QueryError as exc:
        abort(exc.status, exc.message)


def page_sparql(
    name: str,
    params: Mapping[str, str],
    *more: Mapping[str, str],
    limit: int | None = None,
    offset: int = 0,
) -> str:
    """The text of the page query NAME on the site's base, its parameters bound from `params`
    (and from each of `more`, as further VALUES rows: one query about several resources); a
    value not of its parameter's type (a URI from a request that is no IRI) answers 400."""
    query = page_query(name, uris())
    try:
        text = query_text(query, *(bind_parameters(query, raw) for raw in (params, *more)))
    except QueryParameterError as exc:
        abort(400, str(exc))
    return text if limit is None else paged(text, limit, offset)


def page_select(
    name: str,
    params: Mapping[str, str],
    *more: Mapping[str, str],
    limit: int | None = None,
    offset: int = 0,
) -> list[Row]:
    """Rows of the page query NAME (see page_sparql)."""
    return select(page_sparql(name, params, *more, limit=limit, offset=offset))


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


@cache
def _ontology_notations(base: str) -> dict[str, str]:
    graph = ontology_graph(base)
    return {
        str(concept): str(notation)
        for concept, notation in graph.subject_objects(SKOS.notation)
        if isinstance(concept, URIRef)
    }


def concept_key(uri: str) -> str:
    """A concept's key (`good`, `lead_inspector`): its `skos:notation` in the vocabulary, never
    the shape of its IRI; "" for a URI that is no concept of the vocabulary."""
    return _ontology_notations(uris().base).get(uri, "")


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
        rows = page_select("labels", *({"resource": uri} for uri in unknown))
        found.update({row["resource"].value: row["label"].value for row in rows})
    return {uri: found.get(uri) or curie(uri) for uri in set(items)}
