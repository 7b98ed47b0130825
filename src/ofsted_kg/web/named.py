"""Named queries over HTTP: /queries lists them, /queries/NAME?param=value runs one, in the same
result formats as /sparql. The queries and their typed parameters come from queries.py; like the
CLI, they are rebased to the site's base, so both return the same rows under any base.

A browser (Accept preferring text/html, no `format`) asking for a SELECT query gets its page, as
Datasette shows canned queries: a form for the parameters, the rows as a sortable table with this
site's IRIs linked to their pages, and links to the same rows as CSV, JSON and SPARQL XML."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request, url_for

from .. import queries as named_api
from ..uris import Uris
from . import sparql_text
from .formats import HTML, SOLUTION_TYPES, UnknownFormat, choose, result_formats
from .pages.data import Node, uris
from .pages.paths import href
from .pool import QueryError
from .services import services

bp = Blueprint("named", __name__)

# The page shows at most this many rows (and says so); the downloads carry them all, within the
# query workers' result size limit.
PAGE_ROWS = 2000
# The form's input for each parameter type (queries.PARAMETER_TYPES): (type, step).
INPUT_TYPES = {
    "string": ("text", None),
    "iri": ("url", None),
    "date": ("date", None),
    "integer": ("number", "1"),
    "decimal": ("number", "any"),
}
DOWNLOADS = (("csv", "CSV"), ("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("tsv", "TSV"))


@cache
def _load(folder: str | None, base: str) -> dict[str, named_api.NamedQuery]:
    return named_api.load_queries(None if folder is None else Path(folder), Uris(base))


def all_queries() -> dict[str, named_api.NamedQuery]:
    folder = services().config.queries_folder
    if folder is not None and not Path(folder).is_dir():
        return {}
    return _load(folder, uris().base)


@bp.route("/queries")
def listing() -> Response:
    return Response(
        render_template(
            "queries.html", queries=sorted(all_queries().values(), key=lambda q: q.name)
        )
    )


@bp.route("/queries/<name>")
def run(name: str) -> Response:
    query = all_queries().get(name)
    if query is None:
        abort(404, f"no named query {name!r}; see /queries for the list")
    raw = {k: v for k, v in request.args.items() if k not in ("format", "output")}
    format_params = request.args.getlist("format") + request.args.getlist("output")
    form = sparql_text.query_form(query.sparql)
    # The server's types come first, so a client accepting anything (*/*) keeps getting SPARQL
    # JSON; a browser ranks text/html above everything else.
    if (
        form == "SELECT"
        and not format_params
        and choose(request.headers.get("Accept"), (*SOLUTION_TYPES, HTML)) == HTML
    ):
        return _page(query, raw)
    try:
        solutions_format, _, graph_format = result_formats(
            request.headers.get("Accept"), format_params
        )
    except UnknownFormat as exc:
        abort(400, str(exc))
    result_format = graph_format if form in ("CONSTRUCT", "DESCRIBE") else solutions_format
    try:
        body, media_type = named_api.run_named(services().queries, query, raw, result_format)
    except named_api.QueryParameterError as exc:
        abort(400, str(exc))
    except QueryError as exc:
        abort(exc.status, exc.message)
    response = Response(body, content_type=media_type)
    response.headers["Vary"] = "Accept"
    return response


@dataclass(frozen=True)
class Field:
    """One parameter as a form input."""

    parameter: named_api.Parameter
    input_type: str
    step: str | None
    value: str
    help: str


@dataclass(frozen=True)
class Cell:
    text: str
    link: str | None = None
    title: str | None = None


def _field(parameter: named_api.Parameter, raw: dict[str, str]) -> Field:
    input_type, step = INPUT_TYPES[parameter.type]
    notes = [parameter.description] if parameter.description else []
    if parameter.type == "iri":
        base = uris().base
        notes.append(
            f"an absolute IRI such as {base}id/…; this site's page /doc/X is about {base}id/X"
        )
    notes.append(
        f"default {parameter.default}"
        if parameter.default is not None
        else "optional: leave empty for all"
    )
    value = raw.get(parameter.name) or parameter.default or ""
    return Field(parameter, input_type, step, value, "; ".join(notes))


def _cell(node: Node | None) -> Cell:
    if node is None:
        return Cell("")
    if not node.is_uri:
        return Cell(f"{node.value} @{node.lang}" if node.lang else node.value)
    base = uris().base
    shown = node.value[len(base) :] if node.value.startswith(base) else node.value
    return Cell(shown, href(node.value), node.value)


def _link(query: named_api.NamedQuery, args: dict[str, str]) -> str:
    """The query's URL with these arguments (built by hand: a parameter may be called `name`)."""
    path = url_for("named.run", name=query.name)
    return f"{path}?{urlencode(args)}" if args else path


def _page(query: named_api.NamedQuery, raw: dict[str, str]) -> Response:
    """The query's HTML page; a bad parameter or a failed query is a message on it (4xx/5xx)."""
    given = {k: v for k, v in raw.items() if v != ""}
    error = None
    status = 200
    columns: list[str] = []
    rows: list[list[Cell]] = []
    total = 0
    try:
        body, _ = named_api.run_named(services().queries, query, raw, "json")
    except named_api.QueryParameterError as exc:
        error, status = str(exc), 400
    except QueryError as exc:
        error, status = exc.message, exc.status
    else:
        data = json.loads(body)
        columns = data["head"]["vars"]
        bindings = data["results"]["bindings"]
        total = len(bindings)
        rows = [
            [_cell(Node.from_json(b[c]) if c in b else None) for c in columns]
            for b in bindings[:PAGE_ROWS]
        ]
    page = render_template(
        "named_query.html",
        query=query,
        fields=[_field(p, raw) for p in query.parameters],
        error=error,
        columns=columns,
        rows=rows,
        total=total,
        page_rows=PAGE_ROWS,
        self_link=_link(query, given),
        downloads=[(label, _link(query, {**given, "format": key})) for key, label in DOWNLOADS],
    )
    response = Response(page, status=status, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response
