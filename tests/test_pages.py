"""Linked-data pages on a real waitress server over a store built from the seeds and the reports of
seven authorities (web_server.seven_authorities_store, built once per run; Somerset's among them):
dereferencing (303, negotiation, extensions, base mapping), the same graph in every RDF form,
escaping of hostile text, incoming-link pagination, charts, search, downloads, and a browser walk
with Playwright (Debian's chromium)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, SKOS
from web_server import Running, chromium_browser, running_server, seven_authorities_store

from ofsted_kg import vocab
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.store.results import select_results
from ofsted_kg.uris import DEFAULT_BASE, Uris
from ofsted_kg.web import WebConfig
from ofsted_kg.web.pages.charts import grade_timeline

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
HOSTILE = "<script>alert(1)</script> Smith"
HOSTILE_GRAPH = "http://example.org/graph/hostile"
RDF_FORMATS = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}
uris = Uris(DEFAULT_BASE)


def _rows(store: EmbeddedStore, sparql: str) -> list[dict[str, str]]:
    return store.select(sparql)


def _add_hostile_person(store: EmbeddedStore, inspection: str) -> None:
    """A team member whose printed name is markup, as a report could print it."""
    person = uris.inspector("hostile smith")
    mention = f"{inspection}/participant/hostile"
    name = json.dumps(HOSTILE)
    store.update(
        f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX schema: <https://schema.org/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT DATA {{ GRAPH <{HOSTILE_GRAPH}> {{
          <{person}> a schema:Person, prov:Agent ; schema:name {name} ; rdfs:label {name} .
          <{inspection}> prov:qualifiedAssociation <{mention}> .
          <{mention}> prov:agent <{person}> ; <{uris.term("nameAsPrinted")}> {name} ;
              prov:hadRole <{uris.concept("INSPECTOR_ROLES", "team_inspector")}> . }} }}"""
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    # Somerset's four reports (2015 prints strengths and areas for development) and North
    # Somerset's 2023 among them; the hostile person is added to this file's own copy.
    store = EmbeddedStore(seven_authorities_store(tmp_path_factory, "pages"))
    somerset = _rows(
        store,
        f"""SELECT ?i WHERE {{ ?i <{uris.term("inspectedAuthority")}> <{uris.authority("80555")}> ;
            <https://schema.org/startDate> ?d }} ORDER BY DESC(?d) LIMIT 1""",
    )
    assert somerset, "the Somerset PDFs built no inspection"
    inspection = somerset[0]["i"]
    _add_hostile_person(store, inspection)
    config = WebConfig(query_workers=2, query_timeout=30)
    with running_server(store, config) as server:
        yield server, inspection
    store.close()


def local_path(uri: str) -> str:
    assert uri.startswith(DEFAULT_BASE)
    return "/" + uri[len(DEFAULT_BASE) :]


def doc_path(uri: str) -> str:
    return local_path(uri).replace("/id/", "/doc/", 1)


def get(server: Running, path: str, accept: str | None = None) -> tuple[int, dict, bytes]:
    return server.request("GET", path, headers={"Accept": accept} if accept else {})


def parse(body: bytes, fmt: str, base: str) -> Graph:
    return Graph().parse(data=body, format=fmt, publicID=base)


# ------------------------------------------------------------------ dereferencing


def test_id_answers_303_to_its_document(site) -> None:
    server, _ = site
    status, headers, _ = get(server, "/id/local-authority/80555", "text/html")
    assert status == 303
    assert urlsplit(headers["location"]).path == "/doc/local-authority/80555"


def test_doc_serves_html_to_browsers_with_alternates(site) -> None:
    server, _ = site
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, body = get(server, "/doc/local-authority/80555", accept)
    assert status == 200 and headers["content-type"].startswith("text/html")
    html = body.decode()
    assert "<h1>Somerset</h1>" in html
    for media_type, (ext, _) in RDF_FORMATS.items():
        assert (
            f'rel="alternate" type="{media_type}" href="/doc/local-authority/80555.{ext}"' in html
        )
        assert f'href="/doc/local-authority/80555.{ext}"' in html.split("<body>")[1]
    assert headers["vary"] == "Accept"


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_doc_negotiates_rdf_by_accept_and_by_extension(site, media_type: str) -> None:
    server, _ = site
    ext, fmt = RDF_FORMATS[media_type]
    by_accept = get(server, "/doc/local-authority/80555", media_type)
    by_extension = get(server, f"/doc/local-authority/80555.{ext}")
    for status, headers, body in (by_accept, by_extension):
        assert status == 200
        assert headers["content-type"].startswith(media_type)
        graph = parse(body, fmt, "http://127.0.0.1/")
        assert isomorphic(graph, parse(by_accept[2], fmt, "http://127.0.0.1/"))


def test_rdf_forms_are_the_same_graph(site) -> None:
    server, inspection = site
    for path in ("/doc/local-authority/80555", doc_path(inspection), "/def/ofsted/Judgement"):
        graphs = {
            fmt: parse(get(server, path, media_type)[2], fmt, "http://127.0.0.1/")
            for media_type, (_, fmt) in RDF_FORMATS.items()
        }
        first = graphs["turtle"]
        assert len(first) > 5, path
        for fmt, graph in graphs.items():
            assert isomorphic(first, graph), f"{path}: {fmt} differs from Turtle"


def test_base_that_is_not_the_server_address_is_mapped(site) -> None:
    """Served from 127.0.0.1, the pages describe the URIs minted under the configured base."""
    server, inspection = site
    assert not server.url.startswith(DEFAULT_BASE.rstrip("/"))
    graph = parse(get(server, doc_path(inspection) + ".nt")[2], "nt", server.url)
    subjects = {str(s) for s in graph.subjects()}
    assert inspection in subjects
    assert all(not s.startswith(server.url) for s in subjects)
    status, _, body = get(server, doc_path(inspection), "text/html")
    assert status == 200 and inspection in body.decode()


def test_ontology_terms_dereference(site) -> None:
    server, _ = site
    status, _, body = get(server, "/def/ofsted/Inspection", "text/html")
    assert status == 200 and "<h1>Inspection</h1>" in body.decode()
    status, _, body = get(server, "/def/ofsted/grade/good", "text/turtle")
    graph = parse(body, "turtle", server.url)
    assert (None, None, None) in graph and "Good" in {str(o) for o in graph.objects()}
    status, _, body = get(server, "/def/ofsted/", "text/html")
    assert status == 200 and "ofsted-kg ontology" in body.decode()


def test_unknown_resource_is_404(site) -> None:
    server, _ = site
    status, _, body = get(server, "/doc/local-authority/no-such-urn", "text/html")
    assert status == 404 and b"nothing is known" in body


def test_errors_are_pages_for_browsers_and_a_line_for_machines(site) -> None:
    server, _ = site
    status, headers, body = get(server, "/no/such/page", "text/html,*/*;q=0.8")
    page = body.decode()
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert '<form class="search" role="search"' in page and 'href="/authorities"' in page
    assert "<title>404 Not Found – ofsted-kg</title>" in page and 'href="#main"' in page
    for accept in (None, "*/*", "application/sparql-results+json"):
        status, headers, body = get(server, "/no/such/page", accept)
        assert status == 404 and headers["content-type"].startswith("text/plain"), accept
        assert body.startswith(b"404 Not Found: ") and body.count(b"\n") == 1


def test_favicon_is_linked_and_answered(site) -> None:
    server, _ = site
    assert 'rel="icon" href="/static/favicon.svg"' in get(server, "/", "text/html")[2].decode()
    for path in ("/favicon.ico", "/static/favicon.svg"):
        status, headers, body = get(server, path)
        assert status == 200 and headers["content-type"].startswith("image/svg+xml"), path
        ET.fromstring(body)


def _h1(server: Running, path: str) -> str:
    html = get(server, path, "text/html")[2].decode()
    title = re.search(r"<title>(.*?) – ofsted-kg</title>", html).group(1)
    heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert title == heading, (title, heading)
    return heading


def test_parts_of_an_inspection_are_titled_in_words(site) -> None:
    server, _ = site
    north_somerset = uris.authority("80528")
    rows = server.select(
        f"""SELECT ?j ?area ?grade ?start WHERE {{
            ?i <{uris.term("inspectedAuthority")}> <{north_somerset}> ;
               <https://schema.org/startDate> ?start ; <{uris.term("hasJudgement")}> ?j .
            ?j <{uris.term("judgementArea")}> ?a ; <{uris.term("grade")}> ?g .
            ?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?area .
            ?g <http://www.w3.org/2004/02/skos/core#prefLabel> ?grade }}""",
    )
    assert rows
    for row in rows:
        expected = f"{row['area']}: {row['grade']} — North Somerset, {row['start'][:4]}"
        assert _h1(server, doc_path(row["j"])) == expected
    (recommendation,) = server.select(
        f"""SELECT ?r ?start WHERE {{ ?i <{uris.term("inspectedAuthority")}> <{north_somerset}> ;
            <https://schema.org/startDate> ?start ; <{uris.term("hasRecommendation")}> ?r .
            ?r <{uris.term("position")}> 1 }} ORDER BY DESC(?start) LIMIT 1""",
    )
    title = _h1(server, doc_path(recommendation["r"]))
    assert re.fullmatch(r"Recommendation \S+ to the .+ — North Somerset, \d{4}", title), title


def test_strengths_and_areas_for_development_show_their_text(site) -> None:
    server, _ = site
    findings = server.select(
        f"""SELECT ?i ?f ?text WHERE {{ ?i <{uris.term("hasFinding")}> ?f .
            ?f <{uris.term("text")}> ?text }}""",
    )
    assert len(findings) >= 10, "the Somerset 2015 report prints strengths and areas"
    inspection = findings[0]["i"]
    html = get(server, doc_path(inspection), "text/html")[2].decode()
    assert ">Strengths and areas for development</h2>" in html
    for row in findings:
        if row["i"] == inspection:
            text = row["text"].replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
            assert f'<a href="{doc_path(row["f"])}">{text}</a>' in html  # the facts, as text
            assert f"<li>{text} <a href" in html  # the lists, as text
    assert re.search(
        r"<h1>(Strengths|Areas for development|Satisfactory practice), item \d+ — ",
        get(server, doc_path(findings[0]["f"]), "text/html")[2].decode(),
    )


# ------------------------------------------------------------------ page content


def test_hostile_names_are_text_not_markup(site) -> None:
    server, inspection = site
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for path in (
        doc_path(str(uris.inspector("hostile smith"))),
        doc_path(inspection),
        "/search?q=alert",
    ):
        status, _, body = get(server, path, "text/html")
        html = body.decode()
        assert status == 200, path
        assert escaped in html, path
        assert "<script>alert" not in html, path
    hits = json.loads(get(server, "/search.json?q=alert")[2])
    assert hits[0]["name"] == HOSTILE  # JSON carries the text itself, for the datalist


def test_incoming_links_are_counted_and_paginated(site) -> None:
    server, _ = site
    html = get(server, "/def/ofsted/Judgement", "text/html")[2].decode()
    count = int(re.search(r"type</a> <span class=\"count\">\((\d+)\)", html).group(1))
    assert count > 20
    assert f"Page 1 of {-(-count // 10)}" in html
    rdf_type = quote("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", safe="")
    pages = []
    for page in (1, 2):
        body = get(server, f"/def/ofsted/Judgement?rev={rdf_type}&page={page}", "text/html")[2]
        pages.append(set(re.findall(r'<li><a href="(/doc/inspection/[^"]+)"', body.decode())))
    assert len(pages[0]) == 10 and len(pages[1]) == 10
    assert not pages[0] & pages[1]


def test_authority_page_has_an_svg_timeline_with_text(site) -> None:
    server, _ = site
    html = get(server, "/doc/local-authority/80555", "text/html")[2].decode()
    svg = re.search(r"<svg viewBox[^>]*role=\"group\".*?</svg>", html, re.S).group(0)
    assert 'aria-labelledby="timeline-title" aria-describedby="timeline-desc"' in svg
    assert '<title id="timeline-title">' in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert re.search(r"\d{4}-\d\d-\d\d: .*(Good|Inadequate|Requires improvement)", desc)
    marks = re.findall(
        r'<a href="([^"]+)" aria-label="([^"]+)"><title>[^<]+</title><path d="M([\d.]+),([\d.]+)',
        svg,
    )
    assert len(marks) >= 3  # one named link per judgement
    assert 'role="img"' not in svg  # links inside an image are hidden from assistive technology
    assert "Overall effectiveness" in html  # the legend and the table say the areas in words


def test_timeline_sets_apart_the_marks_of_equal_grades() -> None:
    """Eight areas graded alike at one inspection, and again two years later: every mark
    has a spot of its own, at least a mark's width from any other."""
    areas = list(vocab.AREAS)[:8]

    def inspection(start: str, grade: str) -> SimpleNamespace:
        grades = [
            SimpleNamespace(area=a, area_label=a, grade=grade, grade_label=grade, judgement="/j")
            for a in areas
        ]
        return SimpleNamespace(start=start, grades=grades)

    chart = grade_timeline([inspection("2017-06-12", "good"), inspection("2019-07-01", "good")])
    marks = [(p.x, p.y) for s in chart.series for p in s.points]
    assert len(marks) == 16
    for k, (x, y) in enumerate(marks):
        for x2, y2 in marks[k + 1 :]:
            assert max(abs(x - x2), abs(y - y2)) >= 10, ((x, y), (x2, y2))
    assert all(chart.top - 6 <= y <= chart.height - chart.bottom + 6 for _, y in marks)


def test_inspection_page_shows_judgements_team_and_source(site) -> None:
    server, inspection = site
    html = get(server, doc_path(inspection), "text/html")[2].decode()
    for heading in ("Judgements", "Recommendations", "Inspection team", "Summary"):
        assert f">{heading}</h2>" in html
    assert "Lead inspector" in html
    assert "Previous inspection" in html and "/doc/inspection/80555/" in html
    assert re.search(r"80555_somerset_\d{4}-\d\d-\d\d\.pdf", html)


def test_inspection_page_links_its_legal_basis_to_legislation_gov_uk(site) -> None:
    server, _ = site
    query = (
        f"SELECT ?i WHERE {{ ?i <{uris.term('inspectedAuthority')}> <{uris.authority('80555')}> ; "
        f"<{uris.term('hasLegalBasisStatement')}> ?s }} LIMIT 1"
    )
    status, _, body = get(
        server, "/sparql?query=" + quote(query), "application/sparql-results+json"
    )
    assert status == 200
    sif = select_results(body)[1][0]["i"]  # Somerset 2015, a SIF report
    html = get(server, doc_path(sif), "text/html")[2].decode()
    assert "<dt>Legal basis</dt>" in html
    assert (
        '<a href="http://www.legislation.gov.uk/id/ukpga/2006/40/section/136">'
        "section 136 of the Education and Inspections Act 2006</a>"
    ) in html


def test_an_inspection_reported_twice_lists_each_recommendation_once(site) -> None:
    # Somerset 2015 is built from the seed text and the PDF of the same report.
    server, _ = site
    inspection = str(uris.inspection("80555", "2015-01-20"))
    query = (
        f"SELECT (COUNT(DISTINCT ?r) AS ?n) (COUNT(DISTINCT ?g) AS ?documents) WHERE {{ "
        f"GRAPH ?g {{ <{inspection}> <{uris.term('hasRecommendation')}> ?r }} }}"
    )
    body = get(server, "/sparql?query=" + quote(query), "application/sparql-results+json")[2]
    counts = select_results(body)[1][0]
    assert counts["documents"] == "2" and int(counts["n"]) > 20
    html = get(server, doc_path(inspection), "text/html")[2].decode()
    section = html.split('id="recommendations-heading"')[1].split('id="team-heading"')[0]
    items = re.findall(r'<li value="\d+"><a href="([^"]+)"', section)
    assert len(items) == len(set(items)) == int(counts["n"])
    stated_by = "(stated by 002_9e3392fa40d9fa68.txt, 80555_somerset_2015-03-27.pdf)"
    assert section.count(stated_by) == len(items)
    assert len(html) < 200_000


def test_person_page_lists_inspections_and_colleagues(site) -> None:
    server, inspection = site
    html = get(server, doc_path(inspection), "text/html")[2].decode()
    lead = re.search(r'<li><a href="(/doc/person/[^"]+)">([^<]+)</a>, Lead inspector', html)
    assert lead
    person = get(server, lead.group(1), "text/html")[2].decode()
    assert f"<h1>{lead.group(2)}</h1>" in person
    assert "Lead inspector" in person and doc_path(inspection) in person
    assert "Worked most with" in person and "hostile" in person  # the inserted team member


def test_home_search_and_lists(site) -> None:
    server, _ = site
    home = get(server, "/", "text/html")[2].decode()
    assert 'href="#main"' in home and '<label for="q">' in home
    assert 'aria-labelledby="distribution-title distribution-desc"' in home
    assert "/download/graph.ttl" in home and "inspection-summary" in home
    hits = json.loads(get(server, "/search.json?q=somer")[2])
    assert {"Somerset", "North Somerset"} <= {h["name"] for h in hits}
    assert any(h["page"] == "/doc/local-authority/80555" for h in hits)
    page = get(server, "/search?q=Somerset", "text/html")[2].decode()
    assert '<a href="/doc/local-authority/80555">Somerset</a>' in page
    assert "Somerset" in get(server, "/authorities", "text/html")[2].decode()
    assert "/doc/person/" in get(server, "/inspectors", "text/html")[2].decode()


def test_search_kinds_and_grade_bars_come_from_the_graph(site) -> None:
    """An official is told from an inspector by their role's scheme, and the home page's grade
    bars by the grades' skos:notation, never by reading the IRIs."""
    server, _ = site
    home = get(server, "/", "text/html")[2].decode()
    assert re.search(r"\d{4}: (Outstanding|Good|Requires improvement|Inadequate)\w*: \d+", home)
    for scheme, kind in (("OFFICIAL_ROLES", "Official"), ("INSPECTOR_ROLES", "Inspector")):
        sparql = f"""SELECT ?name WHERE {{ ?m <{PROV.agent}> ?p ; <{PROV.hadRole}> ?role .
            ?role <{SKOS.inScheme}> <{uris.scheme(scheme)}> . ?p <https://schema.org/name> ?name }}
            ORDER BY ?name LIMIT 1"""
        status, _, body = server.request(
            "GET",
            "/sparql?query=" + quote(sparql),
            headers={"Accept": "application/sparql-results+json"},
        )
        [row] = json.loads(body)["results"]["bindings"]
        name = row["name"]["value"]
        hits = json.loads(get(server, "/search.json?q=" + quote(name))[2])
        assert kind in {h["kind"] for h in hits if h["name"] == name}, (name, hits)


def test_downloads(site) -> None:
    server, _ = site
    status, headers, body = get(server, "/download/graph.nt")
    assert status == 200 and "attachment" in headers["content-disposition"]
    assert len(parse(body, "nt", server.url)) > 1000
    status, headers, body = get(server, "/queries/inspection-summary?format=csv")
    assert status == 200 and body.startswith(b"source_file,")
    assert get(server, "/download/graph.exe")[0] == 404


SIZE = re.compile(
    r'<a href="(?P<url>[^"]+)" type="[^"]+" download>[^<]+</a> <span class="note">\('
    r"(?:about (?P<number>[\d.]+) (?P<unit>kB|MB)|(?P<bytes>\d+) bytes|size known after its first download); "
    r'built <time datetime="(?P<built>[^"]+)">'
)


def test_downloads_state_their_size_as_served_and_the_build_date(site) -> None:
    server, _ = site
    links = list(SIZE.finditer(get(server, "/", "text/html")[2].decode()))
    assert len(links) == 6, "five forms of the graph and the summary CSV"
    served = {}
    for link in links:  # each download counted as it is served: its size is known from then on
        url = link["url"].replace("&amp;", "&")
        status, _, body = get(server, url)
        assert status == 200
        served[link["url"]] = len(body)
    links = list(SIZE.finditer(get(server, "/", "text/html")[2].decode()))
    assert {link["url"] for link in links} == set(served)
    for link in links:
        size = served[link["url"]]
        if link["bytes"]:
            assert size == int(link["bytes"]), link["url"]
        else:
            assert link["number"], f"{link['url']}: served, yet its size is not stated"
            unit = {"kB": 1000, "MB": 1_000_000}[link["unit"]]
            precision = 0.5 if link["unit"] == "kB" else 0.05
            assert abs(size / unit - float(link["number"])) <= precision, link["url"]
        # The build date: when the live generation was published, not recorded in the graph.
        built = datetime.fromisoformat(link["built"])
        assert timedelta(0) <= datetime.now(UTC) - built < timedelta(hours=6)


def test_rdf_xml_pages_and_sparql_xml_results_parse_as_xml(site) -> None:
    """Somerset's PDFs printed "risk-" / "reduction" and "decision-" / "making" across line breaks,
    which their text layers give as U+FFFE, a character XML 1.0 forbids: every RDF/XML page of an
    inspection and its recommendations, and the named query's SPARQL XML, must parse."""
    server, _ = site
    status, _, body = get(server, "/queries/recommendations-search?format=xml")
    assert status == 200
    literals = [
        element.text or ""
        for element in ET.fromstring(body).iter("{http://www.w3.org/2005/sparql-results#}literal")
    ]
    assert any("risk-reduction" in text for text in literals)
    assert any("decision-making" in text for text in literals)
    sparql = (
        f"SELECT DISTINCT ?r WHERE {{ {{ ?r a <{uris.term('Inspection')}> }} UNION "
        f"{{ ?i <{uris.term('hasRecommendation')}> ?r }} }}"
    )
    status, _, body = server.request(
        "GET",
        "/sparql?query=" + quote(sparql),
        headers={"Accept": "application/sparql-results+json"},
    )
    resources = [row["r"] for row in select_results(body)[1]]
    assert len(resources) > 50
    for resource in resources:
        status, _, body = get(server, doc_path(resource), "application/rdf+xml")
        assert status == 200, resource
        ET.fromstring(body)


# ------------------------------------------------------------------ in a browser


@pytest.mark.browser
def test_browse_from_home_to_inspector_and_back(site) -> None:
    server, _ = site
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_browser() as browser:
        page = browser.new_page()
        page.on("dialog", lambda d: pytest.fail(f"a script ran: {d.message}"))
        blocked: list[str] = []  # what the Content-Security-Policy refused on the pages
        page.on("console", lambda m: blocked.append(m.text) if "Security Policy" in m.text else 0)
        page.goto(server.url + "/")
        page.screenshot(path=ARTIFACTS / "pages-1-home.png", full_page=True)
        assert page.locator("h1").inner_text() == "Ofsted inspections of children's services"

        page.get_by_label("Search names, codes and what reports say").fill("Somerset")
        # static/search.js fills the datalist from /search.json as the user types.
        # (a locator, not wait_for_function: the pages' CSP forbids the eval that needs)
        page.locator("#q-suggestions option").first.wait_for(state="attached")
        assert "Somerset" in page.locator("#q-suggestions option").first.get_attribute("value")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=Somerset")
        page.screenshot(path=ARTIFACTS / "pages-2-search.png", full_page=True)
        page.get_by_role("link", name="Somerset", exact=True).click()

        page.wait_for_url("**/doc/local-authority/80555")
        assert page.locator("h1").inner_text() == "Somerset"
        assert page.locator("svg[role=group] title").first.text_content().startswith("Grades")
        page.screenshot(path=ARTIFACTS / "pages-3-authority.png", full_page=True)
        table = page.get_by_role("table", name=re.compile("Inspections of Somerset"))
        table.get_by_role("link", name=re.compile(r"Somerset, \d{4}-\d\d-\d\d$")).last.click()

        page.wait_for_url("**/doc/inspection/80555/**")
        inspection_url = page.url
        assert page.get_by_role("heading", name="Judgements").is_visible()
        page.screenshot(path=ARTIFACTS / "pages-4-inspection.png", full_page=True)
        team = page.locator("section", has=page.get_by_role("heading", name="Inspection team"))
        lead = team.locator("li", has_text="Lead inspector").get_by_role("link").first
        lead_name = lead.inner_text()
        lead.click()

        page.wait_for_url("**/doc/person/**")
        assert page.locator("h1").inner_text() == lead_name
        assert page.get_by_role("heading", name="Worked most with").is_visible()
        page.screenshot(path=ARTIFACTS / "pages-5-inspector.png", full_page=True)

        page.go_back()
        page.wait_for_url(inspection_url)
        assert page.get_by_role("heading", name="Inspection team").is_visible()
        # The inserted name shows as text on the page and never runs.
        assert HOSTILE in team.inner_text()
        page.set_viewport_size({"width": 390, "height": 800})
        page.screenshot(path=ARTIFACTS / "pages-6-inspection-phone.png", full_page=True)
        assert not blocked, blocked
