"""Named queries as pages and the /sparql editor, on a real waitress server over a store built from
the seeds and the reports of seven authorities (web_server.seven_authorities_store, built once per
run): the HTML page of a named query (typed form, row count, links, errors as messages), content
negotiation for machine clients, the /sparql examples with their defaults bound, and in Debian's
chromium through Playwright the form, the sortable table and YASGUI (served from this origin only,
Tab leaves the editor)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from web_server import Running, chromium_browser, running_server, seven_authorities_store

from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import DEFAULT_BASE
from ofsted_kg.web import WebConfig

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SPARQL_JSON = "application/sparql-results+json"
# A query file with one parameter of each type, to see the form's inputs.
TYPED_QUERY = """# title: Typed parameters
# description: Inspections by date, for the form's inputs.
# param: since date default 2000-01-01 — inspections starting on or after this date
# param: authority iri — only this authority
# param: min_count integer default 1 — at least this many
# param: ratio decimal default 0.5 — a ratio
# param: word string — a word
# columns: inspection, start
PREFIX schema: <https://schema.org/>
SELECT ?inspection ?start WHERE {
  ?inspection schema:startDate ?start .
  FILTER (?start >= ?since)
} ORDER BY ?start
"""


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    return seven_authorities_store(tmp_path_factory, "named-pages")


@pytest.fixture(scope="module")
def server(store_path: Path):
    store = EmbeddedStore(store_path, read_only=True)
    with running_server(store, WebConfig(query_workers=2, query_timeout=30)) as running:
        yield running


def get(server: Running, path: str, accept: str | None = BROWSER_ACCEPT) -> tuple[int, dict, str]:
    status, headers, body = server.request(
        "GET", path, headers={"Accept": accept} if accept else {}
    )
    return status, headers, body.decode("utf-8")


def csv_rows(server: Running, path: str) -> list[dict[str, str]]:
    status, headers, body = get(server, path)
    assert status == 200 and headers["content-type"].startswith("text/csv"), body
    return list(csv.DictReader(io.StringIO(body)))


def row_count(page: str) -> int:
    match = re.search(r"<caption>(\d+) rows?", page)
    assert match, page
    return int(match.group(1))


# ------------------------------------------------------------------ the page, without a browser


def test_a_named_query_is_a_page_for_browsers(server) -> None:
    status, headers, page = get(server, "/queries/busiest-inspectors?min_inspections=2")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "<h1>Busiest inspectors</h1>" in page
    assert 'href="/static/pages.css"' in page and 'href="/queries">Named queries</a>' in page
    assert re.search(
        r'<input id="param-min_inspections" name="min_inspections" type="number" '
        r'value="2" step="1"',
        page,
    )
    rows = csv_rows(server, "/queries/busiest-inspectors?min_inspections=2&format=csv")
    assert len(rows) > 0 and row_count(page) == len(rows)
    assert all(int(r["inspections"]) >= 2 for r in rows)
    # Every person IRI links to the person's page on this server.
    for row in rows:
        local = row["person"][len(DEFAULT_BASE) :].replace("id/", "doc/", 1)
        assert f'<a href="/{local}"' in page
    # The downloads and the link to this view carry the parameters.
    for key in ("csv", "json", "xml", "tsv"):
        assert f'href="/queries/busiest-inspectors?min_inspections=2&amp;format={key}"' in page
    assert 'href="/queries/busiest-inspectors?min_inspections=2" rel="bookmark"' in page
    assert "<script>" not in page  # scripts only from static files (CSP script-src 'self')


def test_machine_clients_keep_content_negotiation(server) -> None:
    for accept in (None, "*/*", SPARQL_JSON, "application/json"):
        status, headers, body = get(server, "/queries/busiest-inspectors", accept)
        assert status == 200 and headers["content-type"].startswith(SPARQL_JSON), accept
        assert json.loads(body)["results"]["bindings"]
    status, headers, body = get(
        server, "/queries/busiest-inspectors", "application/sparql-results+xml"
    )
    assert headers["content-type"].startswith("application/sparql-results+xml")
    # An explicit format wins over a browser's Accept.
    status, headers, _ = get(server, "/queries/busiest-inspectors?format=csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "min_inspections=many",
            "parameter min_inspections: &#39;many&#39; is not a valid integer",
        ),
        ("colour=red", "unknown parameter(s) for busiest-inspectors: colour"),
    ],
)
def test_bad_parameters_are_a_message_on_the_page(server, query, message) -> None:
    status, headers, page = get(server, f"/queries/busiest-inspectors?{query}")
    assert status == 400 and headers["content-type"].startswith("text/html")
    assert f'<p class="error" role="alert">{message}</p>' in page
    assert "Traceback" not in page and "<caption>" not in page
    # The form is still there, with the value given, to be corrected.
    assert 'name="min_inspections"' in page


def test_a_failing_query_is_a_message_on_the_page(store_path, tmp_path) -> None:
    (tmp_path / "broken.rq").write_text("# title: Broken\nSELECT ?x WHERE { ?x ?y }\n")
    store = EmbeddedStore(store_path, read_only=True)
    with running_server(store, WebConfig(queries_folder=str(tmp_path))) as server:
        status, _, page = get(server, "/queries/broken")
    assert status == 400 and '<p class="error" role="alert">' in page
    assert "Traceback" not in page


def test_the_form_has_a_typed_input_for_each_parameter(store_path, tmp_path) -> None:
    (tmp_path / "typed.rq").write_text(TYPED_QUERY, encoding="utf-8")
    store = EmbeddedStore(store_path, read_only=True)
    with running_server(store, WebConfig(queries_folder=str(tmp_path))) as server:
        _, _, page = get(server, "/queries/typed")
        _, _, later = get(server, "/queries/typed?since=2020-01-01")
        csv_later = csv_rows(server, "/queries/typed?since=2020-01-01&format=csv")
    inputs = dict(
        re.findall(r'<input id="param-\w+" name="(\w+)" (type="[^"]+" value="[^"]*")', page)
    )
    assert inputs == {
        "since": 'type="date" value="2000-01-01"',
        "authority": 'type="url" value=""',
        "min_count": 'type="number" value="1"',
        "ratio": 'type="number" value="0.5"',
        "word": 'type="text" value=""',
    }
    assert 'step="any"' in page  # decimals are not rounded by the browser
    assert "inspections starting on or after this date; default 2000-01-01" in page
    assert f"an absolute IRI such as {DEFAULT_BASE}id/" in page
    assert "a word; optional: leave empty for all" in page
    assert 0 < row_count(later) == len(csv_later) < row_count(page)


def test_the_list_of_named_queries_links_each_page(server) -> None:
    status, _, page = get(server, "/queries")
    assert status == 200 and 'href="/static/pages.css"' in page
    for name in ("busiest-inspectors", "co-inspectors", "inspection-summary"):
        assert f'<a href="/queries/{name}">' in page


@pytest.mark.parametrize("name", ["busiest-inspectors", "co-inspectors"])
def test_sparql_examples_bind_their_defaults(server, name) -> None:
    _, headers, page = get(server, "/sparql")
    match = re.search(rf'<template id="example-{name}">(.*?)</template>', page, re.S)
    assert match, page
    text = match.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
    text = text.replace("&#39;", "'").replace("&amp;", "&")
    assert "VALUES ?" in text  # the defaults bound
    status, _, body = get(server, "/sparql?query=" + quote(text), SPARQL_JSON)
    assert status == 200 and json.loads(body)["results"]["bindings"], name


def test_sparql_page_allows_yasgui_styles_by_hash_only_there(server) -> None:
    _, headers, page = get(server, "/sparql")
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy
    assert re.search(r"style-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;", policy)
    _, other, _ = get(server, "/queries/busiest-inspectors")
    assert "style-src 'self';" in other["content-security-policy"]
    for asset in (
        "vendor/yasgui/yasgui.min.js",
        "vendor/yasgui/yasgui.min.css",
        "sparql_editor.js",
    ):
        assert f'"/static/{asset}"' in page
        assert server.request("GET", f"/static/{asset}")[0] == 200
    assert (
        "sourceMappingURL"
        not in server.request("GET", "/static/vendor/yasgui/yasgui.min.js")[2][-200:].decode()
    )


# ------------------------------------------------------------------ in a browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium for the module's browser tests (a launch costs about two CPU-seconds); each
    test has its own page in a context of its own."""
    with chromium_browser() as launched:
        yield launched


@contextmanager
def watched_page(browser: Any, server: Running, path: str) -> Iterator[Any]:
    """`path` open in chromium; on leaving, the page must have asked no other origin for anything
    and met no CSP violation or script error."""
    elsewhere: list[str] = []
    problems: list[str] = []
    with contextlib.closing(browser.new_context()) as context:
        page = context.new_page()
        page.on(
            "request",
            lambda r: (
                elsewhere.append(r.url)
                if not r.url.startswith((server.url + "/", "data:"))
                else None
            ),
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Security Policy" in m.text else None,
        )
        page.goto(server.url + path)
        yield page
    assert not elsewhere and not problems, (elsewhere, problems)


def _table_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#results tbody tr", "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))"
    )


@pytest.mark.browser
def test_query_page_form_sorting_and_links_in_a_browser(browser, server) -> None:
    with watched_page(browser, server, "/queries") as page:
        page.get_by_role("link", name="Busiest inspectors").click()
        page.wait_for_url("**/queries/busiest-inspectors")
        page.get_by_label("min_inspections").fill("2")
        page.get_by_role("button", name="Run").click()
        page.wait_for_url("**/queries/busiest-inspectors?min_inspections=2")
        shown = _table_rows(page)
        columns = page.eval_on_selector_all(
            "#results thead th", "hs => hs.map(h => h.textContent.trim())"
        )
        expected = csv_rows(server, "/queries/busiest-inspectors?min_inspections=2&format=csv")
        as_shown = [
            [row[c][len(DEFAULT_BASE) :] if c == "person" else row[c] for c in columns]
            for row in expected
        ]
        assert shown == as_shown and len(shown) > 1
        assert (
            page.get_by_role("link", name="CSV")
            .get_attribute("href")
            .endswith("?min_inspections=2&format=csv")
        )

        # Sorting, on the default view (ordered by inspections): by name (text), then reversed,
        # then by as_lead (numbers); whole rows move.
        page.get_by_label("min_inspections").fill("")
        page.get_by_role("button", name="Run").click()
        page.wait_for_url("**/queries/busiest-inspectors?min_inspections=")
        shown = _table_rows(page)
        headers = page.locator("#results thead th")
        name_column = columns.index("name")
        headers.nth(name_column).get_by_role("button").click()
        ascending = _table_rows(page)
        names = [row[name_column] for row in ascending]
        assert names == sorted(names, key=str.casefold) and ascending != shown
        assert sorted(ascending) == sorted(shown)
        headers.nth(name_column).get_by_role("button").click()
        assert [row[name_column] for row in _table_rows(page)] == names[::-1]
        assert headers.nth(name_column).get_attribute("aria-sort") == "descending"
        count_column = columns.index("as_lead")
        headers.nth(count_column).get_by_role("button").click()
        counts = [int(row[count_column]) for row in _table_rows(page)]
        assert counts == sorted(counts)

        # An IRI cell opens the person's page on this site.
        first = page.locator("#results tbody tr").first
        name = first.locator("td").nth(name_column).inner_text()
        first.locator("td").first.get_by_role("link").click()
        page.wait_for_url("**/doc/person/**")
        assert page.locator("h1").inner_text() == name


@pytest.mark.browser
def test_yasgui_runs_from_this_origin_and_does_not_trap_tab(browser, server) -> None:
    with watched_page(browser, server, "/sparql") as page:
        editor = page.locator(".yasqe .CodeMirror")
        editor.wait_for()
        assert page.locator("#query-form").is_hidden()  # the no-JS form gives way to YASGUI
        page.get_by_label(re.compile("^Examples")).select_option("busiest-inspectors")
        assert "VALUES ?min_inspections" in editor.inner_text()
        page.locator(".yasqe_queryButton").click()
        rows = page.locator(".yasr table.dataTable tbody tr")
        rows.first.wait_for()
        expected = csv_rows(server, "/queries/busiest-inspectors?format=csv")
        assert rows.count() == min(len(expected), 50)  # YASR's first page
        # This site's IRIs open this site's pages.
        person = page.locator(".yasr table.dataTable tbody a", has_text="person/").first
        assert urlsplit(person.get_attribute("href")).path.startswith("/id/person/")
        with page.expect_popup() as opened:  # in a new window, as YASR opens links
            # YASR shortens long cells: the first click shows the whole cell, the second follows.
            person.locator("xpath=ancestor::div[contains(@class, 'expandable')]").click()
            person.click()
        opened.value.wait_for_url("**/doc/person/**")
        assert opened.value.locator("h1").inner_text()

        # Tab leaves the editor, Shift+Tab comes back.
        codemirror = "document.querySelector('.CodeMirror').CodeMirror"
        editor.click()
        assert page.evaluate(f"{codemirror}.hasFocus()")
        before = page.evaluate(f"{codemirror}.getValue()")
        page.keyboard.press("Tab")
        assert not page.evaluate(f"{codemirror}.hasFocus()")
        assert page.evaluate("document.activeElement.matches('button, a, input, select')")
        assert page.evaluate(f"{codemirror}.getValue()") == before  # no tab character typed
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(f"{codemirror}.hasFocus()")

        # The query in the URL (YASGUI's share links put it in the fragment) opens in the editor.
        shared = "SELECT ?shared WHERE { ?shared ?p ?o } LIMIT 3"
        page.goto("about:blank")  # a new document: a change of fragment alone loads nothing
        page.goto(f"{server.url}/sparql#query={quote(shared)}")
        page.locator(".yasr table.dataTable tbody tr").first.wait_for()
        assert page.evaluate(f"{codemirror}.getValue()") == shared
