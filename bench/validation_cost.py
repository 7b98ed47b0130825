"""Validation cost in instructions, for before/after comparisons on a noisy machine.

Wall and CPU times of the same validation vary by 15% or more between runs on this 2-core
virtual machine, more than most single optimisations gain. Instruction counts do not: run this
under callgrind twice, with `--runs 1` and `--runs 0` (set-up only), and subtract.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/validation_cost.py --runs 1
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/validation_cost.py --runs 0

The graphs are built first (as the build does: extraction, RDF, inference) from every n-th PDF,
so the count covers `validate_graph` alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rdflib import Graph

from ofsted_kg.build import extract_file
from ofsted_kg.rdf import report_graph
from ofsted_kg.reasoning import infer
from ofsted_kg.resolve import resolve_report
from ofsted_kg.uris import Uris
from ofsted_kg.validation import validate_graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="../shared/corpus/pdf")
    parser.add_argument("--every", type=int, default=24, help="take every n-th PDF")
    parser.add_argument("--runs", type=int, default=1, help="validations of each graph")
    args = parser.parse_args()
    uris = Uris(None)
    graphs = []
    for path in sorted(Path(args.corpus).glob("*.pdf"))[:: args.every]:
        report = extract_file(path)
        if report.kind != "invalid":
            graph = report_graph(resolve_report(report), uris)
            graphs.append((graph, infer(graph, uris.base)))
    validate_graph(Graph(), uris.base)  # shapes parsed and prepared: set-up, not measured
    findings = 0
    for _ in range(args.runs):
        for graph, inferred in graphs:
            checked = Graph()
            checked += graph
            checked += inferred
            findings += len(validate_graph(checked, uris.base, may_modify=True).findings)
    print(f"{len(graphs)} graphs validated {args.runs} time(s), {findings} findings")


if __name__ == "__main__":
    main()
