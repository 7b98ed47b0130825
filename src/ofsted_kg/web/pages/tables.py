"""Lists as tables that work without JavaScript: sorted, filtered, counted by facet and paged on
the server from the URL's parameters (`?sort=COLUMN&order=asc|desc&FACET=VALUE&page=N`), so a
URL reproduces the view, and `?format=csv` gives the same view (every page) as CSV.

A facet's counts are those of the rows that match every other active filter, as in Datasette
and library catalogues: each value says how many rows choosing it would show. The lists are
small (one row per authority, inspection or inspector), so their rows are read whole with one
query and sorted and counted here.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, request, url_for

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str  # the row's field shown, and the `sort` parameter's value for this column
    label: str
    link: str | None = None  # the row's field holding the cell's link
    sort: Callable[[Row], Any] | None = None  # sort key; None: the field's value


@dataclass(frozen=True)
class Facet:
    key: str  # the URL parameter
    label: str
    values: Callable[[Row], Iterable[str]]  # the values a row has (several for a person's roles)
    label_of: Callable[[str], str] = str
    order: Callable[[tuple[str, int]], Any] = lambda item: (-item[1], item[0])  # by count


@dataclass(frozen=True)
class Table:
    endpoint: str  # Flask endpoint of the list
    noun: str  # what a row is, plural: "authorities"
    columns: tuple[Column, ...]
    facets: tuple[Facet, ...]
    sort: str  # default sort column
    order: str  # default order
    csv_name: str
    uri_fields: tuple[str, ...]  # row fields holding the URIs of what a row shows, for the CSV
    page_size: int = 100


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    href: str
    active: bool


@dataclass
class FacetView:
    key: str
    label: str
    values: list[FacetValue]


@dataclass
class ActiveFilter:
    facet: str
    value: str
    remove_href: str


@dataclass
class TableView:
    table: Table
    total: int  # rows before filtering
    rows: list[Row]  # filtered and sorted, every page
    filters: dict[str, str]
    sort: str
    descending: bool
    page: int
    facets: list[FacetView]

    @property
    def shown(self) -> list[Row]:
        start = (self.page - 1) * self.table.page_size
        return self.rows[start : start + self.table.page_size]

    @property
    def first(self) -> int:
        return min(len(self.rows), (self.page - 1) * self.table.page_size + 1)

    @property
    def last(self) -> int:
        return min(len(self.rows), self.page * self.table.page_size)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.rows) // self.table.page_size))

    def link(self, **changes: str | int | None) -> str:
        """This view's URL with some parameters changed (None removes one)."""
        args: dict[str, Any] = {k: v for k, v in self.filters.items()}
        args |= {"sort": self.sort, "order": "desc" if self.descending else "asc"}
        if self.page > 1:
            args["page"] = self.page
        args |= changes
        return url_for(self.table.endpoint, **{k: v for k, v in args.items() if v is not None})

    def sort_link(self, key: str) -> str:
        """Sorted by this column; the column sorted already flips its order."""
        flip = key == self.sort and not self.descending
        return self.link(sort=key, order="desc" if flip else "asc", page=None)

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    def page_link(self, page: int) -> str:
        return self.link(page=page if page > 1 else None)

    @property
    def csv_link(self) -> str:
        return self.link(page=None, format="csv")

    @property
    def active(self) -> list[ActiveFilter]:
        by_key = {f.key: f for f in self.table.facets}
        return [
            ActiveFilter(
                by_key[k].label, by_key[k].label_of(v), self.link(**{k: None, "page": None})
            )
            for k, v in self.filters.items()
        ]


def _values(facet: Facet, row: Row) -> set[str]:
    """The facet's values of a row; an empty one (no region, no date) is not a value."""
    return {value for value in facet.values(row) if value}


def _matches(row: Row, table: Table, filters: dict[str, str], leave_out: str = "") -> bool:
    return all(
        value in _values(facet, row)
        for facet in table.facets
        if facet.key != leave_out and (value := filters.get(facet.key))
    )


def _sort_key(column: Column) -> Callable[[Row], Any]:
    return column.sort or (lambda row: row[column.key])


def table_view(table: Table, rows: list[Row]) -> TableView:
    """The view the request asks for: 400 for a sort column, order or page that does not exist."""
    sortable = {c.key: c for c in table.columns}
    sort = request.args.get("sort", table.sort)
    if sort not in sortable:
        abort(400, f"sort must be one of {', '.join(sortable)}")
    order = request.args.get("order", table.order)
    if order not in ("asc", "desc"):
        abort(400, "order must be asc or desc")
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        abort(400, "page must be a whole number")
    filters = {f.key: value for f in table.facets if (value := request.args.get(f.key, "").strip())}
    chosen = [r for r in rows if _matches(r, table, filters)]
    # Ties keep the query's order (sorted is stable), so a view is the same on every request.
    chosen.sort(key=_sort_key(sortable[sort]), reverse=order == "desc")
    view = TableView(table, len(rows), chosen, filters, sort, order == "desc", 1, [])
    if not 1 <= page <= view.pages:
        abort(404, f"page {page} does not exist: this view has {view.pages}")
    view.page = page
    for facet in table.facets:
        counts = Counter(
            value
            for r in rows
            if _matches(r, table, filters, leave_out=facet.key)
            for value in _values(facet, r)
        )
        active = filters.get(facet.key)
        if active and active not in counts:
            counts[active] = 0  # a filter that matches nothing stays visible, to be removed
        view.facets.append(
            FacetView(
                facet.key,
                facet.label,
                [
                    FacetValue(
                        value,
                        facet.label_of(value),
                        n,
                        view.link(**{facet.key: None if value == active else value, "page": None}),
                        value == active,
                    )
                    for value, n in sorted(counts.items(), key=facet.order)
                ],
            )
        )
    return view


def csv_text(view: TableView) -> str:
    """Every row of the view (all pages): the table's columns as shown, then the URIs."""
    columns = [c.key for c in view.table.columns] + list(view.table.uri_fields)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in view.rows:
        writer.writerow([row[c] for c in columns])
    return out.getvalue()


def respond(view: TableView, render: Callable[[TableView], str]) -> Response:
    """The view as HTML, or as CSV for `?format=csv`."""
    wanted = request.args.get("format", "html")
    if wanted == "csv":
        response = Response(csv_text(view), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{view.table.csv_name}"'
        return response
    if wanted != "html":
        abort(400, "format must be html or csv")
    return Response(render(view))
