"""Run the app under waitress, a production WSGI server (threads; no Flask dev server).

Threads (`--threads`) only receive requests and wait; queries run in the worker processes
(`--query-workers`), so a few more threads than workers lets cheap requests (pages, errors,
descriptions) through while every worker is busy.

SIGTERM (what service managers and `docker stop` send) stops the server as Ctrl-C does: waitress
finishes, the query workers are killed and the store is closed.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import waitress
from waitress.server import BaseWSGIServer, MultiSocketServer

from ..store import open_store
from .app import create_app
from .config import WebConfig

MAX_HEADER_BYTES = 64 * 1024


def serve(
    store_location: str | None,
    host: str,
    port: int,
    threads: int,
    config: WebConfig,
    trusted_proxy: str | None = None,
) -> None:
    # The server process never writes (its write worker does), and no open handle keeps a build
    # in another process from updating the store meanwhile (store/generations.py). With a write
    # token the store is opened writable only so that a new one is created.
    store = open_store(store_location, read_only=not config.write_token)
    app = create_app(store, config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    options: dict[str, object] = {}
    if trusted_proxy:
        # Behind a TLS reverse proxy: believe its X-Forwarded-* headers (only from that
        # address) so links and descriptions name the public https:// URL. waitress refuses
        # these options unless a proxy is named.
        options["trusted_proxy"] = trusted_proxy
        options["trusted_proxy_headers"] = "x-forwarded-proto x-forwarded-host x-forwarded-for"
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        server = waitress.create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            max_request_body_size=config.max_body_bytes,
            # The request line and headers together; a longer GET query must be POSTed (431).
            max_request_header_size=MAX_HEADER_BYTES,
            channel_timeout=max(30, int(config.query_timeout) + 10),
            ident="ofsted-kg",
            **options,
        )
        # Said once the socket listens (so --port 0 tells its port): the page to open.
        home = home_url(server)
        print(
            f"ofsted-kg: ready: open {home} (SPARQL endpoint {home}sparql; "
            f"{'writes with the bearer token' if config.write_token else 'read-only'})",
            flush=True,
        )
        server.run()
    finally:
        app.extensions["ofsted_kg"].close()
        store.close()


def home_url(server: BaseWSGIServer | MultiSocketServer) -> str:
    """The home page's URL on the first address the server listens on."""
    if isinstance(server, MultiSocketServer):
        host, port = server.effective_listen[0]
    else:
        host, port = server.effective_host, server.effective_port
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # waitress stops cleanly on SystemExit (as on KeyboardInterrupt) and returns from serve().
    raise SystemExit(0)
