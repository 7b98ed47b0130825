"""One worker process: `python -m ofsted_kg.web.worker ROLE FD STORE MAX_BYTES MEMORY_LIMIT`.

Role "query": holds the store's live generation open read-only (moving on when a writer
publishes a new one) and answers QueryJobs received on the connection FD with ("ok", (body, media
type)) or ("error", status, message); a DownloadJob with ("chunk", bytes) messages, then
("ok", None) or an error. Role "write": opens the store as its writer and runs UpdateJobs and
GraphJobs (writes.py); a write that met another writer (a build) is answered ("busy", message).
Started and killed by pool.QueryPool and pool.Writer; a separate interpreter (not fork) because
the server has threads and open store handles.

The process first limits its own memory (RLIMIT_AS; a MemoryError becomes an abort, which the
pool reports as out of memory), then runs its jobs on a thread with a large stack: the store's
parser and optimiser recurse over the query, and the thread's stack, not the environment's
`ulimit -s`, then decides how deep they can go (the text limits in sparql_text keep far below).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from ..formats import RdfFormat, ResultsFormat, graph_format, results_format
from ..limits import MIB, limit_memory
from ..store import Store, StoreError, open_store
from ..store.base import StoreBusy
from ..store.embedded import EmbeddedStore, ResultFormats, xml_checked
from .pool import (
    DownloadJob,
    GraphJob,
    QueryError,
    QueryJob,
    UpdateJob,
    admit,
    local_from_graphs,
)
from .writes import run_update, write_graph

STACK_BYTES = 64 * MIB  # address space; pages are used only as deep as the recursion goes


class _ResultTooLarge(Exception):
    pass


class _CappedBuffer:
    """A write target that refuses to grow past `limit` bytes (results are never truncated)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _ResultTooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def execute(store: EmbeddedStore, job: QueryJob, max_bytes: int) -> tuple[bytes, str]:
    if job.client is not None:
        must_exist = local_from_graphs(job, admit(job.sparql, job.client))
    else:
        must_exist = []
    for graph in must_exist:
        if not store.has_graph(graph):
            raise QueryError(
                400,
                f"FROM <{graph}>: no such graph in this dataset; this endpoint only queries its "
                "own graphs and never fetches remote data",
            )
    # The request handlers ask for the types they offer; a Graph Store read asks for a graph
    # format only.
    formats = ResultFormats(
        solutions=results_format(job.solutions_format) or ResultsFormat.JSON,
        boolean=results_format(job.boolean_format) or ResultsFormat.JSON,
        graph=graph_format(job.graph_format) or RdfFormat.N_TRIPLES,
    )
    buffer = _CappedBuffer(max_bytes)
    try:
        fmt = store.serialize_query(
            job.sparql,
            buffer,  # type: ignore[arg-type]  # a write target, as pyoxigraph takes it
            formats,
            default_graphs=list(job.default_graphs),
            named_graphs=list(job.named_graphs),
            union_default_graph=job.union_default_graph,
            base_iri=job.base_iri,
        )
    except _ResultTooLarge:
        raise QueryError(
            413,
            f"the result is larger than this server's limit of {max_bytes} bytes; "
            "add LIMIT/OFFSET to fetch it in pages",
        ) from None
    return xml_checked(b"".join(buffer.parts), fmt), fmt.media_type


# How often an idle worker lets go of a generation a build has replaced, so that it can be deleted.
IDLE_CHECK_SECONDS = 1.0


class _ChunkSender:
    """A write target that passes the output on to the server in chunks as it is written; sending
    waits while the server is behind, so the worker never holds more than a chunk."""

    CHUNK_BYTES = 256 * 1024

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        if self.size >= self.CHUNK_BYTES:
            self.send()
        return len(data)

    def flush(self) -> None:
        pass  # chunks are sent when full, and the rest at the end

    def send(self) -> None:
        if self.parts:
            self.conn.send(("chunk", b"".join(self.parts)))
        self.parts, self.size = [], 0


def send_download(store: EmbeddedStore, job: DownloadJob, conn: Connection) -> None:
    """The dataset in chunks; the answer that ends it is sent by the caller."""
    # Imported here: export.py loads rdflib (by the ontology module), which would make every
    # worker start slower, and workers are restarted often under a flood of slow queries.
    from ..export import write_dataset

    sender = _ChunkSender(conn)
    with store.reading() as generation:
        write_dataset(generation, job.fmt, sender, job.prefixes)  # type: ignore[arg-type]
    sender.send()


def _answer(conn: Connection, work: Callable[[], object]) -> None:
    """Run one job and send its answer; a job that runs out of memory ends the process (abort),
    since whatever it was doing may be half done."""
    try:
        conn.send(("ok", work()))
    except MemoryError:
        os.abort()
    except QueryError as exc:
        conn.send(("error", exc.status, exc.message))
    except SyntaxError as exc:
        conn.send(("error", 400, f"query syntax error: {exc}"))
    except StoreBusy as exc:
        conn.send(("busy", str(exc)))  # the server answers 503 with Retry-After
    except StoreError as exc:
        conn.send(("error", 503, str(exc)))
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        conn.send(("error", 400, f"failed: {exc}"))


def serve_queries(conn: Connection, path: Path, max_bytes: int) -> None:
    store = EmbeddedStore(path, read_only=True)  # reads the live generation, checked every job
    while True:
        try:
            while not conn.poll(IDLE_CHECK_SECONDS):
                store.let_go_stale()
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return

        def run(job: QueryJob | DownloadJob = job) -> tuple[bytes, str] | None:
            if isinstance(job, DownloadJob):
                return send_download(store, job, conn)
            return execute(store, job, max_bytes)

        _answer(conn, run)


def serve_writes(conn: Connection, location: str) -> None:
    store: Store | None = None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return

        def run(job: UpdateJob | GraphJob = job) -> object:
            nonlocal store
            # The embedded store opened for writing (its writes go through the generations'
            # writer), or a remote store.
            store = store or open_store(location)
            if isinstance(job, UpdateJob):
                return run_update(store, job)
            return write_graph(store, job)

        _answer(conn, run)


def main(argv: list[str]) -> None:
    role, fd, location, max_bytes, memory_limit = argv
    limit_memory(int(memory_limit))
    conn = Connection(int(fd))
    if role == "query":
        target, args = serve_queries, (conn, Path(location), int(max_bytes))
    else:
        target, args = serve_writes, (conn, location)
    threading.stack_size(STACK_BYTES)
    jobs = threading.Thread(target=target, args=args, name=f"{role}-jobs", daemon=True)
    jobs.start()
    jobs.join()


if __name__ == "__main__":
    main(sys.argv[1:])
