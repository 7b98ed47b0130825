"""A bounded load test of a running ofsted-kg server on loopback.

N client threads (urllib, one request at a time each) cycle through a fixed mix of named queries,
linked-data pages and small ad-hoc SPARQL queries for a fixed time; the result is throughput,
p50/p99 latency and the error count (any status other than 200, or no answer).

    python bench/load.py --url http://127.0.0.1:8000                 (a server already running)
    python bench/load.py --store var/store                            (starts `ofsted-kg serve`)
    python bench/load.py --store var/store --clients 1 4 16 --seconds 20

`run_load(base_url, clients, seconds) -> dict` is what bench/run.py calls.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
SPARQL_JSON = "application/sparql-results+json"

# (path, Accept): what a visitor and a data user ask for, in proportions of a plausible day.
MIX: tuple[tuple[str, str], ...] = (
    ("/queries/inspection-summary", SPARQL_JSON),
    ("/queries/busiest-inspectors", SPARQL_JSON),
    ("/queries/la-timeline?name_contains=somerset", SPARQL_JSON),
    ("/queries/recommendations-search?keyword=supervision", SPARQL_JSON),
    ("/", "text/html"),
    ("/authorities", "text/html"),
    ("/inspections", "text/html"),
    ("/inspectors", "text/html"),
    ("/search?q=" + quote("somerset"), "text/html"),
    (
        "/sparql?query="
        + quote(
            "PREFIX ofsted: <https://ofsted-kg.example/def/ofsted/> "
            "SELECT ?i ?kind WHERE { ?i ofsted:reportKind ?kind } LIMIT 20"
        ),
        SPARQL_JSON,
    ),
    ("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"), SPARQL_JSON),
)


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def run_load(base_url: str, clients: int, seconds: float) -> dict:
    """`clients` threads request MIX in turn (each from a different offset) for `seconds`.

    Returns requests, errors (with a count per status), throughput (requests/s) and p50 / p99
    latency in milliseconds."""
    base_url = base_url.rstrip("/")
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        mine: list[float] = []
        failed: Counter[str] = Counter()
        turn = offset
        while time.monotonic() < deadline:
            path, accept = MIX[turn % len(MIX)]
            turn += 1
            request = urllib.request.Request(base_url + path, headers={"Accept": accept})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
            except urllib.error.HTTPError as exc:
                failed[f"{exc.code} {path.split('?')[0]}"] += 1
                continue
            except OSError as exc:
                failed[f"{type(exc).__name__} {path.split('?')[0]}"] += 1
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            failures.update(failed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    errors = sum(failures.values())
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(ordered) + errors,
        "errors": errors,
        "error_kinds": dict(failures),
        "throughput": round(len(ordered) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(1000 * _percentile(ordered, 0.50), 1),
        "p99_ms": round(1000 * _percentile(ordered, 0.99), 1),
        "mean_ms": round(1000 * statistics.fmean(ordered), 1) if ordered else float("nan"),
    }


def markdown_table(results: list[dict]) -> str:
    lines = [
        "| clients | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['clients']} | {r['requests']} | {r['errors']} | {r['throughput']} "
            f"| {r['p50_ms']} | {r['p99_ms']} |"
        )
    return "\n".join(lines)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(store: str, *extra: str) -> tuple[subprocess.Popen, str]:
    """`ofsted-kg serve` on a free loopback port; returns the process and its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ofsted_kg", "serve", "--store", store, "--port", str(port), *extra],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=5):
                return process, url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"load: ofsted-kg serve did not start on {url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="base URL of a running server")
    where.add_argument("--store", help="a built store: start `ofsted-kg serve` on it")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--seconds", type=float, default=20.0, help="per client count")
    args = parser.parse_args(argv)
    process = None
    url = args.url
    if args.store:
        process, url = start_server(args.store)
    try:
        results = [run_load(url, clients, args.seconds) for clients in args.clients]
    finally:
        if process:
            process.terminate()
            process.wait(10)
    print(markdown_table(results))
    for r in results:
        if r["errors"]:
            print(f"errors at {r['clients']} client(s): {r['error_kinds']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
