"""Titles for the pages of resources that carry no label of their own (judgements,
recommendations, findings, evidence, the parts of an inspection): said in words from their facts,
"Overall effectiveness: Good — Bristol, 2023", never as the path of their URI.
"""

from __future__ import annotations

from .data import Row, curie, page_select, term_label


def _label(row: Row, name: str) -> str:
    uri = row[name].value
    return term_label(uri) or curie(uri)


def _what(row: Row) -> str:
    """The resource itself: its area and grade, its list and item, its number, or its type."""
    if "area" in row and "grade" in row:
        return f"{_label(row, 'area')}: {_label(row, 'grade')}"
    position = row["position"].value if "position" in row else ""
    if "list" in row:
        return f"{_label(row, 'list')}, item {position}" if position else _label(row, "list")
    if "file" in row:
        return f"{_label(row, 'type')}: {row['file'].value}, page {row['page'].value}"
    number = row["number"].value if "number" in row else position
    what = f"{_label(row, 'type')} {number}".strip()
    return f"{what} to {_label(row, 'target').lower()}" if "target" in row else what


def resource_title(topic: str) -> str | None:
    """A title for the page of `topic` from its facts, or None when it has no ofsted: type."""
    rows = page_select("resource-title", {"topic": topic})
    if not rows:
        return None
    # The most specific row: the one that carries the most facts (Judgement over Entity).
    row = max(rows, key=len)
    inspection = page_select("resource-inspection", {"topic": topic})
    place = inspection[0] if inspection else {}
    where = place["authority"].value if "authority" in place else ""
    if where and "start" in place:
        where += f", {place['start'].value[:4]}"
    return f"{_what(row)} — {where}" if where else _what(row)
