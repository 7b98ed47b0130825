"""/sparql: the SPARQL 1.1 Protocol endpoint (query, update), its service description, and the
query page for browsers."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for

from .. import queries
from .app import content_security_policy
from .describe import service_description
from .formats import GRAPH_TYPES, HTML, UnknownFormat, choose, result_formats
from .pages.data import uris
from .pool import ClientText, QueryError, QueryJob, UpdateJob
from .protocol import Operation, checked_iris, read_operation
from .services import require_write_access, services

bp = Blueprint("sparql", __name__)

# The two <style> elements YASGUI's result table inserts (its bundled column-resizer: the
# resizable table's rules, and the cursor while a column is dragged), fixed texts allowed by their
# hashes on /sparql only; every other style of YASGUI comes from its stylesheet or the CSSOM,
# which CSP does not restrict. The browser test fails on any CSP violation, so a new YASGUI
# version with other texts is noticed.
YASGUI_STYLE_HASHES = (
    "sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=",
    "sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg=",
)


def _client_text() -> ClientText:
    config = services().config
    return ClientText(config.allowed_services, config.allow_private_services)


def run_query(op: Operation, endpoint: str) -> Response:
    # The text is only passed on: the query worker checks it (sparql_text.outline) under the
    # deadline, before the store parses it.
    try:
        solutions_format, boolean_format, graph_format = result_formats(
            request.headers.get("Accept"), op.all("format") + op.all("output")
        )
    except UnknownFormat as exc:
        abort(400, str(exc))
    job = QueryJob(
        op.text,
        solutions_format=solutions_format,
        graph_format=graph_format,
        boolean_format=boolean_format,
        default_graphs=tuple(op.all("default-graph-uri")),
        named_graphs=tuple(op.all("named-graph-uri")),
        base_iri=endpoint,
        client=_client_text(),
    )
    return answer(job, ad_hoc=True)


def answer(job: QueryJob, *, ad_hoc: bool = False) -> Response:
    try:
        body, media_type = services().runner.run(job, ad_hoc=ad_hoc)
    except QueryError as exc:
        abort(exc.status, exc.message)
    response = Response(body, content_type=media_type)
    response.headers["Vary"] = "Accept"
    return response


def run_update(op: Operation, endpoint: str) -> Response:
    require_write_access()
    job = UpdateJob(
        op.text,
        base_iri=endpoint,
        client=_client_text(),
        using=tuple(checked_iris(op.all("using-graph-uri"), "using-graph-uri")),
        using_named=tuple(checked_iris(op.all("using-named-graph-uri"), "using-named-graph-uri")),
    )
    services().write(job)
    return Response("update done\n", content_type="text/plain; charset=utf-8")


def _examples() -> list[tuple[str, str, str, str]]:
    """The named queries, offered as examples on the query page: (name, title, description, text),
    the text with the parameters' defaults bound, so each runs as it would from /queries."""
    if "named" not in current_app.blueprints:
        return []
    from .named import all_queries

    return [
        (q.name, q.title, q.description, queries.query_text(q, queries.bind_parameters(q, {})))
        for q in sorted(all_queries().values(), key=lambda q: q.name)
    ]


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    op = read_operation(request, services().config.max_query_bytes)
    g.sparql_kind = op.kind
    here = url_for("sparql.endpoint", _external=True)
    if op.kind == "query":
        return run_query(op, here)
    if op.kind == "update":
        return run_update(op, here)
    wanted = choose(request.headers.get("Accept"), (*GRAPH_TYPES[:4], HTML))
    if wanted == HTML:
        page = Response(
            render_template("query.html", endpoint=here, examples=_examples(), iri_base=uris().base)
        )
        page.headers["Content-Security-Policy"] = content_security_policy(*YASGUI_STYLE_HASHES)
        return page
    return service_description(wanted or GRAPH_TYPES[0], here)
