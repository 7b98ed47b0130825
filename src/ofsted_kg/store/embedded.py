"""The embedded persistent store: pyoxigraph (RocksDB on disk), in process.

Chosen for speed (its SPARQL engine is orders of magnitude faster than rdflib's on joins) and for
transactions: each `update` and each `extend` is atomic, so a killed process leaves the store as
before or as after.

The store folder holds generations (generations.py): reads go to the live one, writes to the one
writer's working copy, published whole. Outside `writing()` each write is published at once
(what a server's SPARQL Update or Graph Store write needs); inside it, a build's writes are
published together when the block ends.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..clean import xml_safe_bytes
from ..formats import RdfFormat, ResultsFormat, graph_format, is_xml, results_format
from .base import Store, StoreError
from .generations import Layout, LiveReader, Writer, ensure_live

# A write outside a build waits this long for another writer (a build) before giving up (a
# server answers 503), and keeps the working copy open this long after its last write, so that
# a burst of writes does not reopen it each time while a waiting build is not held up for long;
# and never longer than WRITER_HOLD_SECONDS in all, so that a steady stream of writes cannot
# keep a build waiting.
WRITE_WAIT_SECONDS = 10.0
# Overrides WRITE_WAIT_SECONDS; read from the environment so that it reaches a server's write
# worker, a process of its own.
WRITE_WAIT_ENV = "OFSTED_KG_WRITE_WAIT"
WRITER_IDLE_SECONDS = 1.0
WRITER_HOLD_SECONDS = 5.0


def _write_wait() -> float:
    text = os.environ.get(WRITE_WAIT_ENV)
    try:
        return float(text) if text else WRITE_WAIT_SECONDS
    except ValueError:
        raise StoreError(f"${WRITE_WAIT_ENV} must be a number of seconds, not {text!r}") from None


def xml_checked(body: bytes, fmt: ResultsFormat | RdfFormat) -> bytes:
    """`body` serialised as `fmt`; for an XML format, with no character XML 1.0 forbids:
    pyoxigraph writes literals as they are, and a literal that came in by SPARQL Update may hold
    one (extracted text never does, see clean.xml_safe)."""
    return xml_safe_bytes(body) if is_xml(fmt) else body


@dataclass(frozen=True)
class ResultFormats:
    """The format for each form of query: a query's form is known only once the store has
    parsed it."""

    solutions: ResultsFormat  # SELECT
    boolean: ResultsFormat  # ASK (CSV and TSV have none)
    graph: RdfFormat  # CONSTRUCT, DESCRIBE

    @classmethod
    def for_media_type(cls, media_type: str) -> ResultFormats:
        """One media type for every form; a form it does not fit gets the default format."""
        results = results_format(media_type) or ResultsFormat.JSON
        return cls(results, results, graph_format(media_type) or RdfFormat.N_TRIPLES)


class EmbeddedStore(Store):
    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.location = str(path)
        self.read_only = read_only
        self._layout = Layout(path)
        self._reader = LiveReader(self._layout)
        self._writer: Writer | None = None
        self._in_build = False
        self._last_write = 0.0
        self._writer_since = 0.0
        # One timer at a time closes an idle writer: a thread per write would pile up under a
        # burst of writes, each with its stack (64 MiB in a server's write worker), until the
        # worker's address-space limit stopped RocksDB from starting its own threads.
        self._idle_timer: threading.Timer | None = None
        self._lock = threading.RLock()  # one writing thread at a time in this process
        try:
            if self._layout.live() is None and (not read_only or self._layout.is_previous_layout()):
                ensure_live(self._layout)  # the first, empty generation, or a converted store
            elif self._layout.live() is None:
                raise StoreError(f"cannot open store at {path}: no store there")
        except OSError as exc:
            if self._layout.is_previous_layout():
                raise StoreError(
                    f"cannot open store at {path}: it has the previous layout (one database in "
                    f"the folder) and converting it to generations failed: {exc}"
                ) from None
            raise StoreError(f"cannot open store at {path}: {exc}") from None

    def folder(self) -> Path:
        return self.path

    def live_generation(self) -> tuple[str, float] | None:
        return self._layout.published()

    @contextmanager
    def reading(self) -> Iterator[ox.Store]:
        """The pyoxigraph store reads go to: the live generation, or a build's working copy inside
        `writing()` (a build reads its own writes)."""
        if self._in_build and self._writer is not None:
            yield self._writer.store
            return
        with self._reader.using() as store:
            yield store

    @contextmanager
    def writing(self) -> Iterator[None]:
        if self.read_only:
            raise StoreError(f"the store at {self.path} is open read-only")
        with self._lock:
            self._close_writer()
            try:
                self._writer = Writer(self._layout, for_build=True)
            except OSError as exc:
                raise StoreError(f"cannot open store at {self.path}: {exc}") from None
            self._in_build = True
            try:
                yield
                try:
                    self._writer.publish()
                except OSError as exc:
                    raise StoreError(f"cannot write to the store at {self.path}: {exc}") from None
            finally:
                self._in_build = False
                self._close_writer()

    def _write(self, apply: Callable[[ox.Store], None]) -> None:
        """Apply one write: into the build's working copy, or published at once."""
        if self.read_only:
            raise StoreError(f"the store at {self.path} is open read-only")
        with self._lock:
            try:
                if self._in_build and self._writer is not None:
                    apply(self._writer.store)
                    return
                if self._writer is None:
                    self._writer = Writer(self._layout, for_build=False, wait=_write_wait())
                    self._writer_since = time.monotonic()
                self._writer.writing_one()
                apply(self._writer.store)
                self._writer.publish()
                self._reader.let_go_stale()  # this process's own handle on what it replaced
                if time.monotonic() - self._writer_since >= WRITER_HOLD_SECONDS:
                    self._close_writer()  # let a waiting build have its turn
            except OSError as exc:
                # A full disk or a read-only location fails the write; the update is one
                # transaction, unpublished, so the store keeps its previous state.
                self._close_writer()
                raise StoreError(f"cannot write to the store at {self.path}: {exc}") from None
            finally:
                if self._writer is not None and not self._in_build:
                    # Also after a refused update (a syntax error): the lock is never kept idle.
                    self._last_write = time.monotonic()
                    if self._idle_timer is None:
                        self._start_idle_timer(WRITER_IDLE_SECONDS)

    def _start_idle_timer(self, seconds: float) -> None:
        self._idle_timer = threading.Timer(seconds, self._close_idle_writer)
        self._idle_timer.daemon = True
        self._idle_timer.start()

    def _close_idle_writer(self) -> None:
        with self._lock:
            self._idle_timer = None
            if self._in_build or self._writer is None:
                return
            idle = time.monotonic() - self._last_write
            if idle >= WRITER_IDLE_SECONDS:
                self._close_writer()
            else:  # written to since this timer started: wait out the rest of the idle time
                self._start_idle_timer(WRITER_IDLE_SECONDS - idle)

    def _close_writer(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()

    def named_graphs(self) -> list[str]:
        with self.reading() as store:
            return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        # One SPARQL update is one transaction: drop and insert together, or not at all.
        # N-Triples is valid SPARQL triple syntax, so the graph goes in as it is.
        body = ntriples.decode("utf-8")
        self.update(
            f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"
        )

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def graph_ntriples(self, graph: str) -> bytes:
        with self.reading() as store:
            return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))

    def query(
        self,
        sparql: str,
        *,
        result_format: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
    ) -> tuple[bytes, str]:
        out = io.BytesIO()
        formats = ResultFormats.for_media_type(result_format)
        fmt = self.serialize_query(
            sparql,
            out,
            formats,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            union_default_graph=union_default_graph,
        )
        return xml_checked(out.getvalue(), fmt), fmt.media_type

    def serialize_query(
        self,
        sparql: str,
        out: BinaryIO,
        formats: ResultFormats,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
        base_iri: str | None = None,
    ) -> ResultsFormat | RdfFormat:
        """Run a query and write its result to `out` (which may refuse to grow: the server's
        query workers cap the size); return the format written, chosen by the query's form."""
        with self.reading() as store:
            results = store.query(
                sparql,
                base_iri=base_iri,
                use_default_graph_as_union=union_default_graph and not default_graphs,
                default_graph=[ox.NamedNode(g) for g in default_graphs] if default_graphs else None,
                named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None,
            )
            fmt: ResultsFormat | RdfFormat
            if isinstance(results, ox.QueryTriples):
                fmt = formats.graph
            elif isinstance(results, ox.QueryBoolean):
                fmt = formats.boolean
            else:
                fmt = formats.solutions
            results.serialize(out, format=fmt)
            return fmt

    def has_graph(self, graph: str) -> bool:
        with self.reading() as store:
            return store.contains_named_graph(ox.NamedNode(graph))

    def let_go_stale(self) -> None:
        """Close this process's handle on a generation a writer has replaced, so that it can be
        deleted (a long-running reader calls it when idle)."""
        self._reader.let_go_stale()

    def update(self, sparql: str) -> None:
        self._write(lambda store: store.update(sparql))

    def dump(self, media_type: str) -> bytes:
        fmt = graph_format(media_type) or RdfFormat.N_QUADS
        with self.reading() as store:
            return store.dump(format=fmt)

    def close(self) -> None:
        with self._lock:
            if self._idle_timer is not None:
                self._idle_timer.cancel()
                self._idle_timer = None
            self._close_writer()
        self._reader.close()
