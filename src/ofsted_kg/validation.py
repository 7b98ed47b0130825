"""SHACL validation over `shapes/` (must.ttl: violations; should.ttl: warnings).

Shapes check concepts against their schemes, so the descriptions of the SKOS concepts a graph
mentions are added to the data graph being validated. Validating one report graph costs tens of
milliseconds, so the build validates each report as it is built and the linking graph after
linking.

Two engines, one set of findings. pySHACL is the reference: `ofsted-kg validate`, the linking
graph and the tests use it. The build validates each report graph with pyshacl-turbo, a Rust
engine with pySHACL's API, because it finds exactly what pySHACL finds on every report graph of
the corpus and on the seven-fault mutation graph, in about a third of the time (BENCHMARKS.md,
"SHACL engines"); tests/test_validation_engines.py holds it to pySHACL's findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from typing import Any

import pyshacl_turbo
from pyshacl import Validator
from pyshacl import shape as pyshacl_shape
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.graph_abstraction import RdfLibDataGraph
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from . import families
from .emit import ntriples
from .manifest import read_manifest, report_graphs, stored_graphs
from .ontology import parse_turtle, vocabulary_graph
from .resources import shape_files
from .store import Store, StoreError
from .uris import Uris


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation" | "Warning" | "Info"
    focus: str
    path: str
    message: str

    def line(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        return f"{self.severity}: {where}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


class _ParameterList(list):
    """pyshacl's list of constraint parameters, answering `in` from a set.

    For every shape it validates, on every focus node, pyshacl tests each predicate of the shape
    for membership in this list of 40 terms by `==`: a quarter of validation time went to
    rdflib's Python-level term comparison (measured, see BENCHMARKS.md). pyshacl keeps
    the list in a module attribute that it fills on first use; filling it first with this list
    changes no result. Copies (pyshacl's advanced mode extends one) are plain lists again.
    """

    def __init__(self, items: list[URIRef]) -> None:
        super().__init__(items)
        self._members = frozenset(items)

    def __contains__(self, item: object) -> bool:
        return item in self._members


pyshacl_shape.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
    _ParameterList(ALL_CONSTRAINT_PARAMETERS),
    CONSTRAINT_PARAMETERS_MAP,
)


class Engine(Enum):
    """The SHACL engine that validates a graph (see the module docstring)."""

    PYSHACL = "pySHACL"  # the reference
    TURBO = "pyshacl-turbo"  # the build's, for report graphs


def written_shapes(base: str | None = None) -> Graph:
    """The shapes as the files write them, rebased to `base`."""
    uris = Uris(base)
    # A store without context bookkeeping: pyshacl looks up the shapes' parameters for every
    # focus node, and rdflib's default store spent a tenth of validation tracking contexts.
    g = Graph(store="SimpleMemory")
    for file in shape_files():
        parse_turtle(file, uris, g)
    return g


@cache
def shapes_graph(base: str | None = None) -> Graph:
    """The shapes as pySHACL is given them: rearranged for its speed, the same findings; once
    per process, as every Validator is given them."""
    g = written_shapes(base)
    _target_property_shapes(g)
    return g


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_SHAPE_REFERENCES = (SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)


def _target_property_shapes(shapes: Graph) -> None:
    """Give each property shape of a targeted node shape that shape's targets, in its place.

    `N sh:targetClass C ; sh:property P` and `P sh:targetClass C` have the same results (same
    focus nodes, paths, messages and severities: P's own), but pyshacl validates a nested P once
    per focus node, building its constraints anew each time, and a targeted P once for all focus
    nodes: most of validation time went to the first (measured, see BENCHMARKS.md). The
    shapes stay written the usual way. A node shape that other shapes refer to (sh:node, sh:or,
    ...) is left as it is: there its property shapes apply to other focus nodes too; so is a
    property shape's own sh:property, which applies to its values.
    """
    referenced = {o for p in _SHAPE_REFERENCES for o in shapes.objects(None, p)}
    for listing in _SHAPE_LISTS:
        for head in shapes.objects(None, listing):
            referenced.update(shapes.items(head))
    for node_shape in set(shapes.subjects(SH.property, None)) - referenced:
        targets = [(p, o) for p in _TARGETS for o in shapes.objects(node_shape, p)]
        if not targets or shapes.value(node_shape, SH.path) is not None:
            continue  # untargeted, or a property shape (its own sh:property is about its values)
        for property_shape in list(shapes.objects(node_shape, SH.property)):
            shapes.remove((node_shape, SH.property, property_shape))
            for predicate, target in targets:
                shapes.add((property_shape, predicate, target))


@cache
def _concept_descriptions(
    base: str | None, families_generation: int
) -> dict[Node, tuple[tuple[Node, Node, Node], ...]]:
    """Every vocabulary triple, grouped by its subject (a concept or a scheme); cached for one
    state of the report-family registry (a family registered adds its kind's concept)."""
    grouped: dict[Node, list[tuple[Node, Node, Node]]] = {}
    for triple in vocabulary_graph(Uris(base)):
        grouped.setdefault(triple[0], []).append(triple)
    return {subject: tuple(triples) for subject, triples in grouped.items()}


def _mentioned_concepts(objects: Iterable[Node], base: str | None) -> list[tuple[Node, Node, Node]]:
    """The descriptions of the concepts among `objects` (a graph's objects), and of the nodes
    those name (their schemes; the areas of a report kind's framework).

    Only these matter to the shapes, which check a fact's concept against its scheme; the whole
    vocabulary (500 triples) used to be added instead, as large as a report graph, and it cost a
    sixth of validation time to copy and then to walk (measured, see BENCHMARKS.md).
    """
    described = _concept_descriptions(base, families.generation())
    mentioned = {o for o in objects if o in described}
    named = {o for c in mentioned for (_, _, o) in described[c] if o in described}
    return [triple for node in mentioned | named for triple in described[node]]


@cache
def _shapes(base: str | None) -> ShapesGraph:
    """pyshacl's view of the shapes, built once per process.

    pyshacl makes a ShapesGraph for every Validator and harvests every shape from it anew, which
    cost 9 ms of each report's validation; the harvested shapes hold no state of a run.
    """
    return ShapesGraph(shapes_graph(base))


@lru_cache(maxsize=512)
def _prepared(sparql: str) -> Query:
    return prepareQuery(sparql)


class _PreparedQueryGraph(RdfLibDataGraph):
    """A pyshacl data graph that parses each SHACL-SPARQL query once per process.

    pyshacl hands every SPARQL-based constraint to rdflib as a string, for every focus node of
    every report, and rdflib parses it anew each time: a quarter of validation time was spent in
    the SPARQL parser (measured, see BENCHMARKS.md). rdflib's prepared queries are made to be
    evaluated many times with different initial bindings, which is what pyshacl does.
    """

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@cache
def _compiled_shapes(base: str | None) -> pyshacl_turbo.CompiledShapes:
    """pyshacl-turbo's compiled shapes (the shapes as written), once per process."""
    return pyshacl_turbo.compile_shapes(written_shapes(base))


def validate_graph(
    data: Graph,
    base: str | None = None,
    *,
    may_modify: bool = False,
    engine: Engine = Engine.PYSHACL,
) -> ValidationReport:
    """Validate `data` (plus the vocabulary) against all shapes.

    With `may_modify`, the vocabulary is added to `data` itself instead of to a copy: the build
    validates a graph it assembled for the purpose, and copying it again cost a tenth of
    validation time.
    """
    if may_modify:
        combined = data
    else:
        combined = Graph()
        combined += data
    combined.addN((*triple, combined) for triple in _mentioned_concepts(combined.objects(), base))
    if engine is Engine.TURBO:
        _, results, _ = _compiled_shapes(base).validate(combined, allow_warnings=True)
    else:
        results = _pyshacl_results(combined, base)
    return _report(results)


def validate_ntriples(
    text: str, objects: Iterable[Node], base: str | None = None
) -> ValidationReport:
    """Validate a graph given as N-Triples text (plus the vocabulary it mentions: `objects` are
    the graph's objects) with pyshacl-turbo, as the build does, without an rdflib Graph.

    pyshacl-turbo parses the text itself; handed a Graph, it first copies it term by term in
    Python, which cost as much as its validation (profile: BENCHMARKS.md, "the build against the
    floor"). The findings are validate_graph's with Engine.TURBO (tests/test_emit.py).
    """
    text += ntriples(_mentioned_concepts(objects, base))
    data = pyshacl_turbo.Input(text, "nt", None, {}, {})
    _, results, _ = _compiled_shapes(base).validate(data, allow_warnings=True)
    return _report(results)


def _report(results: Graph) -> ValidationReport:
    return ValidationReport(tuple(sorted(_findings(results), key=_finding_order)))


def _pyshacl_results(combined: Graph, base: str | None) -> Graph:
    validator = Validator(
        _PreparedQueryGraph(store=combined.store, impl=combined),
        shacl_graph=shapes_graph(base),
        # `combined` is ours to change: validate it in place rather than have pyshacl copy it.
        options={"inference": "none", "allow_warnings": True, "inplace": True},
    )
    validator.shacl_graph = _shapes(base)  # instead of the view it just made, to harvest anew
    _, results, _ = validator.run()
    return results


def _finding_order(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.severity, finding.focus, finding.path, finding.message)


# The names Finding.severity uses for SHACL's severities.
SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def _findings(results: Graph) -> list[Finding]:
    found = []
    for result in results.subjects(predicate=SH.resultSeverity):
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        found.append(
            Finding(
                severity=SEVERITY_NAMES.get(severity, str(severity)),
                focus=str(results.value(result, SH.focusNode)),
                path=str(path) if isinstance(path, URIRef) else "",
                message=str(message) if message is not None else "constraint not met",
            )
        )
    return found


def validate_store(store: Store, base: str | None = None) -> ValidationReport:
    """Validate what the store holds, graph by graph, as the build does.

    Each report graph is validated with its inferred graph and its authority's reference data,
    on its own: two documents about the same inspection may word a recommendation differently,
    and that is two sourced claims, not a broken graph. The reference data and the linking graph
    are validated once each.
    """
    uris = Uris(base)
    graphs = stored_graphs(store, uris)
    if not graphs:
        raise StoreError("the store holds no manifest graph: nothing was built there")
    reference = _graph(store, str(uris.graph("reference")))
    findings: list[Finding] = list(validate_graph(reference, base).findings)
    # The report graphs are those the manifest's entries name (stored_graphs has checked that
    # the store holds them); their inferences are in the graph uris.inferred_graph names.
    for name in report_graphs(read_manifest(store, uris)):
        data = _graph(store, name) + _graph(store, str(uris.inferred_graph(URIRef(name))))
        for authority in set(data.objects(None, uris.term("inspectedAuthority"))):
            data += _describe(reference, authority, uris.term("hasGssCode"))
        findings.extend(validate_graph(data, base).findings)
    linking = str(uris.graph("linking"))
    if linking in graphs:
        findings.extend(validate_graph(_graph(store, linking), base).findings)
    return ValidationReport(tuple(findings))


def _describe(graph: Graph, node: URIRef, *through: URIRef) -> Graph:
    """The triples about `node` and about the nodes it reaches by the `through` properties."""
    out = Graph()
    subjects = [node] + [o for p in through for o in graph.objects(node, p)]
    for subject in subjects:
        for triple in graph.triples((subject, None, None)):
            out.add(triple)
    return out


def _graph(store: Store, name: str) -> Graph:
    return Graph().parse(data=store.graph_ntriples(name), format="nt")
