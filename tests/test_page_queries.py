"""The queries the site's pages run (`queries/pages/*.rq`): documented as the named queries are,
not listed among them, and each one answering on the built fixture store with its declared
columns, its parameters bound as typed VALUES rows, from Python and from the CLI."""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO
from test_graph_linking import letter, store_of

from ofsted_kg.cli import main
from ofsted_kg.linking import link
from ofsted_kg.queries import (
    QueryParameterError,
    bind_parameters,
    load_queries,
    page_query,
    page_query_names,
    paged,
    query_text,
)
from ofsted_kg.uris import Uris

PAGE_QUERIES = page_query_names()
JSON = "application/sparql-results+json"
OFSTED = "https://ofsted-kg.example/def/ofsted/"
PREFIXES = f"""PREFIX ofsted: <{OFSTED}> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX schema: <https://schema.org/>
"""
# For each parameter of each page query, a pattern on ?x finding a value it has rows for in the
# fixture store (the resource a page about it would show); "scheme" and "graph" values come
# from uris.py, as the pages take them.
SAMPLES: dict[str, dict[str, str]] = {
    "facts": {"topic": "?x a ofsted:Inspection"},
    "quotes": {"topic": "?x ofsted:evidence ?e"},
    "incoming-counts": {"topic": "?i ofsted:inspectedAuthority ?x"},
    "incoming-subjects": {
        "topic": "?i ofsted:inspectedAuthority ?x",
        "predicate": "VALUES ?x { ofsted:inspectedAuthority }",
    },
    "inspections": {
        "inspection": "?x a ofsted:Inspection",
        "authority": "?i ofsted:inspectedAuthority ?x",
    },
    "inspection-grades": {"inspection": "?x ofsted:hasJudgement/ofsted:grade ?g"},
    "authority-officials": {
        "topic": "?i ofsted:inspectedAuthority ?x ; prov:qualifiedAssociation ?m . ?m prov:agent ?p ; "
        f"prov:hadRole/skos:inScheme <{Uris().scheme('OFFICIAL_ROLES')}> . ?p schema:name ?n"
    },
    "authority-geography": {"topic": "?x ofsted:hasGssCode ?c"},
    "authority-boards": {"topic": "?x ofsted:safeguardingBoard ?b"},
    "inspection-recommendations": {"topic": "?x ofsted:hasRecommendation ?r"},
    "inspection-team": {"topic": "?x prov:qualifiedAssociation/ofsted:nameAsPrinted ?n"},
    "inspection-links": {"topic": "?x ofsted:previousInspection ?p"},
    "inspection-source": {"topic": "?x ofsted:reportedIn ?s"},
    "inspection-urn": {"topic": "?x ofsted:inspectedAuthority/ofsted:ofstedUrn ?u"},
    "inspection-legal-basis": {"topic": "?x ofsted:hasLegalBasisStatement ?s"},
    "person-inspections": {"topic": "?m prov:agent ?x"},
    "person-colleagues": {
        "topic": "?m prov:agent ?x . ?i prov:qualifiedAssociation ?m , ?m2 . ?m2 prov:agent ?y FILTER (?y != ?x)"
    },
    "person-printed-names": {"topic": "?x skos:altLabel ?n"},
    "person-identity-decisions": {"topic": "?x ofsted:identityDecision ?d"},
    "labels": {"resource": "?x a ofsted:LocalAuthority"},
    "graph-files": {"graph": "?e ofsted:builtGraph ?x"},
    "statistical-neighbours": {"authority": "?x ofsted:statisticalNeighbour ?p"},
    "recorded-source": {"sha256": "?s a ofsted:SourceDocument ; ofsted:sha256 ?x"},
    "evidence": {"topic": "?x oa:hasSelector ?s"},
    "description": {"topic": "?x a ofsted:LocalAuthority"},
    "resource-exists": {"topic": "?x a ofsted:LocalAuthority"},
    "authority-by-code": {"code": "?a ofsted:ofstedUrn ?x"},
    "resource-title": {"topic": "?x a ofsted:Judgement"},
    "resource-inspection": {"topic": "?i a ofsted:Inspection ; ofsted:hasRecommendation ?x"},
    "inspection-findings": {"inspection": "?x ofsted:hasFinding ?f"},
    "name-search": {
        "needle": "?a a ofsted:LocalAuthority ; skos:prefLabel ?l BIND (LCASE(SUBSTR(STR(?l), 1, 4)) AS ?x)"
    },
}
# The fixture store names nobody in two ways; these run on reports that do (as test_identity's).
ON_NAME_VARIANTS = {"person-printed-names", "person-identity-decisions"}
FROM_URIS = {
    ("authority-officials", "roles"): lambda uris, _: uris.scheme("OFFICIAL_ROLES"),
    ("recorded-source", "manifest"): lambda uris, _: uris.graph("manifest"),
    ("recorded-source", "source"): lambda uris, found: uris.source(found["sha256"]),
}


def first_value(store, pattern: str) -> str:
    body, _ = store.query(
        f"{PREFIXES} SELECT ?x WHERE {{ {pattern} }} ORDER BY ?x LIMIT 1", result_format=JSON
    )
    bindings = json.loads(body)["results"]["bindings"]
    assert bindings, f"no value in the fixture store for {pattern}"
    return bindings[0]["x"]["value"]


def sample_parameters(store, name: str) -> dict[str, str]:
    found = {p: first_value(store, pattern) for p, pattern in SAMPLES.get(name, {}).items()}
    for (query, parameter), make in FROM_URIS.items():
        if query == name:
            found[parameter] = str(make(Uris(), found))
    return found


@pytest.fixture(scope="module")
def name_variants_store(tmp_path_factory):
    """Three letters printing one inspector's name three ways, linked into one person."""
    store = store_of(
        tmp_path_factory.mktemp("variants"),
        [
            letter(1, "Somerset", "2016-01-11", ["Fiona Millns", "Karen Wareing"]),
            letter(2, "Barnsley", "2017-03-06", ["Fiona Milnns", "Karen Wareing"]),
            letter(3, "Bradford", "2018-05-14", ["Fiona J Millns", "Tom Pye"]),
        ],
    )
    linking = link(store, Uris(), store.named_graphs())
    store.replace_graph(
        str(Uris().graph("linking")), linking.serialize(format="nt", encoding="utf-8")
    )
    yield store
    store.close()


def query_form(sparql: str) -> str:
    """SELECT, CONSTRUCT or ASK: the first keyword starting a line of the query proper."""
    match = re.search(r"^(SELECT|CONSTRUCT|ASK)\b", sparql, re.M)
    assert match, sparql
    return match.group(1)


def run(store, sparql: str) -> dict:
    body, _ = store.query(sparql, result_format=JSON)
    return json.loads(body)


def test_page_queries_are_documented_and_not_named_queries() -> None:
    assert len(PAGE_QUERIES) >= 25
    assert not set(PAGE_QUERIES) & set(load_queries())
    for name in PAGE_QUERIES:
        query = page_query(name)
        assert query.title and query.description, name
        assert all(p.description for p in query.parameters), name
        assert bool(query.columns) == (query_form(query.sparql) == "SELECT"), name
        # every parameter is used in the query, every sample names a declared parameter
        for parameter in query.parameters:
            assert f"?{parameter.name}" in query.sparql, (name, parameter.name)
        declared = {p.name for p in query.parameters}
        given = set(SAMPLES.get(name, {})) | {p for q, p in FROM_URIS if q == name}
        assert given == declared, name


@pytest.mark.parametrize("name", PAGE_QUERIES)
def test_every_page_query_answers_on_the_fixture_store(
    graph_store, name_variants_store, name: str
) -> None:
    store = name_variants_store if name in ON_NAME_VARIANTS else graph_store.store
    query = page_query(name)
    sparql = query_text(query, bind_parameters(query, sample_parameters(store, name)))
    result = store.query(sparql, result_format=JSON)[0]
    form = query_form(query.sparql)
    if form == "SELECT":
        data = json.loads(result)
        assert data["head"]["vars"] == list(query.columns), name
        assert data["results"]["bindings"], f"{name}: no rows"
    elif form == "ASK":
        assert json.loads(result)["boolean"] is True, name
    else:
        assert result.count(b"\n") > 1, f"{name}: no statements"


def test_each_row_of_bindings_asks_once_more(graph_store) -> None:
    """A page asks about several resources in one query: one VALUES row each."""
    store = graph_store.store
    labels = page_query("labels")
    authorities = run(
        store, f"{PREFIXES} SELECT ?a WHERE {{ ?a a ofsted:LocalAuthority }} ORDER BY ?a LIMIT 3"
    )["results"]["bindings"]
    rows = [bind_parameters(labels, {"resource": a["a"]["value"]}) for a in authorities]
    found = run(store, query_text(labels, *rows))["results"]["bindings"]
    assert sorted(r["resource"]["value"] for r in found) == sorted(
        a["a"]["value"] for a in authorities
    )
    assert "UNDEF" not in query_text(labels, *rows)


def test_unbound_parameters_select_nothing_out_and_pages_are_sliced(graph_store) -> None:
    store = graph_store.store
    inspections = page_query("inspections")
    text = query_text(inspections, bind_parameters(inspections, {}))
    everything = [r["inspection"]["value"] for r in run(store, text)["results"]["bindings"]]
    count = run(store, f"{PREFIXES} SELECT (COUNT(DISTINCT ?i) AS ?n) {{ ?i a ofsted:Inspection }}")
    assert len(everything) == int(count["results"]["bindings"][0]["n"]["value"]) > 4
    second_page = run(store, paged(text, 2, 2))["results"]["bindings"]
    assert [r["inspection"]["value"] for r in second_page] == everything[2:4]
    one = bind_parameters(inspections, {"authority": "", "inspection": everything[0]})
    assert [
        r["inspection"]["value"]
        for r in run(store, query_text(inspections, one))["results"]["bindings"]
    ] == everything[:1]


def test_a_value_that_is_no_iri_is_refused_before_any_query() -> None:
    with pytest.raises(QueryParameterError, match="topic"):
        bind_parameters(page_query("facts"), {"topic": "<http://x> ?p ?o } #"})


def test_page_queries_are_on_the_sites_base() -> None:
    other = Uris("http://data.other.test/kg/")
    text = page_query("recorded-source", other).sparql
    assert "http://data.other.test/kg/def/ofsted/" in text and "ofsted-kg.example" not in text


def test_a_page_query_runs_from_the_cli(graph_store, capsysbinary) -> None:
    topic = first_value(graph_store.store, "?x a ofsted:LocalAuthority")
    path = REPO / "queries" / "pages" / "facts.rq"
    code = main(
        ["query", str(path), "--store", str(graph_store.store.path), "--format", "json"]
        + ["--param", f"topic={topic}"]
    )
    assert code == 0
    data = json.loads(capsysbinary.readouterr().out)
    assert data["head"]["vars"] == ["p", "o", "g"] and data["results"]["bindings"]
