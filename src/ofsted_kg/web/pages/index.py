"""Site-wide entry points: the lists of authorities, inspections and inspectors as tables
(tables.py), search (names, codes and the full text of what reports say: fulltext.py) and the
grade distribution per year.

Their SPARQL is in `queries/pages/*.rq`, run with parameters bound by VALUES (queries.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ... import vocab
from ...families import kind_labels
from .current import NO_OVERALL, standings
from .data import Row, page_select
from .fulltext import Text, TextHit, TextIndex
from .generation import per_generation
from .paths import href
from .tables import Column, Facet, Table

MAX_QUERY = 100  # characters of a search
SEARCH_LIMIT = 50  # hits of each kind (names, passages) on a page
# What a code typed into search can be: an Ofsted URN (digits), a DfE code (three digits) or a
# GSS code (E + eight digits); anything else is not looked up as a code.
CODE_CHARS = frozenset("0123456789E")


def _text(row: Row, name: str) -> str:
    return row[name].value if name in row else ""


# ------------------------------------------------------------------ search


@dataclass
class Hit:
    name: str
    kind: str
    href: str
    uri: str
    matched: str  # the name variant or the code that matched, when not the main name


def _needle(text: str) -> str:
    return " ".join(text.split())[:MAX_QUERY]


def search(text: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Authorities, inspectors and officials whose name (or a printed variant) contains `text`,
    case-insensitive; names starting with it first."""
    needle = _needle(text).lower()
    if not needle:
        return []
    return [
        Hit(
            r["name"].value,
            r["kind"].value,
            href(r["s"].value),
            r["s"].value,
            r["variant"].value if r["variant"].value != r["name"].value else "",
        )
        for r in page_select("name-search", {"needle": needle})[:limit]
    ]


def by_code(text: str) -> list[Hit]:
    """The authorities with this Ofsted URN, DfE code or GSS code (current or historical)."""
    code = _needle(text).upper()
    if not code or not set(code) <= CODE_CHARS:
        return []
    return [
        Hit(
            r["local_authority"].value,
            "Local authority",
            href(r["authority"].value),
            r["authority"].value,
            f"{r['matched'].value} {code}",
        )
        for r in page_select("authority-by-code", {"code": code})
    ]


def _texts() -> list[Text]:
    return [
        Text(
            item=r["item"].value,
            item_href=href(r["item"].value),
            list=r["list"].value,
            text=r["text"].value,
            inspection=r["inspection"].value,
            inspection_href=href(r["inspection"].value),
            inspection_label=_text(r, "inspection_label"),
            authority=_text(r, "local_authority"),
            start_date=_text(r, "start_date"),
        )
        for r in page_select("search-texts", {})
        if "text" in r
    ]


def search_texts(text: str, limit: int = SEARCH_LIMIT) -> list[TextHit]:
    """Recommendations and findings whose text has the words of `text`, most relevant first."""
    needle = _needle(text)
    if not needle:
        return []
    return per_generation("text index", lambda: TextIndex(_texts())).search(needle, limit)


LIST_LABELS = {"recommendation": "Recommendation", **vocab.FINDING_LISTS}


# ------------------------------------------------------------------ lists

NOT_GRADED = "not_graded"  # no graded inspection in the graph
ABOLISHED = "abolished"  # no GSS code in use: not an authority now
GRADE_STATES = {  # of an authority: its latest graded inspection's overall grade, or why none
    **vocab.GRADES,
    NO_OVERALL: "No overall grade (areas graded only)",
    NOT_GRADED: "No graded inspection in the graph",
    ABOLISHED: "Abolished authority",
}
NO_GRADE = "not graded"  # an inspection (visit, letter, review) with no overall grade


def _grade_order(key: str) -> tuple[int, int]:
    """Best first, then the states without a grade."""
    return (
        -vocab.GRADE_RANK.get(key, 0),
        list(GRADE_STATES).index(key) if key in GRADE_STATES else 99,
    )


def _by_name(row: dict) -> str:
    return row["name"].lower()


AUTHORITIES = Table(
    endpoint="pages.authority_list",
    noun="authorities",
    columns=(
        Column("name", "Authority", link="href", sort=_by_name),
        Column("region", "Region", sort=lambda r: (r["region"], _by_name(r))),
        Column("urn", "Ofsted URN", sort=lambda r: int(r["urn"])),
        Column("dfe_code", "DfE code"),
        Column(
            "inspections",
            "Inspections in the graph",
            sort=lambda r: (r["inspections"], _by_name(r)),
        ),
        Column("latest_date", "Latest graded inspection", link="latest_href"),
        Column(
            "grade",
            "Latest overall grade",
            sort=lambda r: (_grade_order(r["grade_key"]), _by_name(r)),
        ),
    ),
    facets=(
        Facet("region", "Region", lambda r: [r["region"]], order=lambda item: item[0]),
        Facet(
            "grade",
            "Latest overall grade",
            lambda r: [r["grade_key"]],
            label_of=lambda k: GRADE_STATES.get(k, k),
            order=lambda item: _grade_order(item[0]),
        ),
    ),
    sort="name",
    order="asc",
    csv_name="authorities.csv",
    uri_fields=("authority", "latest_inspection"),
    page_size=200,
)


def authority_rows() -> list[dict]:
    """Every authority with its codes, its number of inspections and, for a current authority,
    its latest graded inspection's overall grade (from current-judgements, as on /current)."""
    standing = {s.uri: s for s in standings()}
    rows = []
    for r in page_select("authority-list", {}):
        uri = r["authority"].value
        s = standing.get(uri)
        if r["current"].value != "true":
            key = ABOLISHED
        elif s is None:
            key = NOT_GRADED
        else:
            key = s.overall or NO_OVERALL
        rows.append(
            {
                "authority": uri,
                "href": href(uri),
                "name": r["local_authority"].value,
                "region": _text(r, "region"),
                "urn": r["urn"].value,
                "dfe_code": _text(r, "dfe_code"),
                "inspections": int(r["inspections"].value),
                "latest_inspection": s.latest if s else "",
                "latest_href": s.latest_href if s else "",
                "latest_date": s.latest_date if s else "",
                "grade_key": key,
                "grade": GRADE_STATES[key],
            }
        )
    return rows


INSPECTIONS = Table(
    endpoint="pages.inspection_list",
    noun="inspections",
    columns=(
        Column(
            "start_date",
            "First day",
            link="href",
            sort=lambda r: (r["start_date"], r["inspection"]),
        ),
        Column(
            "name",
            "Authority",
            link="authority_href",
            sort=lambda r: (_by_name(r), r["start_date"]),
        ),
        Column("region", "Region", sort=lambda r: (r["region"], r["start_date"])),
        Column("kind", "Kind of report", sort=lambda r: (r["kind"], r["start_date"])),
        Column(
            "grade",
            "Overall effectiveness",
            sort=lambda r: (_grade_order(r["grade_key"]), r["start_date"]),
        ),
    ),
    facets=(
        Facet(
            "kind",
            "Kind of report",
            lambda r: [r["kind_key"]],
            label_of=lambda k: kind_labels().get(k, k),
        ),
        Facet("year", "Year", lambda r: [r["start_date"][:4]], order=lambda item: item[0]),
        Facet(
            "grade",
            "Overall effectiveness",
            lambda r: [r["grade_key"]],
            label_of=lambda k: vocab.GRADES.get(k, NO_GRADE),
            order=lambda item: _grade_order(item[0]),
        ),
        Facet("region", "Authority's region", lambda r: [r["region"]], order=lambda item: item[0]),
    ),
    sort="start_date",
    order="desc",
    csv_name="inspections.csv",
    uri_fields=("inspection", "authority"),
)


def inspection_rows() -> list[dict]:
    rows = []
    for r in page_select("inspection-list", {}):
        grade = _text(r, "overall_effectiveness") or NO_OVERALL
        kind = _text(r, "kind")
        authority = _text(r, "authority")
        rows.append(
            {
                "inspection": r["inspection"].value,
                "href": href(r["inspection"].value),
                "start_date": _text(r, "start_date"),
                "authority": authority,
                "authority_href": href(authority) if authority else "",
                "name": _text(r, "local_authority"),
                "region": _text(r, "region"),
                "kind_key": kind,
                "kind": kind_labels().get(kind, kind),
                "grade_key": grade,
                "grade": vocab.GRADES.get(grade, NO_GRADE),
            }
        )
    return rows


def _role_order(key: str) -> int:
    """Roles in the vocabulary's order: lead inspector first."""
    return list(vocab.INSPECTOR_ROLES).index(key) if key in vocab.INSPECTOR_ROLES else 99


INSPECTORS = Table(
    endpoint="pages.inspector_list",
    noun="inspectors",
    columns=(
        Column("name", "Inspector", link="href", sort=_by_name),
        Column("led", "Inspections led", sort=lambda r: (r["led"], r["taken_part"])),
        Column(
            "taken_part", "Inspections taken part in", sort=lambda r: (r["taken_part"], r["led"])
        ),
        Column("roles", "Roles"),
        Column("first_date", "First inspection"),
        Column("last_date", "Latest inspection"),
    ),
    facets=(
        Facet(
            "role",
            "Role",
            lambda r: r["role_keys"],
            label_of=lambda k: vocab.INSPECTOR_ROLES.get(k, k),
            order=lambda item: _role_order(item[0]),
        ),
        Facet("year", "Year active", lambda r: r["years"], order=lambda item: item[0]),
    ),
    sort="name",
    order="asc",
    csv_name="inspectors.csv",
    uri_fields=("person",),
    page_size=200,
)


def inspector_rows() -> list[dict]:
    rows = []
    for r in page_select("inspector-list", {}):
        roles = sorted(r["roles"].value.split(), key=_role_order)
        rows.append(
            {
                "person": r["person"].value,
                "href": href(r["person"].value),
                "name": r["name"].value,
                "led": int(r["led"].value),
                "taken_part": int(r["taken_part"].value),
                "role_keys": roles,
                "roles": ", ".join(vocab.INSPECTOR_ROLES.get(k, k) for k in roles),
                "years": sorted(r["years"].value.split()),
                "first_date": _text(r, "first_date"),
                "last_date": _text(r, "last_date"),
            }
        )
    return rows


def grade_counts() -> dict[str, dict[str, int]]:
    """Per year of the inspection's first day: how many overall-effectiveness grades of each kind."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in page_select("grade-counts", {}):
        counts[r["year"].value][r["grade"].value] = int(r["n"].value)
    return dict(counts)
