"""Command line: a thin layer over the library. Each subcommand parses arguments, calls one
library function and turns its outcome into output and an exit code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .extract import extract, iter_report_files
from .gold import compare


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
        max_result_bytes=args.max_result_bytes,
        write_token=args.write_token,
        allowed_services=tuple(args.allow_service),
        allow_private_services=args.allow_private_services,
    )
    serve(args.store, args.host, args.port, args.threads, config, args.trusted_proxy)
    return 0


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
    p.add_argument("--timeout", type=float, help="query time limit in seconds (default 10)")
    p.add_argument("--max-result-bytes", type=int, help="largest result sent (default 50 MiB)")
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
        "--trusted-proxy", metavar="ADDRESS",
        help="address of a reverse proxy whose X-Forwarded-* headers are believed",
    )
    p.set_defaults(func=_cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("ofsted-kg: interrupted", file=sys.stderr)
        return 130
