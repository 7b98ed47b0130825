"""Queries run in worker processes with a real deadline.

pyoxigraph cannot cancel a running query, and a thread cannot be killed, so each query runs in one
of a fixed number of worker processes (worker.py), each holding the store open read-only. A query
that passes its time limit gets its worker killed (the query really stops, its memory is freed)
and a fresh worker started in its place; other queries keep running in the other workers.

Two lanes keep the site up while the open endpoint is flooded: ad-hoc queries sent to /sparql
use the shared workers only, and at most `max_waiting` of them wait for one (more get 503 at
once, so a flood cannot hold every request thread); the site's own queries (pages, named
queries, descriptions) also have `reserved` workers that ad-hoc queries never take.

Workers read the store's live generation (store/generations.py): before each query a worker
checks which generation is live and opens it if a writer (this server, or `ofsted-kg build` in
another process) has published a new one since, so every write is visible to the next query.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from ..store.base import StoreError
from . import sparql_text


class QueryError(Exception):
    """The query cannot be answered; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryJob:
    sparql: str
    solutions_format: str  # media type for SELECT / ASK results
    graph_format: str  # media type for CONSTRUCT / DESCRIBE results
    boolean_format: str = "application/sparql-results+json"  # for ASK (CSV/TSV have no boolean)
    bindings: Mapping[str, object] = field(default_factory=dict)
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union_default_graph: bool = True
    base_iri: str | None = None
    local_graphs_only: tuple[str, ...] = ()  # graphs that must exist in the store (FROM clauses)


@dataclass(frozen=True)
class DownloadJob:
    """The whole dataset in one of export.py's formats, streamed from the worker in chunks."""

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

    def put(self, worker: _Worker) -> None:
        with self._ready:
            (self._reserved if worker.reserved else self._shared).append(worker)
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


class QueryPool:
    """A fixed number of worker processes over one store folder."""

    def __init__(
        self,
        store_path: Path,
        *,
        size: int,
        timeout: float,
        max_result_bytes: int,
        reserved: int = 0,
        max_waiting: int | None = None,
    ):
        self.store_path = Path(store_path)
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        # Ad-hoc queries admitted at once: one per shared worker plus those allowed to wait.
        self.ad_hoc_limit = None if max_waiting is None else size + max_waiting
        self._ad_hoc = 0
        self._generation = 0
        self._idle = _IdleWorkers()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._closed = False
        for index in range(size + reserved):
            self._idle.put(self._start_worker(reserved=index >= size))

    def _start_worker(self, reserved: bool = False) -> _Worker:
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_package_root(), env.get("PYTHONPATH")]))
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ofsted_kg.web.worker",
                str(theirs.fileno()),
                str(self.store_path),
                str(self.max_result_bytes),
            ],
            pass_fds=(theirs.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        worker = _Worker(process, Connection(ours.detach()), reserved)
        with self._lock:
            self._workers.append(worker)
        return worker

    def _stop(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.wait(5)
        worker.conn.close()

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker (its query really stops) and put a fresh one in its place."""
        self._stop(worker)
        with self._lock:
            self._workers.remove(worker)
            closed = self._closed
        if not closed:
            self._idle.put(self._start_worker(worker.reserved))

    def store_changed(self) -> None:
        """Make the workers reopen the store before their next query."""
        with self._lock:
            self._generation += 1

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
        try:
            worker.conn.send((self._generation, job))
            if not worker.conn.poll(remaining):
                self._retire(worker)
                raise QueryError(
                    504,
                    f"the query ran past this server's time limit of {limit:g} s and was "
                    "stopped; narrow it or add LIMIT",
                )
            answer = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker)
            raise QueryError(503, f"the query worker stopped unexpectedly ({exc})") from None
        self._idle.put(worker)
        if answer[0] == "error":
            raise QueryError(answer[1], answer[2])
        return answer[1], answer[2]

    def stream(self, job: DownloadJob) -> Iterator[bytes]:
        """Run a download in a worker; its output comes in chunks as the worker writes them (the
        worker waits while they are passed on, so neither side holds the dataset). An error
        before the first chunk raises QueryError here, before the response starts."""
        worker = self._idle.take(False, self.timeout)
        if worker is None:
            raise QueryError(503, f"all query workers stayed busy for {self.timeout:g} s")
        try:
            worker.conn.send((self._generation, job))
        except OSError as exc:
            self._retire(worker)
            raise QueryError(503, f"the query worker stopped unexpectedly ({exc})") from None
        return self._chunks(worker, self._receive(worker))

    def _receive(self, worker: _Worker) -> tuple:
        """The worker's next message; on an error or a stall the worker is handed back (or
        replaced) and QueryError raised."""
        if not worker.conn.poll(self.timeout):
            self._retire(worker)
            raise QueryError(504, f"the download stalled for {self.timeout:g} s and was stopped")
        try:
            message = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker)
            raise QueryError(503, f"the query worker stopped unexpectedly ({exc})") from None
        if message[0] == "error":
            self._idle.put(worker)
            raise QueryError(message[1], message[2])
        return message

    def _chunks(self, worker: _Worker, message: tuple) -> Iterator[bytes]:
        settled = False  # the worker was handed back or replaced
        try:
            while message[0] == "chunk":
                yield message[1]
                message = self._receive(worker)
            self._idle.put(worker)
            settled = True
        except QueryError:
            settled = True
            raise
        finally:
            if not settled:  # the client went away half-way: the worker is still writing
                self._retire(worker)

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


class StoreRunner:
    """For stores that are not folders on this machine (a remote SPARQL store): the query runs on a
    thread and the request stops waiting at the deadline; the remote store enforces its own limits."""

    def __init__(self, store, *, timeout: float, workers: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.store = store
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="query")

    def _execute(self, job: QueryJob) -> tuple[bytes, str]:
        # Listing the graphs scans the whole remote store: only for queries with FROM clauses.
        missing = job.local_graphs_only and set(job.local_graphs_only) - set(
            self.store.named_graphs()
        )
        if missing:
            raise QueryError(400, f"FROM <{sorted(missing)[0]}>: no such graph in this dataset")
        result_format = job.solutions_format
        if sparql_text.query_form(job.sparql) in ("CONSTRUCT", "DESCRIBE"):
            result_format = job.graph_format
        return self.store.query(
            job.sparql,
            result_format=result_format,
            bindings=job.bindings,
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

    def store_changed(self) -> None:
        """Nothing cached here: every query goes to the store."""

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
