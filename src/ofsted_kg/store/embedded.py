"""The embedded persistent store: pyoxigraph (RocksDB on disk), in process.

Chosen for speed (its SPARQL engine is orders of magnitude faster than rdflib's on joins) and for
transactions: each `update` and each `extend` is atomic, so a killed process leaves the store as
before or as after.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from ..clean import xml_safe_bytes
from .base import Store, StoreError

# Media types pyoxigraph serialises query results and graphs to.
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


_XML_MEDIA_TYPES = ("application/sparql-results+xml", "application/rdf+xml")


def xml_checked(body: bytes, fmt: ox.QueryResultsFormat | ox.RdfFormat) -> bytes:
    """`body` serialised as `fmt`; for an XML format, with no character XML 1.0 forbids:
    pyoxigraph writes literals as they are, and a literal that came in by SPARQL Update may hold
    one (extracted text never does, see clean.xml_safe)."""
    return xml_safe_bytes(body) if fmt.media_type in _XML_MEDIA_TYPES else body


def to_oxigraph_term(value: object) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term (or a pyoxigraph term) as a pyoxigraph term."""
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    from rdflib import BNode, Literal, URIRef

    if isinstance(value, URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, BNode):
        return ox.BlankNode(str(value))
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    raise TypeError(f"not an RDF term: {value!r}")


class EmbeddedStore(Store):
    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        try:
            if read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open store at {path}: {exc}") from None

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for code that needs its native API."""
        return self._store

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        # One SPARQL update is one transaction: drop and insert together, or not at all.
        # N-Triples is valid SPARQL triple syntax, so the graph goes in as it is.
        body = ntriples.decode("utf-8")
        try:
            self._store.update(
                f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"
            )
        except OSError as exc:
            raise StoreError(f"cannot write graph {graph}: {exc}") from None

    def drop_graph(self, graph: str) -> None:
        self._store.update(f"DROP SILENT GRAPH <{graph}>")

    def graph_ntriples(self, graph: str) -> bytes:
        return self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))

    def query(
        self,
        sparql: str,
        *,
        result_format: str,
        bindings: Mapping[str, object] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
    ) -> tuple[bytes, str]:
        substitutions = {ox.Variable(k): to_oxigraph_term(v) for k, v in (bindings or {}).items()}
        results = self._store.query(
            sparql,
            use_default_graph_as_union=union_default_graph and not default_graphs,
            default_graph=[ox.NamedNode(g) for g in default_graphs] if default_graphs else None,
            named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None,
            substitutions=substitutions or None,
        )
        if isinstance(results, ox.QueryTriples):
            fmt = GRAPH_FORMATS.get(result_format, ox.RdfFormat.N_TRIPLES)
        else:
            fmt = RESULT_FORMATS.get(result_format, ox.QueryResultsFormat.JSON)
        return xml_checked(results.serialize(format=fmt), fmt), fmt.media_type

    def update(self, sparql: str) -> None:
        # A full disk or a read-only location fails the write; the update is one transaction,
        # so the store keeps its previous state and the caller gets one plain reason.
        try:
            self._store.update(sparql)
        except OSError as exc:
            raise StoreError(f"cannot write to the store at {self.path}: {exc}") from None

    def dump(self, media_type: str) -> bytes:
        fmt = GRAPH_FORMATS.get(media_type, ox.RdfFormat.N_QUADS)
        return self._store.dump(format=fmt)

    def close(self) -> None:
        if self.read_only:
            return  # pyoxigraph refuses to flush a read-only instance; it has nothing to write
        try:
            self._store.flush()
        except OSError as exc:
            raise StoreError(f"cannot write to the store at {self.path}: {exc}") from None
