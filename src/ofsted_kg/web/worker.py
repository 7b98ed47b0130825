"""One query worker process: `python -m ofsted_kg.web.worker FD STORE MAX_BYTES`.

It holds the store's live generation open read-only (moving on when a writer publishes a new
one) and answers QueryJobs received on the connection FD with ("ok", body, media type) or
("error", status, message); a DownloadJob with ("chunk", bytes) messages, then ("ok", b"", "")
or an error. Started and killed by pool.QueryPool; a
separate interpreter (not fork) because the server has threads and an open RocksDB handle.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..export import write_dataset
from ..store.base import StoreError
from ..store.embedded import GRAPH_FORMATS, RESULT_FORMATS, to_oxigraph_term, xml_checked
from ..store.generations import Layout, LiveReader
from .pool import DownloadJob, QueryError, QueryJob


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


def execute(store: ox.Store, job: QueryJob, max_bytes: int) -> tuple[bytes, str]:
    for graph in job.local_graphs_only:
        if not store.contains_named_graph(ox.NamedNode(graph)):
            raise QueryError(
                400,
                f"FROM <{graph}>: no such graph in this dataset; this endpoint only queries its "
                "own graphs and never fetches remote data",
            )
    substitutions = {ox.Variable(k): to_oxigraph_term(v) for k, v in job.bindings.items()}
    results = store.query(
        job.sparql,
        base_iri=job.base_iri,
        use_default_graph_as_union=job.union_default_graph and not job.default_graphs,
        default_graph=[ox.NamedNode(g) for g in job.default_graphs] or None,
        named_graphs=[ox.NamedNode(g) for g in job.named_graphs] or None,
        substitutions=substitutions or None,
    )
    if isinstance(results, ox.QueryTriples):
        fmt = GRAPH_FORMATS[job.graph_format]
    else:
        is_boolean = isinstance(results, ox.QueryBoolean)
        fmt = RESULT_FORMATS[job.boolean_format if is_boolean else job.solutions_format]
    buffer = _CappedBuffer(max_bytes)
    try:
        results.serialize(buffer, format=fmt)
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


def send_download(store: ox.Store, job: DownloadJob, conn: Connection) -> None:
    sender = _ChunkSender(conn)
    write_dataset(store, job.fmt, sender, job.prefixes)  # type: ignore[arg-type]
    sender.send()
    conn.send(("ok", b"", ""))


def serve(conn: Connection, path: Path, max_bytes: int) -> None:
    reader = LiveReader(Layout(path))  # the live generation, checked before every query
    while True:
        try:
            while not conn.poll(IDLE_CHECK_SECONDS):
                reader.let_go_stale()
            _generation, job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            with reader.using() as store:
                if isinstance(job, DownloadJob):
                    send_download(store, job, conn)
                else:
                    conn.send(("ok", *execute(store, job, max_bytes)))
        except QueryError as exc:
            conn.send(("error", exc.status, exc.message))
        except SyntaxError as exc:
            conn.send(("error", 400, f"query syntax error: {exc}"))
        except StoreError as exc:
            conn.send(("error", 503, f"the store is not available: {exc}"))
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            conn.send(("error", 400, f"query failed: {exc}"))


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])), Path(sys.argv[2]), int(sys.argv[3]))
