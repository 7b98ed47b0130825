"""Queries and writes run in worker processes with a real deadline and a memory limit.

pyoxigraph cannot cancel a running query, and a thread cannot be killed, so each query runs in one
of a fixed number of worker processes (worker.py), each holding the store open read-only. A query
that passes its time limit gets its worker killed (the query really stops, its memory is freed)
and a fresh worker started in its place; other queries keep running in the other workers.

Two lanes keep the site up while the open endpoint is flooded: ad-hoc queries sent to /sparql
use the shared workers only, and at most `max_waiting` of them wait for one (more get 503 at
once, so a flood cannot hold every request thread); the site's own queries (pages, named
queries, descriptions) also have `reserved` workers that ad-hoc queries never take.

Every worker runs under a memory limit (RLIMIT_AS, `limits.py`): a query that grows past it
kills its own worker, which is replaced like one past its deadline, and the client is told why.
Writes (SPARQL Update, Graph Store PUT/POST/DELETE) go to one write worker (`Writer`), so a
crash or a runaway update never takes the server process with it.

Client text is checked in the worker too (`admit`): lexing, nesting and chain limits, SERVICE and
LOAD targets. A request thread only passes text along, so a large hostile text costs a worker
under its deadline, never the threads that serve the site.

Query workers read the store's live generation (store/generations.py): before each query a worker
checks which generation is live and opens it if a writer (this server's write worker, or
`ofsted-kg build` in another process) has published a new one since, so every write is visible to
the next query. Downloads (`stream`) run in a query worker too, under the same memory limit, and
come back in chunks.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar, cast

from ..limits import death_reason
from ..store.base import StoreBusy, StoreError
from . import outbound, sparql_text

T = TypeVar("T")


class QueryError(Exception):
    """The query cannot be answered; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ClientText:
    """Marks text a client wrote (not the site's own queries): checked by `admit` before the
    store parses it, against the operator's SERVICE/LOAD allow-list."""

    allowed_services: tuple[str, ...] = ()
    allow_private_services: bool = False


def admit(text: str, client: ClientText) -> sparql_text.Outline:
    """The checks on a client's query or update, in one pass over its text: nesting and chain
    limits (400), SERVICE and LOAD targets (403). Runs where the query runs, under its deadline."""
    try:
        found = sparql_text.outline(text)
        outbound.check_outline(found, client.allowed_services, client.allow_private_services)
    except sparql_text.TooComplex as exc:
        raise QueryError(400, str(exc)) from None
    except outbound.OutboundRefused as exc:
        raise QueryError(403, str(exc)) from None
    return found


def local_from_graphs(job: QueryJob, found: sparql_text.Outline) -> list[str]:
    """The FROM / FROM NAMED graphs of a client's query that must exist in the store: the protocol's
    dataset parameters override FROM clauses (SPARQL 1.1 Protocol 2.1.4), so none if given."""
    if job.default_graphs or job.named_graphs:
        return []
    return [graph[1:-1] for graph in found.from_graphs if graph.startswith("<")]


@dataclass(frozen=True)
class QueryJob:
    sparql: str
    solutions_format: str  # media type for SELECT / ASK results
    graph_format: str  # media type for CONSTRUCT / DESCRIBE results
    boolean_format: str = "application/sparql-results+json"  # for ASK (CSV/TSV have no boolean)
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union_default_graph: bool = True
    base_iri: str | None = None
    client: ClientText | None = None  # set for text a client wrote: checked by `admit` first


@dataclass(frozen=True)
class UpdateJob:
    """A client's SPARQL Update, with the protocol's using-graph-uri / using-named-graph-uri."""

    text: str
    base_iri: str
    client: ClientText
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphJob:
    """A Graph Store Protocol write: PUT (replace), POST (add to) or DELETE one named graph."""

    method: str
    graph: str
    body: bytes = b""
    media_type: str = ""
    max_literal_chars: int = 0


@dataclass(frozen=True)
class DownloadJob:
    """The whole dataset in one of export.py's formats, streamed from a query worker in chunks."""

    fmt: str
    prefixes: Mapping[str, str] = field(default_factory=dict)


@dataclass
class _Worker:
    process: subprocess.Popen
    conn: Connection
    reserved: bool = False  # kept for the site's own queries


class _IdleWorkers:
    """Idle workers in two lanes; ad-hoc queries may take shared ones only."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._shared: list[_Worker] = []
        self._reserved: list[_Worker] = []

    def put(self, worker: _Worker, fresh: bool = False) -> None:
        """`fresh`: a worker just started goes last in line, so a query meanwhile takes a warm
        one rather than waiting for the new one's start-up."""
        with self._ready:
            lane = self._reserved if worker.reserved else self._shared
            if fresh:
                lane.insert(0, worker)
            else:
                lane.append(worker)
            self._ready.notify_all()

    def take(self, ad_hoc: bool, timeout: float) -> _Worker | None:
        def free() -> list[_Worker] | None:
            if not ad_hoc and self._reserved:
                return self._reserved
            return self._shared or None

        with self._ready:
            lane = self._ready.wait_for(free, timeout)
            return lane.pop() if lane else None


def _package_root() -> str:
    """The folder holding the ofsted_kg package, for the workers' import path."""
    return str(Path(__file__).resolve().parents[2])


def _start_process(
    role: str, store: str, max_result_bytes: int, memory_limit: int, reserved: bool = False
) -> _Worker:
    """A worker process (worker.py) for `role` ("query" or "write"), connected by a socket pair."""
    ours, theirs = socket.socketpair()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_package_root(), env.get("PYTHONPATH")]))
    env["RUST_BACKTRACE"] = "0"  # a worker out of memory logs one line, not a backtrace
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ofsted_kg.web.worker",
            role,
            str(theirs.fileno()),
            store,
            str(max_result_bytes),
            str(memory_limit),
        ],
        pass_fds=(theirs.fileno(),),
        env=env,
        stdin=subprocess.DEVNULL,
    )
    theirs.close()
    return _Worker(process, Connection(ours.detach()), reserved)


def _stop(worker: _Worker) -> None:
    worker.process.kill()
    worker.process.wait(5)
    worker.conn.close()


class _WorkerLost(QueryError):
    """The worker was stopped at the deadline or died on the job; it must be replaced."""


def _lost(worker: _Worker, what: str, memory_limit: int) -> _WorkerLost:
    """The error for a worker that died on a job (503), saying why it died."""
    try:
        returncode = worker.process.wait(5)
    except subprocess.TimeoutExpired:
        returncode = None
    role = "write" if what == "write" else "query"
    return _WorkerLost(
        503,
        f"the {role} worker {death_reason(returncode, memory_limit)} on this {what} and "
        f"was replaced; the {what} needs more than this server allows",
    )


def _receive(worker: _Worker, what: str, wait: float, late: str, memory_limit: int) -> tuple:
    """The worker's next message, waiting at most `wait` seconds; QueryError for the answers that
    are errors, StoreBusy for a write that met another writer, _WorkerLost (504 with the message
    `late`, or 503 if the worker died) for the others."""
    try:
        if not worker.conn.poll(wait):
            raise _WorkerLost(504, late)
        message = worker.conn.recv()
    except (EOFError, OSError):
        raise _lost(worker, what, memory_limit) from None
    if message[0] == "error":
        raise QueryError(message[1], message[2])
    if message[0] == "busy":
        raise StoreBusy(message[1])
    return message


def _call(
    worker: _Worker, job: object, what: str, limit: float, wait: float, memory_limit: int
) -> tuple:
    """Send one job to `worker` and return its first message, waiting at most `wait` seconds of
    the time `limit` (errors as `_receive`)."""
    try:
        worker.conn.send(job)
    except OSError:
        raise _lost(worker, what, memory_limit) from None
    advice = {"query": "; narrow it or add LIMIT", "write": "; send it in smaller parts"}
    late = (
        f"the {what} ran past this server's time limit of {limit:g} s and was stopped"
        + advice.get(what, "")
    )
    return _receive(worker, what, wait, late, memory_limit)


class QueryPool:
    """A fixed number of worker processes over one store folder."""

    def __init__(
        self,
        store_path: Path,
        *,
        size: int,
        timeout: float,
        max_result_bytes: int,
        memory_limit: int,
        reserved: int = 0,
        max_waiting: int | None = None,
    ):
        self.store_path = Path(store_path)
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.memory_limit = memory_limit
        # Ad-hoc queries admitted at once: one per shared worker plus those allowed to wait.
        self.ad_hoc_limit = None if max_waiting is None else size + max_waiting
        self._ad_hoc = 0
        self._idle = _IdleWorkers()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._closed = False
        for index in range(size + reserved):
            self._idle.put(self._start_worker(reserved=index >= size))

    def _start_worker(self, reserved: bool = False) -> _Worker:
        worker = _start_process(
            "query", str(self.store_path), self.max_result_bytes, self.memory_limit, reserved
        )
        with self._lock:
            self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker (its query really stops) and put a fresh one in its place."""
        _stop(worker)
        with self._lock:
            # Closing the pool (the server stopping) may have let it go already.
            if worker in self._workers:
                self._workers.remove(worker)
            closed = self._closed
        if not closed:
            self._idle.put(self._start_worker(worker.reserved), fresh=True)

    def run(
        self, job: QueryJob, timeout: float | None = None, *, ad_hoc: bool = False
    ) -> tuple[bytes, str]:
        """Run `job`; return (body, media type) or raise QueryError (400, 413, 503, 504).
        `ad_hoc`: a query sent by a client (bounded admission, shared workers only)."""
        if not ad_hoc:
            return self._run(job, timeout, ad_hoc)
        with self._lock:
            if self.ad_hoc_limit is not None and self._ad_hoc >= self.ad_hoc_limit:
                raise QueryError(
                    503, f"{self._ad_hoc} queries are running or waiting; try again shortly"
                )
            self._ad_hoc += 1
        try:
            return self._run(job, timeout, ad_hoc)
        finally:
            with self._lock:
                self._ad_hoc -= 1

    def _run(self, job: QueryJob, timeout: float | None, ad_hoc: bool) -> tuple[bytes, str]:
        limit = self.timeout if timeout is None else timeout
        started = time.monotonic()
        worker = self._idle.take(ad_hoc, limit)
        if worker is None:
            raise QueryError(
                503, f"all query workers stayed busy for {limit:g} s; try again shortly"
            )
        remaining = max(0.0, limit - (time.monotonic() - started))
        answer = self._settled_on_error(
            worker, lambda: _call(worker, job, "query", limit, remaining, self.memory_limit)
        )
        self._idle.put(worker)
        return cast(tuple[bytes, str], answer[1])

    def _settled_on_error(self, worker: _Worker, receive: Callable[[], T]) -> T:
        """`receive()`; if it raises, the worker is first replaced (lost) or handed back."""
        try:
            return receive()
        except _WorkerLost:
            self._retire(worker)
            raise
        except QueryError:
            self._idle.put(worker)
            raise

    def stream(self, job: DownloadJob) -> Iterator[bytes]:
        """Run a download in a worker; its output comes in chunks as the worker writes them (the
        worker waits while they are passed on, so neither side holds the dataset). An error
        before the first chunk raises QueryError here, before the response starts."""
        worker = self._idle.take(False, self.timeout)
        if worker is None:
            raise QueryError(503, f"all query workers stayed busy for {self.timeout:g} s")
        first = self._settled_on_error(
            worker,
            lambda: _call(worker, job, "download", self.timeout, self.timeout, self.memory_limit),
        )
        return _Download(self, worker, first)

    def _next_chunk(self, worker: _Worker) -> tuple:
        late = f"the download stalled for {self.timeout:g} s and was stopped"
        return self._settled_on_error(
            worker, lambda: _receive(worker, "download", self.timeout, late, self.memory_limit)
        )

    def close(self) -> None:
        """Kill every worker, then wait for them together: shutting down takes at most a few
        seconds, however many workers there are, and never raises."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.process.kill()
        deadline = time.monotonic() + 5
        for worker in workers:
            try:
                worker.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"ofsted-kg: query worker {worker.process.pid} did not stop", file=sys.stderr)
            worker.conn.close()


class _Download:
    """A download's chunks as the worker sends them. Closed before its end (the client went away
    half-way, or before the first chunk was read), the worker is still writing: it is replaced.
    A class rather than a generator, since closing a generator never started runs none of its
    code, and the worker would stay taken."""

    def __init__(self, pool: QueryPool, worker: _Worker, first: tuple) -> None:
        self._pool = pool
        self._worker: _Worker | None = worker
        self._pending: tuple | None = first

    def __iter__(self) -> _Download:
        return self

    def __next__(self) -> bytes:
        worker = self._worker
        if worker is None:
            raise StopIteration
        try:
            message = self._pending or self._pool._next_chunk(worker)
        except QueryError:
            self._worker = None  # handed back or replaced already
            raise
        self._pending = None
        if message[0] == "chunk":
            return message[1]
        self._worker = None
        self._pool._idle.put(worker)
        raise StopIteration

    def close(self) -> None:
        if self._worker is not None:
            worker, self._worker = self._worker, None
            self._pool._retire(worker)


class Writer:
    """The one write worker: started on the first write and kept. For an embedded store it is the
    store's writer (store/generations.py): each write takes writer.lock (waiting for a build, then
    StoreBusy), is applied to the working copy and published as a new generation before the
    answer. Writes run one at a time, each under `timeout` and the memory limit; a write stopped
    at the deadline or killed by the limit is one transaction never published, and the worker is
    replaced. `store` is a store location as `open_store` takes it (a path or a URL)."""

    def __init__(self, store: str, *, timeout: float, memory_limit: int) -> None:
        self.store = store
        self.timeout = timeout
        self.memory_limit = memory_limit
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        self._closed = False

    def run(self, job: UpdateJob | GraphJob) -> object:
        """Run `job`; return the worker's answer or raise QueryError (400, 403, 404, 503, 504)."""
        if not self._lock.acquire(timeout=self.timeout):
            raise QueryError(
                503, f"another write kept the store busy for {self.timeout:g} s; try again shortly"
            )
        try:
            if self._closed:
                raise QueryError(503, "the server is shutting down")
            if self._worker is None:
                self._worker = _start_process("write", self.store, 0, self.memory_limit)
            worker = self._worker
            try:
                return _call(worker, job, "write", self.timeout, self.timeout, self.memory_limit)[1]
            except _WorkerLost:
                self._worker = None
                _stop(worker)
                raise
        finally:
            self._lock.release()

    def close(self) -> None:
        self._closed = True
        worker, self._worker = self._worker, None
        if worker is not None:
            _stop(worker)


class StoreRunner:
    """For stores that are not folders on this machine (a remote SPARQL store): the query runs on a
    thread and the request stops waiting at the deadline; the remote store enforces its own limits."""

    def __init__(self, store, *, timeout: float, workers: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.store = store
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="query")

    def _execute(self, job: QueryJob) -> tuple[bytes, str]:
        if job.client is not None:
            wanted = local_from_graphs(job, admit(job.sparql, job.client))
            # Listing the graphs scans the whole remote store: only for queries with FROM clauses.
            missing = wanted and set(wanted) - set(self.store.named_graphs())
            if missing:
                raise QueryError(400, f"FROM <{sorted(missing)[0]}>: no such graph in this dataset")
        result_format = job.solutions_format
        if sparql_text.query_form(job.sparql) in ("CONSTRUCT", "DESCRIBE"):
            result_format = job.graph_format
        return self.store.query(
            job.sparql,
            result_format=result_format,
            default_graphs=list(job.default_graphs) or None,
            named_graphs=list(job.named_graphs) or None,
            union_default_graph=job.union_default_graph,
        )

    def run(
        self, job: QueryJob, timeout: float | None = None, *, ad_hoc: bool = False
    ) -> tuple[bytes, str]:
        from concurrent.futures import TimeoutError as FutureTimeout

        limit = self.timeout if timeout is None else timeout
        future = self._executor.submit(self._execute, job)
        try:
            return future.result(timeout=limit)
        except FutureTimeout:
            raise QueryError(504, f"the store did not answer within {limit:g} s") from None
        except StoreError as exc:
            raise QueryError(400, str(exc)) from None

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
