"""The ontology as rdflib graphs: `ontology/ofsted.ttl` (written by hand), `ontology/build.ttl`
(the build's bookkeeping terms, apart from the domain) and the SKOS concept schemes, generated
from vocab.py so the vocabularies have one source of truth.

`python -m ofsted_kg.ontology` rewrites `ontology/vocab.ttl` from vocab.py; a test checks that the
file in the repository matches. Both files are written under the default base and re-based on
load when the build uses another base.
"""

from __future__ import annotations

from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from . import families, vocab
from .resources import ontology_file
from .uris import DEFAULT_BASE, SCHEMES, Uris

ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
QB = Namespace("http://purl.org/linked-data/cube#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

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
    "time": TIME,
    "qb": QB,
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


def scheme_concepts(name: str) -> dict[str, str]:
    """The concepts (key -> label) of a scheme named in uris.SCHEMES: the report kinds are the
    report families' (families.py), every other scheme is a vocab.py dictionary."""
    return families.kind_labels() if name == "REPORT_KINDS" else getattr(vocab, name)


def vocabulary_graph(uris: Uris) -> Graph:
    """The SKOS concept schemes named in uris.SCHEMES, with what the report families say of
    their kinds: whether graded (`ofsted:graded`, which the shapes read) and the areas each
    graded framework is expected to judge."""
    g = bind_prefixes(Graph(), uris)
    defined_by = ontology_term(uris)
    for name, segment in SCHEMES.items():
        scheme = uris.scheme(name)
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.prefLabel, Literal(SCHEME_LABELS[name], lang="en")))
        # Published keys: the scheme's path segment (not vocab.py's name for the dictionary),
        # the concepts' keys as FORMAT.md writes them.
        g.add((scheme, SKOS.notation, Literal(segment)))
        g.add((scheme, RDFS.isDefinedBy, defined_by))
        for key, label in scheme_concepts(name).items():
            concept = uris.concept(name, key)
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, RDFS.isDefinedBy, defined_by))
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
    for family in families.registered():
        kind = uris.concept("REPORT_KINDS", family.kind)
        g.add((kind, uris.term("graded"), Literal(family.graded)))
        for area in family.expected_areas:
            g.add((kind, uris.term("frameworkArea"), uris.concept("AREAS", area)))
    return g


def parse_turtle(file: Traversable, uris: Uris, graph: Graph | None = None) -> Graph:
    """A Turtle resource written under the default base, parsed under `uris`' base."""
    graph = Graph() if graph is None else graph
    return graph.parse(data=rebase(file.read_text(encoding="utf-8"), uris), format="turtle")


ONTOLOGY_FILES = ("ofsted.ttl", "build.ttl", "vocab.ttl")


@cache
def ontology_graph(base: str | None = None) -> Graph:
    """ofsted.ttl, build.ttl and vocab.ttl under `base`: the TBox and the concept schemes."""
    uris = Uris(base)
    g = bind_prefixes(Graph(), uris)
    for name in ONTOLOGY_FILES:
        g += parse_turtle(ontology_file(name), uris)
    return g


def ontology_term(uris: Uris) -> URIRef:
    return URIRef(str(uris.DEF))


def vocabulary_turtle() -> str:
    header = (
        "# GENERATED from src/ofsted_kg/vocab.py by `python -m ofsted_kg.ontology`: do not edit.\n"
    )
    return header + vocabulary_graph(Uris(DEFAULT_BASE)).serialize(format="turtle")


def _curie(graph: Graph, term: object) -> str:
    if term is None:
        return ""
    return graph.namespace_manager.normalizeUri(term) if isinstance(term, URIRef) else str(term)


def model_tables(file_name: str) -> str:
    """Markdown tables of the classes and properties an ontology file defines."""
    g = bind_prefixes(Graph(), Uris(DEFAULT_BASE))
    g.bind("sd", SD)
    g += parse_turtle(ontology_file(file_name), Uris(DEFAULT_BASE))
    lines = ["| class | subclass of | description |", "| --- | --- | --- |"]
    for cls in sorted(g.subjects(RDF.type, OWL.Class)):
        parents = ", ".join(sorted(_curie(g, p) for p in g.objects(cls, RDFS.subClassOf)))
        lines.append(f"| `{_curie(g, cls)}` | {parents} | {g.value(cls, RDFS.comment)} |")
    lines += [
        "",
        "| property | kind | domain | range | description |",
        "| --- | --- | --- | --- | --- |",
    ]
    properties = set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(
        g.subjects(RDF.type, OWL.DatatypeProperty)
    )
    for prop in sorted(properties):
        kind = "object" if (prop, RDF.type, OWL.ObjectProperty) in g else "datatype"
        lines.append(
            f"| `{_curie(g, prop)}` | {kind} | {_curie(g, g.value(prop, RDFS.domain))} | "
            f"{_curie(g, g.value(prop, RDFS.range))} | {g.value(prop, RDFS.comment)} |"
        )
    return "\n".join(lines) + "\n"


MODEL_DIAGRAM = """```mermaid
flowchart LR
  Source["ofsted:SourceDocument<br/>(prov:Entity, foaf:Document)"]
  Inspection["ofsted:Inspection<br/>(prov:Activity)"]
  LA["ofsted:LocalAuthority<br/>(org:Organization)"]
  GSS["ofsted:GssCodeAssignment"]
  Area(("ONS statistical<br/>geography"))
  Board["ofsted:SafeguardingBoard"]
  Judgement["ofsted:Judgement"]
  Rec["ofsted:Recommendation"]
  Finding["ofsted:Finding"]
  Prev["ofsted:PreviousInspectionStatement"]
  Stat["ofsted:Statistic"]
  Mention["ofsted:PersonMention<br/>(prov:Association)"]
  Person["schema:Person<br/>(prov:Agent)"]
  Post["org:Post"]
  Evidence["ofsted:Evidence<br/>(oa:SpecificResource)"]
  Selector["oa:TextQuoteSelector"]
  Concept(["skos:Concept<br/>grades, areas, kinds, roles, ..."])

  Inspection -- ofsted:reportedIn --> Source
  Inspection -- ofsted:inspectedAuthority --> LA
  Inspection -- ofsted:inspectedArea --> Area
  LA -- ofsted:hasGssCode --> GSS
  LA -- ofsted:statisticalNeighbour --> LA
  GSS -- ofsted:statisticalArea --> Area
  LA -- ofsted:safeguardingBoard --> Board
  Inspection -- ofsted:hasJudgement --> Judgement
  Inspection -- ofsted:hasRecommendation --> Rec
  Inspection -- ofsted:hasFinding --> Finding
  Inspection -- ofsted:hasPreviousInspectionStatement --> Prev
  Inspection -- ofsted:hasStatistic --> Stat
  Inspection -- prov:qualifiedAssociation --> Mention
  Inspection -- "ofsted:previousInspection (linking)" --> Inspection
  Prev -- "ofsted:refersTo (linking)" --> Inspection
  Mention -- "prov:agent (linking)" --> Person
  Mention -- ofsted:post --> Post
  Person -- "org:holds (linking)" --> Post
  Post -- org:postIn --> LA
  Judgement -- "ofsted:judgementArea, ofsted:grade" --> Concept
  Mention -- prov:hadRole --> Concept
  Judgement -- ofsted:evidence --> Evidence
  Judgement -- prov:wasDerivedFrom --> Source
  Evidence -- oa:hasSource --> Source
  Evidence -- oa:hasSelector --> Selector
```"""


def model_markdown() -> str:
    return (
        "# The ofsted-kg data model\n\n"
        "GENERATED by `python -m ofsted_kg.ontology` from `ontology/ofsted.ttl` (a test keeps it in "
        "step). Standard vocabularies are reused wherever one fits: W3C ORG, PROV-O, SKOS, Dublin "
        "Core terms, schema.org, Web Annotation; the `ofsted:` terms below are the rest. Every fact "
        "node (judgement, recommendation, finding, statistic, previous-inspection statement, person "
        "mention) also carries `prov:wasDerivedFrom` its source and `ofsted:evidence` a quote.\n\n"
        f"{MODEL_DIAGRAM}\n\n## Classes and properties\n\n{model_tables('ofsted.ttl')}\n"
        "## Concept schemes\n\nGenerated from `src/ofsted_kg/vocab.py` and the report families "
        "(`src/ofsted_kg/families.py`) into `ontology/vocab.ttl`: "
        + ", ".join(
            f"`ofsted:scheme/{seg}` ({SCHEME_LABELS[name].lower()})"
            for name, seg in SCHEMES.items()
        )
        + ". Each concept is `ofsted:{scheme}/{key}` with its key as `skos:notation`.\n\n"
        "## Build bookkeeping\n\nThe store's manifest graph uses these terms, defined apart from "
        "the domain in `ontology/build.ttl`.\n\n"
        f"{model_tables('build.ttl')}\n"
        "Renamed terms are listed in [vocabulary-changes.md](vocabulary-changes.md).\n"
    )


def write_generated() -> None:
    """Rewrite the generated files of a source checkout (an editable install's resources)."""
    Path(str(ontology_file("vocab.ttl"))).write_text(vocabulary_turtle(), encoding="utf-8")
    docs = Path(__file__).resolve().parents[2] / "docs"
    (docs / "MODEL.md").write_text(model_markdown(), encoding="utf-8")


if __name__ == "__main__":
    write_generated()
