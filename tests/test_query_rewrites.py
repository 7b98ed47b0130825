"""Named queries rewritten for speed give the rows their earlier text gave (issue 16 §2).

The earlier texts are kept in tests/data/named_queries_before/; each is run beside the current
query of the same name on the built fixture store (the seeds' gold facts and real PDFs), with its
defaults and with parameters taken from its own answer. Rows are compared as multisets, and the
order as the sequence of the ORDER BY columns (rows that tie on them may come in any order).
A list made by GROUP_CONCAT is compared as a set of its items: SPARQL leaves the order of a
group's values undefined (§18.5.1.7), and it follows the join order the engine chose, which a
rewrite changes; so it is left out of the order compared too."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from ofsted_kg.queries import load_queries, run_named
from ofsted_kg.store.results import select_results

BEFORE = Path(__file__).parent / "data" / "named_queries_before"
OLD = load_queries(BEFORE)
NEW = load_queries()
ORDERED_BY = {
    "current-judgements": ("local_authority",),
    "grade-changes": ("local_authority", "area", "later_date"),
    "inspection-summary": (),  # by source_file, a GROUP_CONCAT
    "la-timeline": ("local_authority", "start_date"),  # then source_file, a GROUP_CONCAT
    "recommendations-search": ("local_authority", "start_date"),  # then the unlisted ?position
    "co-inspectors": ("shared_inspections", "name", "co_name"),
    "inspector-history": ("name", "start_date", "inspection"),
    "legal-basis": ("local_authority", "start_date"),  # then the unlisted ?position
    "lscb-judgements": ("local_authority", "start_date"),
}
LISTS = {"source_file": ";", "role": "; "}  # GROUP_CONCAT columns and their separators

Row = dict[str, str]


def _longest_word(text: str) -> str:
    return max(text.split(), key=len)


def _some(rows: list[Row], column: str) -> str | None:
    """The first value of the column in any row (None if no row has one)."""
    return next((r[column] for r in rows if r.get(column)), None)


# One value of each parameter, taken from the first row with what it needs (all rows if none).
PARAMETERS: dict[str, Callable[[list[Row]], list[dict[str, str]]]] = {
    "current-judgements": lambda rows: [
        {"region": rows[0]["region"]},
        {"year": rows[0]["latest_date"][:4]},
        {"grade": rows[0].get("overall_effectiveness", "none")},
    ],
    "grade-changes": lambda rows: [{"area_key": rows[0]["area"]}],
    "la-timeline": lambda rows: [{"name_contains": rows[-1]["local_authority"][:5].lower()}],
    "recommendations-search": lambda rows: [
        {"keyword": _longest_word(rows[0]["text"])},
        {"target_key": rows[-1]["target"]},
        {"theme_contains": (_some(rows, "theme") or "")[:6]},
    ]
    # The fixture's reports cite no framework outcome: the filter is tested where one is cited.
    + [{"outcome": o} for o in [_some(rows, "framework_reference")] if o],
    "co-inspectors": lambda rows: [{"person": rows[0]["person"]}, {"min_shared": "2"}],
    "inspector-history": lambda rows: [
        {"person": rows[-1]["person"]},
        {"name_contains": rows[0]["name"].split()[-1].upper()},
    ],
    "legal-basis": lambda rows: [{"instrument_contains": "children act"}],
    "lscb-judgements": lambda rows: [{"grade_key": rows[-1]["grade"]}],
}


def _rows(store, query, params: dict[str, str]) -> list[Row]:
    data, _ = run_named(store, query, params, "json")
    columns, rows = select_results(data)
    assert columns == list(query.columns)
    return [{k: _as_set(k, v) for k, v in row.items()} for row in rows]


def _as_set(column: str, value: str) -> str:
    separator = LISTS.get(column)
    return separator.join(sorted(value.split(separator))) if separator else value


def _parameter_sets(store, name: str) -> list[dict[str, str]]:
    """The defaults, then one value of each parameter, taken from the default answer."""
    rows = _rows(store, NEW[name], {})
    return [{}] + (PARAMETERS[name](rows) if name in PARAMETERS and rows else [])


def test_every_earlier_text_has_a_current_query() -> None:
    assert OLD and set(OLD) <= set(NEW)
    for name, old in OLD.items():
        assert old.columns == NEW[name].columns
        assert [p.name for p in old.parameters] == [p.name for p in NEW[name].parameters]
        assert old.sparql != NEW[name].sparql
        assert name in ORDERED_BY


@pytest.mark.parametrize("name", sorted(OLD))
def test_rewritten_query_gives_the_same_rows(graph_store, name: str) -> None:
    store = graph_store.store
    keys = ORDERED_BY[name]
    for params in _parameter_sets(store, name):
        old, new = _rows(store, OLD[name], params), _rows(store, NEW[name], params)
        assert old, (name, params)  # every parameter set is taken from a row: never empty
        assert _multiset(new) == _multiset(old), (name, params)
        assert _order(new, keys) == _order(old, keys), (name, params)


def _multiset(rows: list[Row]) -> Counter:
    return Counter(tuple(sorted(r.items())) for r in rows)


def _order(rows: list[Row], keys: tuple[str, ...]) -> list[tuple]:
    return [tuple(r.get(k) for k in keys) for r in rows]
