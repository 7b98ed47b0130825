"""The store interface every backend implements."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


def ntriples_as_nquads(ntriples: bytes, graph: str) -> bytes:
    """N-Triples text as N-Quads text in `graph` (one statement a line, as N-Triples writers put it)."""
    suffix = f" <{graph}> .\n".encode()
    lines = (line.rstrip() for line in ntriples.splitlines())
    return b"".join(line[:-1].rstrip() + suffix for line in lines if line.endswith(b"."))


class StoreError(Exception):
    """The store cannot do what was asked; the message is for the user."""


class StoreBusy(StoreError):
    """Another writer holds the store for longer than this write may wait (a server answers 503)."""


NO_UNION_DEFAULT_GRAPH = (
    "the store's default graph is not the union of its named graphs, which the named queries "
    "and the pages read: turn it on there (Oxigraph server: --union-default-graph; see "
    "docs/web.md)"
)


class Store(ABC):
    """A quad store with named graphs, SPARQL 1.1 query and update.

    Graphs travel as N-Triples/N-Quads text (`bytes`), the one format every backend and every
    SPARQL store reads fast; query results travel in a standard results format.
    """

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """IRIs of all named graphs."""

    @abstractmethod
    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Make `graph` hold exactly these triples, atomically: readers see old or new, never half."""

    def replace_graphs(self, graphs: Mapping[str, bytes], then: str = "") -> None:
        """Make each graph hold exactly its triples (none: dropped), then run the update `then`.

        Here all of it is one SPARQL update, one transaction on a store with transactions. A
        backend that must split the writes (a remote store's size limits) writes the graphs first
        and `then` last, so `then` (the build's manifest entry) is the commit: a write killed
        before it leaves the manifest as it was, and the next build writes the graphs again.
        """
        operations = []
        for graph, ntriples in graphs.items():
            operations.append(f"DROP SILENT GRAPH <{graph}>")
            if ntriples.strip():
                body = ntriples.decode("utf-8")
                operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
        if then:
            operations.append(then)
        if operations:
            self.update(" ;\n".join(operations))

    def select(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> list[dict[str, str]]:
        """All rows of a SELECT, each as {variable: value} (unbound variables left out).

        The library's own queries go through here; a backend whose server may cut results
        (RemoteStore) checks the row count and pages, so a caller never gets a cut result.
        """
        data, _ = self.query(
            sparql,
            result_format="application/sparql-results+json",
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )
        rows = json.loads(data)["results"]["bindings"]
        return [{name: term["value"] for name, term in row.items()} for row in rows]

    def has_union_default_graph(self, *, write_probe: bool = True) -> bool:
        """Whether a query without a dataset sees every named graph (the named queries and the
        pages rely on it). The embedded store makes the union itself, for every query.

        On an empty store only a written probe can tell: without `write_probe`, an empty store
        counts as having the union (there is nothing to miss).
        """
        return True

    @abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove `graph` and its triples (no error if absent)."""

    @abstractmethod
    def graph_ntriples(self, graph: str) -> bytes:
        """The triples of one named graph as N-Triples."""

    @abstractmethod
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
        """Run a query; return (serialised result, media type).

        `result_format` is a media type (application/sparql-results+json, text/csv, text/turtle, …).
        `bindings` maps variable names to RDF terms (pyoxigraph terms or rdflib terms) that are
        substituted as terms, never spliced into the query text. The default graph is the union
        of all graphs unless `default_graphs` names some.
        """

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""

    @abstractmethod
    def dump(self, media_type: str) -> bytes:
        """The whole dataset (all named graphs) in a quad format (N-Quads or TriG)."""

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Group writes (a build's) so that readers see all of them or none, from the end of the
        block. Backends whose every update is already atomic and immediately visible need nothing."""
        yield

    def live_generation(self) -> tuple[str, float] | None:
        """The name of the data readers see now and its publication time (a POSIX timestamp),
        where the backend keeps generations (store/generations.py); None where it does not."""
        return None

    def close(self) -> None:  # noqa: B027 - optional for backends with nothing to release
        """Release resources."""
