"""The build validates report graphs with pyshacl-turbo; pySHACL is the reference. Both must
find exactly the same (severity, focus node, path, message) on real report graphs and on a
graph broken in many ways (validation.py's docstring; bench/shacl_engines.py compares them on
the whole corpus)."""

from __future__ import annotations

import pytest
from conftest import PDF_DIR, SEEDS_DIR
from rdflib import Graph
from test_graph_report import checked_graph, seven_fault_graph

from ofsted_kg.build import extract_file
from ofsted_kg.extract import iter_report_files
from ofsted_kg.validation import Engine, ValidationReport, validate_graph
from ofsted_kg.vocab import PipelineStatus

# Every file of the seeds and every tenth PDF of the corpus: all report generations, in seconds.
SAMPLE = [*iter_report_files([SEEDS_DIR]), *iter_report_files([PDF_DIR])[::10]]


def both(graph: Graph) -> tuple[ValidationReport, ValidationReport]:
    return validate_graph(graph), validate_graph(graph, engine=Engine.TURBO)


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.name)
def test_engines_agree_on_report_graphs(path) -> None:
    report = extract_file(path)
    if report.kind == PipelineStatus.INVALID:
        pytest.skip(f"{path.name} is refused before validation")
    reference, turbo = both(checked_graph(report))
    assert turbo.findings == reference.findings


def test_engines_agree_on_a_graph_broken_in_seven_ways() -> None:
    reference, turbo = both(seven_fault_graph())
    assert len(reference.violations) >= 7  # the faults are found at all
    assert turbo.findings == reference.findings


def test_a_node_constraint_speaks_in_the_shapes_words() -> None:
    # The one wording the engines did not share: the message of an sh:node result, which each
    # engine makes up unless the shape gives its own (shapes/must.ttl does, for every sh:node).
    reference, _ = both(seven_fault_graph())
    assert any(
        f.message == "a judgement must name its source document and carry its quoted evidence"
        for f in reference.violations
    )
    assert not any("conform to Shape" in f.message for f in reference.findings)
