"""What each page shows, read from the store: the generic view of any resource (facts with their
provenance, incoming links) and the purpose-made views of authorities, inspections and people.

Each function runs a few of the page queries (`queries/pages/*.rq`, through data.page_select)
and returns plain data for the templates; nothing here renders HTML.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ... import vocab
from ...families import kind_labels
from ...ontology import ontology_graph
from ...uris import ofsted_provider_page
from ..source_docs import document_href, page_href
from .data import Node, concept_key, curie, labels, page_select, term_label, uris
from .paths import href

INCOMING_PAGE = 10  # incoming links shown per property and page


@dataclass
class Value:
    """One object of a fact, ready to show: text, and a link when it is a resource."""

    text: str
    href: str | None = None
    uri: str | None = None
    note: str | None = None  # language or datatype of a literal


@dataclass
class Source:
    """Where a fact comes from: its named graph and, for a report graph, the file and quotes."""

    graph: str
    graph_label: str
    href: str
    file_name: str | None = None


@dataclass
class Fact:
    predicate: str
    label: str
    href: str
    values: list[Value] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass
class Quote:
    page: str
    text: str
    file_name: str
    uri: str
    source_href: str  # the source document, opened at the page
    page_href: str  # the page with the passage marked


@dataclass
class Incoming:
    predicate: str
    label: str
    href: str
    count: int
    subjects: list[Value]
    page: int = 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // INCOMING_PAGE))


def value_of(node: Node, names: dict[str, str]) -> Value:
    if node.is_uri:
        return Value(names.get(node.value, node.value), href(node.value), node.value)
    note = node.lang or (node.datatype.rsplit("#", 1)[-1] if node.datatype else None)
    return Value(node.value, note=None if note == "string" else note)


def graph_sources(graphs: set[str]) -> dict[str, Source]:
    """A Source for each named graph: report graphs named by their file (from the manifest)."""
    if not graphs:
        return {}
    rows = page_select("graph-files", *({"graph": graph} for graph in graphs))
    files = {row["graph"].value: row["file"].value for row in rows}
    base_graph = str(uris().graph(""))
    sources = {}
    for graph in graphs:
        file_name = files.get(graph)
        origin = uris().inferred_from(graph)
        if origin is not None:
            name = "inferred (OWL-RL) from " + (files.get(origin) or "a graph")
        elif file_name:
            name = f"report {file_name}"
        elif graph.startswith(base_graph):
            name = f"{graph[len(base_graph) :]} graph"
        else:
            name = graph
        sources[graph] = Source(graph, name, href(graph), file_name)
    return sources


def facts(topic: str) -> tuple[list[Fact], list[Value], str]:
    """The resource's facts grouped by property, its types, and its label."""
    rows = page_select("facts", {"topic": topic})
    names = labels(
        {topic} | {r["p"].value for r in rows} | {r["o"].value for r in rows if r["o"].is_uri}
    )
    sources = graph_sources({r["g"].value for r in rows})
    by_predicate: dict[str, Fact] = {}
    seen: dict[tuple[str, tuple], Value] = {}
    for row in sorted(rows, key=lambda r: (r["p"].value, r["o"].value)):
        p = row["p"].value
        fact = by_predicate.setdefault(p, Fact(p, names[p], href(p)))
        if (p, row["o"].identity) not in seen:
            seen[(p, row["o"].identity)] = value_of(row["o"], names)
            fact.values.append(seen[(p, row["o"].identity)])
        source = sources[row["g"].value]
        if source not in fact.sources:
            fact.sources.append(source)
    types = by_predicate.pop(str(RDF.type), Fact(str(RDF.type), "type", "")).values
    ordered = sorted(by_predicate.values(), key=lambda f: f.label.lower())
    return ordered, types, names[topic]


def quotes(topic: str) -> list[Quote]:
    """The quoted passages the resource's facts were read from."""
    rows = page_select("quotes", {"topic": topic})
    return [
        Quote(
            r["page"].value,
            r["exact"].value,
            r["file"].value,
            href(r["ev"].value),
            document_href(r["sha"].value, r["page"].value),
            page_href(r["sha"].value, r["page"].value, r["exact"].value),
        )
        for r in rows
    ]


def incoming_counts(topic: str) -> dict[str, int]:
    rows = page_select("incoming-counts", {"topic": topic})
    return {r["p"].value: int(r["n"].value) for r in rows}


def incoming_subjects(topic: str, predicate: str, page: int) -> list[Value]:
    rows = page_select(
        "incoming-subjects",
        {"topic": topic, "predicate": predicate},
        limit=INCOMING_PAGE,
        offset=(page - 1) * INCOMING_PAGE,
    )
    return [
        Value(
            r["label"].value if "label" in r else curie(r["s"].value),
            href(r["s"].value),
            r["s"].value,
        )
        for r in rows
    ]


def incoming(topic: str) -> list[Incoming]:
    """First page of incoming links, per property."""
    counts = incoming_counts(topic)
    names = labels(counts)
    return sorted(
        (
            Incoming(p, names[p], href(p), n, incoming_subjects(topic, p, 1))
            for p, n in counts.items()
        ),
        key=lambda i: i.label.lower(),
    )


def incoming_page(topic: str, predicate: str, page: int) -> Incoming:
    count = incoming_counts(topic).get(predicate, 0)
    return Incoming(
        predicate,
        labels([predicate])[predicate],
        href(predicate),
        count,
        incoming_subjects(topic, predicate, page),
        page,
    )


# ------------------------------------------------------------------ purpose-made views


@dataclass
class Grade:
    area: str  # key, e.g. overall_effectiveness
    area_label: str
    grade: str  # key, e.g. good
    grade_label: str
    judgement: str  # href of the judgement


@dataclass
class InspectionRow:
    uri: str
    href: str
    label: str
    start: str
    end: str
    kind: str
    grades: list[Grade] = field(default_factory=list)


def _grade(row: dict[str, Node]) -> Grade:
    area, grade = concept_key(row["area"].value), concept_key(row["grade"].value)
    return Grade(
        area,
        vocab.AREAS.get(area, area),
        grade,
        vocab.GRADES.get(grade, grade),
        href(row["j"].value),
    )


def inspections_where(
    *,
    inspections: Collection[str] = (),
    authority: str = "",
    limit: int | None = None,
    offset: int = 0,
) -> list[InspectionRow]:
    """Inspections with their dates, kind and grades, newest first: these `inspections` (all
    when none), of `authority` when given, `limit` of them from `offset` when given."""
    rows = page_select(
        "inspections",
        # one VALUES row per inspection; "" leaves a parameter unbound
        *({"inspection": i, "authority": authority} for i in inspections or [""]),
        limit=limit,
        offset=offset,
    )
    found = [
        InspectionRow(
            r["inspection"].value,
            href(r["inspection"].value),
            r["label"].value if "label" in r else r["inspection"].value,
            r["start"].value if "start" in r else "",
            r["end"].value if "end" in r else "",
            kind_labels().get(concept_key(r["kind"].value), "") if "kind" in r else "",
        )
        for r in rows
    ]
    if found:
        by_uri = {f.uri: f for f in found}
        for r in page_select("inspection-grades", *({"inspection": uri} for uri in by_uri)):
            by_uri[r["inspection"].value].grades.append(_grade(r))
        for f in found:
            f.grades.sort(
                key=lambda g: list(vocab.AREAS).index(g.area) if g.area in vocab.AREAS else 99
            )
    return found


@dataclass
class PersonLink:
    href: str
    name: str
    role: str
    detail: str = ""


def authority_view(topic: str) -> dict:
    # oldest first, for the table and the timeline
    inspections = sorted(inspections_where(authority=topic), key=lambda i: i.start)
    officials = page_select(
        "authority-officials", {"topic": topic, "roles": uris().scheme("OFFICIAL_ROLES")}
    )
    geography = page_select("authority-geography", {"topic": topic})
    boards = page_select("authority-boards", {"topic": topic})
    return {
        "inspections": inspections,
        "officials": [
            PersonLink(
                href(r["person"].value),
                r["name"].value,
                vocab.OFFICIAL_ROLES.get(concept_key(r["role"].value), concept_key(r["role"].value)),
                f"named in a report of {r['last'].value[:4]}" if "last" in r else "",
            )
            for r in officials
        ],
        "geography": [
            {
                "code": r["code"].value,
                "href": r["area"].value,
                "from": r["from"].value if "from" in r else "",
                "to": r["to"].value if "to" in r else "",
            }
            for r in geography
        ],
        "boards": [href(r["b"].value) for r in boards],
    }


@dataclass
class Recommendation:
    position: int
    number: str
    text: str
    href: str
    framework: str
    sources: list[str]


def _recommendation_groups(topic: str) -> list[dict]:
    # One row per recommendation, however many documents state it (each triple comes back once
    # per graph holding it): values are aggregated, and the documents listed as its sources.
    rows = page_select("inspection-recommendations", {"topic": topic})
    groups: dict[tuple[str, str, str], list[Recommendation]] = defaultdict(list)
    for r in rows:
        target = concept_key(r["target"].value) if "target" in r else ""
        key = (
            vocab.RECOMMENDATION_TARGETS.get(target, target or "Not stated"),
            r["priority"].value if "priority" in r else "",
            r["theme"].value if "theme" in r else "",
        )
        framework = concept_key(r["framework"].value) if "framework" in r else ""
        groups[key].append(
            Recommendation(
                int(r["pos"].value),
                r["number"].value if "number" in r else "",
                r["text"].value,
                href(r["r"].value),
                vocab.NATIONAL_FRAMEWORK.get(framework, framework),
                sorted(r["files"].value.split(";")) if "files" in r else [],
            )
        )
    return [
        {"target": t, "priority": p, "theme": th, "items": items}
        for (t, p, th), items in groups.items()
    ]


def _findings(topic: str) -> list[tuple[str, list[Value]]]:
    """The report's finding lists (strengths, areas for development...), each item as its text."""
    lists: dict[str, list[Value]] = defaultdict(list)
    for r in page_select("inspection-findings", {"inspection": topic}):
        lists[r["list"].value].append(Value(r["text"].value, href(r["finding"].value)))
    order = [str(uris().concept("FINDING_LISTS", key)) for key in vocab.FINDING_LISTS]
    return [
        (term_label(uri) or curie(uri), lists[uri])
        for uri in sorted(lists, key=lambda u: order.index(u) if u in order else len(order))
    ]


def inspection_view(topic: str) -> dict:
    this = inspections_where(inspections=[topic])
    team = page_select("inspection-team", {"topic": topic})
    inspector_order = list(vocab.INSPECTOR_ROLES)
    inspectors, officials = [], []
    for r in sorted(
        team,
        key=lambda r: (
            inspector_order.index(concept_key(r["role"].value))
            if concept_key(r["role"].value) in inspector_order
            else 99,
            r["name"].value,
        ),
    ):
        role = concept_key(r["role"].value)
        link = PersonLink(
            href(r["person"].value if "person" in r else r["m"].value),
            r["name"].value,
            vocab.INSPECTOR_ROLES.get(role) or vocab.OFFICIAL_ROLES.get(role, role),
            r["org"].value if "org" in r else "",
        )
        (inspectors if role in vocab.INSPECTOR_ROLES else officials).append(link)
    around = page_select("inspection-links", {"topic": topic})
    names = labels({r["other"].value for r in around})
    links = {
        r["which"].value: Value(names[r["other"].value], href(r["other"].value), r["other"].value)
        for r in around
    }
    source = page_select("inspection-source", {"topic": topic})
    urn = page_select("inspection-urn", {"topic": topic})
    legal_basis = page_select("inspection-legal-basis", {"topic": topic})
    return {
        "inspection": this[0] if this else None,
        "inspectors": inspectors,
        "officials": officials,
        # legislation.gov.uk's identifiers link to the legislation itself
        "legal_basis": [
            (Value(r["label"].value, href(r["provision"].value)), r["scope"].value)
            for r in legal_basis
        ],
        "recommendations": _recommendation_groups(topic),
        "findings": _findings(topic),
        "links": links,
        "source": {k: v.value for k, v in source[0].items()} if source else {},
        "source_href": document_href(source[0]["sha"].value) if source else None,
        "ofsted_page": ofsted_provider_page(urn[0]["urn"].value) if urn else None,
    }


def person_view(topic: str) -> dict:
    rows = page_select("person-inspections", {"topic": topic})
    colleagues = page_select("person-colleagues", {"topic": topic})
    roles = Counter(concept_key(r["role"].value) for r in rows)
    printed = page_select("person-printed-names", {"topic": topic})
    decisions = page_select("person-identity-decisions", {"topic": topic})
    return {
        "also_printed_as": [r["name"].value for r in printed],
        "decisions": [
            {
                "merged": r["merged"].value,
                "rule": concept_key(r["rule"].value).replace("_", " "),
                "evidence": r["evidence"].value,
            }
            for r in decisions
        ],
        "inspections": [
            {
                "href": href(r["i"].value),
                "label": r["label"].value if "label" in r else r["i"].value,
                "role": vocab.INSPECTOR_ROLES.get(concept_key(r["role"].value))
                or vocab.OFFICIAL_ROLES.get(concept_key(r["role"].value), concept_key(r["role"].value)),
                "start": r["start"].value if "start" in r else "",
                "authority": Value(r["aname"].value, href(r["authority"].value))
                if "authority" in r
                else None,
            }
            for r in rows
        ],
        "roles": [
            (vocab.INSPECTOR_ROLES.get(k) or vocab.OFFICIAL_ROLES.get(k, k), n)
            for k, n in roles.most_common()
        ],
        "colleagues": [
            PersonLink(href(r["other"].value), r["name"].value, "", r["together"].value)
            for r in colleagues
        ],
    }


@dataclass
class TermEntry:
    href: str
    label: str
    comment: str
    name: str


def ontology_view() -> dict:
    """The ontology's classes, properties and concept schemes, from the ontology graph in memory
    (the same graph the build loads into the store)."""
    graph = ontology_graph(uris().base)
    namespace = str(uris().DEF)

    def entries(kind: URIRef, label_property: URIRef = RDFS.label) -> list[TermEntry]:
        found = [
            TermEntry(
                href(str(term)),
                str(graph.value(term, label_property) or curie(str(term))),
                str(graph.value(term, RDFS.comment) or ""),
                str(term)[len(namespace) :],
            )
            for term in set(graph.subjects(RDF.type, kind))
            if str(term).startswith(namespace)
        ]
        return sorted(found, key=lambda e: e.label.lower())

    return {
        "sections": [
            ("Classes", entries(OWL.Class)),
            ("Object properties", entries(OWL.ObjectProperty)),
            ("Datatype properties", entries(OWL.DatatypeProperty)),
            (
                "Controlled vocabularies (SKOS concept schemes)",
                entries(SKOS.ConceptScheme, SKOS.prefLabel),
            ),
        ]
    }
