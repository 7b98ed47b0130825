"""What the build stores of one report, made from its triples without an rdflib Graph.

rdf.py turns a resolved record into triples (rdflib terms, made once); `report_graph` puts them in
an rdflib Graph for the tests, the benchmarks and whatever needs a graph. The build needs none:
it writes N-Triples text to the store, infers with four rules that only iterate and look triples
up, and validates with pyshacl-turbo, which reads N-Triples text itself. Building the Graph
(its indexed memory store), serialising it and looking triples up in it during inference cost
most of a report's emission in the profile (BENCHMARKS.md, "the build against the floor"); here
the triples stay in a dict (ordered, each once) and are written as text directly.
tests/test_emit.py holds this path to `report_graph`: the same graphs, triple for triple.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef

from .rdf import Triple, report_triples
from .reasoning import inferred_triples
from .resolve import ResolvedReport
from .uris import Uris


def _literal(literal: Literal) -> str:
    # As rdflib's N-Triples serialiser writes a literal: the same text in the store either way.
    quoted = (
        literal.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    )
    if literal.language:
        return f'"{quoted}"@{literal.language}'
    if literal.datatype:
        return f'"{quoted}"^^<{literal.datatype}>'
    return f'"{quoted}"'


def ntriples(triples: Iterable[Triple]) -> str:
    """The triples as N-Triples text, one line each, as rdflib's serialiser writes them."""
    written: dict[URIRef | Literal, str] = {}  # a node is written once: subjects recur

    def term(node: URIRef | Literal) -> str:
        text = written.get(node)
        if text is None:
            # URIRef.n3 refuses an IRI that N-Triples cannot hold, as the serialiser did.
            text = _literal(node) if isinstance(node, Literal) else node.n3()
            written[node] = text
        return text

    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples)


@dataclass(frozen=True)
class ReportEmission:
    """One report's graph and its inferences, as triples and as the N-Triples the store gets."""

    triples: dict[Triple, None]  # each triple once, in the order rdf.py made them
    inferred: set[Triple]  # entailed and not stated (reasoning.inferred_triples)
    ntriples: str
    inferred_ntriples: str

    def __len__(self) -> int:
        return len(self.triples) + len(self.inferred)


def emit_report(resolved: ResolvedReport, uris: Uris) -> ReportEmission:
    triples = dict.fromkeys(report_triples(resolved, uris))
    inferred = inferred_triples(triples.keys(), uris.base)
    return ReportEmission(triples, inferred, ntriples(triples), ntriples(inferred))
