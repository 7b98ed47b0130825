"""The lists as tables (/authorities, /inspectors, /inspections: sorting, facet counts, filters,
CSV of a view) and search (full text of recommendations and findings, URN/DfE/GSS codes, hints on
an empty result), on a real server over a store built from the seeds and corpus PDFs. Every count
is checked against a SPARQL query written here or the reference data, never a number typed in."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from web_server import Running, chromium_browser, running_server, seeds_and_pdfs_store

from ofsted_kg.authorities import authorities
from ofsted_kg.families import kind_labels
from ofsted_kg.queries import load_queries, page_query, run_named
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import DEFAULT_BASE, Uris
from ofsted_kg.web import WebConfig

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
PDFS = (
    "80522_medway_2013-08-23.pdf",
    "80462_doncaster_2015-11-27.pdf",
    "80443_bury_2016-05-16.pdf",
    "80565_suffolk_2024-08-21.pdf",
    "80555_somerset_2015-03-27.pdf",
    "80555_somerset_2022-09-21.pdf",
    "80523_middlesbrough_2026-07-28.pdf",  # April 2026 framework: no overall grade
    "80533_nottingham_2014-05-14.pdf",  # strengths and areas for development
    "80567_surrey_2015-08-03.pdf",  # a review of the safeguarding board
)
uris = Uris(DEFAULT_BASE)
PREFIXES = f"""PREFIX ofsted: <{uris.DEF}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory, shared_dir: Path):
    built = seeds_and_pdfs_store(tmp_path_factory.mktemp("lists") / "store", shared_dir, PDFS)
    yield built
    built.close()


@pytest.fixture(scope="module")
def server(store):
    with running_server(store, WebConfig(query_workers=2, query_timeout=60)) as running:
        yield running


def sparql(store: EmbeddedStore, query: str) -> list[dict[str, str]]:
    data, _ = store.query(PREFIXES + query, result_format="application/sparql-results+json")
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(data)["results"]["bindings"]]


def get(server: Running, path: str) -> tuple[int, dict, str]:
    status, headers, body = server.request("GET", path, headers={"Accept": "text/html"})
    return status, headers, body.decode("utf-8")


def csv_rows(server: Running, path: str) -> list[dict[str, str]]:
    status, headers, body = server.request("GET", path)
    assert status == 200 and headers["content-type"].startswith("text/csv"), path
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


class ListPage(HTMLParser):
    """The table of a list page (cell texts), its sort links and its facets' links and counts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.sort_links: dict[str, str] = {}  # header label -> link
        self.facets: dict[str, dict[str, tuple[int, str]]] = {}  # facet -> label -> (count, link)
        self.remove_links: list[str] = []
        self._in: list[str] = []
        self._cell: list[str] | None = None
        self._link = ""
        self._facet = ""
        self._facet_text = ""
        self._heading = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        self._in.append(tag)
        if tag == "tr" and "tbody" in self._in:
            self.rows.append([])
        if tag == "td" and "tbody" in self._in:
            self._cell = []
        if tag == "h3" and "aside" in self._in:
            self._heading, self._facet = True, ""
        if tag == "a":
            self._link = a.get("href", "")  # the parser has unescaped it
            self._facet_text = ""
            if a.get("aria-label", "").startswith("Remove filter"):
                self.remove_links.append(self._link)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        if tag == "h3":
            self._heading = False
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._heading:
            self._facet += data
            self.facets.setdefault(self._facet, {})
        elif "th" in self._in and "a" in self._in:
            self.sort_links[data.strip()] = self._link
        elif "aside" in self._in and "li" in self._in and self._facet:
            if "a" in self._in:
                self._facet_text += data
            elif data.strip().isdigit():
                self.facets[self._facet][self._facet_text.strip()] = (int(data), self._link)


def page(server: Running, path: str) -> ListPage:
    status, _, text = get(server, path)
    assert status == 200, (path, text[:300])
    return ListPage(text)


# ------------------------------------------------------------------ lists


def test_inspections_kind_and_year_facets_count_what_sparql_counts(server, store) -> None:
    kinds = {
        kind_labels()[r["kind"]]: int(r["n"])
        for r in sparql(
            store,
            """SELECT ?kind (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a ofsted:Inspection ;
                 ofsted:reportKind/skos:notation ?kind } GROUP BY ?kind""",
        )
    }
    listing = page(server, "/inspections")
    shown_kinds = {label: count for label, (count, _) in listing.facets["Kind of report"].items()}
    assert shown_kinds and all(kinds.get(label) == n for label, n in shown_kinds.items())
    assert sum(shown_kinds.values()) == len(csv_rows(server, "/inspections?format=csv"))

    # Choosing a kind (a link) filters the rows; the year facet then counts within that kind.
    label, count = max(shown_kinds.items(), key=lambda kv: kv[1])
    link = listing.facets["Kind of report"][label][1]
    assert "kind=" in link
    kind_key = parse_qs(urlsplit(link).query)["kind"][0]
    filtered = page(server, link)
    assert len(filtered.rows) == count and all(row[3] == label for row in filtered.rows)
    years = Counter(
        r["d"][:4]
        for r in sparql(
            store,
            f"""SELECT DISTINCT ?i ?d WHERE {{ ?i ofsted:reportKind/skos:notation "{kind_key}" ;
                  schema:startDate ?d }}""",
        )
    )
    assert {y: c for y, (c, _) in filtered.facets["Year"].items()} == dict(years)
    # The active filter is removable, and removing it gives the whole list back.
    assert len(filtered.remove_links) == 1
    assert len(page(server, filtered.remove_links[0]).rows) == len(listing.rows)


def test_authority_facets_count_the_reference_data_and_current_judgements(server, store) -> None:
    listing = page(server, "/authorities")
    regions = Counter(a.region for a in authorities().values())
    assert {r: c for r, (c, _) in listing.facets["Region"].items()} == dict(regions)
    assert len(listing.rows) == len(authorities())
    data, _ = run_named(store, load_queries()["current-judgements"], {}, "csv")
    # By authority: on the seeds the query repeats some authorities' rows.
    standings = {
        r["authority"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8")))
    }.values()
    inadequate = sorted(
        r["local_authority"] for r in standings if r["overall_effectiveness"] == "inadequate"
    )
    grades = listing.facets["Latest overall grade"]
    if inadequate:
        count, link = grades["Inadequate"]
        assert count == len(inadequate)
        assert sorted(row[0] for row in page(server, link).rows) == inadequate
    graded = sum(c for label, (c, _) in grades.items() if not label.startswith(("No ", "Abol")))
    assert graded == sum(1 for r in standings if r["overall_effectiveness"])
    status, _, text = get(server, "/authorities")
    current = sum(1 for a in authorities().values() if any(g.valid_to is None for g in a.gss_codes))
    assert re.search(rf"Reports held for \d+ of {current} authorities", text)


def test_inspectors_sort_by_inspections_led_and_role_facet(server, store) -> None:
    lead = str(uris.concept("INSPECTOR_ROLES", "lead_inspector"))
    led = Counter(
        r["p"]
        for r in sparql(
            store,
            f"""SELECT DISTINCT ?p ?i WHERE {{ ?i prov:qualifiedAssociation ?m .
                  ?m prov:agent ?p ; prov:hadRole <{lead}> }}""",
        )
    )
    rows = csv_rows(server, "/inspectors?sort=led&order=desc&format=csv")
    counts = [int(r["led"]) for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] == max(led.values())
    assert all(int(r["led"]) == led.get(r["person"], 0) for r in rows)
    listing = page(server, "/inspectors")
    count, link = listing.facets["Role"]["Lead inspector"]
    assert count == len(led)
    assert {r["person"] for r in csv_rows(server, link + "&format=csv")} == set(led)
    # The header link sorts; the column sorted already flips its order.
    by_led = page(server, listing.sort_links["Inspections led"])
    assert [int(r[1]) for r in by_led.rows] == sorted(int(r[1]) for r in by_led.rows)
    flipped = page(server, by_led.sort_links["Inspections led"])
    assert [int(r[1]) for r in flipped.rows] == sorted(
        (int(r[1]) for r in by_led.rows), reverse=True
    )


@pytest.mark.parametrize(
    "path",
    [
        "/inspections?grade=inadequate&sort=name&order=asc",
        "/authorities?region=South+West&sort=grade&order=desc",
        "/inspectors?sort=taken_part&order=desc",
    ],
)
def test_csv_of_a_view_is_the_table(server, path: str) -> None:
    listing = page(server, path)
    rows = csv_rows(server, path + "&format=csv")
    assert rows and [list(r.values())[: len(listing.rows[0])] for r in rows] == listing.rows


def test_bad_sort_order_and_page_are_400_or_404(server) -> None:
    assert get(server, "/inspections?sort=nothing")[0] == 400
    assert get(server, "/inspections?order=sideways")[0] == 400
    assert get(server, "/inspections?page=x")[0] == 400
    assert get(server, "/inspections?page=999")[0] == 404
    assert get(server, "/inspections?format=exe")[0] == 400
    empty = page(server, "/inspections?year=1900")
    assert empty.rows == [["Nothing matches these filters."]] and len(empty.remove_links) == 1


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("authority-list", {}),
        ("inspection-list", {}),
        ("inspector-list", {}),
        ("grade-counts", {}),
        ("search-texts", {}),
        ("name-search", {"needle": "somer"}),
        ("authority-by-code", {"code": "E10000027"}),
    ],
)
def test_page_queries_give_the_columns_their_headers_declare(store, name, params) -> None:
    query = page_query(name, uris)
    data, _ = run_named(store, query, params, "json")
    result = json.loads(data)
    assert result["head"]["vars"] == list(query.columns) and result["results"]["bindings"]


# ------------------------------------------------------------------ search


def test_search_finds_care_leavers_in_recommendations_with_passages(server, store) -> None:
    stating = {
        r["i"]
        for r in sparql(
            store,
            """SELECT DISTINCT ?i WHERE { ?i ofsted:hasRecommendation|ofsted:hasFinding ?r .
                 ?r ofsted:textAsPrinted ?t FILTER (REGEX(?t, "care leaver", "i")) }""",
        )
    }
    status, _, text = get(server, "/search?q=care+leavers")
    assert status == 200
    passages = re.findall(
        r'<p class="passage">(.*?)</p>\s*<p class="note"><a href="([^"]+)">[^<]*</a>[^<]*'
        r'<a href="([^"]+)">([^<]+)</a>',
        text,
        re.S,
    )
    assert len({name.split(",")[0] for *_, name in passages}) >= 3  # across authorities
    for passage, item, link, _ in passages:
        assert re.search(r"<mark>care leavers?</mark>", passage, re.I)
        assert DEFAULT_BASE + link.lstrip("/").replace("doc/", "id/", 1) in stating
        assert item.startswith(link + "/")  # the recommendation or finding, of that inspection
    # The passages that state the phrase come before those with the words apart.
    assert "<mark>care leavers</mark>" in passages[0][0].lower()


def test_search_passages_are_escaped_and_follow_a_store_refresh(server, store) -> None:
    inspection = sparql(store, "SELECT ?i WHERE { ?i a ofsted:Inspection } LIMIT 1")[0]["i"]
    word = "zyxwvuts"
    assert "<mark>" not in get(server, f"/search?q={word}")[2]
    store.update(
        PREFIXES
        + f"""INSERT DATA {{ GRAPH <http://example.org/graph/search-test> {{
          <{inspection}> ofsted:hasRecommendation <{inspection}/recommendation/test-1> .
          <{inspection}/recommendation/test-1> ofsted:textAsPrinted
              "Stop <script>alert(1)</script> and {word} the plan." }} }}"""
    )
    try:
        text = get(server, f"/search?q={word}")[2]
        assert f"<mark>{word}</mark>" in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<script>alert(1)" not in text
    finally:
        store.drop_graph("http://example.org/graph/search-test")
    assert "<mark>" not in get(server, f"/search?q={word}")[2]


@pytest.mark.parametrize("code", ["80555", "933", "E06000066", "E10000027", "e10000027"])
def test_a_code_goes_straight_to_its_authority(server, code: str) -> None:
    status, headers, _ = server.request("GET", f"/search?q={code}")
    assert status == 303 and headers["location"].endswith("/doc/local-authority/80555")
    hits = json.loads(server.request("GET", f"/search.json?q={code}")[2])
    assert hits[0]["page"] == "/doc/local-authority/80555" and hits[0]["matched"]


def test_empty_result_says_where_else_to_look(server) -> None:
    status, _, text = get(server, "/search?q=" + quote("qqqxqqq zzz"))
    assert status == 200 and "Nothing found" in text
    assert 'href="/authorities"' in text and 'href="/sparql"' in text
    assert "/queries/recommendations-search?keyword=qqqxqqq+zzz" in text


def test_search_is_bounded(server) -> None:
    status, _, text = get(server, "/search?q=" + "children+" * 200)
    assert status == 200 and len(re.findall(r'<p class="passage">', text)) <= 50


# ------------------------------------------------------------------ in a browser


@pytest.mark.browser
def test_click_a_facet_and_a_sort_header(server, store) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_browser() as browser:
        tab = browser.new_page()
        tab.goto(server.url + "/")
        tab.get_by_role("link", name="All inspections, latest first").click()
        tab.wait_for_url("**/inspections**")
        facet = tab.locator("aside section", has=tab.get_by_role("heading", name="Kind of report"))
        choice = facet.get_by_role("link").first
        label = choice.inner_text()
        choice.click()
        tab.wait_for_url("**kind=**")
        tab.get_by_role("link", name="Authority", exact=True).click()
        tab.wait_for_url("**sort=name**")
        table = tab.locator("#list table")
        assert table.locator("th[aria-sort=ascending]").inner_text() == "Authority"
        names = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
        kinds = set(table.locator("tbody tr td:nth-child(4)").all_inner_texts())
        assert names == sorted(names, key=str.lower) and kinds == {label}
        tab.screenshot(path=ARTIFACTS / "lists-inspections.png", full_page=True)
        assert (
            tab.get_by_role("link", name="CSV of this view")
            .get_attribute("href")
            .endswith("format=csv")
        )
