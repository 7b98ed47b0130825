"""The store interface every backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


class StoreError(Exception):
    """The store cannot do what was asked; the message is for the user."""


class StoreBusy(StoreError):
    """Another writer holds the store for longer than this write may wait (a server answers 503)."""


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

    def close(self) -> None:  # noqa: B027 - optional for backends with nothing to release
        """Release resources."""
