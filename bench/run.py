"""Benchmarks, measured side by side in one run, written to BENCHMARKS.md as ratios.

The baseline is the physical floor of a build: merely reading the PDFs' text with the same PDF
library on one core. Every other figure is reported against a baseline measured in the same run,
because this 2-core machine is noisy and absolute seconds drift between runs.

    python bench/run.py --corpus ../shared/corpus --out BENCHMARKS.md      (= make bench)
    python bench/run.py --quick                                            (smaller, for a look)
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import queue
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from rdflib import Dataset

from ofsted_kg.authorities import authorities
from ofsted_kg.build import build, validate_emission
from ofsted_kg.emit import ReportEmission, ntriples
from ofsted_kg.extract import extract_document, iter_report_files
from ofsted_kg.queries import bind_parameters, load_queries, query_text
from ofsted_kg.rdf import report_triples
from ofsted_kg.reasoning import inferred_triples
from ofsted_kg.resolve import resolve_report
from ofsted_kg.sources import SourceError, read_document
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import Uris

sys.path.insert(0, str(Path(__file__).parent))
import load  # noqa: E402 - sibling modules of this script, not a package
import synthetic  # noqa: E402

HERE = Path(__file__).resolve().parent


@dataclass
class Section:
    title: str
    intro: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", self.intro, ""]
        lines.append("| " + " | ".join(self.header) + " |")
        lines.append("|" + "---|" * len(self.header))
        lines.extend("| " + " | ".join(row) + " |" for row in self.rows)
        return "\n".join(lines) + "\n"


def best_of(repeats: int, func: Callable[[], object]) -> float:
    """The fastest of `repeats` runs: the least disturbed by the other load on the machine."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def read_text_only(paths: list[Path]) -> int:
    """The floor: pypdfium2 text of every page, nothing else. Returns pages read."""
    pages = 0
    for path in paths:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            continue
        for index in range(len(pdf)):
            pdf[index].get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return pages


def timed_build(sources: list[Path], workers: int, store_dir: Path | None = None):
    """Build into a fresh store (or the given one); return (seconds, stats, store path)."""
    path = store_dir or Path(tempfile.mkdtemp(prefix="bench-store-"))
    store = EmbeddedStore(path)
    start = time.perf_counter()
    stats = build(sources, store, workers=workers, log=lambda _message: None)
    seconds = time.perf_counter() - start
    store.close()
    return seconds, stats, path


# ------------------------------------------------------------------ 1, 2, 6: the build


def bench_build(pdfs: list[Path], repeats: int) -> list[Section]:
    pages = read_text_only(pdfs)
    floor = best_of(repeats, lambda: read_text_only(pdfs))
    one_core = min(timed_build(pdfs, 1)[0] for _ in range(repeats))
    runs = [timed_build(pdfs, 2) for _ in range(repeats)]
    two_cores, stats, store_path = min(runs, key=lambda run: run[0])
    rebuild = best_of(repeats, lambda: timed_build(pdfs, 2, store_path))
    for _, _, path in runs:
        shutil.rmtree(path, ignore_errors=True)

    throughput = Section(
        "1. Build throughput against the floor",
        f"{len(pdfs)} PDFs, {pages} pages, {stats.built} reports built, {stats.triples_written} "
        f"triples; best of {repeats}. Floor = pypdfium2 text of every page on one core, nothing "
        "else. Goals: full build (extract, RDF, link, infer, validate, load) within 2x the floor "
        "on one core, below 1x with both cores; an unchanged rebuild under 5% of the first build.",
        ("run", "seconds", "pages/s", "reports/s", "x floor"),
    )
    for name, seconds in (
        ("floor: raw PDF text, 1 core", floor),
        ("full build, 1 worker", one_core),
        ("full build, 2 workers", two_cores),
    ):
        throughput.rows.append(
            (
                name,
                f"{seconds:.2f}",
                f"{pages / seconds:.0f}",
                f"{len(pdfs) / seconds:.1f}",
                f"{seconds / floor:.2f}",
            )
        )
    throughput.rows.append(
        (
            "6. rebuild, unchanged input",
            f"{rebuild:.2f}",
            "",
            "",
            f"{rebuild / two_cores:.1%} of the build",
        )
    )
    return [throughput, bench_steps(pdfs)]


def bench_steps(pdfs: list[Path]) -> Section:
    """Where a build's time goes, step by step, one core, no pool."""
    uris = Uris(None)
    text, extraction = "text (pypdfium2: the floor's work)", "extraction (clean, classify, parse)"
    inference, validation = "OWL-RL (reasoning.py's rules)", "SHACL (pyshacl-turbo)"
    spent = dict.fromkeys((text, extraction, "RDF", inference, validation, "store load"), 0.0)
    store = EmbeddedStore(Path(tempfile.mkdtemp(prefix="bench-steps-")))
    # As in a build, into the working copy: outside `writing()` each write would publish a
    # generation of the whole store (store/generations.py), which the build does once.
    with store.writing():
        for path in pdfs:
            start = time.perf_counter()
            try:
                document = read_document(path)
            except SourceError:
                continue  # refused files: the floor reads them too, and the build stops here
            spent[text] += time.perf_counter() - start
            start = time.perf_counter()
            report = extract_document(document)
            spent[extraction] += time.perf_counter() - start
            if report.kind == "invalid":
                continue
            # As build._emit does them (emit.emit_report, then build.validate_emission), apart.
            start = time.perf_counter()
            resolved = resolve_report(report)
            triples = dict.fromkeys(report_triples(resolved, uris))
            graph = ntriples(triples)
            spent["RDF"] += time.perf_counter() - start
            start = time.perf_counter()
            inferred = inferred_triples(triples.keys(), uris.base)
            emitted = ReportEmission(triples, inferred, graph, ntriples(inferred))
            spent[inference] += time.perf_counter() - start
            start = time.perf_counter()
            name = f"{uris.base}bench/{report.sha256}"
            store.replace_graph(name, emitted.ntriples.encode())
            store.replace_graph(f"{name}/inferred", emitted.inferred_ntriples.encode())
            spent["store load"] += time.perf_counter() - start
            start = time.perf_counter()
            validate_emission(resolved, emitted, uris)
            spent[validation] += time.perf_counter() - start
    shutil.rmtree(store.path, ignore_errors=True)
    total = sum(spent.values())
    beyond_text = total - spent[text]
    section = Section(
        "2. Share of each step",
        "Each step of the per-report pipeline timed on one core over the same PDFs (linking is "
        "per build, not per report, and is in the build figures above). Goal: neither inference "
        "nor validation over 25% of the build. Both build goals of section 1 come down to one "
        "bound: the work beyond the text must cost less than the text itself (on one core, "
        "text + rest <= 2 x text; on two cores, (text + rest) / 2 < text). The last two rows "
        "give that ratio, with and without validation.",
        ("step", "seconds", "share"),
    )
    section.rows.extend((name, f"{s:.2f}", f"{s / total:.0%}") for name, s in spent.items())
    section.rows.append(
        ("work beyond the text / text (goal: under 1)", f"{beyond_text / spent[text]:.2f}", "")
    )
    without_validation = beyond_text - spent[validation]
    section.rows.append(
        ("the same, were validation free", f"{without_validation / spent[text]:.2f}", "")
    )
    return section


# ------------------------------------------------------------------ 3: scale


def child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def build_in_subprocess(sources: Path, store: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "build", str(sources), "--store", str(store)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def query_p50(store_path: Path, repeats: int) -> dict[str, float]:
    store = EmbeddedStore(store_path, read_only=True)
    latencies = {}
    for name, query in load_queries().items():
        sparql = query_text(query, bind_parameters(query, {}))
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            store.query(sparql, result_format="application/sparql-results+json")
            times.append(time.perf_counter() - start)
        latencies[name] = statistics.median(times) * 1000
    return latencies


def bench_scale(sources: list[Path], factor: int, work: Path) -> Section:
    """The national-size synthetic corpus against the same plan for a `factor`-th of the
    authorities: as many reports per authority and per inspector, a tenth of the authorities."""
    small_dir, large_dir = work / "x1", work / f"x{factor}"
    templates = synthetic.read_templates(sources)
    sample = sorted(authorities())[::factor]
    small = synthetic.write_corpus(templates, small_dir, sample)
    large = synthetic.write_corpus(templates, large_dir)
    small_seconds = build_in_subprocess(small_dir, work / "store-x1")
    small_peak = child_peak_mb()
    large_seconds = build_in_subprocess(large_dir, work / f"store-x{factor}")
    large_peak = child_peak_mb()
    small_queries = query_p50(work / "store-x1", 5)
    large_queries = query_p50(work / f"store-x{factor}", 5)
    per_small, per_large = small_seconds / len(small), large_seconds / len(large)
    section = Section(
        "3. Scale: a national-size synthetic corpus",
        f"Every authority with the report generations a real one had, in sequence, inspectors "
        f"from a population of a few hundred (bench/synthetic.py): {synthetic.describe(large)}. "
        f"Against it, the same plan for every {factor}th authority ({len(small)} reports). "
        "Each is built by `ofsted-kg build` from text in a fresh store (2 workers). Goals: "
        "per-report cost flat within 20%, peak memory under 2 GB. Peak = largest resident set "
        "of the build process or its workers.",
        ("measure", "1x", f"{factor}x", "ratio"),
    )
    section.rows.append(
        (
            "build seconds",
            f"{small_seconds:.1f}",
            f"{large_seconds:.1f}",
            f"{large_seconds / small_seconds:.1f}",
        )
    )
    section.rows.append(
        (
            "ms per report",
            f"{per_small * 1000:.0f}",
            f"{per_large * 1000:.0f}",
            f"{per_large / per_small:.2f}",
        )
    )
    section.rows.append(("peak memory MB", f"{small_peak:.0f}", f"{large_peak:.0f}", ""))
    for name in sorted(small_queries):
        section.rows.append(
            (
                f"query {name} p50 ms",
                f"{small_queries[name]:.1f}",
                f"{large_queries[name]:.1f}",
                f"{large_queries[name] / max(small_queries[name], 0.01):.1f}",
            )
        )
    return section


# ------------------------------------------------------------------ 4: named queries


def bench_queries(store_path: Path, repeats: int) -> Section:
    import threading
    import urllib.request

    import waitress

    from ofsted_kg.web import WebConfig, create_app

    store = EmbeddedStore(store_path, read_only=True)
    app = create_app(store, WebConfig())
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}"
    nquads = store_path.parent / "dataset.nq"
    nquads.write_bytes(store.dump("application/n-quads"))

    section = Section(
        "4. Named queries: direct, over HTTP, and on rdflib's engine",
        f"Each named query with its default parameters, {repeats} runs each on the full build. "
        "Direct = EmbeddedStore.query in process; HTTP = GET /queries/NAME on a local waitress "
        "server (query worker processes, deadlines, formats); rdflib = the same query on an "
        "in-memory rdflib Dataset in a child process, run once (capped at 120 s). Goal: HTTP adds at most 50% + 2 ms.",
        (
            "query",
            "direct p50 ms",
            "direct p99 ms",
            "HTTP p50 ms",
            "HTTP p99 ms",
            "HTTP overhead ok",
            "rdflib ms",
            "oxigraph speedup",
        ),
    )
    try:
        for name, query in sorted(load_queries().items()):
            sparql = query_text(query, bind_parameters(query, {}))
            direct, http = [], []
            for _ in range(repeats):
                start = time.perf_counter()
                store.query(sparql, result_format="application/sparql-results+json")
                direct.append((time.perf_counter() - start) * 1000)
                request = urllib.request.Request(
                    f"{url}/queries/{name}", headers={"Accept": "application/sparql-results+json"}
                )
                start = time.perf_counter()
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                http.append((time.perf_counter() - start) * 1000)
            rdflib_ms = rdflib_time(nquads, sparql)
            d50, h50 = statistics.median(direct), statistics.median(http)
            section.rows.append(
                (
                    name,
                    f"{d50:.1f}",
                    f"{percentile(direct, 0.99):.1f}",
                    f"{h50:.1f}",
                    f"{percentile(http, 0.99):.1f}",
                    "yes" if h50 <= d50 * 1.5 + 2 else "no",
                    "> 120000" if rdflib_ms is None else f"{rdflib_ms:.0f}",
                    "" if rdflib_ms is None else f"{rdflib_ms / d50:.0f}x",
                )
            )
    finally:
        server.close()
        app.extensions["ofsted_kg"].runner.close()
    return section


def _rdflib_query_ms(nquads: str, sparql: str, results: multiprocessing.Queue) -> None:
    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    start = time.perf_counter()
    list(dataset.query(sparql))
    results.put((time.perf_counter() - start) * 1000)


def rdflib_time(nquads: Path, sparql: str, cap: float = 120.0) -> float | None:
    """Milliseconds for rdflib to run `sparql` once on the dataset, or None past `cap` seconds.

    Run in a child process (loading the data is not timed) so that a query past the cap is
    killed, not left running beside the next measurement.
    """
    results: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_rdflib_query_ms, args=(str(nquads), sparql, results))
    child.start()
    try:
        return results.get(timeout=cap + 60)  # + the time to load the data
    except queue.Empty:
        return None
    finally:
        child.kill()
        child.join()


# ------------------------------------------------------------------ 5: endpoint load


def bench_load(store_path: Path, seconds: float) -> Section:
    """Requests per second and latency at 1, 4 and 16 concurrent clients (bench/load.py)."""
    process, url = load.start_server(str(store_path))
    try:
        results = [load.run_load(url, clients, seconds) for clients in (1, 4, 16)]
    finally:
        process.terminate()
        process.wait(timeout=30)
    section = Section(
        "5. Endpoint throughput",
        f"`ofsted-kg serve` (default settings) on the full build, on loopback; each client sends "
        f"one request at a time from a mix of named queries, pages and small SPARQL queries "
        f"(bench/load.py) for {seconds:.0f} s. Errors are any answer other than 200.",
        ("clients", "requests", "errors", "requests/s", "p50 ms", "p99 ms"),
    )
    section.rows.extend(
        (
            str(r["clients"]),
            str(r["requests"]),
            str(r["errors"]),
            f"{r['throughput']}",
            f"{r['p50_ms']}",
            f"{r['p99_ms']}",
        )
        for r in results
    )
    return section


def machine_line() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{dt.date.today().isoformat()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--out", default="BENCHMARKS.md")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--scale", type=int, default=10, help="the small synthetic corpus has every n-th authority"
    )
    parser.add_argument("--load-seconds", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="a tenth of the PDFs, 1 repeat")
    args = parser.parse_args(argv)

    pdfs = [p for p in iter_report_files([Path(args.corpus) / "pdf"]) if p.suffix == ".pdf"]
    repeats = args.repeats
    if args.quick:
        pdfs, repeats = pdfs[::10], 1
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        sections = bench_build(pdfs, repeats)
        templates = [*pdfs, Path(args.corpus) / "seeds", synthetic.LETTERS]
        sections.append(bench_scale(templates, args.scale, work / "scale"))
        _, _, full_store = timed_build(pdfs, 2, work / "full")
        sections.append(bench_queries(full_store, 20 if not args.quick else 5))
        sections.append(bench_load(full_store, args.load_seconds))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    text = [
        "# Benchmarks",
        "",
        f"Written by `{command.strip()}` (`make bench`) on {machine_line()}.",
        "Ratios are against a baseline measured in the same run; the machine is noisy, so "
        "timings are the best of several runs or medians.",
        "",
        *(section.markdown() for section in sections),
        # The optimisation log is written by hand (before/after figures of each change, with the
        # profile that pointed to it) and carried into every regenerated BENCHMARKS.md.
        (HERE / "optimisations.md").read_text(encoding="utf-8"),
    ]
    Path(args.out).write_text("\n".join(text), encoding="utf-8")
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
