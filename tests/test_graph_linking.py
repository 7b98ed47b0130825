"""Identity rules of the linking step, on small hand-made reports in a real store."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from ofsted_kg.linking import link, name_key
from ofsted_kg.ontology import ORG, ontology_graph
from ofsted_kg.rdf import reference_graph, report_graph
from ofsted_kg.records import (
    DateFact,
    Evidence,
    LegalBasis,
    Period,
    PersonMention,
    Report,
    TextFact,
)
from ofsted_kg.resolve import resolve_report
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import Uris

U = Uris()
EV = Evidence(1, "quoted")


def letter(n: int, authority: str, start: str, inspectors: list[str], officials=()) -> Report:
    return Report(
        doc=f"letter-{n}.txt",
        sha256=f"{n:064x}",
        format="text",
        page_count=1,
        kind="focused_visit",
        local_authority=TextFact(authority, EV),
        inspection_dates=[Period(start, start, EV)],
        inspectors=[PersonMention(name, "inspector", EV) for name in inspectors],
        officials=[PersonMention(name, role, EV) for name, role in officials],
    )


STATIC_GRAPHS = {
    str(U.graph("ontology")): lambda: ontology_graph(U.base),
    str(U.graph("reference")): lambda: reference_graph(U),
}


def store_of(tmp_path: Path, reports: list[Report]) -> EmbeddedStore:
    """A real store holding the reports' graphs, with the ontology and the reference data the
    linking step reads roles' keys and authorities' URNs from, as the build writes them."""
    store = EmbeddedStore(tmp_path / "store")
    for name, make in STATIC_GRAPHS.items():
        store.replace_graph(name, make().serialize(format="nt", encoding="utf-8"))
    for report in reports:
        graph = report_graph(resolve_report(report), U)
        store.replace_graph(
            str(U.report_graph(report.sha256)), graph.serialize(format="nt", encoding="utf-8")
        )
    return store


def report_graphs(store: EmbeddedStore) -> list[str]:
    """The report graphs of a store made by `store_of`."""
    return [graph for graph in store.named_graphs() if graph not in STATIC_GRAPHS]


def linked(tmp_path: Path, reports: list[Report]):
    graphs = [str(U.report_graph(report.sha256)) for report in reports]
    return link(store_of(tmp_path, reports), U, graphs)


def persons(graph) -> dict[str, set[str]]:
    """person -> names as printed of the mentions pointing at it (read from the mention IRIs)."""
    found: dict[str, set[str]] = {}
    for mention, person in graph.subject_objects(PROV.agent):
        found.setdefault(str(person), set()).add(str(mention).rsplit("/", 1)[-1])
    return found


def test_names_are_normalised_before_matching() -> None:
    assert name_key("Ms Sheila  Smith") == name_key("sheila smith") == "sheila-smith"
    assert name_key("Emmy Tomsett HMI") == name_key("Emmy Tomsett, Her Majesty's Inspector")


def test_nickname_variants_merge_only_with_evidence(tmp_path: Path) -> None:
    graph = linked(
        tmp_path,
        [
            letter(1, "Somerset", "2019-01-07", ["Andy Smith", "Jo Bloggs"]),
            letter(2, "Barnsley", "2021-03-01", ["Andrew Smith", "Jo Bloggs"]),
            letter(3, "Bradford", "2012-05-09", ["Mike Jones", "Pat Kay"]),
            letter(4, "Hull", "2023-06-12", ["Michael Jones", "Sam Lee"]),
        ],
    )
    people = persons(graph)
    andrew = U.inspector("Andrew Smith")
    assert people[str(andrew)] == {"andy-smith-inspector", "andrew-smith-inspector"}
    [decision] = graph.objects(andrew, U.term("identityDecision"))
    assert str(graph.value(decision, U.term("identityEvidence"))) == (
        "diminutive: same role family (inspection); both worked with Jo Bloggs; "
        "'Andrew Smith' 2021, 'Andy Smith' 2019"
    )
    rule = U.concept("IDENTITY_RULES", "variant_with_evidence")
    assert (andrew, U.term("identityRule"), rule) in graph
    # No shared colleague or authority, eleven years apart: Mike and Michael Jones stay two.
    assert str(U.inspector("Mike Jones")) in people and str(U.inspector("Michael Jones")) in people


def test_officials_merge_within_their_authority_only(tmp_path: Path) -> None:
    dcs = "director_of_childrens_services"
    graph = linked(
        tmp_path,
        [
            letter(
                1, "North Somerset", "2010-05-11", ["Karen McKeown"], [("Ms Sheila Smith", dcs)]
            ),
            letter(2, "North Somerset", "2021-12-07", ["Anna Gravelle"], [("Sheila Smith", dcs)]),
            letter(3, "Somerset", "2019-01-07", ["Anna Gravelle"], [("Sheila Smith", dcs)]),
        ],
    )
    people = persons(graph)
    north = str(U.official("80528", "Sheila Smith"))
    assert people[north] == {
        "ms-sheila-smith-director_of_childrens_services",
        "sheila-smith-director_of_childrens_services",
    }
    mentions_north = {m for m, p in graph.subject_objects(PROV.agent) if str(p) == north}
    assert len(mentions_north) == 2
    assert str(U.official("80555", "Sheila Smith")) in people
    sheila = U.official("80528", "Sheila Smith")
    assert (sheila, ORG.holds, U.post("80528", dcs)) in graph
    rule = U.concept("IDENTITY_RULES", "same_name_same_authority")
    assert (sheila, U.term("identityRule"), rule) in graph


def test_a_membership_lasts_at_least_over_the_reports_naming_it(tmp_path: Path) -> None:
    """org:memberDuring: an interval known only by the days reports show the post held."""
    dcs = "director_of_childrens_services"
    dated = [
        dataclasses.replace(
            letter(n, "North Somerset", start, ["Anna Gravelle"], [("Sheila Smith", dcs)]),
            letter_date=DateFact(written, EV),
        )
        for n, start, written in ((1, "2021-12-07", "2022-01-31"), (2, "2023-03-01", "2023-04-02"))
    ]
    undated = letter(3, "Somerset", "2019-01-07", ["Anna Gravelle"], [("Ann Lee", dcs)])
    graph = linked(tmp_path, [*dated, undated])
    membership = U.membership("80528", dcs, "sheila-smith")
    (period,) = graph.objects(membership, ORG.memberDuring)
    assert (period, RDF.type, TIME.Interval) in graph
    days = {graph.value(instant, TIME.inXSDDate) for instant in graph.objects(period, TIME.inside)}
    assert days == {Literal(d, datatype=XSD.date) for d in ("2022-01-31", "2023-04-02")}
    # No date to show it by: the membership is stated, its period is not.
    undated_membership = U.membership("80555", dcs, "ann-lee")
    assert (undated_membership, RDF.type, ORG.Membership) in graph
    assert graph.value(undated_membership, ORG.memberDuring) is None


def test_authority_name_variants_are_kept_on_the_one_authority(tmp_path: Path) -> None:
    graph = linked(
        tmp_path,
        [
            letter(1, "Somerset County Council", "2015-01-20", ["Helen Cawston"]),
            letter(2, "Somerset Council", "2024-01-08", ["Helen Cawston"]),
        ],
    )
    labels = set(graph.objects(U.authority("80555"), SKOS.altLabel))
    assert labels == {
        Literal("Somerset County Council", lang="en"),
        Literal("Somerset Council", lang="en"),
    }
    later = U.inspection("80555", "2024-01-08")
    assert (later, U.term("previousInspection"), U.inspection("80555", "2015-01-20")) in graph


def test_a_provision_cited_by_many_reports_is_described_once_in_the_linking_graph(
    tmp_path: Path,
) -> None:
    # Described in each report graph, a provision's label would come back once per citing report
    # from the union of graphs, and a query joining section, Act and labels multiplied them (a
    # benchmark query ran out of 24 GB on the corpus that way).
    reports = [letter(n, "Somerset", f"201{n}-01-20", ["Helen Cawston"]) for n in range(1, 4)]
    for report in reports:
        report.legal_basis = [
            LegalBasis("Education and Inspections Act 2006", "136", "inspection", EV),
            LegalBasis("Some Made Up Regulations 2013", None, "review of the board", EV),
        ]
    for report in reports:
        graph = report_graph(resolve_report(report), U)
        provision = U.legislation("Education and Inspections Act 2006", "136")
        assert not list(graph.triples((provision, None, None)))  # only the statements' facts
    linking = linked(tmp_path, reports)
    section = U.legislation("Education and Inspections Act 2006", "136")
    act = U.legislation("Education and Inspections Act 2006")
    assert str(section) == "http://www.legislation.gov.uk/id/ukpga/2006/40/section/136"
    assert set(linking.objects(section, RDFS.label)) == {
        Literal("section 136 of the Education and Inspections Act 2006", lang="en")
    }
    assert set(linking.objects(section, DCTERMS.isPartOf)) == {act}
    regulations = U.legislation("Some Made Up Regulations 2013")
    assert str(regulations).startswith(U.base + "id/legislation/")
    assert (regulations, RDFS.label, Literal("Some Made Up Regulations 2013", lang="en")) in linking


def test_reading_the_union_default_graph_links_as_naming_every_graph(tmp_path: Path) -> None:
    # The build links over the store's union default graph (after dropping the old linking
    # graph): naming thousands of graphs in each query is slow. Both must give the same graph.
    reports = [
        letter(1, "Somerset", "2019-01-07", ["Andy Smith", "Jo Bloggs"], [("Sue Grey", "director_of_childrens_services")]),
        letter(2, "Barnsley", "2021-03-01", ["Andrew Smith", "Jo Bloggs"]),
        letter(3, "Somerset", "2023-06-12", ["Jo Bloggs", "Sam Lee"], [("Sue Grey", "director_of_childrens_services")]),
    ]
    store = store_of(tmp_path, reports)
    graphs = report_graphs(store)
    named = link(store, U, graphs)
    union = link(store, U, graphs, union_without_linking=True)
    assert len(named) > 20 and set(union) == set(named)
