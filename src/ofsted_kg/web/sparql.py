"""/sparql: the SPARQL 1.1 Protocol endpoint (query, update), its service description, and the
query page for browsers."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for

from . import outbound, sparql_text
from .describe import service_description
from .formats import GRAPH_TYPES, HTML, UnknownFormat, choose, result_formats
from .pool import QueryError, QueryJob
from .protocol import Operation, checked_iris, read_operation
from .services import require_write_access, services

bp = Blueprint("sparql", __name__)


# Deeper nesting is refused before parsing: the store's recursive parser overflows its stack
# (and kills the query worker) at about 2,500 levels of { }; real queries use a handful.
MAX_NESTING = 256


def _check_nesting(text: str) -> None:
    depth = sparql_text.nesting_depth(text)
    if depth > MAX_NESTING:
        abort(
            400, f"the request nests {depth} levels of brackets; this server allows {MAX_NESTING}"
        )


def run_query(op: Operation, endpoint: str) -> Response:
    config = services().config
    _check_nesting(op.text)
    try:
        outbound.check_query(op.text, config.allowed_services, config.allow_private_services)
    except outbound.OutboundRefused as exc:
        abort(403, str(exc))
    try:
        solutions_format, boolean_format, graph_format = result_formats(
            request.headers.get("Accept"), op.all("format") + op.all("output")
        )
    except UnknownFormat as exc:
        abort(400, str(exc))
    from_graphs = [g[1:-1] for g in sparql_text.from_graphs(op.text) if g.startswith("<")]
    job = QueryJob(
        op.text,
        solutions_format=solutions_format,
        graph_format=graph_format,
        boolean_format=boolean_format,
        default_graphs=tuple(op.all("default-graph-uri")),
        named_graphs=tuple(op.all("named-graph-uri")),
        base_iri=endpoint,
        # The protocol's dataset parameters override FROM clauses (SPARQL 1.1 Protocol 2.1.4).
        local_graphs_only=()
        if op.all("default-graph-uri") or op.all("named-graph-uri")
        else tuple(from_graphs),
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
    _check_nesting(op.text)
    state = services()
    config = state.config
    try:
        outbound.check_update(op.text, config.allowed_services, config.allow_private_services)
    except outbound.OutboundRefused as exc:
        abort(403, str(exc))
    text = op.text
    using = checked_iris(op.all("using-graph-uri"), "using-graph-uri")
    using_named = checked_iris(op.all("using-named-graph-uri"), "using-named-graph-uri")
    if using or using_named:
        if sparql_text.has_dataset_clause(text):
            abort(
                400,
                "the update names its own dataset (USING/WITH) and the request gives "
                "using-graph-uri/using-named-graph-uri too; give one or the other",
            )
        try:
            text = sparql_text.add_using_clauses(text, using, using_named)
        except ValueError as exc:
            abort(400, str(exc))
    try:
        # The endpoint is the service-defined base IRI for relative IRIs in the update.
        state.store.update(f"BASE <{endpoint}>\n{text}")
    except SyntaxError as exc:
        abort(400, f"update syntax error: {exc}")
    except OSError as exc:
        abort(400, f"update failed: {exc}")
    finally:
        state.runner.store_changed()
    return Response("update done\n", content_type="text/plain; charset=utf-8")


def _examples() -> list:
    """The named queries, offered as examples on the query page."""
    if "named" not in current_app.blueprints:
        return []
    from .named import all_queries

    return sorted(all_queries().values(), key=lambda q: q.name)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    op = read_operation(request)
    g.sparql_kind = op.kind
    here = url_for("sparql.endpoint", _external=True)
    if op.kind == "query":
        return run_query(op, here)
    if op.kind == "update":
        return run_update(op, here)
    wanted = choose(request.headers.get("Accept"), (*GRAPH_TYPES[:4], HTML))
    if wanted == HTML:
        return Response(render_template("query.html", endpoint=here, examples=_examples()))
    return service_description(wanted or GRAPH_TYPES[0], here)
