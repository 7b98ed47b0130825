"""A bounded load test of a running ofsted-kg server on loopback.

N client threads (urllib, one request at a time each) cycle through a fixed mix of named queries,
linked-data pages and small ad-hoc SPARQL queries for a fixed time; the result is throughput,
p50/p99 latency and the error count (any status other than 200, or no answer).

    python bench/load.py --url http://127.0.0.1:8000                 (a server already running)
    python bench/load.py --store var/store                            (starts `ofsted-kg serve`)
    python bench/load.py --store var/store --clients 1 4 16 --seconds 20
    python bench/load.py --store var/store --profile 20              (each page type, cold and warm)
    python bench/load.py --store var/store --no-cache ...             (the server keeps no answers)
    python bench/load.py --url URL --exclude /queries/la-timeline     (the mix without a path)

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


def run_load(base_url: str, clients: int, seconds: float, exclude: tuple[str, ...] = ()) -> dict:
    """`clients` threads request MIX in turn (each from a different offset) for `seconds`,
    leaving out the paths starting with one of `exclude`.

    Returns requests, errors (with a count per status), throughput (requests/s) and p50 / p99
    latency in milliseconds."""
    base_url = base_url.rstrip("/")
    mix = [(path, accept) for path, accept in MIX if not path.startswith(exclude)]
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        mine: list[float] = []
        failed: Counter[str] = Counter()
        turn = offset
        while time.monotonic() < deadline:
            path, accept = mix[turn % len(mix)]
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


# One example of each page type, found in the store by the server itself: (label, SPARQL that
# selects one IRI ?x, how the IRI becomes a path).
EXAMPLES = (
    (
        "authority page",
        "SELECT ?x WHERE { ?i ofsted:inspectedAuthority ?x } GROUP BY ?x "
        "ORDER BY DESC(COUNT(?i)) ?x LIMIT 1",
    ),
    (
        "inspection page",
        'SELECT ?x WHERE { ?x a ofsted:Inspection ; ofsted:reportKind/skos:notation "sif" } '
        "ORDER BY ?x LIMIT 1",
    ),
    (
        "person page",
        "SELECT ?x WHERE { ?i prov:qualifiedAssociation/prov:agent ?x } GROUP BY ?x "
        "ORDER BY DESC(COUNT(?i)) ?x LIMIT 1",
    ),
    ("evidence page", "SELECT ?x WHERE { ?x a ofsted:Evidence } ORDER BY ?x LIMIT 1"),
)
PREFIXES = (
    "PREFIX ofsted: <https://ofsted-kg.example/def/ofsted/> "
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
)
FIXED_PAGES = (
    ("home", "/"),
    ("authorities list", "/authorities"),
    ("inspections list", "/inspections"),
    ("inspectors list", "/inspectors"),
    ("search", "/search?q=somerset"),
    ("current judgements", "/current"),
    ("current judgements CSV", "/current.csv"),
    ("ontology", "/def/ofsted/"),
    ("query page", "/sparql"),
    ("named queries list", "/queries"),
)


def _get(url: str, accept: str = "text/html") -> tuple[float, int]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:  # no answer in time: an error, timed as long as it was waited for
        status = 0
    return time.perf_counter() - started, status


def page_targets(base_url: str) -> list[tuple[str, str, str]]:
    """(label, path, Accept) for every page type and every named query with its defaults."""
    import json

    base_url = base_url.rstrip("/")
    targets = [(label, path, "text/html") for label, path in FIXED_PAGES]
    for label, select in EXAMPLES:
        url = base_url + "/sparql?query=" + quote(PREFIXES + select)
        request = urllib.request.Request(url, headers={"Accept": SPARQL_JSON})
        with urllib.request.urlopen(request, timeout=120) as response:
            rows = json.loads(response.read())["results"]["bindings"]
        if rows:
            iri = rows[0]["x"]["value"]
            path = (
                "/doc/" + iri.split("/id/", 1)[1] if "/id/" in iri else "/" + iri.split("/", 3)[3]
            )
            targets.append((label, path, "text/html"))
    from ofsted_kg.queries import load_queries  # the project's named queries (the server's)

    targets += [
        (f"query {name}", f"/queries/{name}", SPARQL_JSON) for name in sorted(load_queries())
    ]
    return targets


def profile(base_url: str, targets: list[tuple[str, str, str]], repeats: int) -> list[dict]:
    """Each target asked once (cold: the server's first answer to it) and `repeats` times more
    (warm: p50 and p95). Any status other than 200 is counted as an error."""
    base_url = base_url.rstrip("/")
    results = []
    for label, path, accept in targets:
        cold, status = _get(base_url + path, accept)
        times, errors = [], int(status != 200)
        for _ in range(repeats if status == 200 else 0):  # a failure is not asked again
            seconds, status = _get(base_url + path, accept)
            times.append(seconds)
            errors += status != 200
        ordered = sorted(times)
        print(f"{label}: cold {1000 * cold:.0f} ms, {status}", file=sys.stderr, flush=True)
        results.append(
            {
                "label": label,
                "path": path,
                "cold_ms": round(1000 * cold, 1),
                "p50_ms": round(1000 * _percentile(ordered, 0.50), 1),
                "p95_ms": round(1000 * _percentile(ordered, 0.95), 1),
                "errors": errors,
            }
        )
    return results


def _table(columns: tuple[tuple[str, str], ...], results: list[dict]) -> str:
    """A Markdown table of `results`: (heading, key) per column; the first column left-aligned."""
    lines = [
        "| " + " | ".join(heading for heading, _ in columns) + " |",
        "|---|" + "---:|" * (len(columns) - 1),
    ]
    lines += ["| " + " | ".join(str(r[key]) for _, key in columns) + " |" for r in results]
    return "\n".join(lines)


def markdown_table(results: list[dict]) -> str:
    return _table(
        (
            ("clients", "clients"),
            ("requests", "requests"),
            ("errors", "errors"),
            ("throughput (req/s)", "throughput"),
            ("p50 (ms)", "p50_ms"),
            ("p99 (ms)", "p99_ms"),
        ),
        results,
    )


def profile_table(results: list[dict]) -> str:
    return _table(
        (
            ("page or query", "label"),
            ("cold (ms)", "cold_ms"),
            ("warm p50 (ms)", "p50_ms"),
            ("warm p95 (ms)", "p95_ms"),
            ("errors", "errors"),
        ),
        results,
    )


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
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="instead of the load: every page type and named query once cold, then N times warm",
    )
    parser.add_argument(
        "--exclude",
        nargs="+",
        default=[],
        metavar="PATH",
        help="leave out of the mix the paths starting with these (e.g. /queries/la-timeline)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="start the server with --cache-mib 0 (baseline)"
    )
    parser.add_argument(
        "--timeout", type=float, help="the started server's query time limit (its default: 10 s)"
    )
    args = parser.parse_args(argv)
    process = None
    url = args.url
    if args.store:
        extra = ["--cache-mib", "0"] if args.no_cache else []
        extra += ["--timeout", str(args.timeout)] if args.timeout else []
        process, url = start_server(args.store, *extra)
    try:
        if args.profile is not None:
            print(profile_table(profile(url, page_targets(url), args.profile)))
            return 0
        results = [
            run_load(url, clients, args.seconds, tuple(args.exclude)) for clients in args.clients
        ]
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
