"""The site in a real browser (Debian's chromium through Playwright) over a store built from the
seeds and the reports of seven authorities: axe-core finds no accessibility violation on any
page type, at desktop and at phone width, and the five questions of issue 13 are answered by
clicking from the home page, each answer checked against the inspection summary."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF
from web_server import Running, chromium_browser, running_server, seven_authorities_store

from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import DEFAULT_BASE, Uris
from ofsted_kg.vocab import AREAS, GRADES
from ofsted_kg.web import WebConfig

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
# axe-core from the npm registry, pinned; kept out of the repository (test-artifacts/ is ignored).
AXE_VERSION = "4.10.3"
AXE_FILE = ARTIFACTS / f"axe-core-{AXE_VERSION}" / "axe.min.js"
uris = Uris(DEFAULT_BASE)


def fetch_axe() -> str:
    """axe.min.js of AXE_VERSION, fetched once with `npm pack` (the registry's tarball, checked
    by npm against its published integrity hash)."""
    if not AXE_FILE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: axe-core cannot be fetched")
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                [npm, "pack", f"axe-core@{AXE_VERSION}", "--silent"],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if done.returncode:
                pytest.skip(f"npm pack axe-core@{AXE_VERSION} failed: {done.stderr.strip()[-300:]}")
            (tarball,) = Path(folder).glob("axe-core-*.tgz")
            with tarfile.open(tarball) as tar:
                member = tar.extractfile("package/axe.min.js")
                assert member is not None
                source = member.read()
        AXE_FILE.parent.mkdir(parents=True, exist_ok=True)
        AXE_FILE.write_bytes(source)
    return AXE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    """One chromium for the whole module (a launch costs about two CPU-seconds)."""
    with chromium_browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    store = EmbeddedStore(seven_authorities_store(tmp_path_factory, "browser"))
    with running_server(store, WebConfig(query_workers=2, query_timeout=30)) as server:
        yield server
    store.close()


def summary(server: Running) -> list[dict[str, str]]:
    """The inspection summary, as the home page offers it for download."""
    status, _, body = server.request("GET", "/queries/inspection-summary?format=csv")
    assert status == 200
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def local(uri: str) -> str:
    assert uri.startswith(DEFAULT_BASE)
    return "/" + uri[len(DEFAULT_BASE) :].replace("id/", "doc/", 1)


def one(server: Running, sparql: str) -> str:
    found = server.select(sparql + " LIMIT 1")
    assert found, sparql
    return local(next(iter(found[0].values())))


def page_types(server: Running) -> dict[str, str]:
    """A page of every type the site serves: name -> path."""
    T = uris.term
    inspection = one(
        server,
        f"SELECT ?i WHERE {{ ?i <{T('inspectedAuthority')}> <{uris.authority('80528')}> ; "
        f"<https://schema.org/startDate> ?d }} ORDER BY DESC(?d)",
    )
    status, _, body = server.request("GET", inspection, headers={"Accept": "text/html"})
    source_page = re.search(r'href="(/source/[0-9a-f]{64}/page/\d+\?quote=[^"]+)"', body.decode())
    assert status == 200 and source_page
    return {
        "home": "/",
        "authority": "/doc/local-authority/80528",
        "inspection": inspection,
        "person": one(
            server,
            f"SELECT ?p WHERE {{ ?m <http://www.w3.org/ns/prov#agent> ?p ; "
            f"<http://www.w3.org/ns/prov#hadRole> "
            f"<{uris.concept('INSPECTOR_ROLES', 'lead_inspector')}> }}",
        ),
        "judgement": inspection + "/judgement/overall_effectiveness",
        "recommendation": one(server, f"SELECT ?r WHERE {{ ?r a <{T('Recommendation')}> }}"),
        "finding": one(server, f"SELECT ?f WHERE {{ ?f a <{T('Finding')}> }}"),
        "evidence": one(server, f"SELECT ?e WHERE {{ ?e a <{T('Evidence')}> }}"),
        "source page": source_page.group(1).replace("&amp;", "&"),
        "authorities": "/authorities",
        "inspectors": "/inspectors",
        "inspections": "/inspections",
        "search": "/search?q=Somerset",
        "current": "/current",
        "queries": "/queries",
        "query": "/queries/busiest-inspectors",
        "sparql": "/sparql",
        "ontology term": "/def/ofsted/Inspection",
        "ontology": "/def/ofsted/",
        "not found": "/no/such/page",
    }


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return [result.passes.length, result.violations.map(v => `${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))];
}"""


WIDTHS = (1280, 390)  # desktop and phone (issue 13)


@pytest.fixture(scope="module")
def axe_violations(site: Running, browser) -> dict[int, dict[str, list[str]]]:
    """axe's violations on every page type at each of WIDTHS: by width, then by page.

    Each page is loaded once: axe runs at the first width, then again after the viewport is set
    to each next width (the page is laid out again and its media queries apply as at a load at
    that width). Loading and injecting axe once instead of once per width saves about a quarter of the
    work; what axe checks at each width is the same."""
    axe = fetch_axe()
    pages = page_types(site)
    found: dict[int, dict[str, list[str]]] = {width: {} for width in WIDTHS}
    # The pages' Content-Security-Policy forbids inline scripts: axe is injected past it.
    context = browser.new_context(bypass_csp=True, viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    for name, path in pages.items():
        _, headers, _ = site.request("GET", path, headers={"Accept": BROWSER_ACCEPT})
        if not headers["content-type"].startswith("text/html"):
            # The named queries answer a browser with HTML only once they are pages
            # (issue 13, "Named queries as pages"); until then there is no page to check.
            assert name == "query", (name, headers["content-type"])
            continue
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(site.url + path)
        page.add_script_tag(content=axe)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate("window.innerWidth") == width
            passed, violations = page.evaluate(AXE_RUN)
            assert passed >= 10, f"axe checked little on {path} at {width} px: {passed} passed"
            if violations:
                found[width][f"{name} {path}"] = violations
    context.close()
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_any_page_type(
    axe_violations: dict[int, dict[str, list[str]]], width: int
) -> None:
    assert not axe_violations[width], json.dumps(axe_violations[width], indent=1)


# ------------------------------------------------------------------ the five questions of issue 13


@pytest.fixture(scope="module")
def browser_page(browser):
    context = browser.new_context(accept_downloads=True)
    yield context.new_page()
    context.close()


def search_from_home(page, site: Running, words: str) -> None:
    page.goto(site.url + "/")
    page.get_by_role("search").locator("input").first.fill(words)
    page.get_by_role("search").get_by_role("button").click()
    page.wait_for_url("**/search?**")


def test_question_1_north_somerset_overall_effectiveness_and_trend(site, browser_page) -> None:
    expected = {
        row["start_date"]: GRADES[row["overall_effectiveness"]]
        for row in summary(site)
        if row["local_authority"] == "North Somerset" and row["overall_effectiveness"]
    }
    assert len(expected) >= 2, "North Somerset's reports give at least two overall grades"
    page = browser_page
    search_from_home(page, site, "North Somerset")
    page.get_by_role("link", name="North Somerset", exact=True).first.click()
    page.wait_for_url("**/doc/local-authority/80528")
    table = page.get_by_role("table", name=re.compile("Inspections of North Somerset"))
    for start, grade in expected.items():
        row = table.get_by_role("row").filter(has_text=start)
        assert f"Overall effectiveness: {grade}" in row.inner_text(), start
    # The trend: the chart states the grades in date order.
    told = page.locator("svg[role=group] desc").text_content()
    stated = [told.index(f"{start}: ") for start in sorted(expected)]
    assert stated == sorted(stated)
    for start, grade in expected.items():
        assert re.search(rf"{start}: [^;]*Overall effectiveness {re.escape(grade)}", told), start
    page.screenshot(path=ARTIFACTS / "question-1-north-somerset.png", full_page=True)


def test_question_2_inspectors_who_led_the_most_inspections(site, browser_page) -> None:
    led = Counter(row["lead_inspector"] for row in summary(site) if row["lead_inspector"])
    most = max(led.values())
    expected = {name.casefold() for name, n in led.items() if n == most}
    page = browser_page
    page.goto(site.url + "/")
    page.get_by_role("link", name=re.compile("Named queries")).first.click()
    page.get_by_role("link", name=re.compile("Busiest inspectors", re.I)).first.click()
    page.wait_for_url("**/queries/busiest-inspectors**")
    table = page.get_by_role("table").first
    # Column names as the query names them (as_lead), or said in words ("As lead").
    header = [
        re.sub(r"[\s_]+", "_", cell.inner_text().strip().lower())
        for cell in table.locator("thead th").all()
    ]
    name_at = next(k for k, text in enumerate(header) if text.startswith("name"))
    lead_at = next(k for k, text in enumerate(header) if text.startswith("as_lead"))
    shown = [
        [cell.inner_text().strip() for cell in row.locator("td, th").all()]
        for row in table.locator("tbody tr").all()
    ]
    top = max(int(cells[lead_at]) for cells in shown)
    assert top == most
    assert {cells[name_at].casefold() for cells in shown if int(cells[lead_at]) == top} == expected
    page.screenshot(path=ARTIFACTS / "question-2-busiest-inspectors.png", full_page=True)


def test_question_3_authorities_judged_inadequate_now(site, browser_page) -> None:
    latest: dict[str, dict[str, str]] = {}
    for row in summary(site):
        graded = any(row.get(area) for area in AREAS)
        known = latest.get(row["local_authority"])
        if graded and (known is None or row["start_date"] > known["start_date"]):
            latest[row["local_authority"]] = row
    expected = {
        name for name, row in latest.items() if row["overall_effectiveness"] == "inadequate"
    }
    assert expected, "Knowsley's and Barnet's latest graded inspections are inadequate"
    page = browser_page
    page.goto(site.url + "/")
    page.get_by_role("link", name=re.compile("Where every authority stands now")).first.click()
    page.wait_for_url("**/current")
    page.get_by_label("Latest overall grade").select_option(label="Inadequate")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/current?**grade=inadequate**")
    table = page.get_by_role("table").first
    shown = {
        row.locator("td").first.inner_text().strip() for row in table.locator("tbody tr").all()
    }
    assert shown == expected
    page.screenshot(path=ARTIFACTS / "question-3-inadequate-now.png", full_page=True)


def test_question_4_what_ofsted_recommended_about_care_leavers(site, browser_page) -> None:
    T = uris.term
    about = site.select(
        f"""SELECT DISTINCT ?r WHERE {{ ?r a <{T("Recommendation")}> ; <{T("text")}> ?text
            FILTER (CONTAINS(LCASE(?text), "care leavers")) }}""",
    )
    expected = {local(row["r"]) for row in about}
    assert len(expected) >= 3, "several recommendations in these reports are about care leavers"
    # Search ranks the phrase first, then texts with both words anywhere (as their stems: "care
    # leaver" is found too).
    both_words = {
        local(row["r"])
        for row in site.select(
            f"""SELECT DISTINCT ?r WHERE {{ ?r a <{T("Recommendation")}> ; <{T("text")}> ?text
                FILTER (REGEX(?text, "(^|[^a-z])care([^a-z]|$)", "i")
                        && REGEX(?text, "(^|[^a-z])leavers?([^a-z]|$)", "i")) }}""",
        )
    }
    page = browser_page
    page.goto(site.url + "/")
    search_from_home(page, site, "care leavers")
    found = {
        urlsplit(link.get_attribute("href")).path
        for link in page.locator("main a[href*='/recommendation/']").all()
    }
    assert found, "no recommendation among the results"
    assert found <= both_words, found - both_words
    assert len(found & expected) >= min(len(expected), 10)
    assert "care leavers" in page.locator("main").inner_text().lower()  # the matching passage
    page.locator("main a[href*='/recommendation/']").first.click()
    page.wait_for_url("**/recommendation/**")
    assert "care leavers" in page.locator("main").inner_text().lower()
    page.screenshot(path=ARTIFACTS / "question-4-care-leavers.png", full_page=True)


def test_question_5_download_the_graph_and_the_summary(site, browser_page) -> None:
    expected = summary(site)
    page = browser_page
    page.goto(site.url + "/")
    with page.expect_download() as summary_download:
        page.get_by_role("link", name=re.compile("Inspection summary")).first.click()
    downloaded = summary_download.value.path().read_text(encoding="utf-8")
    assert list(csv.DictReader(io.StringIO(downloaded))) == expected
    page.goto(site.url + "/")
    with page.expect_download() as graph_download:
        page.get_by_role("link", name="N-Quads", exact=True).click()
    path = graph_download.value.path()
    assert graph_download.value.suggested_filename.endswith(".nq")
    a, inspection = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(uris.term("Inspection")))
    inspections = {
        q.subject
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
        if q.predicate == a and q.object == inspection
    }
    assert len(inspections) == len(expected)  # the summary has one row per inspection
    # Back on the home page, the link says how large the file served was, and when the graph
    # was built.
    page.goto(site.url + "/")
    note = page.get_by_role("link", name="N-Quads", exact=True).locator("xpath=..").inner_text()
    assert re.search(r"built \d{1,2} \w+ \d{4}, \d\d:\d\d UTC", note), note
    size = re.search(r"about ([\d.]+) (kB|MB)", note)
    assert size, note
    unit = {"kB": 1000, "MB": 1_000_000}[size.group(2)]
    assert abs(path.stat().st_size / unit - float(size.group(1))) <= 0.5
