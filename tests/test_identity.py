"""Name variants resolved with evidence, reviewed decisions, and what is left for review: the
rules of identity.py through the real linking step, on small hand-made reports in a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEEDS_DIR
from rdflib import Literal
from rdflib.namespace import PROV, RDF, SKOS
from test_graph_linking import letter, persons, report_graphs, store_of
from web_server import running_server

from ofsted_kg.build import build
from ofsted_kg.cli import main
from ofsted_kg.identity import (
    DecisionsError,
    name_key,
    one_edit_apart,
    read_decisions,
    variant_kind,
)
from ofsted_kg.linking import link, unresolved_people
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import Uris
from ofsted_kg.web import WebConfig

U = Uris()


def test_role_words_and_titles_are_not_part_of_the_name_matched() -> None:
    assert name_key("Margaret Burke Designated") == name_key("Margaret Burke") == "margaret-burke"
    assert name_key("Nick Veysey SCRI") == name_key("nick  veysey")
    assert name_key("Nicholas McMullen Senior") == "nicholas-mcmullen"
    assert name_key("Paula Thomson-Jones") == name_key("Paula Thomson Jones")


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Fiona J Millns", "Fiona Millns", "middle initial"),
        ("Fiona Milnns", "Fiona Millns", "one-letter misprint"),
        ("Paula Thompson-Jones", "Paula Thomson-Jones", "one-letter misprint"),
        ("Stella Elliot", "Stella Elliott", "one-letter misprint"),
        ("Nick Gadfield", "Nick Gladfield", "one-letter misprint"),
        ("Matt Reed", "Matthew Reed", "diminutive"),
        ("Pam Blackman", "Pamela Blackman", "diminutive"),
        ("Jo Warburton", "Joanna Warburton", "diminutive"),
        ("Cath Humerstone", "Catherine Humerstone", "diminutive"),
        ("Ken Jones", "Ben Jones", None),  # first names one letter apart are other people
        ("Anne Lee", "Anne Lea", None),  # too short to call a misprint
        ("Nick Smith", "Nicholas Smyth", None),  # a variant of a variant is not near
    ],
)
def test_variant_kinds(a: str, b: str, kind: str | None) -> None:
    assert variant_kind(name_key(a), name_key(b)) == kind


def test_one_edit_apart() -> None:
    assert one_edit_apart("millns", "milnns") and one_edit_apart("elliot", "elliott")
    assert one_edit_apart("gadfield", "gladfield") and one_edit_apart("humerstone", "humrestone")
    assert not one_edit_apart("millns", "millns") and not one_edit_apart("reed", "read-s")


def test_variants_merge_with_evidence_recorded_on_the_person(tmp_path: Path) -> None:
    store = store_of(
        tmp_path,
        [
            letter(1, "Somerset", "2016-01-11", ["Fiona Millns", "Karen Wareing"]),
            letter(2, "Barnsley", "2017-03-06", ["Fiona Milnns", "Karen Wareing"]),
            letter(3, "Bradford", "2018-05-14", ["Fiona J Millns", "Tom Pye"]),
        ],
    )
    graph = link(store, U, report_graphs(store))
    fiona = U.inspector("Fiona Millns")
    assert len(persons(graph)[str(fiona)]) == 3
    assert set(graph.objects(fiona, SKOS.altLabel)) == {
        Literal("Fiona Milnns"),
        Literal("Fiona J Millns"),
    }
    decisions = {
        str(graph.value(d, U.term("mergedName"))): d
        for d in graph.objects(fiona, U.term("identityDecision"))
    }
    assert set(decisions) == {"Fiona Milnns", "Fiona J Millns"}
    misprint = decisions["Fiona Milnns"]
    assert (misprint, RDF.type, U.term("IdentityDecision")) in graph
    rule = graph.value(misprint, U.term("decisionRule"))
    assert rule == U.concept("IDENTITY_RULES", "variant_with_evidence")
    evidence = str(graph.value(misprint, U.term("identityEvidence")))
    assert "one-letter misprint" in evidence and "both worked with Karen Wareing" in evidence
    assert "same role family (inspection)" in evidence
    initial = decisions["Fiona J Millns"]
    assert graph.value(initial, U.term("decisionRule")) == U.concept("IDENTITY_RULES", "same_name")
    assert unresolved_people(store, U, report_graphs(store)) == []


def test_two_names_of_one_team_are_never_one_person(tmp_path: Path) -> None:
    store = store_of(
        tmp_path,
        [
            letter(1, "Somerset", "2016-01-11", ["Matt Reed", "Matthew Reed", "Jo Bloggs"]),
            letter(2, "Barnsley", "2016-03-06", ["Matthew Reed", "Jo Bloggs"]),
        ],
    )
    graph = link(store, U, report_graphs(store))
    people = persons(graph)
    assert str(U.inspector("Matt Reed")) in people and str(U.inspector("Matthew Reed")) in people
    assert unresolved_people(store, U, report_graphs(store)) == []  # settled: never one person


def test_a_variant_without_evidence_is_left_for_review(tmp_path: Path) -> None:
    store = store_of(
        tmp_path,
        [
            letter(1, "Bradford", "2012-05-09", ["Mike Jones", "Pat Kay"]),
            letter(2, "Hull", "2023-06-12", ["Michael Jones", "Sam Lee"]),
        ],
    )
    people = persons(link(store, U, report_graphs(store)))
    assert str(U.inspector("Mike Jones")) in people and str(U.inspector("Michael Jones")) in people
    [near] = unresolved_people(store, U, report_graphs(store))
    assert {near.name_a, near.name_b} == {"Mike Jones", "Michael Jones"}
    assert near.variant == "diminutive" and near.why_apart == "not enough evidence"
    assert "'Mike Jones' 2012" in near.evidence and "'Michael Jones' 2023" in near.evidence


def test_reviewed_decisions_override_the_rules(tmp_path: Path) -> None:
    store = store_of(
        tmp_path,
        [
            letter(1, "Bradford", "2012-05-09", ["Mike Jones", "Pat Kay"]),
            letter(2, "Hull", "2023-06-12", ["Michael Jones", "Sam Lee"]),
            letter(3, "Leeds", "2016-01-11", ["Stella Elliot", "Ann Bee"]),
            letter(4, "York", "2016-02-11", ["Stella Elliott", "Ann Bee"]),
        ],
    )
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "name_a,name_b,decision,reason\n"
        "Mike Jones,Michael Jones HMI,same,one inspector: staff list checked\n"
        "Stella Elliot,Stella Elliott,different,two inspectors of that name\n",
        encoding="utf-8",
    )
    reviewed = read_decisions(decisions)
    graph = link(store, U, report_graphs(store), reviewed)
    people = persons(graph)
    michael = U.inspector("Michael Jones")
    assert len(people[str(michael)]) == 2
    [decision] = graph.objects(michael, U.term("identityDecision"))
    assert graph.value(decision, U.term("decisionRule")) == U.concept(
        "IDENTITY_RULES", "reviewed_decision"
    )
    assert "staff list checked" in str(graph.value(decision, U.term("identityEvidence")))
    assert str(U.inspector("Stella Elliot")) in people
    assert str(U.inspector("Stella Elliott")) in people
    assert unresolved_people(store, U, report_graphs(store), reviewed) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a,b\n", "missing column(s) name_a, name_b, decision, reason"),
        ("name_a,name_b,decision,reason\nA Bee,A Bea,maybe,x\n", "line 2: decision must be"),
        ("name_a,name_b,decision,reason\nA Bee,A Bee,same,x\n", "line 2: two different names"),
        ("name_a,name_b,decision,reason\nA Bee,C Dee,same,\n", "line 2: a decision needs"),
    ],
)
def test_a_bad_decisions_file_is_one_clear_error(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "decisions.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DecisionsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_decisions(path)
    assert main(["people", "--store", str(tmp_path / "store"), "--decisions", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err


def test_people_lists_what_is_left_as_csv_and_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = store_of(
        tmp_path,
        [
            letter(1, "Bradford", "2012-05-09", ["Mike Jones", "Pat Kay"]),
            letter(2, "Hull", "2023-06-12", ["Michael Jones", "Sam Lee"]),
        ],
    )
    store.close()
    assert main(["people", "--store", str(tmp_path / "store"), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "name_a,name_b,decision,reason,variant,scope,evidence,why_apart"
    assert lines[1].startswith("Michael Jones,Mike Jones,,,diminutive,inspectors,")
    # The CSV, with a decision filled in, is a decisions file: the pair is then settled.
    decided = tmp_path / "identity-decisions.csv"
    decided.write_text(
        "\n".join([lines[0], lines[1].replace(",,,", ",same,checked,", 1)]) + "\n",
        encoding="utf-8",
    )
    assert main(["people", "--store", str(tmp_path / "store"), "--decisions", str(decided)]) == 0
    assert "(0 rows)" in capsys.readouterr().out
    assert main(["people", "--store", str(tmp_path / "store")]) == 0
    table = capsys.readouterr().out
    assert "Michael Jones  Mike Jones" in table and "(1 row)" in table


def test_officials_named_with_and_without_a_title_are_one_within_the_authority(
    tmp_path: Path,
) -> None:
    dcs = "director_of_childrens_services"
    store = store_of(
        tmp_path,
        [
            letter(1, "Somerset", "2010-05-11", ["Ann Bee"], [("Dr Pam Smith", dcs)]),
            letter(2, "Somerset", "2012-12-07", ["Ann Bee"], [("Pamela Smith", dcs)]),
            letter(3, "Somerset", "2011-12-07", ["Ann Bee"], [("Pamela Smith", dcs)]),
        ],
    )
    graph = link(store, U, report_graphs(store))
    pamela = U.official("80555", "Pamela Smith")
    mentions = [m for m, p in graph.subject_objects(PROV.agent) if p == pamela]
    assert len(mentions) == 3
    assert Literal("Dr Pam Smith") in set(graph.objects(pamela, SKOS.altLabel))
    [decision] = graph.objects(pamela, U.term("identityDecision"))
    assert "same role family (director of childrens services)" in str(
        graph.value(decision, U.term("identityEvidence"))
    )


def test_two_documents_of_one_inspection_may_print_one_name_two_ways(tmp_path: Path) -> None:
    # A text copy and the PDF of one report: one inspection, two documents, one person.
    store = store_of(
        tmp_path,
        [
            letter(1, "Somerset", "2016-01-11", ["Jo Warburton", "Ann Bee"]),
            letter(2, "Somerset", "2016-01-11", ["Joanna Warburton", "Ann Bee"]),
        ],
    )
    people = persons(link(store, U, report_graphs(store)))
    assert {"jo-warburton-inspector", "joanna-warburton-inspector"} in people.values()


def test_the_person_page_says_also_printed_as_and_why(tmp_path: Path) -> None:
    store = store_of(
        tmp_path,
        [
            letter(1, "Somerset", "2016-01-11", ["Stella Elliott", "Karen Wareing"]),
            letter(2, "Barnsley", "2017-03-06", ["Stella Elliot", "Karen Wareing"]),
            letter(3, "Bradford", "2018-05-14", ["Stella Elliott", "Tom Pye"]),
        ],
    )
    graph = link(store, U, report_graphs(store))
    store.replace_graph(str(U.graph("linking")), graph.serialize(format="nt", encoding="utf-8"))
    with running_server(store, WebConfig(query_workers=1, query_timeout=30)) as server:
        status, _, body = server.request(
            "GET", "/doc/person/stella-elliott", headers={"Accept": "text/html"}
        )
    assert status == 200
    html = body.decode()
    assert "Also printed as Stella Elliot." in html
    assert "“Stella Elliot” (variant with evidence): one-letter misprint:" in html
    assert "both worked with Karen Wareing" in html


def test_a_missing_decisions_file_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.csv"
    code = main(
        ["build", str(SEEDS_DIR), "--store", str(tmp_path / "s"), "--decisions", str(missing)]
    )
    assert code == 2
    assert (
        capsys.readouterr().err == f"ofsted-kg: {missing}: cannot read: No such file or directory\n"
    )
    assert not (tmp_path / "s").exists()  # nothing built with decisions that could not be read


def test_a_changed_decisions_file_relinks(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    quiet = {"log": lambda _: None, "workers": 1}
    assert build([SEEDS_DIR], store, **quiet).linked
    assert not build([SEEDS_DIR], store, **quiet).linked  # nothing changed
    decisions = tmp_path / "identity-decisions.csv"
    decisions.write_text(
        "name_a,name_b,decision,reason\nEmmy Tomsett,Emmy Tomset,different,two people\n",
        encoding="utf-8",
    )
    reviewed = read_decisions(decisions)
    assert build([SEEDS_DIR], store, reviewed=reviewed, **quiet).linked
    assert not build([SEEDS_DIR], store, reviewed=reviewed, **quiet).linked
