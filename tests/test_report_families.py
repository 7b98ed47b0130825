"""A report family is one registry entry: a family defined here, outside the package, is
classified, extracted, emitted, validated and stored by a real build; the vocabulary says which
kinds are graded and one shape holds every ungraded kind to it; keys are typed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS
from test_graph_report import checked_graph

from ofsted_kg import families, vocab
from ofsted_kg.build import build
from ofsted_kg.clean import CleanText
from ofsted_kg.extract import extract
from ofsted_kg.families import BROAD, SPECIFIC, ReportFamily, register, unregister
from ofsted_kg.ontology import ontology_graph
from ofsted_kg.records import Judgement, Period, PersonMention, Report, TextFact
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import Uris
from ofsted_kg.validation import Engine, validate_graph, validate_store
from ofsted_kg.versions import pipeline_version
from ofsted_kg.vocab import (
    Area,
    Grade,
    InspectorRole,
    OfficialRole,
    PipelineStatus,
    ReportKind,
    parse_grade,
)

U = Uris()


class ToyKind(StrEnum):
    JOINT = "toy_joint_inspection"
    CHECK = "toy_check"
    TRUST = "toy_trust_inspection"


# A document of the toy generation: a title of its own, a dates line, one graded sentence.
TOY_REPORT = """Ofsted

Joint toy inspection of Kent

Inspection dates: 3 March 2025 to 7 March 2025

Children who need help and protection: the inspectors judged this good.

Lead inspector: Jane Example
"""

_AUTHORITY = re.compile(r"^Joint toy inspection of (?P<name>[A-Z]\w+)$", re.M)
_DATES = re.compile(r"^Inspection dates: 3 March 2025 to 7 March 2025$", re.M)
_JUDGED = re.compile(r"help and protection: the inspectors judged this (?P<grade>\w+)")
_LEAD = re.compile(r"^Lead inspector: (?P<name>[A-Z]\w+ [A-Z]\w+)$", re.M)


def fill_toy(text: CleanText, report: Report) -> None:
    """The toy family's extractor: its authority, dates, lead inspector and one judgement."""
    authority = _AUTHORITY.search(text.folded)
    if authority:
        span = authority.span("name")
        report.local_authority = TextFact(authority["name"], text.evidence(*span))
    dates = _DATES.search(text.folded)
    if dates:
        evidence = text.evidence(dates.start(), dates.end())
        report.inspection_dates = [Period("2025-03-03", "2025-03-07", evidence)]
    judged = _JUDGED.search(text.folded)
    grade = parse_grade(judged["grade"]) if judged else None
    if judged and grade:
        evidence = text.evidence(judged.start(), judged.end())
        report.judgements = [Judgement(Area.HELP_AND_PROTECTION, grade, evidence)]
    lead = _LEAD.search(text.folded)
    if lead:
        evidence = text.evidence(lead.start(), lead.end())
        report.inspectors = [PersonMention(lead["name"], InspectorRole.LEAD_INSPECTOR, evidence)]


TOY = ReportFamily(
    ToyKind.JOINT,
    "Joint toy inspection",
    r"\bjoint\s+toy\s+inspection\s+of\b",
    fill_toy,
    extractor_version=3,
    expected_areas=(Area.HELP_AND_PROTECTION,),
    inspectorates=("ofsted", "toy-inspectorate"),
)


@pytest.fixture
def registered() -> Iterator[list[ReportFamily]]:
    """Families registered by a test, unregistered after it, so no other test sees them."""
    added: list[ReportFamily] = []
    yield added
    for family in added:
        unregister(family.kind)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_family_registered_from_outside_the_package_is_built(
    tmp_path: Path, registered: list[ReportFamily]
) -> None:
    registered.append(register(TOY))
    source = _write(tmp_path / "docs", "kent_joint_2025.txt", TOY_REPORT)

    report = extract(source)
    assert (report.kind, report.error) == (ToyKind.JOINT, None)
    assert report.to_json()["judgements"] == {"help_and_protection": "good"}
    assert f"{ToyKind.JOINT}:3" in pipeline_version().split()

    store = EmbeddedStore(tmp_path / "store")
    stats = build([tmp_path / "docs"], store, log=lambda _: None)
    assert (stats.built, stats.refused) == (1, [])
    rows = store.select(
        """PREFIX ofsted: <https://ofsted-kg.example/def/ofsted/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?kind ?area ?grade ?label ?with WHERE {
            ?i ofsted:reportKind ?kind ; rdfs:label ?label ; prov:wasAssociatedWith ?with ;
               ofsted:hasJudgement [ ofsted:judgementArea ?area ; ofsted:grade ?grade ] }"""
    )
    assert {row["kind"] for row in rows} == {str(U.concept("REPORT_KINDS", ToyKind.JOINT))}
    assert {(row["area"], row["grade"]) for row in rows} == {
        (str(U.concept("AREAS", Area.HELP_AND_PROTECTION)), str(U.concept("GRADES", Grade.GOOD)))
    }
    assert {row["label"] for row in rows} == {"Joint toy inspection: Kent, 2025-03-03"}
    assert {row["with"] for row in rows} == {
        str(U.organisation("ofsted")),
        str(U.organisation("toy-inspectorate")),
    }
    result = validate_store(store)
    assert result.conforms, [f.line() for f in result.violations]


def test_an_ungraded_kind_with_a_grade_fails_the_one_generic_shape(
    tmp_path: Path, registered: list[ReportFamily]
) -> None:
    """No shape names the toy kind: its concept's `ofsted:graded false` is what refuses it."""
    ungraded = register(
        ReportFamily(
            ToyKind.CHECK, "Toy check", r"\bjoint\s+toy\s+inspection\s+of\b", fill_toy, 1,
            graded=False,
        )
    )  # fmt: skip
    registered.append(ungraded)
    concept = U.concept("REPORT_KINDS", ToyKind.CHECK)
    report = extract(_write(tmp_path / "docs", "kent_check_2025.txt", TOY_REPORT))
    assert report.kind == ToyKind.CHECK and report.judgements  # the extractor reads a grade

    checked = checked_graph(report)
    found = validate_graph(checked)
    assert validate_graph(checked, engine=Engine.TURBO) == found  # the build's engine agrees
    violations = [f.message for f in found.violations]
    assert violations == [
        f"a report of an ungraded kind ({concept}) carries no graded judgement, but this one "
        f"has {U.concept('GRADES', Grade.GOOD)} for {U.concept('AREAS', Area.HELP_AND_PROTECTION)}"
    ]
    report.judgements = []
    assert validate_graph(checked_graph(report)).conforms


def test_title_precedence_is_stated_not_the_order_of_registration(
    tmp_path: Path, registered: list[ReportFamily]
) -> None:
    """A specific phrase beginning where ILACS's broad one does wins, registered last or not."""
    trust_title = r"\binspection\s+of\s+\w+\s+toy\s+children's\s+services\b"
    registered.append(
        register(ReportFamily(ToyKind.TRUST, "Toy trust inspection", trust_title, fill_toy, 1))
    )
    text = TOY_REPORT.replace(
        "Joint toy inspection of Kent", "Inspection of Kent toy children's services"
    )
    report = extract(_write(tmp_path / "docs", "kent_trust_2025.txt", text))
    assert report.kind == ToyKind.TRUST
    assert families.family(ReportKind.ILACS).precedence == BROAD < SPECIFIC == TOY.precedence
    # Without it, the same title is ILACS's (its broad phrase).
    unregister(registered.pop().kind)
    assert extract(tmp_path / "docs" / "kent_trust_2025.txt").kind == ReportKind.ILACS


def test_a_misspelt_key_fails_where_it_is_written() -> None:
    with pytest.raises(AttributeError):
        _ = Grade.GOD  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        Area("help_and_protectoin")
    with pytest.raises(ValueError, match="help_and_protectoin"):
        ReportFamily(ToyKind.JOINT, "Toy", "toy", fill_toy, 1, expected_areas=("help_and_protectoin",))  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(TypeError):
        ReportFamily("toy_joint_inspection", "Toy", "toy", fill_toy, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pipeline status"):
        ReportFamily(PipelineStatus.INVALID, "Not a report", "toy", fill_toy, 1)
    with pytest.raises(ValueError, match="ungraded"):
        ReportFamily(ToyKind.CHECK, "Toy", "toy", fill_toy, 1, graded=False, expected_areas=(Area.LSCB,))  # fmt: skip
    with pytest.raises(ValueError, match="registered already"):
        register(families.family(ReportKind.SIF))


def test_every_kind_says_whether_it_is_graded() -> None:
    graph = ontology_graph()
    graded = {
        str(kind.value): graph.value(U.concept("REPORT_KINDS", kind), U.term("graded"))
        for kind in ReportKind
    }
    assert graded == {
        str(f.kind): Literal(f.graded) for f in families.registered() if f.kind in list(ReportKind)
    }
    assert graded[ReportKind.FOCUSED_VISIT] == Literal(False)
    assert graded[ReportKind.ILACS] == Literal(True)


def test_invalid_is_a_build_status_not_a_report_kind(tmp_path: Path) -> None:
    graph = ontology_graph()
    kinds = set(graph.objects(U.scheme("REPORT_KINDS"), SKOS.hasTopConcept))
    assert URIRef(f"{U.DEF}report-kind/invalid") not in kinds
    assert len(kinds) == len(ReportKind)
    statuses = URIRef(f"{U.DEF}scheme/build-status")
    for status in PipelineStatus:
        concept = U.build_status(status)
        assert (statuses, SKOS.hasTopConcept, concept) in graph
        assert graph.value(concept, SKOS.notation) == Literal(str(status))

    _write(tmp_path / "docs", "notes.txt", "Minutes of the parish council meeting.\n")
    store = EmbeddedStore(tmp_path / "store")
    stats = build([tmp_path / "docs"], store, log=lambda _: None)
    assert [name for name, _ in stats.refused] == ["notes.txt"]
    rows = store.select(
        f"""SELECT ?status ?refusal WHERE {{ GRAPH <{U.graph("manifest")}> {{
            ?entry <{U.term("buildStatus")}> ?status ; <{U.term("refusal")}> ?refusal }} }}"""
    )
    assert [row["status"] for row in rows] == [str(U.build_status(PipelineStatus.INVALID))]
    assert "not an Ofsted report" in rows[0]["refusal"]


def test_every_typed_key_has_its_label_and_no_label_lacks_a_key() -> None:
    for keys, labels in (
        (Grade, vocab.GRADES),
        (Grade, vocab.GRADE_RANK),
        (Area, vocab.AREAS),
        (InspectorRole, vocab.INSPECTOR_ROLES),
        (OfficialRole, vocab.OFFICIAL_ROLES),
    ):
        assert list(labels) == list(keys), keys.__name__
    assert {str(f.kind) for f in families.registered()} >= set(ReportKind)
