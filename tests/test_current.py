"""Where every authority stands now: the current-judgements named query, the /current page and its
CSV, and the statistical neighbours, on a real store built from the seeds and corpus PDFs chosen
for their cases (an inadequate authority judged the same twice with a safeguarding-board review
between, a decline to inadequate, a first graded inadequate, an improvement, an April 2026 report
without an overall grade, a focused visit after the latest graded inspection). Every expectation
is computed here from the inspection summary and the reference CSV, not from the query."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Literal, URIRef
from web_server import Running, chromium_browser, running_server, seeds_and_pdfs_store

from ofsted_kg.authorities import authorities
from ofsted_kg.queries import load_queries, run_named
from ofsted_kg.rdf import reference_graph
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import DEFAULT_BASE, Uris
from ofsted_kg.validation import validate_graph
from ofsted_kg.vocab import AREAS, GRADE_RANK
from ofsted_kg.web import WebConfig

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
PDFS = (
    "80567_surrey_2015-06-03.pdf",
    "80567_surrey_2015-08-03.pdf",  # review of the safeguarding board only: not a graded inspection
    "80567_surrey_2018-05-16.pdf",
    "80568_swindon_2014-05-23.pdf",
    "80568_swindon_2023-09-11.pdf",
    "80573_trafford_2019-05-08.pdf",
    "80523_middlesbrough_2020-01-24.pdf",
    "80523_middlesbrough_2026-07-28.pdf",  # April 2026 framework: no overall grade
    "2532287_bournemouth-christchurch-poole_2022-02-11.pdf",
    "2532287_bournemouth-christchurch-poole_2025-01-29.pdf",
    # Somerset's latest graded inspection read from two documents (the seed and its PDF): still
    # one row for Somerset.
    "80555_somerset_2015-03-27.pdf",
)
uris = Uris(DEFAULT_BASE)


@pytest.fixture(scope="module")
def store(tmp_path_factory, shared_dir: Path):
    built = seeds_and_pdfs_store(tmp_path_factory.mktemp("current") / "store", shared_dir, PDFS)
    yield built
    built.close()


@pytest.fixture(scope="module")
def server(store):
    with running_server(store, WebConfig(query_workers=2, query_timeout=60)) as running:
        yield running


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _named(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    data, _ = run_named(store, load_queries()[name], params, "csv")
    return _csv_rows(data)


def _current_names() -> set[str]:
    return {
        a.name for a in authorities().values() if any(code.valid_to is None for code in a.gss_codes)
    }


def expected_standings(store: EmbeddedStore) -> dict[str, dict[str, str]]:
    """By authority name: the latest graded inspection from the inspection summary, computed in
    Python (any area but the board graded; latest by first fieldwork day) and the one before."""
    graded: dict[str, list[dict[str, str]]] = {}
    for row in _named(store, "inspection-summary"):
        areas = [k for k in row if k in AREAS and k != "lscb" and row[k]]
        if row["local_authority"] in _current_names() and areas:
            graded.setdefault(row["local_authority"], []).append(row)
    found = {}
    for name, rows in graded.items():
        rows.sort(key=lambda r: r["start_date"])
        latest, previous = rows[-1], (rows[-2] if len(rows) > 1 else None)
        now, before = (
            latest["overall_effectiveness"],
            previous and previous["overall_effectiveness"],
        )
        if previous is None:
            direction = "first graded"
        elif not now or not before:
            direction = "no overall grade to compare"
        else:
            change = GRADE_RANK[now] - GRADE_RANK[before]
            direction = "improved" if change > 0 else "declined" if change < 0 else "same"
        found[name] = {
            "latest_date": latest["start_date"],
            "overall_effectiveness": now,
            "previous_date": previous["start_date"] if previous else "",
            "previous_overall_effectiveness": before or "",
            "direction": direction,
            # the grade of every other area, empty where not graded
            **{a: latest[a] for a in AREAS if a in latest and a != "overall_effectiveness"},
        }
    return found


# ------------------------------------------------------------------ the named query


def test_named_query_gives_each_authority_its_latest_graded_inspection(store) -> None:
    expected = expected_standings(store)
    rows = _named(store, "current-judgements")
    got = {r["local_authority"]: {k: r[k] for k in expected["Surrey"]} for r in rows}
    assert len(rows) == len(got), "one row per authority"
    assert got == expected
    # The cases the PDFs were chosen for, stated plainly.
    assert got["Surrey"]["previous_date"] == "2014-10-21"  # the 2015 board review is skipped
    assert got["Surrey"]["direction"] == "same"
    assert got["Swindon"]["direction"] == "declined"
    assert got["Trafford"]["direction"] == "first graded"
    assert got["Bournemouth, Christchurch and Poole"]["direction"] == "improved"
    assert got["Middlesbrough"]["overall_effectiveness"] == ""
    assert got["Middlesbrough"]["direction"] == "no overall grade to compare"
    assert got["North Somerset"]["latest_date"] == "2017-06-12"  # not the later focused visit
    middlesbrough = next(r for r in rows if r["local_authority"] == "Middlesbrough")
    assert middlesbrough["impact_of_leaders"] == "requires_improvement"


def test_named_query_filters_by_grade_region_and_year(store) -> None:
    expected = expected_standings(store)
    inadequate = {n for n, s in expected.items() if s["overall_effectiveness"] == "inadequate"}
    assert inadequate == {"Somerset", "Surrey", "Swindon", "Trafford"}  # Somerset: the 2015 seed
    rows = _named(store, "current-judgements", grade="inadequate")
    assert {r["local_authority"] for r in rows} == inadequate
    rows = _named(store, "current-judgements", grade="none")
    assert {r["local_authority"] for r in rows} == {"Middlesbrough"}
    rows = _named(store, "current-judgements", region="South West")
    regions = {a.name: a.region for a in authorities().values()}
    assert {r["local_authority"] for r in rows} == {
        n for n in expected if regions[n] == "South West"
    }
    rows = _named(store, "current-judgements", year="2017")
    assert {r["local_authority"] for r in rows} == {
        n for n, s in expected.items() if s["latest_date"].startswith("2017")
    }


# ------------------------------------------------------------------ statistical neighbours


def test_statistical_neighbours_in_the_graph_match_the_reference_csv(store, shared_dir) -> None:
    with (shared_dir / "reference" / "la_lookup.csv").open(encoding="utf-8-sig") as fh:
        lookup = list(csv.DictReader(fh))
    urn_of = {row["la_code"]: row["urn"] for row in lookup}
    expected = {
        (row["urn"], urn_of[code.strip()])
        for row in lookup
        for code in row["stat_neighbours"].split(",")
        if code.strip()
    }
    data, _ = store.query(
        f"SELECT ?a ?b WHERE {{ GRAPH <{uris.graph('reference')}> "
        f"{{ ?a <{uris.term('statisticalNeighbour')}> ?b }} }}",
        result_format="text/csv",
    )
    prefix = str(uris.authority("0"))[:-1]
    got = {(r["a"].removeprefix(prefix), r["b"].removeprefix(prefix)) for r in _csv_rows(data)}
    assert len(expected) == 1530 and got == expected


def test_a_neighbour_that_is_not_an_authority_is_a_violation() -> None:
    graph = reference_graph(uris)
    assert not validate_graph(graph).violations
    graph.add((uris.authority("80567"), uris.term("statisticalNeighbour"), Literal("Kent")))
    graph.add(
        (uris.authority("80568"), uris.term("statisticalNeighbour"), URIRef("http://x.org/y"))
    )
    violations = validate_graph(graph).violations
    assert all("statistical neighbours" in v.message for v in violations)
    assert {v.focus for v in violations} == {
        str(uris.authority("80567")),
        str(uris.authority("80568")),
    }


# ------------------------------------------------------------------ the page


def _page(server: Running, path: str) -> str:
    status, _, body = server.request("GET", path, headers={"Accept": "text/html"})
    assert status == 200, path
    return body.decode("utf-8")


def _listed(page: str) -> list[str]:
    """The authorities of the standings table, in order."""
    table = page[page.index('id="standings"') : page.index("</table>")]
    return [
        html.unescape(name)
        for name in re.findall(r'<tr>\s*<td><a href="/doc/local-authority/\d+">([^<]+)</a>', table)
    ]


def test_page_filtered_to_inadequate_lists_exactly_the_inadequate_authorities(
    store, server
) -> None:
    expected = expected_standings(store)
    page = _page(server, "/current?grade=inadequate")
    assert sorted(_listed(page)) == sorted(
        n for n, s in expected.items() if s["overall_effectiveness"] == "inadequate"
    )
    everyone = _listed(_page(server, "/current"))
    assert everyone == sorted(expected, key=str.lower)
    by_date = _listed(_page(server, "/current?sort=date&order=desc"))
    assert by_date == sorted(expected, key=lambda n: (expected[n]["latest_date"], n.lower()))[::-1]


def test_page_states_coverage_and_lists_authorities_without_reports(store, server) -> None:
    held = {r["local_authority"] for r in _named(store, "inspection-summary")}
    current = _current_names()
    page = _page(server, "/current")
    assert len(current) == 153
    assert f"Reports held for {len(held & current)} of 153 authorities" in page
    without = page[page.index('id="without-heading"') :]
    listed = {
        html.unescape(n) for n in re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', without)
    }
    assert listed == current - held


def test_page_shows_no_overall_grade_plainly_and_neighbours_with_their_grades(server) -> None:
    page = _page(server, "/current?grade=none")
    assert _listed(page) == ["Middlesbrough"]
    assert "<strong>No overall grade</strong> (graded areas only)" in page
    assert "no overall grade to compare" in page
    # Surrey and Trafford are each other's statistical neighbours, both judged inadequate.
    surrey = _page(server, "/current?grade=inadequate&region=South+East")
    assert _listed(surrey) == ["Surrey"]
    assert re.search(r">Trafford</a>:\s*<strong>Inadequate</strong>", surrey)
    assert surrey.count('<a href="/doc/local-authority/') >= 11  # itself and ten neighbours


def test_authority_page_lists_its_neighbours_with_their_latest_grades(server) -> None:
    page = _page(server, "/doc/local-authority/80567")
    section = page[
        page.index('id="neighbours-heading"') : page.index(
            "</section>", page.index('id="neighbours-heading"')
        )
    ]
    surrey = authorities()["80567"]
    by_dfe = {a.dfe_code: a for a in authorities().values()}
    names = {
        html.unescape(n)
        for n in re.findall(r'<a href="/doc/local-authority/\d+">([^<]+)</a>', section)
    }
    assert names == {by_dfe[code].name for code in surrey.stat_neighbours}
    assert re.search(r">Trafford</a>:\s*<strong>Inadequate</strong>", section)
    assert "no graded inspection in the graph" in section


def test_csv_download_is_the_filtered_sorted_view(store, server) -> None:
    expected = expected_standings(store)
    status, headers, body = server.request("GET", "/current.csv?grade=inadequate&sort=date")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    rows = _csv_rows(body)
    assert [r["local_authority"] for r in rows] == sorted(
        (n for n, s in expected.items() if s["overall_effectiveness"] == "inadequate"),
        key=lambda n: expected[n]["latest_date"],
    )
    surrey = next(r for r in rows if r["local_authority"] == "Surrey")
    assert surrey["latest_inspection"] == str(uris.inspection("80567", "2018-02-26"))
    assert "Trafford: inadequate (2019-" in surrey["statistical_neighbours"]
    assert server.request("GET", "/current?grade=awful")[0] == 400
    assert server.request("GET", "/current?sort=colour")[0] == 400


# ------------------------------------------------------------------ in a browser


def test_reach_current_judgements_from_home_and_filter_to_inadequate(store, server) -> None:
    expected = expected_standings(store)
    inadequate = sorted(
        n for n, s in expected.items() if s["overall_effectiveness"] == "inadequate"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_browser() as browser:
        page = browser.new_page()
        page.goto(server.url + "/")
        page.get_by_role("link", name="Where every authority stands now").click()
        page.wait_for_url("**/current")
        assert page.locator("h1").inner_text() == "Where every authority stands now"
        page.get_by_label("Latest overall grade").select_option(label="Inadequate")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/current?*grade=inadequate*")
        assert parse_qs(urlsplit(page.url).query)["grade"] == ["inadequate"]
        table = page.get_by_role("table")
        names = table.locator("tbody tr td:first-child a").all_inner_texts()
        assert sorted(names) == inadequate
        page.screenshot(path=ARTIFACTS / "current-inadequate.png", full_page=True)
        # Sorting keeps the filter: latest first by clicking the date header twice.
        table.get_by_role("link", name="Latest graded inspection").click()
        page.wait_for_url("**sort=date**")
        table.get_by_role("link", name="Latest graded inspection").click()
        page.wait_for_url("**order=desc**")
        names = table.locator("tbody tr td:first-child a").all_inner_texts()
        assert names == sorted(inadequate, key=lambda n: expected[n]["latest_date"])[::-1]
        page.set_viewport_size({"width": 390, "height": 800})
        page.screenshot(path=ARTIFACTS / "current-phone.png", full_page=True)
