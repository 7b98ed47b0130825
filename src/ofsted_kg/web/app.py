"""The app factory: the SPARQL endpoint, the Graph Store Protocol, named queries over HTTP, the
query page and the linked-data pages, with the headers every response carries."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ..store.base import Store, StoreBusy
from .cache import ConditionalCache, ResponseCache, generation_clock
from .config import WebConfig
from .formats import HTML, choose
from .services import make_services

log = logging.getLogger(__name__)


def content_security_policy(*style_hashes: str) -> str:
    """Pages load scripts and styles from this server only (no inline script, no style
    attributes), and no other site may frame them (clickjacking). A page may allow a few fixed
    `<style>` elements by their hashes ('sha256-...'), never inline styles in general."""
    styles = " ".join(("'self'", *(f"'{h}'" for h in style_hashes)))
    return (
        f"default-src 'self'; script-src 'self'; style-src {styles}; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


CONTENT_SECURITY_POLICY = content_security_policy()


PLAIN = "text/plain"


def _error_body(exc: HTTPException) -> Response:
    """A page in the site's layout for a browser (one that asks for HTML before plain text);
    for every other client one plain-text line (the parser's message included). Never a
    traceback."""
    if choose(request.headers.get("Accept"), (PLAIN, HTML)) == HTML:
        page = render_template(
            "error.html", status=exc.code, name=exc.name, message=exc.description
        )
        return Response(page, status=exc.code, content_type=f"{HTML}; charset=utf-8")
    return Response(
        f"{exc.code} {exc.name}: {exc.description}\n",
        status=exc.code,
        content_type=f"{PLAIN}; charset=utf-8",
    )


def _error_response(exc: HTTPException) -> Response:
    response = _error_body(exc)
    if exc.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ofsted-kg"'
    if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    return _error_body(InternalServerError("the server failed on this request; it has been logged"))


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
    # Browsers ask for /favicon.ico whatever the pages link to: the same SVG answers.
    app.add_url_rule(
        "/favicon.ico",
        "favicon",
        lambda: app.send_static_file("favicon.svg"),
    )
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
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Frame-Options"] = "DENY"  # frame-ancestors for older browsers
        return response

    # Outermost: a reused answer skips Flask; a new one is kept with the headers above.
    clock = generation_clock(store)
    if clock is not None:
        keep = config.response_cache_bytes > 0 and config.response_cache_entries > 0
        cache = ResponseCache(config.response_cache_bytes, config.response_cache_entries)
        app.wsgi_app = ConditionalCache(  # type: ignore[method-assign]
            app.wsgi_app,
            clock,
            cache if keep else None,
            wait_seconds=min(config.follower_wait, config.query_timeout),
        )
    return app
