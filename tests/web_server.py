"""Helpers for the web tests: a store with fixture data and a real waitress server on loopback."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import pytest
import waitress
from conftest import PDF_DIR, SHARED
from flask import Flask
from suite_helpers import made_once_per_run
from waitress import wasyncore

from ofsted_kg.store import EmbeddedStore
from ofsted_kg.web import WebConfig, create_app

FIXTURE = Path(__file__).parent / "data" / "web_fixture.ttl"
FIXTURE_GRAPH = "http://example.org/graph/fixture"


def fixture_store(path: Path) -> EmbeddedStore:
    store = EmbeddedStore(path)
    triples = ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)
    ntriples = ox.serialize(
        [ox.Triple(q.subject, q.predicate, q.object) for q in triples],
        format=ox.RdfFormat.N_TRIPLES,
    )
    store.replace_graph(FIXTURE_GRAPH, ntriples)
    return store


@dataclass
class Running:
    url: str  # http://127.0.0.1:PORT

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"

    def request(
        self, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One raw HTTP request (http.client adds no Content-Type of its own)."""
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            data = body.encode("utf-8") if isinstance(body, str) else body
            conn.request(method, path, body=data, headers=headers or {})
            response = conn.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            conn.close()

    def select(self, sparql: str) -> list[dict[str, str]]:
        """The rows of a SELECT through the server's /sparql, each as variable -> value."""
        status, _, body = self.request(
            "GET",
            "/sparql?query=" + quote(sparql),
            headers={"Accept": "application/sparql-results+json"},
        )
        assert status == 200, body[:500]
        bindings = json.loads(body)["results"]["bindings"]
        return [{k: v["value"] for k, v in b.items()} for b in bindings]


@contextmanager
def running_server(store: EmbeddedStore, config: WebConfig) -> Iterator[Running]:
    with serving_app(create_app(store, config), threads=6) as running:
        yield running


@contextmanager
def serving_app(app: Flask, threads: int) -> Iterator[Running]:
    """`app` served by waitress on a free loopback port, in a thread of this process; then
    stopped, and its services (the query pool) closed."""
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Running(f"http://127.0.0.1:{server.effective_port}")
    finally:
        stop_waitress(server, thread)
        app.extensions["ofsted_kg"].close()


def stop_waitress(server: Any, thread: threading.Thread) -> None:
    """Stop a waitress server running in `thread`: its request threads first, then its sockets,
    closed in its own loop thread.

    waitress's request threads write a byte to the server's trigger pipe when they finish a
    response, and `server.close()` neither waits for them nor stops them writing: a write after
    it goes to whatever file has since been given that descriptor number. In this process that
    was once the error pipe of a `Popen` starting a query worker, which took the byte for a
    failed exec and then waited for ever on the worker, which was running (the hang at 99% of
    a test run)."""
    server.task_dispatcher.shutdown()
    # Its loop runs while its map (of the listening socket, the trigger and each connection) has
    # an entry; a single-socket server keeps the map as `_map`.
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(10)
    assert not thread.is_alive(), "the waitress server's loop did not end"


CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium (`make browser`), never a downloaded build


@contextmanager
def chromium_browser() -> Iterator[Any]:
    """A Playwright browser on Debian's chromium; the test is skipped when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


def seeds_and_pdfs_store(path: Path, shared_dir: Path, pdfs: tuple[str, ...]) -> EmbeddedStore:
    """A store built (with the real extractors) from the seeds and these corpus PDFs."""
    from ofsted_kg.build import build
    from ofsted_kg.uris import DEFAULT_BASE

    store = EmbeddedStore(path)
    sources = [shared_dir / "corpus" / "seeds"] + [shared_dir / "corpus" / "pdf" / p for p in pdfs]
    build(sources, store, base=DEFAULT_BASE, workers=2, log=lambda _: None)
    return store


# The reports of seven authorities, every one of each: North Somerset and Somerset, and
# authorities whose latest grade differs (Knowsley and Barnet inadequate, Sefton, Devon, Bath and
# North East Somerset). test_browser, test_pages and test_named_pages serve it with the seeds: it
# holds every report each of them reads (Somerset's four, North Somerset's 2023, BANES's 2017).
SEVEN_AUTHORITIES = ("80528", "80555", "80479", "80487", "80550", "80461", "80427")


def seven_authorities_store(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A copy of its own (in folder `name`) of the store built from the seeds and every PDF of
    SEVEN_AUTHORITIES: built once per test run, however many files and xdist workers use it."""

    def build_template(folder: Path) -> None:
        pdfs = (p.name for p in PDF_DIR.glob("*.pdf") if p.name.split("_")[0] in SEVEN_AUTHORITIES)
        seeds_and_pdfs_store(folder / "store", SHARED, tuple(sorted(pdfs))).close()

    template = made_once_per_run(tmp_path_factory, "seven-authorities-store", build_template)
    copy = tmp_path_factory.mktemp(name) / "store"
    shutil.copytree(template / "store", copy)
    return copy
