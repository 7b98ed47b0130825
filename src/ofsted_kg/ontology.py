"""The ontology as rdflib graphs: `ontology/ofsted.ttl` (written by hand) and the SKOS concept
schemes, generated from vocab.py so the vocabularies have one source of truth.

`python -m ofsted_kg.ontology` rewrites `ontology/vocab.ttl` from vocab.py; a test checks that the
file in the repository matches. Both files are written under the default base and re-based on
load when the build uses another base.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from . import vocab
from .uris import DEFAULT_BASE, SCHEMES, Uris

REPO = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = REPO / "ontology"
SHAPES_DIR = REPO / "shapes"
QUERIES_DIR = REPO / "queries"

ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
QB = Namespace("http://purl.org/linked-data/cube#")

PREFIXES: dict[str, Namespace] = {
    "dcterms": DCTERMS,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
    "org": ORG,
    "oa": OA,
    "schema": SCHEMA,
    "foaf": FOAF,
}

SCHEME_LABELS: dict[str, str] = {
    "REPORT_KINDS": "Report kinds",
    "GRADES": "Grades",
    "AREAS": "Judgement areas",
    "INSPECTOR_ROLES": "Inspector roles",
    "OFFICIAL_ROLES": "Official roles",
    "RECOMMENDATION_TARGETS": "Recommendation targets",
    "NATIONAL_FRAMEWORK": "Children's social care National Framework outcomes and enablers",
    "STATISTIC_MEASURES": "Statistic measures",
    "STATISTIC_UNITS": "Statistic units",
    "FINDING_LISTS": "Finding lists",
    "IDENTITY_RULES": "Identity rules for person mentions",
}
ROLE_SCHEMES = ("INSPECTOR_ROLES", "OFFICIAL_ROLES")


def bind_prefixes(graph: Graph, uris: Uris) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    graph.bind("ofsted", uris.DEF, override=True)
    return graph


def rebase(text: str, uris: Uris) -> str:
    """Files are written under the default base; a build under another base rewrites them."""
    return text if uris.base == DEFAULT_BASE else text.replace(DEFAULT_BASE, uris.base)


def vocabulary_graph(uris: Uris) -> Graph:
    """The SKOS concept schemes of every vocab.py dictionary named in uris.SCHEMES."""
    g = bind_prefixes(Graph(), uris)
    for name in SCHEMES:
        scheme = uris.scheme(name)
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.prefLabel, Literal(SCHEME_LABELS[name], lang="en")))
        g.add((scheme, SKOS.notation, Literal(name)))
        for key, label in getattr(vocab, name).items():
            concept = uris.concept(name, key)
            g.add((concept, RDF.type, SKOS.Concept))
            if name in ROLE_SCHEMES:
                g.add((concept, RDF.type, PROV.Role))
            if name == "IDENTITY_RULES":
                g.add((concept, RDF.type, uris.term("IdentityRule")))
                g.add((concept, SKOS.definition, Literal(label, lang="en")))
                label = key.replace("_", " ").capitalize()
            g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
            g.add((concept, SKOS.notation, Literal(key)))
            g.add((concept, SKOS.inScheme, scheme))
            g.add((concept, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, concept))
    for key, rank in vocab.GRADE_RANK.items():
        g.add(
            (
                uris.concept("GRADES", key),
                uris.term("gradeRank"),
                Literal(rank, datatype=XSD.integer),
            )
        )
    for kind, areas in vocab.FRAMEWORK_AREAS.items():
        for area in areas:
            g.add(
                (
                    uris.concept("REPORT_KINDS", kind),
                    uris.term("frameworkArea"),
                    uris.concept("AREAS", area),
                )
            )
    return g


def _parse(path: Path, uris: Uris) -> Graph:
    return Graph().parse(data=rebase(path.read_text(encoding="utf-8"), uris), format="turtle")


@cache
def ontology_graph(base: str | None = None) -> Graph:
    """ofsted.ttl plus vocab.ttl under `base`: the TBox and the concept schemes."""
    uris = Uris(base)
    g = bind_prefixes(Graph(), uris)
    g += _parse(ONTOLOGY_DIR / "ofsted.ttl", uris)
    g += _parse(ONTOLOGY_DIR / "vocab.ttl", uris)
    return g


def ontology_term(uris: Uris) -> URIRef:
    return URIRef(str(uris.DEF))


def write_vocabulary(path: Path = ONTOLOGY_DIR / "vocab.ttl") -> None:
    uris = Uris(DEFAULT_BASE)
    header = (
        "# GENERATED from src/ofsted_kg/vocab.py by `python -m ofsted_kg.ontology`: do not edit.\n"
    )
    body = vocabulary_graph(uris).serialize(format="turtle")
    path.write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    write_vocabulary()
