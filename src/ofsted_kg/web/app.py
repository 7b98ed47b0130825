"""The app factory: the SPARQL endpoint, the Graph Store Protocol, named queries over HTTP, the
query page and the linked-data pages, with the headers every response carries."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from ..store.base import Store, StoreBusy
from .cache import ConditionalCache, ResponseCache, generation_clock
from .config import WebConfig
from .services import make_services

log = logging.getLogger(__name__)

# Pages load scripts and styles from this server only (no inline script, no style attributes),
# and no other site may frame them (clickjacking).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _error_response(exc: HTTPException) -> Response:
    """Errors as one plain-text line (the parser's message included), never a traceback."""
    response = Response(
        f"{exc.code} {exc.name}: {exc.description}\n",
        status=exc.code,
        content_type="text/plain; charset=utf-8",
    )
    if exc.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ofsted-kg"'
    if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    return Response(
        "500 Internal Server Error: the server failed on this request; it has been logged\n",
        status=500,
        content_type="text/plain; charset=utf-8",
    )


def _store_busy(exc: StoreBusy) -> Response:
    """A write that found another writer (a build) at work: the server's state, not the client's
    fault, and worth retrying."""
    response = Response(
        f"503 Service Unavailable: {exc}\n", status=503, content_type="text/plain; charset=utf-8"
    )
    response.headers["Retry-After"] = "5"
    return response


def create_app(store: Store, config: WebConfig | None = None) -> Flask:
    config = config or WebConfig.from_env()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=config.max_body_bytes, **config.extra)
    app.extensions["ofsted_kg"] = make_services(store, config)

    from . import describe, graph_store, named, source_docs, sparql
    from .pages import routes as pages

    app.register_blueprint(sparql.bp)
    app.register_blueprint(describe.bp)
    app.register_blueprint(graph_store.bp)
    app.register_blueprint(named.bp)
    app.register_blueprint(pages.bp)  # linked-data pages, including the home page at /
    app.register_blueprint(source_docs.bp)  # the source documents and their pages

    app.context_processor(lambda: {"config_blueprints": app.blueprints})
    app.register_error_handler(HTTPException, _error_response)
    app.register_error_handler(StoreBusy, _store_busy)
    app.register_error_handler(Exception, _unexpected)

    @app.after_request
    def headers(response: Response) -> Response:
        # Reads are public: let browser scripts on other sites use the endpoint. Writes are not
        # given CORS headers, so a browser cannot send the token cross-site.
        if request.method in ("GET", "HEAD", "OPTIONS") or g.get("sparql_kind") == "query":
            response.headers["Access-Control-Allow-Origin"] = config.cors_origin
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Frame-Options"] = "DENY"  # frame-ancestors for older browsers
        return response

    # Outermost: a reused answer skips Flask; a new one is kept with the headers above.
    clock = generation_clock(store)
    if clock is not None:
        keep = config.response_cache_bytes > 0 and config.response_cache_entries > 0
        cache = ResponseCache(config.response_cache_bytes, config.response_cache_entries)
        app.wsgi_app = ConditionalCache(  # type: ignore[method-assign]
            app.wsgi_app, clock, cache if keep else None, wait_seconds=config.query_timeout
        )
    return app
