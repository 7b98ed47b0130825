"""Answers reused until the data changes (web/cache.py): validators from the store generation,
304 on conditional requests, a bounded response cache, and new answers once a build publishes.

A real server on loopback over a real built store; the cache's own bound is checked on the app."""

from __future__ import annotations

import html
import re
import shutil
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
from conftest import PDF_DIR, SEEDS_DIR
from flask import request
from web_server import Running, running_server, serving_app

from ofsted_kg.build import build
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.web import WebConfig, create_app
from ofsted_kg.web.cache import ConditionalCache

SPARQL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
REUSABLE = (
    "/authorities",
    "/inspections",
    "/queries/la-timeline",
    "/queries/busiest-inspectors?format=csv",
    "/sparql?" + urllib.parse.urlencode({"query": SPARQL}),
)
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def served(graph_store) -> Running:
    config = WebConfig(query_workers=2, query_timeout=30)
    with running_server(graph_store.store, config) as server:
        yield server


@pytest.fixture(scope="module")
def served_uncached(graph_store) -> Running:
    config = WebConfig(query_workers=1, query_timeout=30, response_cache_bytes=0)
    with running_server(graph_store.store, config) as server:
        yield server


@pytest.mark.parametrize("path", REUSABLE)
def test_conditional_get_is_answered_304(served: Running, path: str) -> None:
    status, headers, body = served.request("GET", path, headers={"Accept": JSON})
    assert status == 200 and body
    etag, last_modified = headers["etag"], headers["last-modified"]
    assert etag.startswith('W/"') and headers["cache-control"] == "no-cache"

    status, again, body = served.request(
        "GET", path, headers={"Accept": JSON, "If-None-Match": etag}
    )
    assert (status, body) == (304, b"") and again["etag"] == etag
    status, _, body = served.request(
        "HEAD", path, headers={"Accept": JSON, "If-Modified-Since": last_modified}
    )
    assert (status, body) == (304, b"")
    # A tag of something else, or a date before the generation: the whole answer.
    status, _, body = served.request(
        "GET", path, headers={"Accept": JSON, "If-None-Match": 'W/"other"'}
    )
    assert status == 200 and body
    status, _, _ = served.request(
        "GET",
        path,
        headers={"Accept": JSON, "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    )
    assert status == 200


def test_each_negotiated_type_has_its_own_tag(served: Running) -> None:
    path = "/queries/la-timeline"
    _, as_json, json_body = served.request("GET", path, headers={"Accept": JSON})
    _, as_csv, csv_body = served.request("GET", path, headers={"Accept": "text/csv"})
    assert as_json["etag"] != as_csv["etag"] and json_body != csv_body
    assert as_csv["content-type"].startswith("text/csv")
    status, _, _ = served.request(
        "GET", path, headers={"Accept": "text/csv", "If-None-Match": as_json["etag"]}
    )
    assert status == 200


@pytest.mark.parametrize("path", [*REUSABLE, "/download/graph.nt"])
def test_reused_answers_are_the_answers_made_afresh(
    served: Running, served_uncached: Running, path: str
) -> None:
    first = served.request("GET", path, headers={"Accept": JSON})
    reused = served.request("GET", path, headers={"Accept": JSON})
    fresh = served_uncached.request("GET", path, headers={"Accept": JSON})
    assert first[0] == reused[0] == fresh[0] == 200
    assert first[2] == reused[2] == fresh[2]
    assert first[1]["etag"] == reused[1]["etag"]
    assert fresh[1]["etag"]  # validators without the cache too
    for name in ("content-type", "vary", "content-security-policy"):
        assert reused[1].get(name) == fresh[1].get(name)


def test_the_home_page_is_kept_once_it_knows_every_download_size(served_uncached: Running) -> None:
    # A download's size is learnt when it is first served (web/downloads.py): until then the
    # home page changes within a generation, and neither the cache nor a client may keep it.
    server = served_uncached
    status, headers, page = server.request("GET", "/")
    assert status == 200 and "etag" not in headers and "no-store" in headers["cache-control"]
    for link in sorted(
        set(re.findall(r'href="(/download/[^"]+|/queries/[^"]+format=csv)"', page.decode()))
    ):
        assert server.request("GET", html.unescape(link))[0] == 200
    status, headers, page = server.request("GET", "/")
    assert status == 200 and headers["etag"], "every size known: a page to keep"
    assert b"known after its first download" not in page


def test_errors_and_writes_are_not_reused(served: Running) -> None:
    status, headers, _ = served.request("GET", "/doc/nothing/here")
    assert status == 404 and "etag" not in headers
    status, headers, _ = served.request("GET", "/queries/co-inspectors?min_shared=lots")
    assert status == 400 and "etag" not in headers
    status, headers, _ = served.request(
        "POST",
        "/sparql",
        body=SPARQL,
        headers={"Content-Type": "application/sparql-query", "Accept": JSON},
    )
    assert status == 200 and "etag" not in headers


def test_the_cache_holds_its_byte_bound(graph_store) -> None:
    limit = 40_000
    app = create_app(
        graph_store.store,
        WebConfig(query_workers=1, query_timeout=30, response_cache_bytes=limit),
    )
    middleware = app.wsgi_app
    assert isinstance(middleware, ConditionalCache) and middleware.cache is not None
    cache = middleware.cache
    client = app.test_client()
    try:
        sizes = []
        for limit_rows in range(1, 60):
            # Unordered: ORDER BY sorted every triple of the store for each answer (70 s in all),
            # and the answers' order is no part of what is checked here.
            query = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {limit_rows * 5}"
            response = client.get("/sparql", query_string={"query": query})
            assert response.status_code == 200
            sizes.append(len(response.data))
            assert cache.bytes <= limit
        assert sum(sizes) > 2 * limit  # more than fits was asked for
        assert 0 < len(cache) < len(sizes)
        assert cache.bytes == sum(entry.size for entry in cache._entries.values())
        # An answer larger than an eighth of the bound is sent, never kept.
        big = client.get("/download/graph.nt")
        assert big.status_code == 200 and len(big.data) > limit // 8
        assert cache.bytes <= limit
    finally:
        app.extensions["ofsted_kg"].close()


def test_a_build_while_serving_changes_the_tag_and_the_answer(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in sorted(SEEDS_DIR.iterdir())[:2]:
        shutil.copy(path, seeds / path.name)
    build([seeds], store, workers=1, log=lambda _: None)
    path = "/inspections"
    with running_server(store, WebConfig(query_workers=1, query_timeout=30)) as server:
        status, before, old_body = server.request("GET", path)
        assert status == 200
        assert server.request("GET", path, headers={"If-None-Match": before["etag"]})[0] == 304

        build(
            [seeds, PDF_DIR / "80580_wiltshire_2019-07-22.pdf"],
            store,
            workers=1,
            log=lambda _: None,
        )

        status, after, new_body = server.request(
            "GET", path, headers={"If-None-Match": before["etag"]}
        )
        assert status == 200 and after["etag"] != before["etag"]
        assert b"Wiltshire" in new_body and b"Wiltshire" not in old_body
        assert server.request("GET", path, headers={"If-None-Match": after["etag"]})[0] == 304
    store.close()


def test_a_cold_answer_asked_at_once_by_many_is_made_once(graph_store) -> None:
    app = create_app(graph_store.store, WebConfig(query_workers=2, query_timeout=30))
    made = []

    @app.before_request
    def count() -> None:
        made.append(request.full_path)

    start = threading.Barrier(8)
    with serving_app(app, threads=8) as running:

        def ask(_: int) -> tuple[int, bytes]:
            start.wait()
            status, _, body = running.request(
                "GET", "/queries/co-inspectors", headers={"Accept": JSON}
            )
            return status, body

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(8)))
    assert {status for status, _ in answers} == {200}
    assert len({body for _, body in answers}) == 1
    assert made == ["/queries/co-inspectors?"]


def test_a_request_waiting_too_long_for_an_answer_being_made_is_answered_503(graph_store) -> None:
    """A follower gives its thread back after follower_wait: 503 with Retry-After, no second
    computation; once the first request has made the answer, it is served from the cache."""
    app = create_app(
        graph_store.store, WebConfig(query_workers=1, query_timeout=30, follower_wait=0.5)
    )
    release, made = threading.Event(), []

    @app.route("/slow")
    def slow() -> str:
        made.append(1)
        release.wait(20)
        return "made once"

    with serving_app(app, threads=4) as running, ExitStack() as cleanup:
        cleanup.callback(release.set)  # before the server stops: its request thread waits on it
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(running.request, "GET", "/slow")
            while not made:
                threading.Event().wait(0.05)
            status, headers, _ = running.request("GET", "/slow")
            assert status == 503 and headers["retry-after"] == "1"
            release.set()
            assert first.result()[0] == 200
        status, _, body = running.request("GET", "/slow")
        assert (status, body, len(made)) == (200, b"made once", 1)
