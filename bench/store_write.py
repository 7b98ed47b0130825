"""The build's store write against pyoxigraph's bulk loader, on the corpus's graphs.

    python bench/store_write.py EXPORT.nq [--repeats 3]

EXPORT.nq is `ofsted-kg export --format nquads` of a built corpus. Its graphs are written into
a fresh store three ways, each timed from an empty store to the last graph written:
- **per file, as the build writes** (`Store.replace_graphs`): one SPARQL update per graph,
  `DROP SILENT GRAPH` then `INSERT DATA` with the graph's N-Triples (the build adds its manifest
  entry to the same update, so each file is all or nothing);
- **per file, loaded**: `ox.Store.load` of each graph's N-Triples (one transaction each, but a
  replacement would need a separate drop first: not all or nothing);
- **bulk**: `ox.Store.bulk_load` of the whole N-Quads at once (no transaction at all).
Ratios are against the first, measured in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from ofsted_kg.store import EmbeddedStore


def graphs_of(export: Path) -> dict[str, bytes]:
    """Each named graph's N-Triples, in the export's order."""
    lines: dict[str, list[str]] = defaultdict(list)
    for quad in ox.parse(path=str(export), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode):
            lines[quad.graph_name.value].append(f"{quad.subject} {quad.predicate} {quad.object} .")
    return {graph: ("\n".join(body) + "\n").encode("utf-8") for graph, body in lines.items()}


def as_the_build_writes(folder: Path, graphs: dict[str, bytes]) -> float:
    store = EmbeddedStore(folder)
    start = time.perf_counter()
    with store.writing():
        for graph, ntriples in graphs.items():
            store.replace_graphs({graph: ntriples})
    seconds = time.perf_counter() - start
    store.close()
    return seconds


def batched(folder: Path, graphs: dict[str, bytes], size: int) -> float:
    store = EmbeddedStore(folder)
    items = list(graphs.items())
    start = time.perf_counter()
    with store.writing():
        for first in range(0, len(items), size):
            store.replace_graphs(dict(items[first : first + size]))
    seconds = time.perf_counter() - start
    store.close()
    return seconds


def loaded_per_file(folder: Path, graphs: dict[str, bytes]) -> float:
    store = ox.Store(str(folder))
    start = time.perf_counter()
    for graph, ntriples in graphs.items():
        store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    store.flush()
    return time.perf_counter() - start


def bulk(folder: Path, export: Path) -> float:
    store = ox.Store(str(folder))
    start = time.perf_counter()
    store.bulk_load(path=str(export), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    graphs = graphs_of(args.export)
    quads = sum(body.count(b"\n") for body in graphs.values())
    ways = {
        "per file, as the build writes (SPARQL update)": lambda d: as_the_build_writes(d, graphs),
        "16 files a SPARQL update": lambda d: batched(d, graphs, 16),
        "per file, ox.Store.load": lambda d: loaded_per_file(d, graphs),
        "bulk, ox.Store.bulk_load": lambda d: bulk(d, args.export),
    }
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(args.repeats):
        for label, way in ways.items():  # taking turns, so the machine's drift weighs on all
            with tempfile.TemporaryDirectory() as folder:
                best[label] = min(best[label], way(Path(folder)))
    baseline = best[next(iter(ways))]
    print(f"{len(graphs)} graphs, {quads} quads; best of {args.repeats}")
    print("| write | s | ms per graph | ratio to the build's |")
    print("|---|---|---|---|")
    for label, seconds in best.items():
        per_graph = 1000 * seconds / len(graphs)
        print(f"| {label} | {seconds:.2f} | {per_graph:.1f} | {seconds / baseline:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
