"""The load test in short: 16 clients for a few seconds against a real `ofsted-kg serve` over the
project's fixture store, with the bench's mix of named queries, pages and SPARQL: no errors.
(The full run, 1/4/16 clients for longer, is bench/load.py, called by `make bench`.)"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from load import markdown_table, run_load, start_server  # noqa: E402


def test_sixteen_clients_without_errors(graph_store) -> None:
    process, url = start_server(str(graph_store.store.path))
    try:
        result = run_load(url, clients=16, seconds=4)
    finally:
        process.terminate()
        process.wait(10)
    print(markdown_table([result]))
    assert result["requests"] > 16
    assert result["errors"] == 0, result["error_kinds"]
