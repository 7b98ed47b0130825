"""The store interface every backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from ..formats import NTRIPLES, SPARQL_JSON, graph_format
from .results import ResultsError, Row, ask_result, select_results

T = TypeVar("T")


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

    # What `open_store` takes to open this store again (another process does: the server's
    # write worker).
    location: str = ""

    def folder(self) -> Path | None:
        """The folder holding the store when it is on this machine, so that other processes (the
        server's query workers) can open it themselves; None for a store they cannot open."""
        return None

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
    ) -> list[Row]:
        """All rows of a SELECT, each as {variable: Term} (unbound variables left out).

        Every query of the library and the pages goes through here; a backend whose server may
        cut results (RemoteStore) checks the row count and pages, so a caller never gets a cut
        result.
        """
        data, _ = self.query(
            sparql,
            result_format=SPARQL_JSON,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )
        return self._results(lambda: select_results(data)[1])

    def ask(self, sparql: str) -> bool:
        """The answer of an ASK."""
        data, _ = self.query(sparql, result_format=SPARQL_JSON)
        return self._results(lambda: ask_result(data))

    def construct(self, sparql: str) -> list[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE, in the order the store gave them."""
        data, media_type = self.query(sparql, result_format=NTRIPLES)
        fmt = graph_format(media_type) or ox.RdfFormat.N_TRIPLES
        try:
            return [quad.triple for quad in ox.parse(data, format=fmt)]
        except SyntaxError as exc:
            raise StoreError(
                f"the store answered a CONSTRUCT with unreadable {fmt}: {exc}"
            ) from None

    def _results(self, read: Callable[[], T]) -> T:
        try:
            return read()
        except ResultsError as exc:
            raise StoreError(f"the store answered a query with {exc}") from None

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
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
    ) -> tuple[bytes, str]:
        """Run a query; return (serialised result, media type).

        `result_format` is a media type (application/sparql-results+json, text/csv, text/turtle, …).
        Values reach a query as RDF terms written into its text (queries.py binds named queries'
        parameters in a VALUES block). The default graph is the union of all graphs unless
        `default_graphs` names some.
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
