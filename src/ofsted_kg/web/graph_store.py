"""The SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graph-store (alias /data):
GET ?graph=IRI reads a named graph (anyone); PUT replaces, POST adds to, DELETE drops a graph
(only with the write token)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from .formats import GRAPH_TYPES, NQUADS, TRIG, choose
from .pool import QueryJob
from .protocol import checked_iris
from .services import require_write_access, services
from .sparql import answer

bp = Blueprint("graph_store", __name__)


def _graph_iri() -> str:
    graph = request.args.get("graph")
    if not graph:
        abort(400, "name the graph with ?graph=IRI (this store keeps every graph named)")
    return checked_iris([graph], "graph")[0]


def _body_as_ntriples(graph: str) -> bytes:
    """The request body, parsed in its own format and re-written as N-Triples."""
    try:
        fmt = ox.RdfFormat.from_media_type(request.mimetype or "")
    except ValueError:
        fmt = None
    if fmt is None or fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        abort(
            415,
            "send the graph as text/turtle, application/n-triples, application/rdf+xml "
            "or application/ld+json",
        )
    try:
        quads = ox.parse(request.get_data(), format=fmt, base_iri=graph)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except SyntaxError as exc:
        abort(400, f"the graph does not parse as {request.mimetype}: {exc}")
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _exists(graph: str) -> bool:
    return graph in services().store.named_graphs()


@bp.route("/rdf-graph-store", methods=["GET", "PUT", "POST", "DELETE"])
@bp.route("/data", methods=["GET", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    graph = _graph_iri()
    state = services()
    if request.method == "GET":
        offered = tuple(t for t in GRAPH_TYPES if t not in (NQUADS, TRIG))
        media_type = choose(request.headers.get("Accept"), offered)
        if media_type is None:
            abort(406, f"this graph is available as {', '.join(offered)}")
        if not _exists(graph):
            abort(404, f"no graph <{graph}> in this store")
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return answer(QueryJob(sparql, solutions_format="", graph_format=media_type))
    require_write_access()
    existed = _exists(graph)
    if request.method == "DELETE":
        if not existed:
            abort(404, f"no graph <{graph}> in this store")
        state.store.drop_graph(graph)
    elif request.method == "PUT":
        state.store.replace_graph(graph, _body_as_ntriples(graph))
    else:
        body = _body_as_ntriples(graph).decode("utf-8")
        state.store.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
    state.runner.store_changed()
    return Response(status=201 if request.method != "DELETE" and not existed else 204)
