"""The one-pass outline of a client's query or update (web/sparql_text.py): what it finds, what it
refuses, and that the project's own queries and real data blocks pass far inside its limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_kg.web.sparql_text import MAX_CHAIN, MAX_NESTING, TooComplex, outline

QUERIES = sorted((Path(__file__).resolve().parents[1] / "queries").glob("*.rq"))


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_the_named_queries_pass_with_a_wide_margin(path: Path) -> None:
    outline(path.read_text(encoding="utf-8"), max_chain=MAX_CHAIN // 10)


def test_targets_are_found_outside_strings_iris_and_comments() -> None:
    text = (
        "PREFIX ex: <http://example.org/SERVICE> SELECT * FROM <http://g/1> FROM NAMED <http://g/2> "
        '{ ?s ex:p "SERVICE <http://no>" # SERVICE <http://no/either>\n'
        "SERVICE SILENT <http://yes/sparql> { ?s ?p ?o } SERVICE ?endpoint { ?s ?p ?o } }"
    )
    found = outline(text)
    assert found.services == ("<http://yes/sparql>", "?endpoint")
    assert found.from_graphs == ("<http://g/1>", "<http://g/2>")
    assert outline("LOAD SILENT <http://x/data.ttl> INTO GRAPH <http://g>").loads == (
        "<http://x/data.ttl>",
    )


@pytest.mark.parametrize(
    "text",
    [
        "SELECT (1" + " + 1" * MAX_CHAIN + " AS ?x) {}",
        "SELECT * {" + " { ?s ?p ?o } UNION" * MAX_CHAIN + " { } }",
        "SELECT * { ?s <http://x/p>" + "/<http://x/p>" * MAX_CHAIN + " ?o }",
        "SELECT * {" + " ?s ?p ?o ." * (MAX_CHAIN + 1) + " }",
        "SELECT * {" + " {}" * (MAX_CHAIN + 1) + " }",
        # Chains spread over nested groups add up along the path.
        "SELECT * {" + " ?s ?p ?o ." * 600 + " {" + " ?s ?p ?o ." * 600 + " } }",
    ],
    ids=["plus", "union", "path", "patterns", "groups", "nested"],
)
def test_long_chains_are_refused(text: str) -> None:
    with pytest.raises(TooComplex, match=f"allows {MAX_CHAIN}"):
        outline(text)


def test_deep_nesting_is_refused_at_once() -> None:
    with pytest.raises(TooComplex, match=f"allows {MAX_NESTING} levels of brackets"):
        outline("SELECT * WHERE " + "{ " * 1_000_000 + "?s ?p ?o" + " }" * 1_000_000)


def test_data_blocks_are_flat_lists() -> None:
    triples = " ".join(
        f'<http://x/s{i}> <http://x/p> "{i}" , "{i}b" ; <http://x/q> 1 .' for i in range(5_000)
    )
    outline(f"INSERT DATA {{ GRAPH <http://g> {{ {triples} }} }}")
    outline("SELECT * { VALUES (?a ?b) {" + " (1 2)" * 5_000 + " } }")
    # ... but only the block itself: the WHERE of the same request still counts.
    with pytest.raises(TooComplex):
        outline(
            f"INSERT DATA {{ {triples} }} ; DELETE {{ ?s ?p ?o }} WHERE {{"
            + " ?s ?p ?o ." * 2_000
            + " }"
        )
