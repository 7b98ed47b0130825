"""SHACL validation with pyshacl over `shapes/` (must.ttl: violations; should.ttl: warnings).

Shapes check concepts against their schemes, so the SKOS vocabulary is added to the data graph
being validated (it is small). Validating one report graph costs tens of milliseconds, so the
build validates each report as it is built and the linking graph after linking.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .ontology import SHAPES_DIR, rebase, vocabulary_graph
from .store import Store
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


@cache
def shapes_graph(base: str | None = None) -> Graph:
    uris = Uris(base)
    g = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        g.parse(data=rebase(path.read_text(encoding="utf-8"), uris), format="turtle")
    return g


@cache
def _vocabulary(base: str | None) -> Graph:
    return vocabulary_graph(Uris(base))


def validate_graph(data: Graph, base: str | None = None) -> ValidationReport:
    """Validate `data` (plus the vocabulary) against all shapes."""
    combined = Graph()
    combined += data
    combined += _vocabulary(base)
    _, results, _ = validate(
        combined,
        shacl_graph=shapes_graph(base),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return ValidationReport(tuple(sorted(_findings(results), key=lambda f: (f.severity, f.focus))))


def _findings(results: Graph) -> list[Finding]:
    found = []
    for result in results.subjects(predicate=SH.resultSeverity):
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        found.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=str(results.value(result, SH.focusNode)),
                path=str(path) if isinstance(path, URIRef) else "",
                message=str(message) if message is not None else "constraint not met",
            )
        )
    return found


def validate_store(store: Store, base: str | None = None) -> ValidationReport:
    """Validate the union of every graph in the store (asserted and inferred)."""
    union = Graph()
    union.parse(data=_union_ntriples(store), format="nt")
    return validate_graph(union, base)


def _union_ntriples(store: Store) -> bytes:
    quads = ox.parse(
        input=io.BytesIO(store.dump("application/n-quads")), format=ox.RdfFormat.N_QUADS
    )
    return ox.serialize({q.triple for q in quads}, format=ox.RdfFormat.N_TRIPLES)
