"""HTTP manners of the server: HEAD wherever GET is, and the headers that keep browsers safe
(nosniff, a Content-Security-Policy the pages pass, no framing), on a real server on loopback."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from web_server import FIXTURE_GRAPH, Running, fixture_store, running_server

from ofsted_kg.web import WebConfig

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "ofsted_kg" / "web" / "templates"
GETS = [
    "/",
    "/sparql",
    "/sparql?query=" + quote("ASK {}"),
    "/queries",
    "/search?q=x",
    "/.well-known/void",
    "/rdf-graph-store?graph=" + quote(FIXTURE_GRAPH),
    "/queries/busiest-inspectors",
    "/static/sparql_editor.js",
    "/static/vendor/yasgui/yasgui.min.js",
    "/no-such-page",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    store = fixture_store(tmp_path_factory.mktemp("manners") / "store")
    with running_server(store, WebConfig()) as running:
        yield running


@pytest.mark.parametrize("path", GETS)
def test_head_answers_as_get_without_a_body(server: Running, path: str) -> None:
    accept = {"Accept": "text/html"} if path in ("/", "/sparql") else {}
    get_status, get_headers, _ = server.request("GET", path, headers=accept)
    status, headers, body = server.request("HEAD", path, headers=accept)
    assert status == get_status and body == b""
    assert headers["content-type"] == get_headers["content-type"]


@pytest.mark.parametrize("path", GETS)
def test_every_response_carries_the_browser_safety_headers(server: Running, path: str) -> None:
    _, headers, _ = server.request("GET", path, headers={"Accept": "text/html"})
    assert headers["x-content-type-options"] == "nosniff"
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and headers["x-frame-options"] == "DENY"


# What the policy (script-src 'self', style-src 'self') would block in a page.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JS_URL = re.compile(r"javascript:", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_pass_the_content_security_policy(template: str) -> None:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT, JS_URL):
        assert not pattern.search(text), f"{template}: {pattern.pattern}"


@pytest.mark.parametrize(
    "path", ["/", "/sparql", "/queries", "/queries/busiest-inspectors", "/search?q=x"]
)
def test_served_pages_pass_the_content_security_policy(server: Running, path: str) -> None:
    status, _, body = server.request("GET", path, headers={"Accept": "text/html"})
    page = body.decode("utf-8")
    assert status == 200 and "<html" in page
    for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT, JS_URL):
        assert not pattern.search(page), f"{path}: {pattern.pattern}"
