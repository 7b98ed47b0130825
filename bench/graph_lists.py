"""What naming the graphs of a query costs in pyoxigraph, against its union default graph.

    python bench/graph_lists.py [--graphs 200 400 800]

A fresh in-memory store holds N graphs of a report's shape (60 mentions each, with a name and a
role). The same SELECT (every mention with its name and role) runs once with the N graphs given
as the default graph (`default_graph=[...]`, what linking did) and once over the union default
graph (what it does now); the rows are checked equal.
"""

from __future__ import annotations

import argparse
import time

import pyoxigraph as ox

EX = "http://example.org/"
QUERY = f"SELECT ?m ?n ?r WHERE {{ ?m <{EX}name> ?n ; <{EX}role> ?r }}"


def store_of(graphs: int) -> tuple[ox.Store, list[ox.NamedNode]]:
    store = ox.Store()
    names = [ox.NamedNode(f"{EX}graph/{g}") for g in range(graphs)]
    quads = []
    for g, graph in enumerate(names):
        for m in range(60):
            mention = ox.NamedNode(f"{EX}mention/{g}/{m}")
            quads.append(ox.Quad(mention, ox.NamedNode(f"{EX}name"), ox.Literal(f"n{m}"), graph))
            quads.append(ox.Quad(mention, ox.NamedNode(f"{EX}role"), ox.NamedNode(f"{EX}r"), graph))
    store.extend(quads)
    return store, names


def timed(store: ox.Store, **dataset: object) -> tuple[float, int]:
    start = time.perf_counter()
    rows = len(list(store.query(QUERY, **dataset)))
    return time.perf_counter() - start, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphs", type=int, nargs="+", default=[200, 400, 800])
    args = parser.parse_args()
    print("| graphs | named (s) | union (s) | ratio |")
    print("|---|---|---|---|")
    for n in args.graphs:
        store, names = store_of(n)
        named, rows_named = timed(store, default_graph=names)
        union, rows_union = timed(store, use_default_graph_as_union=True)
        assert rows_named == rows_union == 60 * n
        print(f"| {n} | {named:.3f} | {union:.3f} | {named / union:.0f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
