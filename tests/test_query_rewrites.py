"""Named queries rewritten for speed give the rows their earlier text gave (issue 16 §2).

The earlier texts are kept in tests/data/named_queries_before/; each is run beside the current
query of the same name on the built fixture store (the seeds' gold facts and real PDFs), with its
defaults and with parameters taken from its own answer. Rows are compared as multisets, and the
order as the sequence of the ORDER BY columns (rows that tie on them may come in any order)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ofsted_kg.queries import load_queries, run_named
from ofsted_kg.store.results import select_results

BEFORE = Path(__file__).parent / "data" / "named_queries_before"
OLD = load_queries(BEFORE)
NEW = load_queries()
ORDERED_BY = {"current-judgements": ("local_authority",)}


def _rows(store, query, params: dict[str, str]) -> list[dict[str, str]]:
    data, _ = run_named(store, query, params, "json")
    columns, rows = select_results(data)
    assert columns == list(query.columns)
    return rows


def _parameter_sets(store, name: str) -> list[dict[str, str]]:
    """The defaults, then one value of each parameter, taken from the default answer."""
    sets: list[dict[str, str]] = [{}]
    first = _rows(store, NEW[name], {})[:1]
    if name == "current-judgements" and first:
        row = first[0]
        sets += [
            {"region": row["region"]},
            {"year": row["latest_date"][:4]},
            {"grade": row.get("overall_effectiveness", "none")},
        ]
    return sets


def test_every_earlier_text_has_a_current_query() -> None:
    assert OLD and set(OLD) <= set(NEW)
    for name, old in OLD.items():
        assert old.columns == NEW[name].columns
        assert [p.name for p in old.parameters] == [p.name for p in NEW[name].parameters]
        assert old.sparql != NEW[name].sparql


@pytest.mark.parametrize("name", sorted(OLD))
def test_rewritten_query_gives_the_same_rows(graph_store, name: str) -> None:
    store = graph_store.store
    keys = ORDERED_BY.get(name, ())
    for params in _parameter_sets(store, name):
        old, new = _rows(store, OLD[name], params), _rows(store, NEW[name], params)
        assert old, (name, params)  # every parameter set is taken from a row: never empty
        assert _multiset(new) == _multiset(old), (name, params)
        assert _order(new, keys) == _order(old, keys), (name, params)


def _multiset(rows: list[dict[str, str]]) -> Counter:
    return Counter(tuple(sorted(r.items())) for r in rows)


def _order(rows: list[dict[str, str]], keys: tuple[str, ...]) -> list[tuple]:
    return [tuple(r.get(k) for k in keys) for r in rows]
