"""Each named query's time on a built store, its earlier text beside its current one.

    python bench/named_queries.py STORE [--before DIR] [--runs 5] [--timeout 60] [NAME ...]

For each named query (default parameters), a fresh process opens the store's live generation
read-only and runs the text `--runs` times, as the embedded store does (union default graph, the
result serialised as SPARQL JSON): the first run is the cold answer, then the median of all runs
(one run only when the cold one takes over 5 s);
wall time and the process's CPU time (the machine may be shared: CPU time is the work done).
`--before DIR` holds the earlier texts (e.g. `git show main:queries/NAME.rq`); each is timed in
its own process right before the current one, and their rows compared (GROUP_CONCAT lists as sets
of items, since their order is undefined). A process past `--timeout` seconds is stopped and
reported as such.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from ofsted_kg.queries import bind_parameters, load_queries, parse_query_file, query_text
from ofsted_kg.store.generations import Layout

LISTS = {"source_file": ";", "role": "; "}  # GROUP_CONCAT columns and their separators
SLOW_SECONDS = 5.0  # a query slower than this cold is run once


def run_one(store: str, path: str, runs: int) -> dict:
    """Time one query file in this process; the rows' summary for comparison."""
    import pyoxigraph as ox

    layout = Layout(Path(store))
    live = layout.live()
    assert live is not None, f"no live generation in {store}"
    opened = ox.Store.read_only(str(layout.generation(live)))
    query = parse_query_file(Path(path))
    text = query_text(query, bind_parameters(query, {}))
    walls, cpus, body = [], [], b""
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        results = opened.query(text, use_default_graph_as_union=True)
        body = results.serialize(format=ox.QueryResultsFormat.JSON)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        if walls[0] > SLOW_SECONDS:
            break  # the cold answer is what a slow query is measured by
    bindings = json.loads(body)["results"]["bindings"]
    rows = sorted(json.dumps({k: _as_set(k, v["value"]) for k, v in b.items()}) for b in bindings)
    return {
        "first": walls[0],
        "median": statistics.median(walls),
        "cpu_first": cpus[0],
        "cpu_median": statistics.median(cpus),
        "rows": len(rows),
        "digest": hashlib.sha256("\n".join(rows).encode()).hexdigest(),
    }


def _as_set(column: str, value: str) -> str:
    separator = LISTS.get(column)
    return separator.join(sorted(value.split(separator))) if separator else value


def timed(store: str, path: Path, runs: int, timeout: float) -> dict | None:
    """`run_one` in a fresh process (cold), or None if it passed the timeout."""
    command = [sys.executable, __file__, store, "--one", str(path), "--runs", str(runs)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout)


def cell(result: dict | None, timeout: float) -> str:
    if result is None:
        return f"> {timeout:.0f} s | – | – | –"
    return (
        f"{result['first'] * 1000:.0f} | {result['median'] * 1000:.0f} | "
        f"{result['cpu_median'] * 1000:.0f} | {result['rows']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store")
    parser.add_argument("names", nargs="*", help="named queries (default: all)")
    parser.add_argument("--before", type=Path, help="folder of the earlier texts")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process's query file
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.store, args.one, args.runs)))
        return
    queries = load_queries()
    names = args.names or sorted(queries)
    print(
        "| query | before: cold ms | median ms | CPU ms | rows | after: cold ms | median ms "
        "| CPU ms | rows | same rows |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name in names:
        after_path = Path(str(queries[name].path))
        before_path = args.before / f"{name}.rq" if args.before else None
        before = timed(args.store, before_path, args.runs, args.timeout) if before_path else None
        after = timed(args.store, after_path, args.runs, args.timeout)
        same = (
            "–"
            if before is None or after is None
            else "yes"
            if before["digest"] == after["digest"]
            else "NO"
        )
        print(
            f"| {name} | {cell(before, args.timeout)} | {cell(after, args.timeout)} | {same} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
