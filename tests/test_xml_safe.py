"""No character XML 1.0 forbids reaches a literal or an XML serialisation: PDF text layers print a
hyphen at a line break as U+FFFE, and a literal written by SPARQL Update may hold anything."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import PDF_DIR

from ofsted_kg.clean import clean_document, xml_safe
from ofsted_kg.sources import read_document
from ofsted_kg.store import EmbeddedStore

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def test_pdf_line_end_hyphens_become_hyphens() -> None:
    # Swindon 2014 prints "Debora Barazetti-" / "Scott" and "re-" / "organise": pdfium gives U+FFFE.
    path = PDF_DIR / "80568_swindon_2014-05-23.pdf"
    document = read_document(path)
    assert any("\ufffe" in page for page in document.pages)
    text = clean_document(document)
    assert not FORBIDDEN.search(text.text) and not FORBIDDEN.search(text.folded)
    assert "Debora Barazetti-Scott" in text.text and "re-organise" in text.text


def test_xml_safe_keeps_length_and_is_idempotent() -> None:
    raw = "multi\ufffeagency\x01work\ttab\nline"
    safe = xml_safe(raw)
    assert safe == "multi-agency work\ttab\nline"
    assert len(safe) == len(raw) and xml_safe(safe) == safe


def test_store_xml_serialisations_parse_whatever_a_literal_holds(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.update(
        "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> "
        '<http://example.org/p> "pan\\uFFFELondon \\u0001 bell" } }'
    )
    select, _ = store.query(
        "SELECT ?o WHERE { ?s ?p ?o }", result_format="application/sparql-results+xml"
    )
    construct, _ = store.query("CONSTRUCT WHERE { ?s ?p ?o }", result_format="application/rdf+xml")
    store.close()
    literal = ET.fromstring(select).find(".//{http://www.w3.org/2005/sparql-results#}literal")
    assert literal is not None and literal.text == "pan-London   bell"
    assert "pan-London" in "".join(ET.fromstring(construct).itertext())
