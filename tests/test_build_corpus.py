"""The whole corpus (the seeds and the 190 PDFs) through the real pipeline, built once for the
module (about 60 s on two cores): extraction, identity of people across reports, and one set of
facts per inspection however many documents report it."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from conftest import PDF_DIR, SEEDS_DIR
from rdflib import URIRef

from ofsted_kg.build import BuildStats, build
from ofsted_kg.export import export, parse_export
from ofsted_kg.identity import NEAR_MATCH_COLUMNS, name_key
from ofsted_kg.linking import Linker, unresolved_people
from ofsted_kg.manifest import read_manifest, report_graphs
from ofsted_kg.queries import load_queries, rows_to_csv, run_named, select_named
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import Uris
from ofsted_kg.validation import validate_ntriples

pytestmark = pytest.mark.slow

HTML_ERROR_PAGES = {"80429_birmingham_2012-10-19.pdf", "80431_blackpool_2012-07-13.pdf"}
U = Uris()
PREFIXES = (
    f"PREFIX ofsted: <{U.DEF}>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n"
    "PREFIX schema: <https://schema.org/>\n"
)


@dataclass
class Corpus:
    store: EmbeddedStore
    stats: BuildStats
    log: list[str]

    def rows(self, sparql: str) -> list[dict[str, str]]:
        return self.store.select(PREFIXES + sparql)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    store = EmbeddedStore(tmp_path_factory.mktemp("corpus") / "store")
    log: list[str] = []
    stats = build([SEEDS_DIR, PDF_DIR], store, log=log.append)
    yield Corpus(store, stats, log)
    store.close()


def test_all_reports_build_link_and_summarise(corpus: Corpus) -> None:
    store, stats, log = corpus.store, corpus.stats, corpus.log
    manifest = list(csv.DictReader((PDF_DIR / "MANIFEST.csv").open(encoding="utf-8")))
    seeds = sorted(SEEDS_DIR.iterdir())
    assert len(manifest) == 190
    assert stats.files == len(manifest) + len(seeds)
    refused = dict(stats.refused)
    assert set(refused) >= HTML_ERROR_PAGES
    assert stats.built >= 180, refused  # the rest are refused with a reason, one line each
    assert all(reason for reason in refused.values())
    assert len([line for line in log if "refused" in line]) == len(refused)

    # Steve Lowe: shadow inspector in 2017 (Bath and North East Somerset), lead from 2019.
    history = load_queries()["inspector-history"]
    rows = select_named(store, history, {"name_contains": "Steve Lowe"})
    assert {r["person"] for r in rows} == {str(Uris().inspector("Steve Lowe"))}
    roles = {r["role"] for r in rows}
    assert {"shadow_inspector", "lead_inspector"} <= roles
    assert len(rows) >= 6

    summary = load_queries()["inspection-summary"]
    data, _ = run_named(store, summary, {}, "csv")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    # One row per inspection, with every document reporting it: each built file in one row.
    inspections = corpus.rows("SELECT DISTINCT ?i WHERE { ?i a ofsted:Inspection }")
    assert len(table) == len(inspections) < stats.built
    files = [f for row in table for f in row["source_file"].split(";")]
    assert len(files) == len(set(files)) == stats.built
    north_somerset = [
        r
        for r in table
        if r["start_date"] == "2017-06-12" and r["local_authority"] == "North Somerset"
    ]
    assert len(north_somerset) == 1
    assert sorted(north_somerset[0]["source_file"].split(";")) == [
        "000_4d8e916605b056f9.txt",
        "80528_north-somerset_2017-08-25.pdf",
    ]
    assert north_somerset[0]["recommendations_count"] == "18"
    somerset = [r for r in table if r["local_authority"] == "Somerset"]
    for row in somerset:  # the county code until 2023-03-31, the unitary code after
        expected = "E10000027" if row["start_date"] < "2023-04-01" else "E06000066"
        assert row["la_gss_code"] == expected


def test_la_timeline_has_one_row_per_inspection(corpus: Corpus) -> None:
    timeline = load_queries()["la-timeline"]
    rows = select_named(corpus.store, timeline, {"name_contains": "North Somerset"})
    assert len(rows) == len({r["inspection"] for r in rows}) >= 4
    [sif] = [r for r in rows if r["start_date"] == "2017-06-12"]
    assert len(sif["source_file"].split(";")) == 2


def test_the_union_of_the_export_conforms(corpus: Corpus) -> None:
    # Three inspections come as a seed text and a PDF: their facts are one set, and where the
    # two print a recommendation or a strength differently (quotes, a corrected typo) each
    # reading is kept as printed and the one text is chosen by the linking step.
    # The union is validated with pyshacl-turbo from N-Triples, as the build validates: on this
    # union it found exactly pySHACL's findings (133 warnings, no violation; measured when the
    # test moved to it) in 3 s where parsing the Turtle into rdflib and pySHACL took 15 s, and
    # tests/test_validation_engines.py holds the two engines to the same findings.
    out = io.BytesIO()
    written = export(corpus.store, "turtle", out, U)
    union = parse_export(out.getvalue(), "turtle")
    assert len(union) == written
    text = ox.serialize(union, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    objects = [URIRef(t.object.value) for t in union if isinstance(t.object, ox.NamedNode)]
    result = validate_ntriples(text, objects)
    assert not result.violations, [f.line() for f in result.violations[:10]]
    assert result.warnings  # the shapes ran on the union: some reports lack a date or a judgement
    readings = corpus.rows(
        """SELECT ?r (COUNT(DISTINCT ?printed) AS ?n) WHERE {
             ?r a ofsted:Recommendation ; ofsted:textAsPrinted ?printed } GROUP BY ?r
           HAVING (COUNT(DISTINCT ?printed) > 1)"""
    )
    assert readings, "the seed and PDF of Somerset 2015 word some recommendations differently"
    assert not corpus.rows(
        """SELECT ?r WHERE { ?r a ofsted:Recommendation . FILTER NOT EXISTS { ?r ofsted:text ?t } }"""
    )


def test_no_two_names_printed_in_one_document_are_one_person(corpus: Corpus) -> None:
    rows = corpus.rows(
        """SELECT DISTINCT ?person ?a ?b ?source WHERE {
             ?m1 prov:agent ?person ; ofsted:nameAsPrinted ?a ; prov:wasDerivedFrom ?source .
             ?m2 prov:agent ?person ; ofsted:nameAsPrinted ?b ; prov:wasDerivedFrom ?source .
             FILTER (STR(?a) < STR(?b)) }"""
    )
    assert [r for r in rows if name_key(r["a"]) != name_key(r["b"])] == []


VARIANTS = [
    ("Fiona Millns", "Fiona J Millns", "Fiona Milnns"),
    ("Paula Thompson-Jones", "Paula Thomson-Jones"),
    ("Stella Elliot", "Stella Elliott"),
    ("Nick Gadfield", "Nick Gladfield"),
    ("Matt Reed", "Matthew Reed"),
    ("Pam Blackman", "Pamela Blackman"),
    ("Jo Warburton", "Joanna Warburton"),
]


def test_every_listed_variant_is_one_person_with_its_evidence(corpus: Corpus) -> None:
    mentions = corpus.rows(
        """SELECT DISTINCT ?name ?person WHERE {
             ?m ofsted:nameAsPrinted ?name ; prov:agent ?person }"""
    )
    persons: dict[str, set[str]] = defaultdict(set)
    for r in mentions:
        persons[r["name"]].add(r["person"])
    decisions = corpus.rows(
        """SELECT ?person ?merged ?evidence WHERE { ?person ofsted:identityDecision ?d .
             ?d ofsted:mergedName ?merged ; ofsted:identityEvidence ?evidence }"""
    )
    merged = {(r["person"], r["merged"]): r["evidence"] for r in decisions}
    for names in VARIANTS:
        printed = [n for n in names if n in persons]
        assert len(printed) >= 2, f"{names}: the corpus prints these names"
        found = set().union(*(persons[n] for n in printed))
        assert len(found) == 1, f"{printed} are {found}"
        person = found.pop()
        # Every name but the one the person is called by was merged by a decision with evidence.
        called = corpus.rows(f"SELECT ?n WHERE {{ <{person}> schema:name ?n }}")[0]["n"]
        for name in printed:
            if name != called:
                assert merged.get((person, name)), f"{name}: no decision on {person}"
    misprint = merged[(str(U.inspector("Fiona Millns")), "Fiona Milnns")]
    assert misprint.startswith("one-letter misprint: same role family (inspection)")


def test_no_person_is_named_with_a_role_word(corpus: Corpus) -> None:
    names = [
        r["n"]
        for r in corpus.rows("SELECT DISTINCT ?n WHERE { ?p a schema:Person ; schema:name ?n }")
    ]
    role_words = {"hmi", "shmi", "scri", "designate", "designated", "senior", "inspector"}
    assert [n for n in names if role_words & set(n.lower().split())] == []
    assert "Margaret Burke" in names and "Nick Veysey" in names


def test_people_lists_the_near_matches_left_with_their_evidence(corpus: Corpus) -> None:
    left = unresolved_people(corpus.store, U, report_graphs(read_manifest(corpus.store, U)))
    persons = {
        r["name"]: r["person"]
        for r in corpus.rows("SELECT ?name ?person WHERE { ?person schema:name ?name }")
    }
    for near in left:
        assert near.evidence and near.why_apart == "not enough evidence"
        assert persons[near.name_a] != persons[near.name_b]
    assert {frozenset((n.name_a, n.name_b)) for n in left} >= {
        frozenset(("Andrew Waugh", "Andy Waugh"))  # 2017 and 2022, no colleague in common
    }


# The seeds and the reports of Andrew Waugh (Gloucestershire 2022) and Andy Waugh (Sandwell,
# inspected 2017), whose names are a near match left for review, and the PDF of the seed's North
# Somerset 2017 inspection, where Nick Gladfield is printed as in the seed and Gadfield in
# Sandwell's: a merge by a decision with evidence. So the store's linking graph states persons,
# a decision and texts chosen from two documents of one inspection, as the corpus's does.
NEAR_MATCH_PDFS = (
    "80470_gloucestershire_2022-04-01.pdf",
    "80549_sandwell_2018-01-29.pdf",
    "80528_north-somerset_2017-08-25.pdf",
)


def test_people_reads_the_union_as_it_read_every_graph_named(
    corpus: Corpus, tmp_path, capsys
) -> None:
    # `ofsted-kg people` reads the store's union default graph, linking graph and all (naming
    # thousands of graphs is slow: bench/graph_lists.py); it reports what naming every report
    # graph, its inferences, the ontology and the reference data reports. Naming the corpus's
    # nearly 400 graphs took 24 s, so that reference is read from a store of a few reports that has
    # near matches, a merge decision and a seed and PDF of one inspection (NEAR_MATCH_PDFS).
    from ofsted_kg.cli import main

    store = EmbeddedStore(tmp_path / "store")
    build([SEEDS_DIR, *(PDF_DIR / name for name in NEAR_MATCH_PDFS)], store, log=lambda _: None)
    assert str(U.graph("linking")) in store.named_graphs()
    assert store.ask(PREFIXES + "ASK { ?person ofsted:identityDecision ?d }")
    graphs = report_graphs(read_manifest(store, U))
    named = Linker(store, U, graphs).resolve_people()
    rows = [near.row() for resolver, _ in named for near in resolver.near_matches]
    assert rows  # near matches to compare
    assert main(["people", "--store", str(store.path), "--format", "csv"]) == 0
    assert capsys.readouterr().out == rows_to_csv(NEAR_MATCH_COLUMNS, rows)
    store.close()

    # The whole corpus's, through the command: the near matches read from its union.
    left = unresolved_people(corpus.store, U, report_graphs(read_manifest(corpus.store, U)))
    assert main(["people", "--store", str(corpus.store.path), "--format", "csv"]) == 0
    assert capsys.readouterr().out == rows_to_csv(NEAR_MATCH_COLUMNS, [n.row() for n in left])
