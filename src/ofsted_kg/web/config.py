"""Server settings, with safe defaults: read-only, no outbound connections, bounded work."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..limits import MIB

WRITE_TOKEN_ENV = "OFSTED_KG_WRITE_TOKEN"


@dataclass(frozen=True)
class WebConfig:
    query_timeout: float = 10.0  # seconds; the worker running a longer query is killed
    query_workers: int = 2  # worker processes, i.e. queries running at once
    reserved_workers: int = 1  # more workers for pages and named queries only (never /sparql)
    max_waiting: int = 4  # /sparql queries waiting for a worker; more get 503 at once
    max_result_bytes: int = 50 * 1024 * 1024  # larger results are refused (413), never cut
    max_body_bytes: int = 16 * 1024 * 1024  # larger request bodies are refused (413)
    max_query_bytes: int = 1024 * 1024  # longer query text is refused (413), unread
    worker_memory_bytes: int = 2048 * MIB  # address space of each query and write worker
    write_timeout: float = 60.0  # seconds; a longer write is stopped and rolled back (504)
    max_literal_chars: int = 1024 * 1024  # Graph Store writes with a longer literal: 413
    write_token: str | None = None  # writes (Update, Graph Store PUT/POST/DELETE) need it
    allowed_services: tuple[str, ...] = ()  # SERVICE / LOAD endpoints the operator allows
    allow_private_services: bool = False  # allow-listed endpoints on private/loopback addresses
    cors_origin: str = "*"  # Access-Control-Allow-Origin on read responses
    response_cache_bytes: int = 64 * MIB  # answers kept until the data changes (web/cache.py)
    response_cache_entries: int = 4096  # 0 bytes or entries: nothing kept (validators stay)
    follower_wait: float = 5.0  # seconds a request waits for the same answer being made; then 503
    queries_folder: str | None = None  # named queries (*.rq); None: the project's queries/
    extra: dict = field(default_factory=dict)  # Flask settings passed through (e.g. TESTING)

    @classmethod
    def from_env(cls, **overrides) -> WebConfig:
        """Defaults, the write token from $OFSTED_KG_WRITE_TOKEN, then explicit overrides."""
        settings = {"write_token": os.environ.get(WRITE_TOKEN_ENV) or None}
        settings.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**settings)
