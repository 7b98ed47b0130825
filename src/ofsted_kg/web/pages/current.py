"""Where every authority stands now: `/current` (HTML) and `/current.csv`.

The rows are those of the named query `current-judgements` (latest graded inspection, the one
before, direction of travel), so the page, its CSV and `/queries/current-judgements` agree.
Filters (grade, region, year) are that query's parameters; sorting is done here. Each row also
shows the authority's DfE statistical neighbours with their own latest grades, and the page
states its coverage: how many of the current authorities have reports in the graph, and which
have none.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from flask import abort, request, url_for

from ... import queries as named_api
from ... import vocab
from ...families import kind_labels
from ...resources import QUERIES, folder
from ...uris import Uris
from ..pool import QueryError
from ..services import services
from .data import Node, page_select, uris
from .generation import per_generation
from .paths import href
from .views import Grade, inspections_where

QUERY = "current-judgements"
NO_OVERALL = "none"  # the query's grade value for a latest inspection without an overall grade
DIRECTIONS = ("improved", "same", "declined", "first graded", "no overall grade to compare")
GRADE_CHOICES = (*vocab.GRADES.items(), (NO_OVERALL, "No overall grade (April 2026 onwards)"))


@dataclass
class Peer:
    """A statistical neighbour with its latest graded inspection, when it has one."""

    name: str
    href: str
    standing: Standing | None


@dataclass
class Standing:
    """One row of current-judgements, ready to show."""

    uri: str
    name: str
    href: str
    region: str
    latest: str  # the inspection's URI
    latest_date: str
    kind: str  # report kind key
    overall: str  # grade key, "" when the latest inspection has no overall grade
    previous: str  # the URI of the graded inspection before, "" when none
    previous_date: str
    previous_overall: str
    direction: str
    record: dict[str, str] = field(default_factory=dict)  # the query's row, as text
    grades: list[Grade] = field(default_factory=list)  # every graded area, with judgement links
    neighbours: list[Peer] = field(default_factory=list)

    @property
    def latest_href(self) -> str:
        return href(self.latest)

    @property
    def previous_href(self) -> str:
        return href(self.previous) if self.previous else ""

    @property
    def kind_label(self) -> str:
        return kind_labels().get(self.kind, self.kind)

    @property
    def overall_label(self) -> str:
        return vocab.GRADES.get(self.overall, self.overall)

    @property
    def previous_label(self) -> str:
        return vocab.GRADES.get(self.previous_overall, self.previous_overall)


@cache
def _query(base: str) -> named_api.NamedQuery:
    """The package's query (not a configured folder's: it defines this page), on the site's base."""
    return named_api.parse_query_file(folder(QUERIES) / f"{QUERY}.rq", Uris(base))


def _run(params: dict[str, str]) -> list[dict[str, Node]]:
    """The query's rows; the unfiltered ones once per store generation (generation.py): /current,
    every authority page (its neighbours' standings) and the authorities list all start from them,
    and on the national graph they take seconds to find."""
    if not params:
        return per_generation(QUERY, lambda: _select(params))
    return _select(params)


def _select(params: dict[str, str]) -> list[dict[str, Node]]:
    try:
        return named_api.select_named(services().queries, _query(uris().base), params)
    except named_api.QueryParameterError as exc:
        abort(400, str(exc))
    except QueryError as exc:
        abort(exc.status, exc.message)


def _text(row: dict[str, Node], name: str) -> str:
    return row[name].value if name in row else ""


def standings(params: dict[str, str] | None = None) -> list[Standing]:
    """The rows of current-judgements with these parameters (all when none)."""
    return [
        Standing(
            uri=r["authority"].value,
            name=r["local_authority"].value,
            href=href(r["authority"].value),
            region=r["region"].value,
            latest=r["latest_inspection"].value,
            latest_date=r["latest_date"].value,
            kind=r["latest_kind"].value,
            overall=_text(r, "overall_effectiveness"),
            record={name: node.value for name, node in r.items()},
            previous=_text(r, "previous_inspection"),
            previous_date=_text(r, "previous_date"),
            previous_overall=_text(r, "previous_overall_effectiveness"),
            direction=r["direction"].value,
        )
        for r in _run(params or {})
    ]


def attach_grades(shown: list[Standing]) -> None:
    """Every graded area of each standing's latest inspection, with links to the judgements."""
    latest: dict[str, list[Standing]] = {}
    for s in shown:  # a filtered row and the same authority's unfiltered standing are two objects
        latest.setdefault(s.latest, []).append(s)
    if latest:
        for inspection in inspections_where(inspections=latest):
            for s in latest[inspection.uri]:
                s.grades = inspection.grades


def neighbours(authorities: list[str], everyone: list[Standing]) -> dict[str, list[Peer]]:
    """Each authority's statistical neighbours, by name, with their latest standing."""
    if not authorities:
        return {}
    by_uri = {s.uri: s for s in everyone}
    rows = page_select("statistical-neighbours", *({"authority": a} for a in authorities))
    found: dict[str, list[Peer]] = {a: [] for a in authorities}
    for r in sorted(rows, key=lambda r: r["name"].value):
        peer = r["peer"].value
        found[r["authority"].value].append(Peer(r["name"].value, href(peer), by_uri.get(peer)))
    return found


def neighbours_of(authority: str) -> list[Peer]:
    """The statistical neighbours of one authority, for its page."""
    peers = neighbours([authority], standings())[authority]
    attach_grades([p.standing for p in peers if p.standing])
    return peers


@dataclass
class Coverage:
    total: int  # current authorities
    with_reports: int
    without: list[tuple[str, str]]  # (name, href) of current authorities with no report
    regions: list[str]


def coverage() -> Coverage:
    """Which current authorities have reports: the same for every list page of a generation
    (0.26 s of each cold list page on the national graph), so made once per generation."""
    return per_generation("coverage", _coverage)


def _coverage() -> Coverage:
    rows = page_select("coverage", {})
    without = [(r["name"].value, href(r["a"].value)) for r in rows if r["reports"].value == "0"]
    return Coverage(
        len(rows), len(rows) - len(without), without, sorted({r["region"].value for r in rows})
    )


# ------------------------------------------------------------------ filters and sorting

SORTS = {
    "authority": lambda s: s.name.lower(),
    "region": lambda s: (s.region, s.name.lower()),
    "date": lambda s: (s.latest_date, s.name.lower()),
    # best first; no overall grade after every grade
    "grade": lambda s: (-vocab.GRADE_RANK.get(s.overall, 0), s.name.lower()),
    "direction": lambda s: (DIRECTIONS.index(s.direction), s.name.lower()),
}


@dataclass
class View:
    filters: dict[str, str]  # grade, region, year as given (empty: all)
    sort: str
    descending: bool
    rows: list[Standing]
    everyone: list[Standing]  # unfiltered, for the neighbours and the filter choices
    coverage: Coverage

    def sort_link(self, key: str) -> str:
        """This view sorted by `key`; the column sorted already flips its order."""
        flip = key == self.sort and not self.descending
        args = {k: v for k, v in self.filters.items() if v}
        return url_for("pages.current", **args, sort=key, order="desc" if flip else "asc")

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    @property
    def csv_link(self) -> str:
        args = {k: v for k, v in self.filters.items() if v}
        return url_for(
            "pages.current_csv", **args, sort=self.sort, order="desc" if self.descending else "asc"
        )

    @property
    def query_link(self) -> str:
        args = {k: v for k, v in self.filters.items() if v}
        return url_for("named.run", name=QUERY, **args, format="csv")

    @property
    def grade_choices(self) -> tuple[tuple[str, str], ...]:
        return GRADE_CHOICES

    @property
    def years(self) -> list[str]:
        return sorted({s.latest_date[:4] for s in self.everyone}, reverse=True)

    @property
    def overall_counts(self) -> list[tuple[str, int]]:
        counts = Counter(s.overall or NO_OVERALL for s in self.rows)
        return [(label, counts[key]) for key, label in self.grade_choices if counts[key]]


def _filters() -> dict[str, str]:
    given = {k: request.args.get(k, "").strip() for k in ("grade", "region", "year")}
    if given["grade"] and given["grade"] not in dict(GRADE_CHOICES):
        abort(400, f"grade must be one of {', '.join(vocab.GRADES)} or {NO_OVERALL}")
    if given["year"] and not given["year"].isdigit():
        abort(400, "year must be a year such as 2024")
    return given


def current_view() -> View:
    filters = _filters()
    sort = request.args.get("sort", "authority")
    if sort not in SORTS:
        abort(400, f"sort must be one of {', '.join(SORTS)}")
    descending = request.args.get("order", "asc") == "desc"
    everyone = standings()
    rows = standings(filters) if any(filters.values()) else list(everyone)
    rows.sort(key=SORTS[sort], reverse=descending)
    peers = neighbours([s.uri for s in rows], everyone)
    for s in rows:
        s.neighbours = peers[s.uri]
    attach_grades(rows + [p.standing for s in rows for p in s.neighbours if p.standing])
    return View(filters, sort, descending, rows, everyone, coverage())


def _peer_text(peer: Peer) -> str:
    if peer.standing is None:
        return f"{peer.name}: no graded inspection"
    return f"{peer.name}: {peer.standing.overall or NO_OVERALL} ({peer.standing.latest_date})"


def current_csv_text(view: View) -> str:
    """The view's rows as CSV: the query's columns, and the neighbours with their latest grade."""
    columns = _query(uris().base).columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*columns, "statistical_neighbours"])
    for s in view.rows:
        writer.writerow(
            [s.record.get(c, "") for c in columns]
            + ["; ".join(_peer_text(p) for p in s.neighbours)]
        )
    return out.getvalue()
