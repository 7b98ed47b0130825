"""The source behind every fact: a real server on loopback over a store built from copies of
corpus PDFs and a seed. Evidence links open the recorded document at its page (bytes checked
against the hash), the page image marks the quote, unknown, tampered and moved files are
refused, and VoID states the licence."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
from html import unescape

import pypdfium2 as pdfium
import pytest
from conftest import PDF_DIR, SEEDS_DIR
from PIL import Image
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS
from web_server import Running, running_server

from ofsted_kg import vocab
from ofsted_kg.build import build
from ofsted_kg.extract import extract_document
from ofsted_kg.manifest import read_manifest
from ofsted_kg.sources import read_document
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import DEFAULT_BASE, Uris
from ofsted_kg.web import WebConfig
from ofsted_kg.web.page_image import (
    HIGHLIGHT,
    RENDER_SCALE,
    PageCache,
    find_passage,
    quote_boxes,
    render_page,
)

PDFS = ("2532283_dorset_2021-11-19.pdf", "80555_somerset_2022-09-21.pdf")
SEED = "000_4d8e916605b056f9.txt"
uris = Uris(DEFAULT_BASE)
LINK = re.compile(r'href="([^"]+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Built from a relative folder, then served with another working directory: the server
    finds the sources by the absolute location the build recorded."""
    root = tmp_path_factory.mktemp("sources")
    (root / "reports").mkdir()
    for name in PDFS:
        shutil.copy(PDF_DIR / name, root / "reports" / name)
    shutil.copy(SEEDS_DIR / SEED, root / "reports" / SEED)
    store = EmbeddedStore(root / "store")
    here = os.getcwd()
    os.chdir(root)
    try:
        stats = build(["reports"], store, base=DEFAULT_BASE, workers=1, log=lambda _: None)
    finally:
        os.chdir(here)
    assert stats.built == len(PDFS) + 1
    config = WebConfig(
        query_workers=1, query_timeout=30, extra={"OFSTED_KG_PAGE_CACHE": str(root / "cache")}
    )
    with running_server(store, config) as server:
        yield server, root, store
    store.close()


def _get(server: Running, path: str) -> tuple[int, dict, bytes]:
    return server.request("GET", path)


def _links(html: bytes) -> list[str]:
    return [unescape(link) for link in LINK.findall(html.decode("utf-8"))]


def _judgement_of(store: EmbeddedStore, file_name: str) -> str:
    """A judgement read from `file_name`, as this server's local path."""
    data, _ = store.query(
        f"""SELECT ?j WHERE {{ ?j a <{uris.term("Judgement")}> ;
              <http://www.w3.org/ns/prov#wasDerivedFrom> ?s . ?s <{uris.term("fileName")}>
              "{file_name}" }} ORDER BY ?j LIMIT 1""",
        result_format="text/csv",
    )
    judgement = data.decode().splitlines()[1].strip()
    return "/" + judgement[len(DEFAULT_BASE) :].replace("id/", "doc/", 1)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def test_evidence_opens_the_source_pdf_at_its_page(site):
    server, root, store = site
    status, _, html = _get(server, _judgement_of(store, PDFS[0]))
    assert status == 200
    evidence = [link for link in _links(html) if link.startswith("/source/") and "#page=" in link]
    assert evidence, "the judgement's evidence has no link to its source"
    path, page = evidence[0].split("#page=")
    sha256 = path.rsplit("/", 1)[1]
    status, headers, body = _get(server, path)
    assert status == 200
    assert headers["content-type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == sha256
    assert body == (root / "reports" / PDFS[0]).read_bytes()
    # The page the link opens holds the quoted passage.
    quote = re.search(r"<q>([^<]+)</q>", html.decode()).group(1)
    pdf = pdfium.PdfDocument(body)
    page_text = pdf[int(page) - 1].get_textpage().get_text_range()
    assert _words(unescape(quote))[:40] in _words(page_text)


def test_a_pdf_range_request_is_answered_in_part(site):
    server, _, store = site
    status, _, html = _get(server, _judgement_of(store, PDFS[0]))
    path = next(link for link in _links(html) if re.match(r"/source/[0-9a-f]{64}#", link))
    status, headers, body = server.request(
        "GET", path.split("#")[0], headers={"Range": "bytes=0-7"}
    )
    assert status == 206 and len(body) == 8 and body.startswith(b"%PDF-")


def test_inspection_links_to_ofsted_and_to_its_document(site):
    server, _, store = site
    data, _ = store.query(
        f"""SELECT ?i WHERE {{ ?i <{uris.term("inspectedAuthority")}> <{uris.authority("80555")}> }}""",
        result_format="text/csv",
    )
    inspection = data.decode().splitlines()[1].strip()
    status, _, html = _get(server, "/" + inspection[len(DEFAULT_BASE) :].replace("id/", "doc/", 1))
    assert status == 200
    links = _links(html)
    assert "https://reports.ofsted.gov.uk/provider/44/80555" in links
    document = next(link for link in links if re.fullmatch(r"/source/[0-9a-f]{64}", link))
    status, _, body = _get(server, document)
    assert status == 200 and hashlib.sha256(body).hexdigest() == document.rsplit("/", 1)[1]


def test_the_page_image_marks_the_quote(site):
    server, _, store = site
    status, _, html = _get(server, _judgement_of(store, PDFS[0]))
    page_view = next(link for link in _links(html) if "/page/" in link and "quote=" in link)
    status, _, view = _get(server, page_view)
    assert status == 200
    image = next(
        unescape(src) for src in re.findall(r'<img src="([^"]+)"', view.decode()) if ".png" in src
    )
    status, headers, png = _get(server, image)
    assert status == 200 and headers["content-type"] == "image/png"
    picture = Image.open(io.BytesIO(png))
    picture.load()
    assert picture.format == "PNG" and picture.width > 800
    colours = dict((colour, n) for n, colour in picture.convert("RGB").getcolors(1 << 24))
    assert colours.get(HIGHLIGHT, 0) > 500, "no highlighted area on the page"
    # The same image again comes from the cache.
    assert _get(server, image)[2] == png
    assert list((site[1] / "cache").glob("*.png"))


def test_quote_boxes_cover_the_quote_on_a_corpus_page():
    path = PDF_DIR / PDFS[0]
    report = extract_document(read_document(path))
    evidence = report.recommendations[0].evidence  # a two-line recommendation on page 2
    pdf = pdfium.PdfDocument(path)
    page = pdf[evidence.page - 1]
    _, height = page.get_size()
    png, found = render_page(path.read_bytes(), evidence.page, evidence.quote)
    size = Image.open(io.BytesIO(png)).size
    boxes = quote_boxes(page, evidence.quote, size)
    assert found == len(boxes)
    assert len(boxes) == 2  # one per printed line
    for box in boxes:
        assert 0 <= box.left < box.right <= size[0] and 0 <= box.top < box.bottom <= size[1]
    # pdfium's own search finds the quote's first and last words; every character of them lies
    # inside a box.
    textpage = page.get_textpage()
    words = evidence.quote.split()
    for fragment in (" ".join(words[:3]), " ".join(words[-2:]).rstrip(".")):
        searcher = textpage.search(fragment, match_case=True)
        first, count = searcher.get_next()
        for i in range(first, first + count):
            left, bottom, right, top = textpage.get_charbox(i)
            if right - left <= 0:  # a space
                continue
            x = (left + right) / 2 * RENDER_SCALE
            y = (height - (bottom + top) / 2) * RENDER_SCALE
            assert any(b.left <= x <= b.right and b.top <= y <= b.bottom for b in boxes), (
                fragment,
                i,
            )


def test_a_passage_is_found_across_line_breaks_and_hyphens():
    page = "Leaders have\r\nimproved the well-\r\nbeing of children.\r\nNext line"
    first, end = find_passage(page, "improved the wellbeing of children")
    assert page[first:end] == "improved the well-\r\nbeing of children"
    assert find_passage(page, "nothing like this at all, anywhere") is None
    # A quote running onto the next page is marked as far as this page holds it.
    first, end = find_passage(page, "being of children. Next line, and the next page's words")
    assert page[first:end] == "being of children.\r\nNext line"


def test_a_text_source_shows_its_page_with_the_passage_marked(site):
    server, root, store = site
    status, _, html = _get(server, _judgement_of(store, SEED))
    page_view = next(link for link in _links(html) if "/page/" in link and "quote=" in link)
    status, _, view = _get(server, page_view)
    assert status == 200
    assert re.search(r"<mark>[^<]+</mark>", view.decode())
    image = re.sub(r"\?.*", "", page_view) + ".png"
    assert _get(server, image)[0] == 404  # a text source has no page images


def test_unknown_tampered_and_moved_sources_are_refused(site, tmp_path):
    server, root, store = site
    unknown = hashlib.sha256(b"not built").hexdigest()
    assert _get(server, f"/source/{unknown}")[0] == 404
    assert _get(server, "/source/../../etc/passwd")[0] == 404
    assert _get(server, "/source/%2e%2e%2fstore")[0] == 404
    assert _get(server, f"/source/{unknown.upper()}")[0] == 404
    built = root / "reports" / PDFS[1]
    sha256 = hashlib.sha256(built.read_bytes()).hexdigest()
    assert _get(server, f"/source/{sha256}/page/999")[0] == 404
    assert _get(server, f"/source/{sha256}/page/1?quote=" + "x" * 3000)[0] == 400
    original = built.read_bytes()
    try:
        built.write_bytes(original + b"\n% changed")
        status, _, body = _get(server, f"/source/{sha256}")
        assert status == 410 and b"changed" in body and not body.startswith(b"%PDF")
        assert _get(server, f"/source/{sha256}/page/1.png")[0] == 410
        built.write_bytes(original)
        built.rename(tmp_path / "elsewhere.pdf")
        assert _get(server, f"/source/{sha256}")[0] == 410
    finally:
        if not built.exists():
            shutil.move(tmp_path / "elsewhere.pdf", built)
        built.write_bytes(original)
    assert _get(server, f"/source/{sha256}")[0] == 200


def test_the_page_cache_stays_within_its_bound(tmp_path):
    cache = PageCache(tmp_path, max_bytes=2500)
    for n in range(5):
        path = cache.path("0" * 64, n + 1, "")
        cache.put(path, bytes(1000))
        os.utime(path, (n, n))  # put in order of use
    kept = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(kept) == 2
    assert cache.path("0" * 64, 5, "").name in kept


def test_void_and_pages_state_the_licence(site):
    server, _, _ = site
    status, _, body = server.request("GET", "/.well-known/void", headers={"Accept": "text/turtle"})
    assert status == 200
    graph = Graph().parse(data=body, format="turtle")
    assert (None, DCTERMS.license, URIRef(vocab.LICENCE)) in graph
    status, _, home = _get(server, "/")
    assert vocab.LICENCE in _links(home)


def test_an_evidence_page_shows_its_passage_on_the_page(site):
    server, _, store = site
    status, _, html = _get(server, _judgement_of(store, PDFS[0]))
    evidence = next(link for link in _links(html) if "/evidence/" in link)
    status, _, page = _get(server, evidence)
    assert status == 200
    links = _links(page)
    assert any(re.fullmatch(r"/source/[0-9a-f]{64}#page=\d+", link) for link in links)
    image = unescape(re.search(r'<img src="([^"]+\.png[^"]*)"', page.decode()).group(1))
    status, headers, png = _get(server, image)
    assert status == 200 and png.startswith(b"\x89PNG")


def test_a_moved_folder_built_again_is_found_where_it_is_now(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    shutil.copy(PDF_DIR / PDFS[1], first / PDFS[1])
    store = EmbeddedStore(tmp_path / "store")
    try:
        build([first], store, base=DEFAULT_BASE, workers=1, log=lambda _: None)
        assert read_manifest(store, uris)[PDFS[1]].location == (first / PDFS[1]).as_uri()
        first.rename(second)
        build([second], store, base=DEFAULT_BASE, workers=1, log=lambda _: None)
        assert read_manifest(store, uris)[PDFS[1]].location == (second / PDFS[1]).as_uri()
        again = build([second], store, base=DEFAULT_BASE, workers=1, log=lambda _: None)
        assert again.nothing_written
    finally:
        store.close()
