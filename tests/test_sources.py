"""Reading files into Documents: format detection from content, page maps, refusals."""

from __future__ import annotations

import hashlib

import pytest
from conftest import PDF_DIR, SEEDS_DIR

from ofsted_kg.sources import (
    HTML,
    MARKDOWN,
    PDF,
    TEXT,
    SourceError,
    document_from_bytes,
    read_document,
)


def test_pdf_has_one_text_per_page_and_the_file_hash() -> None:
    path = PDF_DIR / "80528_north-somerset_2023-05-11.pdf"
    doc = read_document(path)
    assert doc.format == PDF
    assert len(doc.pages) > 10
    assert "Inspection of North Somerset" in doc.pages[0]
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        ("000_4d8e916605b056f9.txt", TEXT),
        ("001_dd6e25b02a3de5f5.txt", TEXT),
        ("002_9e3392fa40d9fa68.txt", HTML),
        ("003_c7e31c01e8e11eec.txt", MARKDOWN),
        ("004_01074a0f891bb9e6.txt", TEXT),
    ],
)
def test_text_format_is_detected_from_content_not_name(seed: str, expected: str) -> None:
    assert read_document(SEEDS_DIR / seed).format == expected


def test_html_page_named_pdf_is_read_as_html() -> None:
    assert read_document(PDF_DIR / "80429_birmingham_2012-10-19.pdf").format == HTML


def test_form_feeds_split_text_pages() -> None:
    doc = document_from_bytes("x.txt", b"page one\fpage two\fpage three")
    assert doc.pages == ("page one", "page two", "page three")


def test_mixed_encodings_decode_line_by_line() -> None:
    data = "Children’s services\n".encode() + "Caf\xe9 report\n".encode("cp1252")
    doc = document_from_bytes("mixed.txt", data)
    assert "Children’s services" in doc.pages[0]
    assert "Café report" in doc.pages[0]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\n", "empty file"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "not a readable PDF"),
        (bytes(range(256)) * 40, "binary data"),
    ],
)
def test_unreadable_input_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(SourceError, match=reason):
        document_from_bytes("bad.pdf", data)


def test_missing_file_is_refused_not_raised_as_oserror(tmp_path) -> None:
    with pytest.raises(SourceError, match="cannot read file"):
        read_document(tmp_path / "nope.pdf")
