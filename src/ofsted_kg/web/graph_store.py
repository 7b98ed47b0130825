"""The SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graph-store (alias /data):
GET ?graph=IRI reads a named graph (anyone); PUT replaces, POST adds to, DELETE drops a graph
(only with the write token)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from .formats import GRAPH_TYPES, NQUADS, TRIG, choose
from .pool import GraphJob, QueryJob
from .protocol import checked_iris
from .services import require_write_access, services
from .sparql import answer

bp = Blueprint("graph_store", __name__)


def _graph_iri() -> str:
    graph = request.args.get("graph")
    if not graph:
        abort(400, "name the graph with ?graph=IRI (this store keeps every graph named)")
    return checked_iris([graph], "graph")[0]


def _triple_format() -> str:
    """The body's media type, if it is a triple format the store can parse (415 if not)."""
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
    return request.mimetype


def _exists(graph: str) -> bool:
    return graph in services().store.named_graphs()


@bp.route("/rdf-graph-store", methods=["GET", "PUT", "POST", "DELETE"])
@bp.route("/data", methods=["GET", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    graph = _graph_iri()
    if request.method in ("GET", "HEAD"):
        offered = tuple(t for t in GRAPH_TYPES if t not in (NQUADS, TRIG))
        media_type = choose(request.headers.get("Accept"), offered)
        if media_type is None:
            abort(406, f"this graph is available as {', '.join(offered)}")
        if not _exists(graph):
            abort(404, f"no graph <{graph}> in this store")
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return answer(QueryJob(sparql, solutions_format="", graph_format=media_type))
    require_write_access()
    state = services()
    if request.method == "DELETE":
        job = GraphJob("DELETE", graph)
    else:
        # Parsed in the write worker, where an expanding body costs that worker only.
        job = GraphJob(
            request.method,
            graph,
            request.get_data(),
            _triple_format(),
            state.config.max_literal_chars,
        )
    existed = state.write(job)
    return Response(status=201 if request.method != "DELETE" and not existed else 204)
