"""What the request handlers share: the store, the query runner and the settings."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import abort, current_app, request

from ..store.base import Store
from .config import WebConfig
from .formats import GRAPH_TYPES, SOLUTION_TYPES
from .pool import (
    GraphJob,
    QueryError,
    QueryJob,
    QueryPool,
    StoreRunner,
    UpdateJob,
    Writer,
)


@dataclass
class Services:
    store: Store  # the server process's handle, for reads (an embedded one follows the live
    # generation, so it sees each write the write worker publishes)
    config: WebConfig
    runner: QueryPool | StoreRunner
    writer: Writer | None  # None: no write token, writes are off
    queries: Store  # the store whose queries run with the server's limits (the pages read it)

    def write(self, job: UpdateJob | GraphJob) -> object:
        """Run a write in the write worker. For an embedded store it is published as a new
        generation before the worker answers, so the next query (in any worker) sees it; a write
        that met a build raises StoreBusy (503 with Retry-After)."""
        assert self.writer is not None  # require_write_access() came first
        try:
            return self.writer.run(job)
        except QueryError as exc:
            abort(exc.status, exc.message)

    def close(self) -> None:
        self.runner.close()
        if self.writer is not None:
            self.writer.close()


def make_services(store: Store, config: WebConfig) -> Services:
    runner: QueryPool | StoreRunner
    folder = store.folder()
    if folder is not None:
        # Worker processes open the folder themselves. The server's handle may be writable: it
        # takes writer.lock only while it writes, and the write worker's writes wait for that
        # lock as for a build's.
        runner = QueryPool(
            folder,
            size=config.query_workers,
            timeout=config.query_timeout,
            max_result_bytes=config.max_result_bytes,
            memory_limit=config.worker_memory_bytes,
            reserved=config.reserved_workers,
            max_waiting=config.max_waiting,
        )
    else:
        runner = StoreRunner(store, timeout=config.query_timeout, workers=config.query_workers)
    writer = None
    if config.write_token:
        writer = Writer(
            store.location, timeout=config.write_timeout, memory_limit=config.worker_memory_bytes
        )
    return Services(store, config, runner, writer, PooledStore(store, runner))


def services() -> Services:
    return current_app.extensions["ofsted_kg"]


def require_write_access() -> None:
    """Writes need the operator's bearer token; without one configured, writes are off."""
    token = services().config.write_token
    if not token:
        abort(403, "this server is read-only (the operator has not configured a write token)")
    given = request.headers.get("Authorization", "")
    scheme, _, credential = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        credential.strip().encode(), token.encode()
    ):
        abort(401, "writing needs the header Authorization: Bearer <write token>")


class PooledStore(Store):
    """A Store whose queries go through the server's runner (deadline, size limit); everything
    else goes to the real store. Lets library code written against Store (named queries) run with
    the server's limits."""

    def __init__(self, store: Store, runner: QueryPool | StoreRunner) -> None:
        self._store = store
        self._runner = runner
        self.location = store.location

    def query(
        self,
        sparql: str,
        *,
        result_format: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
    ) -> tuple[bytes, str]:
        job = QueryJob(
            sparql,
            solutions_format=result_format
            if result_format in SOLUTION_TYPES
            else SOLUTION_TYPES[0],
            graph_format=result_format if result_format in GRAPH_TYPES else GRAPH_TYPES[0],
            default_graphs=tuple(default_graphs or ()),
            named_graphs=tuple(named_graphs or ()),
            union_default_graph=union_default_graph,
        )
        return self._runner.run(job)

    def named_graphs(self) -> list[str]:
        return self._store.named_graphs()

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        self._store.replace_graph(graph, ntriples)

    def drop_graph(self, graph: str) -> None:
        self._store.drop_graph(graph)

    def graph_ntriples(self, graph: str) -> bytes:
        return self._store.graph_ntriples(graph)

    def update(self, sparql: str) -> None:
        self._store.update(sparql)

    def dump(self, media_type: str) -> bytes:
        return self._store.dump(media_type)
