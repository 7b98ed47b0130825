"""Named SPARQL queries (`queries/*.rq`) with typed parameters, for the CLI and the web API.

Each file starts with a comment header:

    # title: Inspector history
    # description: One row per person per inspection ...
    # param: person iri — the person (optional: all people)
    # param: since date default 2000-01-01 — only inspections starting on or after this date
    # columns: person, name, role, ...

Parameter values arrive as text and are converted into typed rdflib terms (QueryParameterError
on a bad value); they reach the query as a VALUES block serialised with `term.n3()`, never by
splicing user text. The block goes at the start of the outer WHERE group, not after the query:
a trailing VALUES is joined after the WHERE clause's FILTERs have run (SPARQL 1.1 §18.2.4), so
filters could not use the parameters; inside the group it behaves the same on the embedded and on
remote SPARQL stores. A parameter without value and without default is left out of the block,
so it stays unbound, as UNDEF would leave it (queries test it with BOUND). With one row, each
parameter has a block of its own: Virtuoso 7 cannot compile a block of several variables in a
query that groups ("SP031 ... ssg_print_rvr_fixed_val()"), whether or not one is UNDEF.

The site's pages run queries of their own (`queries/pages/*.rq`, `page_query`), written the same
way. A page asking about several resources at once binds the parameters once per resource: each
binding is one row of the VALUES block (`query_text(query, *rows)`). A page of a long list adds
LIMIT and OFFSET (`paged`), which SPARQL does not let a VALUES block set; they are integers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .formats import RESULTS_KEYS, SPARQL_JSON, TABLE
from .ontology import rebase
from .resources import QUERIES, files_in, folder, query_files
from .store import Store
from .store.results import Row, select_results
from .uris import DEFAULT_BASE, Uris

PARAMETER_TYPES = ("string", "iri", "date", "integer", "decimal")

_HEADER = re.compile(r"^#\s*(title|description|param|columns)\s*:\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)"
    r"(?:\s+default\s+(?P<default>\S+))?\s*(?:[—–-]+\s*(?P<description>.*))?$"
)
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|^`\\]")
_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


class QueryParameterError(ValueError):
    """A parameter value is missing, unknown or not of its declared type."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    sparql: str
    path: Traversable


def parse_query_file(path: Traversable, uris: Uris | None = None) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    if uris is not None:
        text = rebase(text, uris)
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "param":
            p = _PARAM.match(value)
            if not p or p.group("type") not in PARAMETER_TYPES:
                raise ValueError(f"{path.name}: bad parameter declaration: {value!r}")
            params.append(
                Parameter(
                    p.group("name"),
                    p.group("type"),
                    p.group("default"),
                    p.group("description") or "",
                )
            )
        else:
            fields[key] = value
    if params and not _OUTER_WHERE.search(text):
        raise ValueError(f"{path.name}: a query with parameters needs an explicit WHERE {{")
    columns = tuple(c.strip() for c in fields.get("columns", "").split(",") if c.strip())
    name = Path(path.name).stem
    return NamedQuery(
        name=name,
        title=fields.get("title", name),  # a hand-written query file needs no header
        description=fields.get("description", ""),
        parameters=tuple(params),
        columns=columns,
        sparql=text,
        path=path,
    )


def load_queries(
    directory: Traversable | None = None, uris: Uris | None = None
) -> dict[str, NamedQuery]:
    """Every `*.rq` of `directory` (default: the package's named queries), by name (file stem),
    rebased to `uris`' base when given."""
    found = query_files() if directory is None else files_in(directory, ".rq")
    return {Path(p.name).stem: parse_query_file(p, uris) for p in found}


PAGE_QUERIES = "pages"  # queries/pages/: the queries the site's own pages run


def page_query(name: str, uris: Uris | None = None) -> NamedQuery:
    """`queries/pages/NAME.rq`, one of the queries behind the site's pages. They follow the
    named queries' header conventions, so they can be read, tested and run from the CLI
    (`ofsted-kg query queries/pages/NAME.rq`); they are not listed among the named queries.
    Read once per base (a page runs several on every request)."""
    return _page_query(name, uris.base if uris else DEFAULT_BASE)  # the default: as written


@cache
def _page_query(name: str, base: str) -> NamedQuery:
    return parse_query_file(folder(QUERIES) / PAGE_QUERIES / f"{name}.rq", Uris(base))


def page_query_names() -> list[str]:
    """The names of the page queries, `queries/pages/*.rq`."""
    return [Path(f.name).stem for f in files_in(folder(QUERIES) / PAGE_QUERIES, ".rq")]


def convert(parameter: Parameter, raw: str) -> Node:
    """One raw text value as an RDF term of the parameter's type."""
    value = raw.strip()
    try:
        if parameter.type == "string":
            return Literal(value)
        if parameter.type == "iri":
            if not re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I) or _IRI_FORBIDDEN.search(value):
                raise ValueError("not an absolute IRI")
            return URIRef(value)
        if parameter.type == "date":
            return Literal(date.fromisoformat(value).isoformat(), datatype=XSD.date)
        if parameter.type == "integer":
            return Literal(int(value), datatype=XSD.integer)
        if parameter.type == "decimal":
            return Literal(Decimal(value), datatype=XSD.decimal)
    except (ValueError, InvalidOperation):
        pass
    raise QueryParameterError(
        f"parameter {parameter.name}: {raw!r} is not a valid {parameter.type}"
    )


def bind_parameters(query: NamedQuery, raw: Mapping[str, str]) -> dict[str, Node]:
    """Typed terms for the given raw values and the defaults; unknown names are an error."""
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise QueryParameterError(f"unknown parameter(s) for {query.name}: {', '.join(unknown)}")
    bound: dict[str, Node] = {}
    for p in query.parameters:
        value = raw.get(p.name)
        if value is None or value == "":
            value = p.default
        if value is not None:
            bound[p.name] = convert(p, value)
    return bound


def values_block(query: NamedQuery, *rows: Mapping[str, Node]) -> str:
    """The VALUES of the parameters bound in some row (see the module docstring for the form)."""
    names = [p.name for p in query.parameters if any(p.name in row for row in rows)]
    if len(rows) == 1:
        return " ".join(f"VALUES ?{name} {{ {rows[0][name].n3()} }}" for name in names)
    if not names:
        return ""
    terms = (" ".join(row[n].n3() if n in row else "UNDEF" for n in names) for row in rows)
    variables = " ".join(f"?{name}" for name in names)
    return f"VALUES ({variables}) {{ {' '.join(f'({t})' for t in terms)} }}"


def query_text(query: NamedQuery, bound: Mapping[str, Node], *more: Mapping[str, Node]) -> str:
    """The query with its parameters bound (see the module docstring for where); each further
    binding is another row of the VALUES block, so the query answers for every row at once."""
    block = values_block(query, bound, *more)
    if not block:
        return query.sparql
    match = _OUTER_WHERE.search(query.sparql)
    assert match is not None  # checked when the file was parsed
    return f"{query.sparql[: match.end()]}\n  {block}\n{query.sparql[match.end() :]}"


def paged(sparql: str, limit: int, offset: int = 0) -> str:
    """A SELECT query's rows from `offset`, at most `limit` of them (the query has no LIMIT or
    OFFSET of its own)."""
    return f"{sparql}\nLIMIT {int(limit)} OFFSET {int(offset)}"


def run_named(
    store: Store, query: NamedQuery, raw: Mapping[str, str], result_format: str
) -> tuple[bytes, str]:
    """Run a named query; result_format is one of formats.QUERY_OUTPUTS (or a media type)."""
    sparql = query_text(query, bind_parameters(query, raw))
    if result_format == TABLE:
        data, _ = store.query(sparql, result_format=SPARQL_JSON)
        return table_text(*select_results(data)).encode("utf-8"), "text/plain; charset=utf-8"
    return store.query(sparql, result_format=RESULTS_KEYS.get(result_format, result_format))


def select_named(store: Store, query: NamedQuery, raw: Mapping[str, str]) -> list[Row]:
    """The rows of a named query with these parameter values."""
    return store.select(query_text(query, bind_parameters(query, raw)))


def table_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    """Rows as an aligned plain-text table, with the row count."""
    cells = [columns] + [[row.get(c, "") for c in columns] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def rows_to_csv(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
