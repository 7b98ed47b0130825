"""The build into a real store: content, linking, summary, exports, incrementality, atomicity."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from graph_fixtures import (
    FIXTURE_PDFS,
    SEEDS_DIR,
    fixture_extract,
    fixture_sources,
    gold_records,
)

from ofsted_kg.build import build
from ofsted_kg.export import FORMATS, export, parse_export
from ofsted_kg.manifest import read_fingerprints, read_manifest
from ofsted_kg.queries import load_queries, run_named
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.store.results import select_results
from ofsted_kg.uris import Uris
from ofsted_kg.validation import validate_store

SUMMARY_COLUMNS = [
    "source_file",
    "local_authority",
    "la_gss_code",
    "report_kind",
    "start_date",
    "end_date",
    "publication_date",
    "lead_inspector",
    "overall_effectiveness",
    "impact_of_leaders",
    "help_and_protection",
    "children_in_care",
    "care_leavers",
    "children_in_care_and_care_leavers",
    "looked_after_and_permanence",
    "adoption",
    "leadership_management_governance",
    "lscb",
    "recommendations_count",
]


def select(store, sparql: str) -> list[dict[str, str]]:
    return store.select(sparql)


def persons_named(store, name: str) -> dict[str, set[str]]:
    """person IRI -> source files of the reports whose mentions point at it."""
    rows = select(
        store,
        f"""PREFIX ofsted: <{Uris().DEF}>
        SELECT ?person ?file WHERE {{
          ?inspection <http://www.w3.org/ns/prov#qualifiedAssociation> ?m ;
                      ofsted:reportedIn/ofsted:fileName ?file .
          ?m <http://www.w3.org/ns/prov#agent> ?person ; ofsted:nameAsPrinted "{name}" }}""",
    )
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["person"], set()).add(row["file"])
    return found


def test_build_refuses_bad_files_and_builds_the_rest(graph_store) -> None:
    stats = graph_store.stats
    assert stats.files == 5 + len(FIXTURE_PDFS)
    refused = dict(stats.refused)
    assert "80429_birmingham_2012-10-19.pdf" in refused
    assert all(name not in refused for name in gold_records())
    assert stats.built + len(stats.refused) == stats.files
    assert stats.triples_written > 3000
    assert any("refused 80429_birmingham_2012-10-19.pdf" in line for line in graph_store.log)
    summary = stats.summary()
    assert "refused: 80429_birmingham_2012-10-19.pdf:" in summary


def test_store_conforms(graph_store) -> None:
    result = validate_store(graph_store.store)
    assert result.conforms, [f.line() for f in result.violations][:10]


@pytest.mark.parametrize(
    ("name", "files"),
    [
        (
            "Emmy Tomsett",
            {"000_4d8e916605b056f9.txt", "002_9e3392fa40d9fa68.txt", "003_c7e31c01e8e11eec.txt"},
        ),
        ("Neil Penswick", {"001_dd6e25b02a3de5f5.txt", "002_9e3392fa40d9fa68.txt"}),
        ("Karen Wareing", {"000_4d8e916605b056f9.txt", "002_9e3392fa40d9fa68.txt"}),
        ("Joy Howick", {"000_4d8e916605b056f9.txt", "003_c7e31c01e8e11eec.txt"}),
        ("Louise Hocking", {"002_9e3392fa40d9fa68.txt", "003_c7e31c01e8e11eec.txt"}),
        ("Sheila Smith", {"001_dd6e25b02a3de5f5.txt", "004_01074a0f891bb9e6.txt"}),
    ],
)
def test_a_person_is_one_resource_across_the_seeds(graph_store, name: str, files: set[str]) -> None:
    found = persons_named(graph_store.store, name)
    assert len(found) == 1, found
    person, linked = next(iter(found.items()))
    assert files <= linked
    if name == "Sheila Smith":  # an official: merged within North Somerset only
        assert "/id/person/official/80528/" in person


def test_steve_lowe_is_one_person_from_shadow_to_lead(graph_store) -> None:
    rows = select(
        graph_store.store,
        f"""PREFIX ofsted: <{Uris().DEF}> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?person ?role WHERE {{
          ?m prov:agent ?person ; prov:hadRole ?role ; ofsted:nameAsPrinted ?name .
          FILTER (CONTAINS(?name, "Lowe")) }}""",
    )
    assert {r["person"] for r in rows} == {str(Uris().inspector("Steve Lowe"))}
    roles = {r["role"].rsplit("/", 1)[-1] for r in rows}
    assert "shadow_inspector" in roles
    if any("lead_inspector" in r["role"] for r in rows):
        assert roles >= {"shadow_inspector", "lead_inspector"}


def test_inspections_link_to_the_previous_one(graph_store) -> None:
    rows = select(
        graph_store.store,
        f"""PREFIX ofsted: <{Uris().DEF}>
        SELECT ?later ?earlier WHERE {{ ?later ofsted:previousInspection ?earlier }}""",
    )
    pairs = {
        (r["later"].split("/id/inspection/")[1], r["earlier"].split("/id/inspection/")[1])
        for r in rows
    }
    assert ("80528/2017-06-12", "80528/2010-05-11") in pairs
    assert ("80528/2021-12-07", "80528/2017-06-12") in pairs


def assert_summary_matches_gold(store) -> None:
    query = load_queries()["inspection-summary"]
    assert list(query.columns) == SUMMARY_COLUMNS
    data, _ = run_named(store, query, {}, "json")
    columns, rows = select_results(data)
    assert columns == SUMMARY_COLUMNS
    by_file = {row["source_file"]: row for row in rows}
    for doc, gold in gold_records().items():
        row = {k: by_file[doc].get(k, "") for k in SUMMARY_COLUMNS}
        assert row["local_authority"] == gold["local_authority"]
        assert row["report_kind"] == gold["kind"]
        assert row["start_date"] == min(p[0] for p in gold["inspection_dates"])
        assert row["end_date"] == max(p[1] for p in gold["inspection_dates"])
        assert row["publication_date"] == (gold["publication_date"] or "")
        leads = [p["name"] for p in gold["inspectors"] if p["role"] == "lead_inspector"]
        assert row["lead_inspector"] == (leads[0] if leads else "")
        for area in SUMMARY_COLUMNS[8:-1]:
            assert row[area] == gold["judgements"].get(area, ""), (doc, area)
        counts = gold["recommendations"]
        assert int(row["recommendations_count"]) == (counts["local_authority"] or 0) + (
            counts["lscb"] or 0
        ), doc
    assert by_file["002_9e3392fa40d9fa68.txt"]["la_gss_code"] == "E10000027"


def test_summary_of_the_gold_records_agrees_with_the_gold_facts(graph_store) -> None:
    """The graph and the query lose nothing: gold records in, gold columns out."""
    assert_summary_matches_gold(graph_store.store)


def test_summary_of_the_seeds_agrees_with_the_gold_facts(tmp_path: Path) -> None:
    """The whole pipeline on the seed files, with the project's real extractors."""
    store = EmbeddedStore(tmp_path / "store")
    stats = build([SEEDS_DIR], store, log=lambda _: None)
    assert stats.built == 5, stats.refused
    assert_summary_matches_gold(store)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_exports_parse_back_to_the_same_dataset(graph_store, fmt: str) -> None:
    out = io.BytesIO()
    count = export(graph_store.store, fmt, out)
    reference = parse_export(graph_store.store.dump("application/n-quads"), "nquads")
    expected = reference if fmt in {"nquads", "trig", "jsonld"} else {q.triple for q in reference}
    assert count == len(expected)
    assert parse_export(out.getvalue(), fmt) == expected
    if fmt == "turtle":
        assert b"@prefix ofsted: <https://ofsted-kg.example/def/ofsted/>" in out.getvalue()


def test_second_build_writes_nothing(graph_store) -> None:
    log: list[str] = []
    stats = build(fixture_sources(), graph_store.store, extractor=fixture_extract, log=log.append)
    assert stats.nothing_written
    assert stats.built == 0 and stats.unchanged == stats.files
    assert dict(stats.refused) == dict(graph_store.stats.refused)  # still reported


def _copy_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, folder)
    return folder


def _graphs(store: EmbeddedStore) -> set[str]:
    return set(store.named_graphs())


def test_changed_file_replaces_only_its_graph_and_prune_drops_removed(tmp_path: Path) -> None:
    folder = _copy_seeds(tmp_path)
    store = EmbeddedStore(tmp_path / "store")
    build([folder], store, extractor=fixture_extract, log=lambda _: None)
    before = _graphs(store)
    letter = folder / "004_01074a0f891bb9e6.txt"
    letter.write_text(
        letter.read_text(encoding="utf-8") + "\nA line added later.\n", encoding="utf-8"
    )
    stats = build([folder], store, extractor=fixture_extract, log=lambda _: None)
    assert stats.built == 1 and stats.unchanged == 4 and stats.linked
    after = _graphs(store)
    assert len(before - after) == 2 and len(after - before) == 2  # its graph and inferred graph
    untouched = {g for g in before if "report/" in g} & after
    assert len(untouched) == 8

    (folder / "001_dd6e25b02a3de5f5.txt").unlink()
    kept = build([folder], store, extractor=fixture_extract, log=lambda _: None)
    assert kept.nothing_written  # without --prune a missing file keeps its graph
    pruned = build([folder], store, extractor=fixture_extract, prune=True, log=lambda _: None)
    assert pruned.removed == ["001_dd6e25b02a3de5f5.txt"]
    assert "001_dd6e25b02a3de5f5.txt" not in read_manifest(store, Uris())
    assert not persons_named(store, "Anna Gravelle")


class Killed(Exception):
    pass


def test_a_build_killed_half_way_leaves_a_consistent_store(tmp_path: Path) -> None:
    folder = _copy_seeds(tmp_path)
    store = EmbeddedStore(tmp_path / "store")

    def kill_after_two(line: str, seen: list[str] = []) -> None:  # noqa: B006 - a counter
        if "built" in line:
            seen.append(line)
            if len(seen) == 2:
                raise Killed

    with pytest.raises(Killed):
        build([folder], store, extractor=fixture_extract, workers=1, log=kill_after_two)
    uris = Uris()
    # Readers see nothing of a build that did not finish (it is published whole, at its end) ...
    assert read_manifest(store, uris) == {}
    assert not [g for g in _graphs(store) if "/report/" in g]
    assert str(uris.graph("linking")) not in read_fingerprints(store, uris)

    # ... and the next build resumes from the two files it had finished.
    stats = build([folder], store, extractor=fixture_extract, log=lambda _: None)
    assert stats.built == 3 and stats.unchanged == 2 and stats.linked
    manifest = read_manifest(store, uris)
    assert len(manifest) == 5 and {e.graph for e in manifest.values() if e.graph} <= _graphs(store)
    assert len(persons_named(store, "Emmy Tomsett")) == 1


def test_summary_csv_from_the_cli(graph_store, tmp_path: Path, capsys) -> None:
    from ofsted_kg.cli import main

    graph_store.store.close()  # the CLI opens the store itself
    out = tmp_path / "summary.csv"
    assert main(["summary", "--store", str(graph_store.store.path), "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == SUMMARY_COLUMNS
    assert {r["source_file"] for r in rows} >= set(gold_records())
