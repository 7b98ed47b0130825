"""Compare two N-Quads exports of the same corpus, before and after a vocabulary change.

    python bench/compare_exports.py BEFORE.nq AFTER.nq [--mapping docs/vocabulary-changes.md]

The IRIs renamed by the change are read from the mapping table of docs/vocabulary-changes.md
(rows `| `OLD` | `NEW` |`) and applied to BEFORE as subjects and objects, never as predicates:
the renamed IRIs were concept schemes that shared their IRI with a property, which keeps it.
What still differs is counted by graph (report graphs, their inferences, linking, ontology,
reference, manifest) and predicate (and class, for rdf:type), so a change shows as exactly the
statements it meant to add or drop. Exit status 0 when nothing differs outside what --expect
GRAPH:PREDICATE names (repeatable; `GRAPH:*` for a whole graph), else 1.
Blank nodes would be compared by label; the graphs have none (docs/graph.md: nothing linkable is
a blank node).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

ROW = re.compile(r"^\|\s*`(?P<old>[^`]+)`\s*\|\s*`(?P<new>[^`]+)`\s*\|")
GRAPH_KINDS = (
    ("report-inferred", re.compile(r"/doc/graph/report/[0-9a-f]+/inferred$")),
    ("report", re.compile(r"/doc/graph/report/[0-9a-f]+$")),
    ("linking-inferred", re.compile(r"/doc/graph/linking/inferred$")),
    ("linking", re.compile(r"/doc/graph/linking$")),
    ("ontology", re.compile(r"/doc/graph/ontology$")),
    ("reference", re.compile(r"/doc/graph/reference$")),
    ("manifest", re.compile(r"/doc/graph/manifest$")),
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
Quad = tuple[str, str, str, str]  # subject, predicate, object, graph as N-Triples terms


def read_mapping(path: Path) -> dict[str, str]:
    rows = (ROW.match(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {m["old"]: m["new"] for m in rows if m}


def read_quads(path: Path, mapping: dict[str, str]) -> set[Quad]:
    def term(node: object) -> str:
        if isinstance(node, ox.NamedNode):
            return f"<{mapping.get(node.value, node.value)}>"
        return str(node)

    return {
        (term(q.subject), str(q.predicate), term(q.object), str(q.graph_name))
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
    }


def graph_kind(graph: str) -> str:
    name = graph.strip("<>")
    return next((kind for kind, pattern in GRAPH_KINDS if pattern.search(name)), name)


def differences(before: set[Quad], after: set[Quad]) -> Counter[tuple[str, str, str]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for sign, quads in (("-", before - after), ("+", after - before)):
        for _, predicate, obj, graph in quads:
            what = predicate.strip("<>")
            if what == RDF_TYPE:
                what = f"a {obj.strip('<>')}"
            counts[(graph_kind(graph), what, sign)] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument(
        "--mapping",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "docs" / "vocabulary-changes.md",
    )
    parser.add_argument("--expect", action="append", default=[], help="GRAPH:PREDICATE")
    args = parser.parse_args(argv)
    mapping = read_mapping(args.mapping)
    before = read_quads(args.before, mapping)
    after = read_quads(args.after, {})
    counts = differences(before, after)
    print(f"{len(mapping)} renamed IRIs; {len(before)} statements before, {len(after)} after")
    unexpected = 0
    for (kind, pred, sign), n in sorted(counts.items()):
        expected = f"{kind}:{pred}" in args.expect or f"{kind}:*" in args.expect
        unexpected += 0 if expected else n
        print(f"{sign}{n:7d}  {kind:17s} {pred}{'' if expected else '   UNEXPECTED'}")
    print("equal apart from the expected changes" if not unexpected else f"{unexpected} unexpected")
    return 0 if not unexpected else 1


if __name__ == "__main__":
    sys.exit(main())
