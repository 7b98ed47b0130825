"""The whole PDF corpus through the real pipeline, once (about 40 s on two cores)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import PDF_DIR

from ofsted_kg.build import build
from ofsted_kg.queries import json_rows, load_queries, run_named
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import Uris

pytestmark = pytest.mark.slow

HTML_ERROR_PAGES = {"80429_birmingham_2012-10-19.pdf", "80431_blackpool_2012-07-13.pdf"}


def test_all_pdfs_build_link_and_summarise(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    log: list[str] = []
    stats = build([PDF_DIR], store, log=log.append)
    manifest = list(csv.DictReader((PDF_DIR / "MANIFEST.csv").open(encoding="utf-8")))
    assert stats.files == len(manifest) == 190
    refused = dict(stats.refused)
    assert set(refused) >= HTML_ERROR_PAGES
    assert stats.built >= 180, refused  # the rest are refused with a reason, one line each
    assert all(reason for reason in refused.values())
    assert len([line for line in log if "refused" in line]) == len(refused)

    # Steve Lowe: shadow inspector in 2017 (Bath and North East Somerset), lead from 2019.
    history = load_queries()["inspector-history"]
    data, _ = run_named(store, history, {"name_contains": "Steve Lowe"}, "json")
    _, rows = json_rows(data)
    assert {r["person"] for r in rows} == {str(Uris().inspector("Steve Lowe"))}
    roles = {r["role"] for r in rows}
    assert {"shadow_inspector", "lead_inspector"} <= roles
    assert len(rows) >= 6

    summary = load_queries()["inspection-summary"]
    data, _ = run_named(store, summary, {}, "csv")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(table) == stats.built
    somerset = [r for r in table if r["local_authority"] == "Somerset"]
    for row in somerset:  # the county code until 2023-03-31, the unitary code after
        expected = "E10000027" if row["start_date"] < "2023-04-01" else "E06000066"
        assert row["la_gss_code"] == expected
