"""Read a report file into a `Document`: raw text per page, the file's hash and its format.

The format is detected from the content, not the file name: Ofsted's site has served HTML
error pages under `.pdf` names, and the seed texts come as plain text, Markdown and text with
HTML fragments. Anything that cannot be read raises `SourceError` with a one-line reason.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
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


class SourceUnavailable(SourceError):
    """The file could not be read this time (gone, not permitted, changed while read): a reason
    that lies outside the file's content, so a later attempt may succeed."""


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
    data = read_source(path).data
    return document_from_bytes(printable_name(path.name), data, printable_name(str(path)))


@dataclass(frozen=True)
class SourceBytes:
    """A file's bytes, read once: `sha256` is their hash, `stamp` the file's identity then."""

    data: bytes
    sha256: str
    stamp: tuple[int, ...]


def file_stamp(status: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is replaced or written to: device, inode, size, times.

    Times have the file system's granularity (a few ms on Linux), so two writes within one tick
    that keep the size are not told apart; the bytes read are hashed, so at worst the next build
    sees the new content.
    """
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def read_source(path: str | Path) -> SourceBytes:
    """Read a file's bytes once, refusing what is not a regular file or is over the size limit
    before a byte is read: a FIFO or a device (`/dev/zero`) would never end."""
    try:
        before = os.stat(path)
        _check_kind_and_size(before)
        # O_NONBLOCK: a FIFO put in the file's place after the check must not block the open.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            opened = os.fstat(fd)
            _check_kind_and_size(opened)
            data = fh.read(MAX_FILE_BYTES + 1)
            after = os.fstat(fd)
    except OSError as exc:
        raise SourceUnavailable(f"cannot read file: {exc.strerror or exc}") from None
    unchanged = file_stamp(before) == file_stamp(opened) == file_stamp(after)
    if not unchanged or len(data) != after.st_size:
        raise SourceUnavailable("file changed while it was read")
    return SourceBytes(data, hashlib.sha256(data).hexdigest(), file_stamp(after))


_FILE_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _check_kind_and_size(status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        kind = _FILE_KINDS.get(stat.S_IFMT(status.st_mode), "a special file")
        raise SourceError(f"not a regular file ({kind})")
    if status.st_size > MAX_FILE_BYTES:
        raise SourceError(
            f"file too large ({status.st_size / 2**20:.0f} MiB; "
            f"the limit is {MAX_FILE_BYTES // 2**20} MiB)"
        )


def printable_name(raw: str) -> str:
    """A file name or path as readable text on one line: bytes that are not UTF-8 as `\\xNN`,
    control and other unprintable characters as Python escapes. Names that are valid, printable
    UTF-8 (all real ones) are unchanged."""
    text = os.fsencode(raw).decode("utf-8", "backslashreplace")
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def source_key(raw: str) -> str:
    """A path as the OS gives it, as text that maps back to it one to one (for keys and URIs):
    bytes that are not UTF-8 as `%XX`, and `%` itself as `%25`."""
    text = os.fsencode(raw).decode("utf-8", "surrogateescape").replace("%", "%25")
    return "".join(f"%{ord(ch) - 0xDC00:02X}" if "\udc80" <= ch <= "\udcff" else ch for ch in text)


@dataclass(frozen=True)
class SourceFile:
    """A file to read: `key` is its path relative to the source given (a folder, or for a file
    given itself, its folder), as `source_key` text; `name` the same path, printable."""

    path: Path
    key: str
    name: str


def list_sources(paths: list[str | Path]) -> list[SourceFile]:
    """The files named, and every file in the folders named (sorted; hidden files and CSV files
    such as MANIFEST.csv skipped). Entries that are not regular files are listed too, so that
    they are refused with a reason rather than left out unseen."""
    found: list[SourceFile] = []
    for given in map(Path, paths):
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                if path.name.startswith(".") or path.suffix.lower() == ".csv" or path.is_dir():
                    continue
                relative = str(path.relative_to(given))
                found.append(SourceFile(path, source_key(relative), printable_name(relative)))
        else:
            found.append(SourceFile(given, source_key(given.name), printable_name(given.name)))
    return found


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
