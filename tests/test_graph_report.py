"""One report -> its graph: content, provenance, determinism, inference and SHACL constraints."""

from __future__ import annotations

import copy
import dataclasses

import owlrl
import pyshacl
import pytest
from graph_fixtures import PDF_DIR, SEEDS_DIR, gold_extract
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH, XSD

from ofsted_kg import reasoning
from ofsted_kg.clean import clean_document
from ofsted_kg.extract import extract_document
from ofsted_kg.ontology import OA, QB, ontology_graph, parse_turtle, vocabulary_graph
from ofsted_kg.rdf import authority_triples, reference_graph, report_graph
from ofsted_kg.reasoning import infer
from ofsted_kg.records import Evidence, Judgement
from ofsted_kg.resolve import resolve_report
from ofsted_kg.resources import shape_files
from ofsted_kg.sources import read_document
from ofsted_kg.uris import Uris
from ofsted_kg.validation import _findings, validate_graph
from ofsted_kg.vocab import Area, Grade

U = Uris()
T = U.term
NORTH_SOMERSET_2017 = "000_4d8e916605b056f9.txt"
SOMERSET_2015 = "002_9e3392fa40d9fa68.txt"
FOCUSED_VISIT = "001_dd6e25b02a3de5f5.txt"


def seed(name: str):
    return gold_extract(SEEDS_DIR / name)


def checked_graph(report) -> Graph:
    """What the build validates: the report graph, its inferences and its authority's data."""
    resolved = resolve_report(report)
    graph = report_graph(resolved, U)
    full = graph + infer(graph)
    for triple in authority_triples(resolved.authority, U):
        full.add(triple)
    return full


def messages(graph: Graph) -> list[str]:
    return [f.message for f in validate_graph(graph).violations]


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS_DIR.iterdir()))
def test_seed_graphs_conform(name: str) -> None:
    report = seed(name)
    result = validate_graph(checked_graph(report))
    assert result.conforms, [f.line() for f in result.violations]


def test_report_graph_content_and_provenance() -> None:
    report = seed(SOMERSET_2015)
    g = report_graph(resolve_report(report), U)
    inspection = U.inspection("80555", "2015-01-20")
    assert (inspection, RDF.type, T("Inspection")) in g
    assert (inspection, T("inspectedAuthority"), U.authority("80555")) in g
    # Somerset's area had the county code until 2023.
    assert (inspection, T("laGssCode"), Literal("E10000027")) in g
    assert g.value(inspection, URIRef("https://schema.org/startDate")) == Literal(
        "2015-01-20", datatype=XSD.date
    )
    judgement = U.inspection_part(inspection, "judgement", "overall_effectiveness")
    assert (judgement, T("grade"), U.concept("GRADES", "inadequate")) in g
    assert len(set(g.objects(inspection, T("hasRecommendation")))) == 31
    # Every fact node names its source and a quote located in the text.
    facts = {
        s
        for cls in ("Judgement", "Recommendation", "PersonMention", "Statistic")
        for s in g.subjects(RDF.type, T(cls))
    }
    assert len(facts) > 40
    for fact in facts:
        assert (fact, PROV.wasDerivedFrom, U.source(report.sha256)) in g
        evidence = g.value(fact, T("evidence"))
        selector = g.value(evidence, OA.hasSelector)
        assert g.value(selector, OA.exact)
    located = list(g.objects(None, OA.prefix))
    assert len(located) > 30
    assert not any(isinstance(term, BNode) for triple in g for term in triple)


def test_same_input_gives_the_same_graph() -> None:
    report = seed(NORTH_SOMERSET_2017)
    first = report_graph(resolve_report(report), U).serialize(format="nt")
    again = report_graph(resolve_report(report), U).serialize(format="nt")
    assert sorted(first.splitlines()) == sorted(again.splitlines())
    moved = report_graph(resolve_report(report), Uris("https://elsewhere.test/"))
    assert len(moved) == len(first.strip().splitlines())
    assert all(str(s).startswith(("https://elsewhere.test/", "http")) for s, _, _ in moved)


def test_bounded_inference_matches_owlrl_on_the_ontologys_rules() -> None:
    """Our rule set gives what owlrl's full closure gives for typing and inverses."""
    report = seed(FOCUSED_VISIT)
    g = report_graph(resolve_report(report), U)
    ours = infer(g)
    closure = Graph()
    closure += g
    closure += ontology_graph()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    subjects = set(g.subjects()) | {o for o in g.objects() if isinstance(o, URIRef)}
    trivial = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
    relevant_predicates = {RDF.type, T("judgementOf"), T("recommendationOf")}
    expected = {
        (s, p, o)
        for s, p, o in closure
        if s in subjects
        and p in relevant_predicates
        and o not in trivial
        and (s, p, o) not in g
        and not (p == RDF.type and (o, RDF.type, OWL.Class) not in closure)
    }
    assert expected, "the closure should add something"
    assert set(ours) <= set(closure)
    assert expected <= set(ours) | set(ontology_graph())


def test_the_rules_kept_between_builds_are_owlrls(tmp_path, monkeypatch) -> None:
    """A build reads the TBox rules an earlier build kept; they equal the rules made from
    owlrl's closure, and a damaged file is made again."""
    monkeypatch.setenv(reasoning.CACHE_ENV, str(tmp_path))
    made = reasoning._rules_of(reasoning.closed_ontology())
    assert made.superclasses and made.inverses and made.domains
    try:
        reasoning.tbox_rules.cache_clear()
        assert reasoning.tbox_rules() == made  # made, and kept
        [kept] = tmp_path.glob("tbox-*.json")
        assert reasoning._rules_from_json(kept.read_text()) == made
        reasoning.tbox_rules.cache_clear()
        kept.write_text(kept.read_text().replace('"ranges": {', '"ranges": {"urn:x": ["urn:y"], '))
        assert reasoning.tbox_rules().ranges[URIRef("urn:x")] == {URIRef("urn:y")}  # read back
        reasoning.tbox_rules.cache_clear()
        kept.write_text("{")
        assert reasoning.tbox_rules() == made  # damaged: made again
    finally:
        reasoning.tbox_rules.cache_clear()


# ---------------------------------------------------------------- constraints that must fail


def test_grade_outside_the_scheme_is_a_violation() -> None:
    report = seed(NORTH_SOMERSET_2017)
    g = checked_graph(report)
    judgement = next(g.subjects(RDF.type, T("Judgement")))
    g.set((judgement, T("grade"), URIRef(f"{U.DEF}grade/excellent")))
    assert "not a grade of the grade scheme" in messages(g)


def test_judgement_without_evidence_is_a_violation() -> None:
    report = seed(NORTH_SOMERSET_2017)
    g = checked_graph(report)
    judgement = next(g.subjects(RDF.type, T("Judgement")))
    g.remove((judgement, T("evidence"), None))
    g.remove((judgement, PROV.wasDerivedFrom, None))
    found = messages(g)
    assert "a fact must carry the quoted evidence it was read from" in found
    assert "a fact must name the source document it was derived from" in found


def test_recommendation_and_person_mention_need_provenance() -> None:
    report = seed(NORTH_SOMERSET_2017)
    g = checked_graph(report)
    for cls in ("Recommendation", "PersonMention"):
        node = next(g.subjects(RDF.type, T(cls)))
        g.remove((node, T("evidence"), None))
    assert messages(g).count("a fact must carry the quoted evidence it was read from") == 2


def test_graded_inspection_lacking_a_framework_area_is_a_warning() -> None:
    report = seed(NORTH_SOMERSET_2017)
    report = dataclasses.replace(
        report, judgements=[j for j in report.judgements if j.area != "adoption"]
    )
    result = validate_graph(checked_graph(report))
    # A warning: real reports may print an area as "Not Judged".
    warnings = [f.message for f in result.warnings]
    assert any("lacks its framework's judgement" in m and "adoption" in m for m in warnings)
    assert result.conforms


def test_focused_visit_with_a_grade_is_a_violation() -> None:
    report = seed(FOCUSED_VISIT)
    report = dataclasses.replace(
        report, judgements=[Judgement(Area.OVERALL_EFFECTIVENESS, Grade.GOOD, Evidence(1, "good"))]
    )
    # The generic rule for every kind whose concept says `ofsted:graded false`.
    assert any(
        "ungraded kind" in m and "focused_visit" in m and "carries no graded judgement" in m
        for m in messages(checked_graph(report))
    )


def test_end_before_start_is_a_violation() -> None:
    report = seed(FOCUSED_VISIT)
    g = checked_graph(report)
    inspection = next(g.subjects(RDF.type, T("Inspection")))
    g.set(
        (inspection, URIRef("https://schema.org/endDate"), Literal("2020-01-01", datatype=XSD.date))
    )
    assert any("ends (2020-01-01) before it starts" in m for m in messages(g))


def test_malformed_codes_are_violations() -> None:
    report = seed(FOCUSED_VISIT)
    g = checked_graph(report)
    inspection = next(g.subjects(RDF.type, T("Inspection")))
    g.set((inspection, T("laGssCode"), Literal("W06000001")))
    authority = U.authority("80528")
    g.set((authority, T("dfeCode"), Literal("8020")))
    code = next(g.objects(authority, T("hasGssCode")))
    g.set((code, T("gssCode"), Literal("E0600002")))
    found = messages(g)
    assert (
        "an inspection's authority GSS code must look like E06/E08/E09/E10 and six digits" in found
    )
    assert "a DfE code is three digits" in found
    assert "a GSS code of an authority looks like E06/E08/E09/E10 and six digits" in found


def test_wrong_datatypes_and_cardinalities_are_violations() -> None:
    report = seed(NORTH_SOMERSET_2017)
    g = checked_graph(report)
    statistic = next(g.subjects(RDF.type, T("Statistic")))
    g.set((statistic, T("value"), Literal("about forty")))
    mention = next(g.subjects(RDF.type, T("PersonMention")))
    g.add((mention, PROV.hadRole, U.concept("OFFICIAL_ROLES", "chief_executive")))
    found = messages(g)
    assert "a statistic must have one decimal value" in found
    assert "a person mention must have exactly one role of the role schemes" in found


def test_inspection_without_authority_is_a_violation() -> None:
    report = seed(FOCUSED_VISIT)
    report = dataclasses.replace(report, local_authority=None)
    graph = report_graph(resolve_report(report), U)
    found = messages(graph + infer(graph))
    assert "an inspection must name exactly one local authority, by Ofsted URN" in found


def seven_fault_graph() -> Graph:
    """Two SIF reports' checked graphs with faults of many kinds, so that many constraints
    report (bench/shacl_engines.py compares SHACL engines on it too)."""
    g = Graph()
    for name in (NORTH_SOMERSET_2017, SOMERSET_2015):  # SIF reports with findings lists
        g += checked_graph(seed(name))
    judgement = next(g.subjects(RDF.type, T("Judgement")))
    g.set((judgement, T("grade"), URIRef(f"{U.DEF}grade/excellent")))
    g.remove((judgement, T("evidence"), None))
    g.set((next(g.subjects(RDF.type, T("Statistic"))), T("value"), Literal("about forty")))
    mention = next(g.subjects(RDF.type, T("PersonMention")))
    g.add((mention, PROV.hadRole, U.concept("OFFICIAL_ROLES", "chief_executive")))
    g.remove((next(g.subjects(RDF.type, OA.TextQuoteSelector)), OA.exact, None))
    g.remove((next(g.subjects(RDF.type, T("Recommendation"))), T("textAsPrinted"), None))
    inspection = next(g.subjects(RDF.type, T("Inspection")))
    g.set(
        (inspection, URIRef("https://schema.org/endDate"), Literal("2001-01-01", datatype=XSD.date))
    )
    return g


def test_validation_finds_what_pyshacl_finds_with_the_shapes_as_written() -> None:
    # validate_graph runs pyshacl on shapes rearranged for speed (property shapes given their
    # node shape's targets) and adds only the vocabulary concepts a graph mentions; neither may
    # change a finding.
    g = seven_fault_graph()
    written = Graph()
    for file in shape_files():
        parse_turtle(file, U, written)
    _, results, _ = pyshacl.validate(
        g + vocabulary_graph(U), shacl_graph=written, allow_warnings=True
    )
    expected = sorted(f.line() for f in _findings(results))
    found = sorted(f.line() for f in validate_graph(g).findings)
    assert len(validate_graph(g).violations) >= 7
    assert found == expected


def test_every_property_shape_says_what_is_wrong() -> None:
    for file in shape_files():
        shapes = parse_turtle(file, U)
        for shape in set(shapes.subjects(SH.path, None)):
            assert shapes.value(shape, SH.message) is not None, (
                file.name,
                shapes.value(shape, SH.path),
            )


def test_a_cited_provision_is_typed_by_the_range_and_only_a_described_one_needs_its_title() -> None:
    provision = URIRef("http://www.legislation.gov.uk/id/ukpga/2004/31/section/20")
    statement = U.inspection_part(U.inspection("80528", "2017-06-12"), "legal-basis", 1)
    cited = Graph()
    cited.add((statement, T("provision"), provision))
    inferred = infer(cited)
    assert (provision, RDF.type, T("LegalProvision")) in inferred
    # As a report graph holds it: the provision's description is in the linking graph.
    typed_only = Graph()
    typed_only.add((provision, RDF.type, T("LegalProvision")))
    assert validate_graph(typed_only).conforms
    typed_only.add((provision, T("sectionNumber"), Literal("20")))
    assert "a legal provision described here must have its title" in messages(typed_only)
    typed_only.add(
        (provision, RDFS.label, Literal("section 20 of the Children Act 2004", lang="en"))
    )
    assert validate_graph(typed_only).conforms


def test_real_extraction_carries_quote_context_and_the_graph_step_leaves_the_record_as_it_was():
    """The quote's context is made with its evidence (clean.py), from the text around the quote
    on its page; resolving and emitting the report change nothing in the record."""
    path = PDF_DIR / "80418_norfolk_2015-10-20.pdf"
    document = read_document(path)
    report = extract_document(document)
    pages = [" ".join(page.split()) for page in clean_document(document).pages()]
    evidences = [r.evidence for r in report.recommendations] + [
        j.evidence for j in report.judgements
    ]
    located = [e for e in evidences if e.prefix is not None]
    assert len(located) > len(evidences) // 2
    for evidence in located:
        page = pages[evidence.page - 1]
        assert f"{evidence.prefix}{evidence.quote}{evidence.suffix}" in page
        assert len(evidence.prefix) <= 32 and len(evidence.suffix) <= 32
    before = copy.deepcopy(report)
    graph = report_graph(resolve_report(report), U)
    assert report == before
    selectors = {(str(s), str(graph.value(s, OA.prefix))) for s in graph.subjects(OA.prefix, None)}
    assert len(selectors) >= len({(e.page, e.quote) for e in located})


def test_statistics_are_observations_of_the_declared_data_structure() -> None:
    """Each statistic is a qb:Observation of the statistics data set, with a value for each
    dimension of ofsted:statisticsStructure; one without its data set is refused."""
    report = seed(NORTH_SOMERSET_2017)
    g = checked_graph(report)
    ontology = ontology_graph()
    structure = T("statisticsStructure")
    components = set(ontology.objects(structure, QB.component))
    dimensions = {ontology.value(c, QB.dimension) for c in components} - {None}
    assert dimensions == {T("refArea"), T("refPeriod"), T("measure")}
    assert {ontology.value(c, QB.measure) for c in components} - {None} == {T("value")}
    statistics = set(g.subjects(RDF.type, T("Statistic")))
    assert statistics and statistics == set(g.subjects(RDF.type, QB.Observation))
    for statistic in statistics:
        assert g.value(statistic, QB.dataSet) == U.statistics_dataset()
        assert g.value(statistic, T("refArea")) == U.authority("80528")
        assert all(g.value(statistic, dimension) is not None for dimension in dimensions)
        assert g.value(statistic, T("value")) is not None
    reference = reference_graph(U)
    assert (U.statistics_dataset(), QB.structure, structure) in reference
    g.remove((next(iter(statistics)), QB.dataSet, None))
    assert "a statistic must be an observation of exactly one data set" in messages(g)
