"""Rust SHACL engines against pySHACL on the corpus's report graphs: same findings, then cost.

    python bench/shacl_engines.py --corpus ../shared/corpus        (needs pyshacl-turbo, pyrudof)

Every file of the corpus is read and its report graph built as the build does (extraction, RDF,
OWL-RL inferences, its authority's reference facts: `checked_graph` of the tests), and so is the
seven-fault mutation graph of tests/test_graph_report.py. Each graph is validated by each engine,
with the vocabulary concepts it mentions added as `validate_graph` adds them:
- pySHACL as the build runs it (`validation.validate_graph`: rearranged shapes, prepared queries);
- pyshacl-turbo with the shapes as written, compiled once (`compile_shapes`);
- pyrudof with the shapes as written, read once, the data given as N-Triples.
Findings are compared exactly (severity, focus node, path, message), graph by graph. Cost is the
best of `--repeats` validations of each graph, summed; the shapes' set-up is not counted.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyrudof
import pyshacl
import pyshacl_turbo
from rdflib import Graph

from ofsted_kg.build import extract_file
from ofsted_kg.extract import iter_report_files
from ofsted_kg.validation import (
    Finding,
    _add_mentioned_concepts,
    _finding_order,
    _findings,
    validate_graph,
    written_shapes,
)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from test_graph_report import checked_graph, seven_fault_graph  # noqa: E402 - the tests' graphs

# The two constraints on which the engines' findings differ, each alone (see BENCHMARKS.md).
MINIMAL_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Provenance a sh:NodeShape ; sh:property [ sh:path ex:source ; sh:minCount 1 ] .
ex:FactShape a sh:NodeShape ; sh:targetClass ex:Fact ; sh:node ex:Provenance .
ex:DatedShape a sh:NodeShape ; sh:targetClass ex:Document ; sh:severity sh:Warning ;
    sh:or ( [ sh:path ex:issued ; sh:minCount 1 ] [ sh:path ex:date ; sh:minCount 1 ] ) ;
    sh:message "the document states no date" .
"""
MINIMAL_DATA = """
@prefix ex: <http://example.org/> .
ex:fact a ex:Fact .
ex:document a ex:Document .
"""

Findings = list[Finding]
Engine = Callable[[Graph], Findings]


def corpus_graphs(corpus: Path) -> list[tuple[str, Graph]]:
    """(file name, the graph the build validates for it) for every report the corpus holds."""
    graphs = []
    for path in iter_report_files([corpus]):
        report = extract_file(path)
        if report.kind != "invalid":
            graphs.append((path.name, checked_graph(report)))
    return graphs


def pyshacl_engine() -> Engine:
    def run(graph: Graph) -> Findings:
        return list(validate_graph(graph, may_modify=True).findings)

    return run


def pyshacl_written_engine(shapes: Graph) -> Engine:
    """pySHACL on the given shapes as they are (for the minimal examples)."""

    def run(graph: Graph) -> Findings:
        _, results, _ = pyshacl.validate(graph, shacl_graph=shapes, allow_warnings=True)
        return _findings(results)

    return run


def turbo_engine(shapes: Graph) -> Engine:
    compiled = pyshacl_turbo.compile_shapes(shapes)

    def run(graph: Graph) -> Findings:
        _add_mentioned_concepts(graph, None)
        _, results, _ = compiled.validate(graph, allow_warnings=True)
        return _findings(results)

    return run


def rudof_engine(shapes: Graph) -> Engine:
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_shacl(shapes.serialize(format="turtle"))

    def run(graph: Graph) -> Findings:
        _add_mentioned_concepts(graph, None)
        rudof.reset_data()  # read_data's merge=False still keeps the previous graph (0.3.35)
        rudof.read_data(graph.serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)
        return [_rudof_finding(entry) for entry in rudof.validate_shacl().violations]

    return run


def _rudof_finding(entry: pyrudof.ShaclValidationEntry) -> Finding:
    """A rudof result as `validation._findings` reads a SHACL results graph."""
    severity = str(entry.severity)
    message = entry.message
    path = entry.path
    return Finding(
        severity=severity.rsplit("#", 1)[-1],
        focus=str(entry.focus_node),
        path=str(path) if path and ":" in str(path) and " " not in str(path) else "",
        message=message.strip('"') if message else "constraint not met",
    )


def measure(
    engines: dict[str, Engine], graphs: list[tuple[str, Graph]], repeats: int
) -> dict[str, tuple[float, dict[str, Findings]]]:
    """For each engine: seconds (best of `repeats` per graph, summed) and each graph's sorted
    findings. The engines take turns on each graph, so that the machine's load, which drifts,
    weighs on all of them alike."""
    totals = dict.fromkeys(engines, 0.0)
    found: dict[str, dict[str, Findings]] = {label: {} for label in engines}
    for name, graph in graphs:
        best = dict.fromkeys(engines, float("inf"))
        for _ in range(repeats):
            for label, engine in engines.items():
                copy = Graph()
                copy += graph  # engines add concepts to the graph they are given: not timed
                start = time.perf_counter()
                findings = engine(copy)
                best[label] = min(best[label], time.perf_counter() - start)
                found[label][name] = sorted(findings, key=_finding_order)
        for label in engines:
            totals[label] += best[label]
    return {label: (totals[label], found[label]) for label in engines}


def differences(expected: Findings, got: Findings) -> list[str]:
    missing = [f"only pySHACL: {f.line()}" for f in expected if f not in got]
    extra = [f"only this engine: {f.line()}" for f in got if f not in expected]
    return missing + extra


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    graphs = corpus_graphs(Path(args.corpus))
    mutation = [("seven-fault mutation graph", seven_fault_graph())]
    shapes = written_shapes()
    validate_graph(Graph())  # pySHACL's shapes prepared: set-up, as in the build's parent
    engines = {
        "pySHACL (build)": pyshacl_engine(),
        "pyshacl-turbo": turbo_engine(shapes),
        "pyrudof": rudof_engine(shapes),
    }
    on_corpus = measure(engines, graphs, args.repeats)
    on_mutation = measure(engines, mutation, 1)
    results = {
        label: (seconds, found, on_mutation[label][1])
        for label, (seconds, found) in on_corpus.items()
    }
    oracle_seconds, oracle, oracle_mutation = results["pySHACL (build)"]
    findings = sum(len(f) for f in oracle.values())
    print(f"{len(graphs)} report graphs ({findings} pySHACL findings), best of {args.repeats}")
    print(
        "| engine | graphs with identical findings | mutation graph identical | "
        "validation s | ms per graph | speed-up |"
    )
    print("|---|---|---|---|---|---|")
    for label, (seconds, found, on_mutation) in results.items():
        same = sum(found[name] == oracle[name] for name, _ in graphs)
        mutation_same = on_mutation == oracle_mutation
        print(
            f"| {label} | {same} of {len(graphs)} | "
            f"{'yes' if mutation_same else 'no'} ({len(on_mutation[mutation[0][0]])} findings) | "
            f"{seconds:.2f} | {seconds / len(graphs) * 1000:.1f} | {oracle_seconds / seconds:.1f}x |"
        )
    minimal_shapes = Graph().parse(data=MINIMAL_SHAPES, format="turtle")
    print("\nMinimal examples (bench/shacl_engines.py MINIMAL_SHAPES, MINIMAL_DATA):")
    for label, engine in (
        ("pySHACL", pyshacl_written_engine(minimal_shapes)),
        ("pyshacl-turbo", turbo_engine(minimal_shapes)),
        ("pyrudof", rudof_engine(minimal_shapes)),
    ):
        for finding in sorted(
            engine(Graph().parse(data=MINIMAL_DATA, format="turtle")), key=_finding_order
        ):
            print(f"  {label}: {finding.line()}")
    for label, (_, found, on_mutation) in results.items():
        shown = [
            f"{name}: {line}"
            for name, got in [*found.items(), *on_mutation.items()]
            for line in differences({**oracle, **oracle_mutation}[name], got)
        ]
        if shown:
            print(f"\n{label}: {len(shown)} differing findings, the first ten:")
            print("\n".join(f"  {line}" for line in shown[:10]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
