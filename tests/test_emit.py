"""The build's emission (emit.py: triples to N-Triples text, inference over a set, validation of
the text) against the rdflib path (rdf.report_graph, reasoning.infer, validation.validate_graph):
the same graphs, blank nodes included, and the same findings, on every seed and a sample of the
corpus's PDFs."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import SEEDS_DIR
from graph_fixtures import gold_extract
from rdflib import Graph
from rdflib.compare import isomorphic
from test_graph_report import SOMERSET_2015, checked_graph, seven_fault_graph
from test_validation_engines import SAMPLE

from ofsted_kg.build import extract_file, validate_emission
from ofsted_kg.emit import emit_report, ntriples
from ofsted_kg.rdf import report_graph
from ofsted_kg.reasoning import infer
from ofsted_kg.records import Report
from ofsted_kg.resolve import resolve_report
from ofsted_kg.uris import Uris
from ofsted_kg.validation import validate_graph, validate_ntriples
from ofsted_kg.vocab import PipelineStatus

U = Uris()


def parsed(text: str) -> Graph:
    return Graph().parse(data=text, format="nt")


def lines(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if line)


def assert_same_as_rdflib(report: Report) -> None:
    resolved = resolve_report(report)
    graph = report_graph(resolved, U)
    emitted = emit_report(resolved, U)
    assert isomorphic(parsed(emitted.ntriples), graph)
    assert len(emitted.triples) == len(graph)
    # The very text rdflib writes, line for line: the store gets the same bytes as before.
    assert lines(emitted.ntriples) == lines(graph.serialize(format="nt"))
    assert isomorphic(parsed(emitted.inferred_ntriples), infer(graph))
    assert len(emitted) == len(graph) + len(infer(graph))
    # pySHACL, the reference engine, on the rdflib graph the build used to validate.
    found = validate_emission(resolved, emitted, U)
    assert found.findings == validate_graph(checked_graph(report)).findings


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.name)
def test_emission_is_the_rdflib_graph(path) -> None:
    report = extract_file(path)
    if report.kind == PipelineStatus.INVALID:
        pytest.skip(f"{path.name} is refused before emission")
    assert_same_as_rdflib(report)


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS_DIR.iterdir()))
def test_emission_is_the_rdflib_graph_for_the_gold_facts(name: str) -> None:
    assert_same_as_rdflib(gold_extract(SEEDS_DIR / name))


def test_literals_that_need_escaping_are_written_as_rdflib_writes_them() -> None:
    report = gold_extract(SEEDS_DIR / SOMERSET_2015)
    awkward = 'a "quoted" \\ back\\slash,\nnew line,\r\nreturn, tab\t, café, 𝔘 and \x7f'
    first = dataclasses.replace(report.recommendations[0], text=awkward)
    report = dataclasses.replace(report, recommendations=[first, *report.recommendations[1:]])
    graph = report_graph(resolve_report(report), U)
    text = emit_report(resolve_report(report), U).ntriples
    assert lines(text) == lines(graph.serialize(format="nt"))
    assert isomorphic(parsed(text), graph)
    assert awkward in {str(o) for o in parsed(text).objects()}


def test_validation_of_text_finds_the_seven_faults() -> None:
    graph = seven_fault_graph()
    found = validate_ntriples(ntriples(graph), list(graph.objects()))
    reference = validate_graph(graph)
    assert len(reference.violations) >= 7
    assert found.findings == reference.findings
