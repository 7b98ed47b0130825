"""Named queries over HTTP: /queries lists them, /queries/NAME?param=value runs one, in the same
result formats as /sparql. The queries and their typed parameters come from queries.py; like the
CLI, they are rebased to the site's base, so both return the same rows under any base."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request

from .. import queries as named_api
from ..uris import Uris
from . import sparql_text
from .formats import UnknownFormat, result_formats
from .pages.data import uris
from .pool import QueryError
from .services import PooledStore, services

bp = Blueprint("named", __name__)


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
    try:
        solutions_format, _, graph_format = result_formats(
            request.headers.get("Accept"),
            request.args.getlist("format") + request.args.getlist("output"),
        )
    except UnknownFormat as exc:
        abort(400, str(exc))
    form = sparql_text.query_form(query.sparql)
    result_format = graph_format if form in ("CONSTRUCT", "DESCRIBE") else solutions_format
    state = services()
    try:
        body, media_type = named_api.run_named(
            PooledStore(state.store, state.runner), query, raw, result_format
        )
    except named_api.QueryParameterError as exc:
        abort(400, str(exc))
    except QueryError as exc:
        abort(exc.status, exc.message)
    response = Response(body, content_type=media_type)
    response.headers["Vary"] = "Accept"
    return response
