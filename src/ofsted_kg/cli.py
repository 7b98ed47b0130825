"""Command line: a thin layer over the library. Each subcommand parses arguments, calls one
library function and turns its outcome into output and an exit code."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .build_workers import (
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_TIME_LIMIT,
    MEMORY_LIMIT_ENV,
    TIME_LIMIT_ENV,
    WorkerLimits,
)
from .extract import extract, iter_report_files
from .formats import EXPORT_FORMATS, QUERY_OUTPUTS
from .gold import compare

# Exit statuses: 1 some inputs were refused (the others done all the same), 2 the command line or
# a file it names is wrong, 3 the store failed (full disk, read-only, locked): nothing trustworthy.
EXIT_REFUSED, EXIT_USAGE, EXIT_STORE = 1, 2, 3


def _cmd_extract(args: argparse.Namespace) -> int:
    failed = 0
    reports = []
    for path in iter_report_files(args.paths):
        report = extract(path)
        if report.kind == "invalid":
            failed += 1
            print(f"ofsted-kg: {path}: {report.error}", file=sys.stderr)
        reports.append(report.to_json())
    json.dump(reports, sys.stdout, ensure_ascii=False, indent=2 if args.format == "json" else None)
    sys.stdout.write("\n")
    return 1 if failed else 0


def _cmd_compare(args: argparse.Namespace) -> int:
    gold_records = json.loads(Path(args.gold).read_text(encoding="utf-8"))
    if args.extracted == "-":
        extracted = json.load(sys.stdin)
    else:
        extracted = json.loads(Path(args.extracted).read_text(encoding="utf-8"))
    result = compare(gold_records, extracted)
    print(result.table())
    for doc in result.missing_docs:
        print(f"missing from the extraction: {doc}")
    if args.verbose:
        for difference in result.differences:
            print(difference)
    return 0 if not result.differences and not result.missing_docs else 1


def _cmd_serve(args: argparse.Namespace) -> int:
    from .web.config import WebConfig
    from .web.server import serve

    config = WebConfig.from_env(
        query_timeout=args.timeout,
        query_workers=args.query_workers,
        reserved_workers=args.reserved_workers,
        max_waiting=args.max_waiting,
        max_result_bytes=args.max_result_bytes,
        max_query_bytes=args.max_query_bytes,
        worker_memory_bytes=args.worker_memory and args.worker_memory * 1024 * 1024,
        write_timeout=args.write_timeout,
        write_token=args.write_token,
        allowed_services=tuple(args.allow_service),
        allow_private_services=args.allow_private_services,
        response_cache_bytes=None if args.cache_mib is None else args.cache_mib * 1024 * 1024,
    )
    serve(args.store, args.host, args.port, args.threads, config, args.trusted_proxy)
    return 0


def _reviewed(given: str | None):  # -> identity.ReviewedDecisions, or None on a bad file
    from .identity import DecisionsError, decisions_path, read_decisions

    try:
        return read_decisions(decisions_path(given))
    except DecisionsError as exc:
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return None


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import build
    from .store import StoreError, open_store

    try:
        limits = WorkerLimits.from_env(args.memory_limit, args.time_limit)
    except ValueError as exc:
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return EXIT_USAGE
    reviewed = _reviewed(args.decisions)
    if reviewed is None:
        return EXIT_USAGE
    with contextlib.ExitStack() as stack:
        try:
            log_file = (
                stack.enter_context(open(args.log, "w", encoding="utf-8")) if args.log else None
            )
        except OSError as exc:
            print(f"ofsted-kg: --log {args.log}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE

        def progress(message: str) -> None:
            print(message, file=sys.stderr, flush=True)
            if log_file:
                print(message, file=log_file, flush=True)

        def detail(message: str) -> None:  # every warning: on stderr with --verbose, in --log
            if args.verbose:
                print(message, file=sys.stderr, flush=True)
            if log_file:
                print(message, file=log_file, flush=True)

        store = open_store(args.store)
        try:
            stats = build(
                args.sources,
                store,
                base=args.base,
                prune=args.prune,
                workers=args.workers,
                limits=limits,
                reviewed=reviewed,
                log=progress,
                detail=detail,
            )
        except StoreError:
            # report the write error, not a second flush error
            with contextlib.suppress(StoreError):
                store.close()
            raise
        store.close()
        summary = [stats.summary(), *stats.warning_lines()]
        if stats.warned and not args.verbose:
            where = f"in {args.log}" if args.log else "with --verbose, or in a file with --log FILE"
            summary.append(f"every warning is listed {where}")
        for line in summary:
            progress(line)
    # like `extract`: every other file is built all the same
    return EXIT_REFUSED if stats.refused else 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .store import open_store
    from .validation import validate_store

    store = open_store(args.store, read_only=True)
    result = validate_store(store, args.base)
    for finding in result.findings:
        if finding.severity == "Violation" or args.warnings:
            print(finding.line())
    print(
        f"{len(result.violations)} violation(s), {len(result.warnings)} warning(s)",
        file=sys.stderr,
    )
    return 0 if result.conforms else 1


def _cmd_export(args: argparse.Namespace) -> int:
    from .export import export
    from .store import open_store
    from .uris import Uris

    store = open_store(args.store, read_only=True)
    if args.output:
        with open(args.output, "wb") as out:
            count = export(store, args.format, out, Uris(args.base))
    else:
        count = export(store, args.format, sys.stdout.buffer, Uris(args.base))
    print(f"exported {count} statements as {args.format}", file=sys.stderr)
    return 0


def _run_query(
    store_location: str | None, name: str, params: dict[str, str], fmt: str, base: str | None
) -> bytes:
    from .queries import load_queries, parse_query_file, run_named
    from .store import StoreError, open_store
    from .store.base import NO_UNION_DEFAULT_GRAPH
    from .uris import Uris

    uris = Uris(base)
    path = Path(name)
    query = parse_query_file(path, uris) if path.suffix == ".rq" else load_queries(uris=uris)[name]
    store = open_store(store_location, read_only=True)
    if not store.has_union_default_graph(write_probe=False):  # named queries read the union
        raise StoreError(NO_UNION_DEFAULT_GRAPH)
    data, _ = run_named(store, query, params, fmt)
    return data


def _cmd_summary(args: argparse.Namespace) -> int:
    from .queries import rows_to_csv
    from .store.results import select_results

    data = _run_query(args.store, "inspection-summary", {}, "json", args.base)
    columns, rows = select_results(data)
    text = rows_to_csv(columns, rows)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{len(rows)} inspection(s) written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _cmd_people(args: argparse.Namespace) -> int:
    from .identity import NEAR_MATCH_COLUMNS
    from .linking import unresolved_people
    from .queries import rows_to_csv, table_text
    from .store import open_store
    from .uris import Uris

    reviewed = _reviewed(args.decisions)
    if reviewed is None:
        return 2
    store = open_store(args.store, read_only=True)
    uris = Uris(args.base)
    # The report graphs the store holds (not the manifest's: a store loaded by other means has
    # none); named to the queries only by a store without a union default graph.
    prefix = str(uris.report_graph(""))
    reports = [
        g for g in store.named_graphs() if g.startswith(prefix) and "/" not in g[len(prefix) :]
    ]
    rows = [near.row() for near in unresolved_people(store, uris, reports, reviewed)]
    if args.format == "csv":
        sys.stdout.write(rows_to_csv(NEAR_MATCH_COLUMNS, rows))
    else:  # the decision and reason columns are for the reviewer to fill in the CSV
        columns = [c for c in NEAR_MATCH_COLUMNS if c not in ("decision", "reason")]
        sys.stdout.write(table_text(columns, rows))
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    from .queries import QueryParameterError

    params = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep:
            print(f"ofsted-kg: --param {item!r}: expected NAME=VALUE", file=sys.stderr)
            return 2
        params[key] = value
    try:
        data = _run_query(args.store, args.query, params, args.format, args.base)
    except KeyError:
        print(f"ofsted-kg: no named query {args.query!r}", file=sys.stderr)
        return 2
    except (QueryParameterError, ValueError) as exc:  # a bad header or parameter in a .rq file
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"ofsted-kg: cannot read {args.query}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except SyntaxError as exc:  # the store's SPARQL parser
        print(f"ofsted-kg: {args.query}: SPARQL syntax error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(data)
    return 0


def _store_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store", help="store path or SPARQL URL (default: $OFSTED_KG_STORE or var/store)"
    )
    p.add_argument("--base", help="base URI of minted URIs (default: $OFSTED_KG_BASE)")


def _decisions_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--decisions",
        metavar="CSV",
        help="reviewed identity decisions, name_a,name_b,decision,reason (default: "
        "$OFSTED_KG_DECISIONS, else identity-decisions.csv in the current folder if present)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ofsted-kg", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="extract facts from report files as JSON")
    p.add_argument("paths", nargs="+", help="report files or folders")
    p.add_argument("--format", choices=["json", "jsonl"], default="json")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser(
        "compare", help="per-field accuracy of extraction output against a gold file"
    )
    p.add_argument("gold", help="gold JSON in the ../shared/gold/FORMAT.md schema")
    p.add_argument("extracted", help="output of `ofsted-kg extract` (a file, or - for stdin)")
    p.add_argument("-v", "--verbose", action="store_true", help="print every difference")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("serve", help="serve the store: SPARQL endpoint, named queries, query page")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--store", help="store path or URL (default: $OFSTED_KG_STORE or var/store)")
    p.add_argument("--threads", type=int, default=8, help="waitress request threads (default 8)")
    p.add_argument("--query-workers", type=int, help="query worker processes (default 2)")
    p.add_argument(
        "--reserved-workers",
        type=int,
        help="more workers for pages and named queries only, never /sparql (default 1)",
    )
    p.add_argument(
        "--max-waiting",
        type=int,
        help="/sparql queries that may wait for a worker; more get 503 at once (default 4); "
        "keep --threads above query workers + this, so pages always find a thread",
    )
    p.add_argument("--timeout", type=float, help="query time limit in seconds (default 10)")
    p.add_argument("--max-result-bytes", type=int, help="largest result sent (default 50 MiB)")
    p.add_argument("--max-query-bytes", type=int, help="longest query text (default 1 MiB)")
    p.add_argument(
        "--worker-memory",
        type=int,
        metavar="MIB",
        help="memory limit (address space) of each query and write worker (default 2048 MiB)",
    )
    p.add_argument("--write-timeout", type=float, help="write time limit in seconds (default 60)")
    p.add_argument(
        "--write-token", help="enable writes for this bearer token (or $OFSTED_KG_WRITE_TOKEN)"
    )
    p.add_argument(
        "--allow-service",
        action="append",
        default=[],
        metavar="URL",
        help="allow SERVICE/LOAD to this endpoint URL (repeatable; default: none)",
    )
    p.add_argument(
        "--allow-private-services",
        action="store_true",
        help="let allow-listed endpoints be on private/loopback addresses",
    )
    p.add_argument(
        "--cache-mib",
        type=int,
        metavar="MIB",
        help="memory for answers kept until the data changes; 0 keeps none (default 64)",
    )
    p.add_argument(
        "--trusted-proxy",
        metavar="ADDRESS",
        help="address of a reverse proxy whose X-Forwarded-* headers are believed",
    )
    p.set_defaults(func=_cmd_serve)
    p = sub.add_parser("build", help="build report files into the knowledge graph store")
    p.add_argument("sources", nargs="+", help="report files or folders")
    _store_options(p)
    p.add_argument("--prune", action="store_true", help="drop graphs of files no longer given")
    p.add_argument("--workers", type=int, default=2, help="extraction processes (default 2)")
    p.add_argument(
        "--memory-limit",
        type=int,
        metavar="MIB",
        help=f"address space one file may add to its worker's; a file that needs more is refused "
        f"(default ${MEMORY_LIMIT_ENV} or {DEFAULT_MEMORY_LIMIT_MB})",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help=f"time for one file; a file that takes longer is refused "
        f"(default ${TIME_LIMIT_ENV} or {DEFAULT_TIME_LIMIT:g})",
    )
    _decisions_option(p)
    p.add_argument(
        "-v", "--verbose", action="store_true", help="print every SHACL warning of every file"
    )
    p.add_argument(
        "--log", metavar="FILE", help="write the progress lines and every warning to FILE too"
    )
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("validate", help="SHACL-validate the whole store")
    _store_options(p)
    p.add_argument("--warnings", action="store_true", help="print warnings too")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("export", help="export the store as RDF")
    _store_options(p)
    p.add_argument("--format", choices=list(EXPORT_FORMATS), default="trig")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("summary", help="one CSV row per inspection report")
    _store_options(p)
    p.add_argument("-o", "--output", help="CSV file (default: stdout)")
    p.set_defaults(func=_cmd_summary)

    p = sub.add_parser(
        "people", help="name variants no rule or reviewed decision settled, for review"
    )
    _store_options(p)
    _decisions_option(p)
    p.add_argument("--format", choices=["csv", "table"], default="table")
    p.set_defaults(func=_cmd_people)

    p = sub.add_parser("query", help="run a named query (queries/NAME.rq) or a .rq file")
    p.add_argument("query", help="query name or .rq file")
    _store_options(p)
    p.add_argument("--param", action="append", default=[], help="NAME=VALUE (repeatable)")
    p.add_argument("--format", choices=sorted(QUERY_OUTPUTS), default="table")
    p.set_defaults(func=_cmd_query)
    return parser


# Optional dependencies (pyproject.toml), by the extra that installs them.
EXTRA_OF_MODULE = {"flask": "serve", "waitress": "serve", "SPARQLWrapper": "remote"}


def main(argv: Sequence[str] | None = None) -> int:
    from .store import StoreError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ModuleNotFoundError as exc:
        extra = EXTRA_OF_MODULE.get((exc.name or "").partition(".")[0])
        if extra is None:
            raise
        print(
            f"ofsted-kg: this needs {exc.name}, which is optional: pip install 'ofsted-kg[{extra}]'",
            file=sys.stderr,
        )
        return 1
    except StoreError as exc:  # a full disk, a read-only or locked store: one line, no traceback
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return EXIT_STORE
    except KeyboardInterrupt:
        print("ofsted-kg: interrupted", file=sys.stderr)
        return 130
