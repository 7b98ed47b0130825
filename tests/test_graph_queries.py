"""Named queries: headers, typed parameter binding, results on the built fixture store."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ofsted_kg.queries import (
    QueryParameterError,
    bind_parameters,
    load_queries,
    parse_query_file,
    query_text,
    run_named,
)
from ofsted_kg.store.results import select_results
from ofsted_kg.uris import Uris

QUERIES = load_queries()
EXPECTED = {
    "inspection-summary",
    "inspector-history",
    "la-timeline",
    "co-inspectors",
    "recommendations-search",
    "grade-changes",
    "lscb-judgements",
    "busiest-inspectors",
    "legal-basis",
}


def rows(store, name: str, **params: str) -> list[dict[str, str]]:
    data, media_type = run_named(store, QUERIES[name], params, "json")
    assert media_type.startswith("application/sparql-results+json")
    columns, found = select_results(data)
    assert columns == list(QUERIES[name].columns), name
    return found


def test_every_query_is_documented() -> None:
    assert set(QUERIES) >= EXPECTED
    for query in QUERIES.values():
        assert query.title and query.description and query.columns, query.name
        assert query.path.name == f"{query.name}.rq"
        for parameter in query.parameters:
            assert parameter.description, (query.name, parameter.name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_query_runs_and_returns_its_declared_columns(graph_store, name: str) -> None:
    rows(graph_store.store, name)


def test_parameters_become_typed_terms() -> None:
    history = QUERIES["inspector-history"]
    bound = bind_parameters(history, {"person": "https://ofsted-kg.example/id/person/x"})
    assert bound == {"person": URIRef("https://ofsted-kg.example/id/person/x")}
    busiest = QUERIES["busiest-inspectors"]
    assert bind_parameters(busiest, {}) == {"min_inspections": Literal(1, datatype=XSD.integer)}
    assert bind_parameters(busiest, {"min_inspections": "3"})["min_inspections"].toPython() == 3
    text = query_text(history, bound)
    assert "VALUES ?person { <https://ofsted-kg.example/id/person/x> }" in text
    assert "VALUES ?name_contains" not in text  # unbound: no block, as UNDEF would leave it


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("busiest-inspectors", {"min_inspections": "three"}, "not a valid integer"),
        ("inspector-history", {"person": "not an iri"}, "not a valid iri"),
        ("inspector-history", {"person": "http://x/a> } DROP ALL"}, "not a valid iri"),
        ("inspector-history", {"colour": "blue"}, "unknown parameter"),
    ],
)
def test_bad_parameter_values_are_refused(name: str, raw: dict[str, str], message: str) -> None:
    with pytest.raises(QueryParameterError, match=message):
        bind_parameters(QUERIES[name], raw)


def test_date_and_decimal_parameters(tmp_path: Path) -> None:
    path = tmp_path / "typed.rq"
    path.write_text(
        "# title: Typed\n# param: since date — from\n# param: share decimal default 0.5 — a share\n"
        "SELECT ?since ?share WHERE { }\n",
        encoding="utf-8",
    )
    query = parse_query_file(path)
    bound = bind_parameters(query, {"since": "2020-02-29"})
    assert bound["since"] == Literal("2020-02-29", datatype=XSD.date)
    assert bound["share"].datatype == XSD.decimal
    with pytest.raises(QueryParameterError, match="not a valid date"):
        bind_parameters(query, {"since": "2021-02-29"})


def test_user_text_is_a_literal_never_query_text(graph_store) -> None:
    hostile = '"} } ; DROP ALL ; SELECT * { ?s ?p ?o } #'
    assert rows(graph_store.store, "recommendations-search", keyword=hostile) == []
    assert rows(graph_store.store, "inspection-summary")  # the store is intact


def test_inspector_history_has_one_row_per_person_per_inspection(graph_store) -> None:
    emmy = str(Uris().inspector("Emmy Tomsett"))
    found = rows(graph_store.store, "inspector-history", person=emmy)
    assert {r["name"] for r in found} == {"Emmy Tomsett"}
    assert len({r["inspection"] for r in found}) == len(found) >= 3
    assert {"lead_inspector", "team_inspector"} <= {r["role"] for r in found}
    officials = rows(graph_store.store, "inspector-history", name_contains="sheila")
    assert {r["role"] for r in officials} == {"director_of_childrens_services"}
    assert {r["start_date"][:4] for r in officials} == {"2010", "2021"}


def test_recommendation_search_filters(graph_store) -> None:
    lscb = rows(graph_store.store, "recommendations-search", target_key="lscb")
    assert lscb and {r["target"] for r in lscb} == {"lscb"}
    themed = rows(graph_store.store, "recommendations-search", theme_contains="partnership")
    assert themed and all("partnership" in r["theme"].lower() for r in themed)
    keyword = rows(graph_store.store, "recommendations-search", keyword="LIFE-STORY")
    assert keyword and all("life-story" in r["text"].lower() for r in keyword)


def test_lscb_judgements_and_grade_filter(graph_store) -> None:
    inadequate = rows(graph_store.store, "lscb-judgements", grade_key="inadequate")
    assert {r["local_authority"] for r in inadequate} == {"North Somerset", "Somerset"}


def test_legal_basis_provisions_and_instrument_filter(graph_store) -> None:
    found = rows(graph_store.store, "legal-basis")
    norfolk = [r for r in found if r["local_authority"] == "Norfolk"]
    assert [(r["provision_label"], r["scope"]) for r in norfolk] == [
        ("section 152 of the Education and Inspections Act 2006", "this report"),
        (
            "section 136 of the Education and Inspections Act 2006",
            "inspection of local authority functions",
        ),
        (
            "Local Safeguarding Children Boards (Review) Regulations 2013",
            "review of the local safeguarding children board",
        ),
        ("section 15A of the Children Act 2004", "review of the local safeguarding children board"),
    ]
    s136 = "http://www.legislation.gov.uk/id/ukpga/2006/40/section/136"
    assert norfolk[1]["provision"] == s136
    assert norfolk[1]["instrument"] == "Education and Inspections Act 2006"
    assert all(r["quote"] and int(r["page"]) >= 1 for r in norfolk)
    children_act = rows(graph_store.store, "legal-basis", instrument_contains="children act")
    assert {r["provision_label"] for r in children_act} == {"section 15A of the Children Act 2004"}


def test_grade_changes_between_consecutive_inspections(graph_store) -> None:
    found = rows(graph_store.store, "grade-changes", area_key="help_and_protection")
    for row in found:
        assert row["area"] == "help_and_protection"
        assert row["earlier_date"] < row["later_date"]
        assert row["change"] in {"rose", "fell", "same"}


def test_cli_query_with_parameters(graph_store, capsys) -> None:
    from ofsted_kg.cli import main

    store = str(graph_store.store.path)
    assert main(["query", "lscb-judgements", "--store", store, "--param", "grade_key=good"]) == 0
    out = capsys.readouterr().out
    assert "Bath and North East Somerset" in out and "(1 row)" in out
    assert (
        main(["query", "busiest-inspectors", "--store", store, "--param", "min_inspections=x"]) == 2
    )
    assert "not a valid integer" in capsys.readouterr().err


def test_cli_query_of_a_hand_written_file(graph_store, capsys, tmp_path) -> None:
    """A .rq file without the named queries' header runs; a bad or missing one is one line."""
    from ofsted_kg.cli import main

    store = str(graph_store.store.path)
    plain = tmp_path / "people.rq"
    plain.write_text(
        "PREFIX schema: <https://schema.org/>\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?p schema:name ?name }\n"
    )
    assert main(["query", str(plain), "--store", store, "--format", "csv"]) == 0
    assert int(capsys.readouterr().out.splitlines()[1]) > 0
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT * WHERE { ?s ?p }")
    assert main(["query", str(broken), "--store", store]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.rq: SPARQL syntax error" in err
    assert main(["query", str(tmp_path / "missing.rq"), "--store", store]) == 2
    assert "cannot read" in capsys.readouterr().err
