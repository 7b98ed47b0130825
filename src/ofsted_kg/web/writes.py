"""What the write worker does (worker.py, role "write"): SPARQL Updates and Graph Store writes, on
the store it holds open for writing. Never run in the server process: a crash, a runaway update
or a body that expands in parsing costs this worker only."""

from __future__ import annotations

import xml.parsers.expat

import pyoxigraph as ox

from ..store.base import Store, StoreBusy, StoreError
from . import sparql_text
from .pool import GraphJob, QueryError, UpdateJob, admit


def run_update(store: Store, job: UpdateJob) -> None:
    admit(job.text, job.client)
    text = job.text
    if job.using or job.using_named:
        if sparql_text.has_dataset_clause(text):
            raise QueryError(
                400,
                "the update names its own dataset (USING/WITH) and the request gives "
                "using-graph-uri/using-named-graph-uri too; give one or the other",
            )
        try:
            text = sparql_text.add_using_clauses(text, list(job.using), list(job.using_named))
        except ValueError as exc:
            raise QueryError(400, str(exc)) from None
    try:
        # The endpoint is the service-defined base IRI for relative IRIs in the update.
        store.update(f"BASE <{job.base_iri}>\n{text}")
    except SyntaxError as exc:
        raise QueryError(400, f"update syntax error: {exc}") from None
    except StoreBusy:
        raise  # another writer (a build): 503, worth retrying
    except (OSError, StoreError) as exc:
        raise QueryError(400, f"update failed: {exc}") from None


def write_graph(store: Store, job: GraphJob) -> bool:
    """PUT, POST or DELETE one graph; returns whether the graph existed before."""
    existed = job.graph in store.named_graphs()
    if job.method == "DELETE":
        if not existed:
            raise QueryError(404, f"no graph <{job.graph}> in this store")
        store.drop_graph(job.graph)
    elif job.method == "PUT":
        store.replace_graph(job.graph, graph_as_ntriples(job))
    else:
        body = graph_as_ntriples(job).decode("utf-8")
        store.update(f"INSERT DATA {{ GRAPH <{job.graph}> {{\n{body}\n}} }}")
    return existed


def graph_as_ntriples(job: GraphJob) -> bytes:
    """The request body, parsed in its own format (already checked to be a triple format) and
    re-written as N-Triples; 400 if it does not parse or declares XML entities, 413 for a
    literal longer than `job.max_literal_chars`."""
    fmt = ox.RdfFormat.from_media_type(job.media_type)
    if fmt == ox.RdfFormat.RDF_XML:
        refuse_entities(job.body)
    triples = []
    try:
        for quad in ox.parse(job.body, format=fmt, base_iri=job.graph):
            value = quad.object
            if isinstance(value, ox.Literal) and len(value.value) > job.max_literal_chars:
                raise QueryError(
                    413,
                    f"the graph holds a literal of {len(value.value)} characters; this server "
                    f"takes literals of up to {job.max_literal_chars}",
                )
            triples.append(ox.Triple(quad.subject, quad.predicate, value))
    except SyntaxError as exc:
        raise QueryError(400, f"the graph does not parse as {job.media_type}: {exc}") from None
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


class _EntityDeclared(Exception):
    pass


class _PrologRead(Exception):
    pass


def refuse_entities(body: bytes) -> None:
    """Refuse (400) RDF/XML whose DTD declares an entity: the store's RDF/XML parser expands
    them, so a few hundred bytes of nested entities ("billion laughs") make gigabytes, and an
    external one names a file. Only the prolog is read: declarations come before the root
    element, and expat reports each before expanding anything."""

    def declared(name: str, *_: object) -> None:
        raise _EntityDeclared(name)

    def root_element(*_: object) -> None:
        raise _PrologRead

    parser = xml.parsers.expat.ParserCreate()
    parser.EntityDeclHandler = declared
    parser.StartElementHandler = root_element
    try:
        parser.Parse(body, True)
    except _EntityDeclared as exc:
        raise QueryError(
            400,
            f"the RDF/XML declares the entity {exc.args[0]!r} in its DTD; entity declarations "
            "are refused (they can expand a small body into gigabytes); expand them first",
        ) from None
    except (_PrologRead, xml.parsers.expat.ExpatError):
        return  # the prolog declared nothing (or is not XML: the RDF/XML parser says why)
