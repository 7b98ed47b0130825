"""Read a report file into a `Document`: raw text per page, the file's hash and its format.

The format is detected from the content, not the file name: Ofsted's site has served HTML
error pages under `.pdf` names, and the seed texts come as plain text, Markdown and text with
HTML fragments. Anything that cannot be read raises `SourceError` with a one-line reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

# Formats we read; `html` is text with enough markup that tags must be stripped first.
PDF, TEXT, MARKDOWN, HTML = "pdf", "text", "markdown", "html"

# Below this many characters of text per page a PDF has no usable text layer (a scan).
MIN_CHARS_PER_PAGE = 40

# Larger files are refused before they are read: the largest real report is under 2 MB, and a
# file read whole, decoded and cleaned costs several times its size in memory.
MAX_FILE_BYTES = 20 * 1024 * 1024


class SourceError(Exception):
    """The file cannot be read as a report; the message is the reason, for the user."""


@dataclass(frozen=True)
class Document:
    """A source file as text. `pages[i]` is the raw text of page i+1 (1 for plain text)."""

    name: str
    path: str
    sha256: str
    format: str
    pages: tuple[str, ...]


def read_document(path: str | Path) -> Document:
    """Read `path` (PDF, text, Markdown or HTML-ish text) into a Document, or raise SourceError."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(
                f"file too large ({size / 2**20:.0f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}") from None
    return document_from_bytes(path.name, data, str(path))


def document_from_bytes(name: str, data: bytes, path: str = "") -> Document:
    """Build a Document from the bytes of a file called `name`."""
    if not data.strip():
        raise SourceError("empty file")
    sha = hashlib.sha256(data).hexdigest()
    if data.lstrip()[:5] == b"%PDF-":
        pages = _pdf_pages(data)
        return Document(name, path or name, sha, PDF, pages)
    text = _decode_text(data)
    fmt = detect_text_format(text)
    pages = tuple(text.split("\f")) if "\f" in text else (text,)
    return Document(name, path or name, sha, fmt, pages)


def _pdf_pages(data: bytes) -> tuple[str, ...]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise SourceError("encrypted PDF (password required)") from None
        raise SourceError(f"not a readable PDF ({message.split('(')[-1].rstrip(').')})") from None
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise SourceError(f"PDF is damaged: {exc}") from None
    finally:
        pdf.close()
    if not pages:
        raise SourceError("PDF has no pages")
    if sum(len(p.strip()) for p in pages) < MIN_CHARS_PER_PAGE * len(pages):
        raise SourceError("PDF has no text layer (scanned images?); OCR is not supported")
    return tuple(pages)


def _decode_text(data: bytes) -> str:
    """Decode text as UTF-8, falling back per line to cp1252 for mixed-encoding files."""
    if b"\x00" in data[:4096]:
        for bom, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
            if data.startswith(bom):
                return data.decode(codec)
        raise SourceError("binary data, not a PDF or text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\n".join(_decode_line(line) for line in data.split(b"\n"))
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text[:65536]) / 100:
        raise SourceError("binary data, not a PDF or text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


_HTML_TAG = re.compile(r"</?(html|head|body|div|p|span|table|tr|td|ul|li|b|sup|br)\b", re.I)
_MARKDOWN_LINE = re.compile(r"^(#{1,6} |\|.*\|\s*$|\*\*[^*]+\*\*)", re.M)


def detect_text_format(text: str) -> str:
    """Tell plain text, Markdown and HTML apart by what the text contains."""
    sample = text[:200_000]
    if re.search(r"<!DOCTYPE html|<html[\s>]", sample[:2000], re.I):
        return HTML
    markdown_lines = len(_MARKDOWN_LINE.findall(sample))
    if markdown_lines >= 3:
        return MARKDOWN
    if len(_HTML_TAG.findall(sample)) >= 3:
        return HTML
    return TEXT
