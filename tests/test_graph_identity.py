"""URIs, authority resolution and the ontology's agreement with vocab.py."""

from __future__ import annotations

import re

import pytest
from conftest import REPO
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VANN

from ofsted_kg.authorities import resolve
from ofsted_kg.ontology import (
    model_markdown,
    ontology_graph,
    scheme_concepts,
    vocabulary_graph,
)
from ofsted_kg.resources import ontology_file
from ofsted_kg.uris import BASE_ENV, SCHEMES, Uris, slug


def test_uri_patterns_follow_the_public_sector_layout() -> None:
    uris = Uris("https://kg.test")
    assert str(uris.authority("80528")) == "https://kg.test/id/local-authority/80528"
    inspection = uris.inspection("80528", "2017-06-12")
    assert str(inspection) == "https://kg.test/id/inspection/80528/2017-06-12"
    assert str(uris.inspection_part(inspection, "recommendation", "lscb-99")).endswith(
        "/2017-06-12/recommendation/lscb-99"
    )
    assert str(uris.inspector("Emmy  Tomsett")) == "https://kg.test/id/person/emmy-tomsett"
    assert str(uris.source("ab" * 32)).endswith("/id/source/" + "ab" * 32)
    assert str(uris.term("Inspection")) == "https://kg.test/def/ofsted/Inspection"
    assert str(uris.concept("GRADES", "good")) == "https://kg.test/def/ofsted/grade/good"
    assert str(uris.report_graph("ff")).startswith("https://kg.test/doc/")


def test_base_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BASE_ENV, "http://other.example/kg/")
    assert str(Uris().authority("1")) == "http://other.example/kg/id/local-authority/1"
    assert Uris("https://explicit.example/").base == "https://explicit.example/"


def test_slugs_ignore_case_accents_and_punctuation() -> None:
    assert slug("Zoë  O'Brien-Smith") == "zoe-o-brien-smith"
    assert slug("ZOE O BRIEN SMITH") == "zoe-o-brien-smith"


@pytest.mark.parametrize(
    ("printed", "urn"),
    [
        ("Somerset County Council", "80555"),
        ("Somerset Council", "80555"),
        ("Somerset", "80555"),
        ("Bournemouth, Christchurch and Poole", "2532287"),
        ("Bournemouth, Christchurch & Poole", "2532287"),
        ("Bradford", "80449"),
        ("City of Bradford Metropolitan District Council", "80449"),
        ("City of London", "80450"),
        ("London Corporation", "80450"),
        ("Hull", "80477"),
        ("Kingston upon Hull City Council", "80477"),
        ("East Riding", "80466"),
        ("East Riding of Yorkshire Council", "80466"),
        ("North Somerset", "80528"),
        ("Bath and North East Somerset", "80427"),
    ],
)
def test_authority_name_variants_resolve_to_one_urn(printed: str, urn: str) -> None:
    authority = resolve(printed)
    assert authority is not None and authority.urn == urn


def test_unknown_authority_is_not_guessed() -> None:
    assert resolve("Atlantis") is None
    assert resolve("") is None


@pytest.mark.parametrize(
    ("name", "day", "gss"),
    [
        ("Somerset", "2015-01-20", "E10000027"),
        ("Somerset", "2023-03-31", "E10000027"),
        ("Somerset", "2023-04-01", "E06000066"),
        ("Barnsley", "2023-09-11", "E08000016"),
        ("Barnsley", "2025-06-01", "E08000038"),
        ("Bournemouth, Christchurch and Poole", "2021-12-06", "E06000058"),
        ("Northamptonshire", "2019-06-01", "E10000021"),
        ("Cumbria", "2022-01-01", "E10000006"),
        ("Cumbria", "2024-01-01", None),  # abolished in 2023: no code valid then
        ("Bournemouth, Christchurch and Poole", "2015-01-01", None),  # created in 2019
    ],
)
def test_gss_code_is_the_one_valid_on_the_day(name: str, day: str, gss: str | None) -> None:
    authority = resolve(name)
    assert authority is not None
    assert authority.gss_on(day) == gss
    assert all(g.code.startswith(("E06", "E08", "E09", "E10")) for g in authority.gss_codes)
    assert len(authority.dfe_code) == 3


def test_vocab_ttl_is_generated_from_vocab_py() -> None:
    on_disk = Graph().parse(data=ontology_file("vocab.ttl").read_text(), format="turtle")
    assert isomorphic(on_disk, vocabulary_graph(Uris("https://ofsted-kg.example/"))), (
        "ontology/vocab.ttl is stale: run `python -m ofsted_kg.ontology`"
    )


def test_every_vocab_key_is_a_concept_and_every_concept_a_vocab_key() -> None:
    g = ontology_graph()
    uris = Uris()
    for name in SCHEMES:
        scheme = uris.scheme(name)
        in_ontology = {str(g.value(c, SKOS.notation)) for c in g.subjects(SKOS.inScheme, scheme)}
        assert in_ontology == set(scheme_concepts(name)), name


def test_every_own_term_is_documented() -> None:
    g = ontology_graph()
    ns = str(Uris().DEF)
    properties = set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(
        g.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert len(properties) > 40
    for term in properties:
        assert str(term).startswith(ns)
        for required in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range):
            assert g.value(term, required) is not None, f"{term} lacks {required}"
    for cls in g.subjects(RDF.type, OWL.Class):
        assert g.value(cls, RDFS.label) and g.value(cls, RDFS.comment), cls
    ontologies = set(g.subjects(RDF.type, OWL.Ontology))
    assert len(ontologies) == 2  # the domain ontology and the build's bookkeeping
    for ontology in ontologies:
        for required in (OWL.versionInfo, OWL.versionIRI, DCTERMS.description, DCTERMS.license):
            assert g.value(ontology, required) is not None, f"{ontology} lacks {required}"
        assert g.value(g.value(ontology, DCTERMS.creator), FOAF.name) is not None, ontology
    domain = URIRef(ns)
    assert g.value(domain, VANN.preferredNamespacePrefix) == Literal("ofsted")
    assert g.value(domain, VANN.preferredNamespaceUri) == Literal(ns)


def test_every_term_says_where_it_is_defined() -> None:
    g = ontology_graph()
    ontologies = set(g.subjects(RDF.type, OWL.Ontology))
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme, SKOS.Concept)
    terms = {t for kind in kinds for t in g.subjects(RDF.type, kind)}
    assert len(terms) > 150
    for term in terms:
        assert g.value(term, RDFS.isDefinedBy) in ontologies, term


def test_no_iri_is_two_kinds_of_term() -> None:
    """A class, a property, a concept scheme and a concept are four different things; one IRI
    typed as two of them (ofsted:grade was a property and a scheme) cannot be published."""
    g = ontology_graph()
    kinds = {
        "class": (OWL.Class, RDFS.Class),
        "property": (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property),
        "scheme": (SKOS.ConceptScheme,),
        "concept": (SKOS.Concept,),
    }
    kinds_of: dict[URIRef, set[str]] = {}
    for kind, types in kinds.items():
        for rdf_type in types:
            for term in g.subjects(RDF.type, rdf_type):
                kinds_of.setdefault(term, set()).add(kind)
    assert len(kinds_of) > 150
    doubled = {str(term): sorted(k) for term, k in kinds_of.items() if len(k) > 1}
    assert not doubled


def test_published_notations_are_the_published_keys() -> None:
    """Schemes are noted by their path segment (kebab-case), concepts by their key (snake_case
    as FORMAT.md writes them): no Python names such as GRADES."""
    g = ontology_graph()
    for scheme in g.subjects(RDF.type, SKOS.ConceptScheme):
        notation = str(g.value(scheme, SKOS.notation))
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", notation), notation
        assert str(scheme).endswith(f"/scheme/{notation}")
    for concept in g.subjects(RDF.type, SKOS.Concept):
        notation = str(g.value(concept, SKOS.notation))
        assert re.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)*", notation), notation
        assert str(concept).endswith(f"/{notation}")


def test_model_doc_is_generated_from_the_ontology() -> None:
    on_disk = (REPO / "docs" / "MODEL.md").read_text(encoding="utf-8")
    assert on_disk == model_markdown(), "docs/MODEL.md is stale: run `python -m ofsted_kg.ontology`"
    assert "`ofsted:inspectedAuthority`" in on_disk and "```mermaid" in on_disk
