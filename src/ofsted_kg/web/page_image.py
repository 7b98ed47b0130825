"""A page of a source document with a quoted passage marked: the PNG of a PDF page (pypdfium2
renders it and gives the boxes of the passage's characters) and, for text sources, the passage's
place in the page text.

The quote is the extractor's reading of the page (cleaned: spaces joined, hyphenation and
ligatures undone), so it is found by its letters and digits alone, case and compatibility forms
folded: line breaks, spacing and punctuation that differ between the quote and the page do not
stop a match. A quote that runs onto the next page is marked as far as this page holds it.

Rendering is bounded: a fixed scale, pages larger than MAX_PAGE_POINTS refused, one render at a
time (pdfium is not thread-safe), and the PNGs kept in a disk cache bounded in bytes.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import os
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageDraw

RENDER_SCALE = 1.5  # 108 dpi: an A4 page is 893 x 1263 pixels, about 3.4 MB while drawn
MAX_PAGE_POINTS = 2000  # either side of a page, in points (A4 is 595 x 842); larger: refused
MIN_PREFIX = 20  # a quote not wholly on the page is marked by its first letters, at least these
HIGHLIGHT = (255, 230, 80)  # multiplied into the page: white turns yellow, text stays dark
OUTLINE = (180, 90, 0)
PAD = 2  # pixels around each marked line
RENDER_WAIT = 10.0  # seconds a request waits for the renderer before it is told to come back

_renderer = threading.Lock()


class PageRefused(Exception):
    """The page cannot be drawn: the message says why (no such page, page too large)."""


class RendererBusy(Exception):
    """Every render slot stayed busy for RENDER_WAIT seconds."""


@dataclass(frozen=True)
class Box:
    """A rectangle in image pixels, y downwards."""

    left: float
    top: float
    right: float
    bottom: float


def _folded(chars: Sequence[str]) -> tuple[str, list[int]]:
    """The letters and digits of `chars`, compatibility-normalised and case-folded, with the
    index in `chars` each one comes from."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(chars):
        for c in unicodedata.normalize("NFKC", char).casefold():
            if c.isalnum():
                out.append(c)
                where.append(index)
    return "".join(out), where


def find_passage(chars: Sequence[str], quote: str) -> tuple[int, int] | None:
    """Where `quote` is in `chars` (a page's text, one entry per character): (first, end), end
    exclusive; None when it is not there. A quote only partly on the page is found by its longest
    beginning of at least MIN_PREFIX letters and digits that the page holds."""
    text, where = _folded(chars)
    wanted, _ = _folded(quote)
    if not wanted or not text:
        return None
    start = text.find(wanted)
    length = len(wanted)
    if start < 0:
        # Whether a beginning of the quote is on the page only gets less likely as it grows:
        # find the longest by bisection.
        low, high, start = min(MIN_PREFIX, len(wanted)), len(wanted) - 1, -1
        while low <= high:
            middle = (low + high) // 2
            found = text.find(wanted[:middle])
            if found >= 0:
                start, length, low = found, middle, middle + 1
            else:
                high = middle - 1
        if start < 0:
            return None
    return where[start], where[start + length - 1] + 1


def page_characters(textpage: pdfium.PdfTextPage) -> list[str]:
    """The page's characters by pdfium's index (the index its boxes are asked by)."""
    return [chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(textpage.count_chars())]


def _to_pixels(page: pdfium.PdfPage, size: tuple[int, int], x: float, y: float) -> tuple[int, int]:
    """Page coordinates to the pixels of its image rendered at `size` (pdfium does the rotation
    and crop box)."""
    device_x, device_y = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(
        page, 0, 0, size[0], size[1], 0, x, y, ctypes.byref(device_x), ctypes.byref(device_y)
    )
    return device_x.value, device_y.value


def quote_boxes(page: pdfium.PdfPage, quote: str, size: tuple[int, int]) -> list[Box]:
    """The boxes, in pixels of the page rendered at `size`, of the lines of `quote` on the page,
    one per line; [] when it is not on the page."""
    textpage = page.get_textpage()
    try:
        found = find_passage(page_characters(textpage), quote)
        if not found:
            return []
        first, end = found
        boxes = []
        for i in range(textpage.count_rects(first, end - first)):
            left, bottom, right, top = textpage.get_rect(i)
            x0, y0 = _to_pixels(page, size, left, top)
            x1, y1 = _to_pixels(page, size, right, bottom)
            boxes.append(Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        return _lines(boxes)
    finally:
        textpage.close()


def _lines(boxes: list[Box]) -> list[Box]:
    """pdfium gives a box per run of text; runs that share a line (overlap vertically by half
    the lower one's height) become one box, so a line is marked once."""
    lines: list[Box] = []
    for box in boxes:
        last = lines[-1] if lines else None
        if last:
            overlap = min(last.bottom, box.bottom) - max(last.top, box.top)
            if overlap * 2 >= min(last.bottom - last.top, box.bottom - box.top):
                lines[-1] = Box(
                    min(last.left, box.left),
                    min(last.top, box.top),
                    max(last.right, box.right),
                    max(last.bottom, box.bottom),
                )
                continue
        lines.append(box)
    return lines


def render_page(data: bytes, page_number: int, quote: str) -> tuple[bytes, int]:
    """The PNG of page `page_number` (from 1) of the PDF `data`, `quote` marked; and how many
    boxes mark it (0: not found on the page). Raises PageRefused, RendererBusy."""
    if not _renderer.acquire(timeout=RENDER_WAIT):
        raise RendererBusy("the page renderer is busy; try again in a moment")
    try:
        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page_number <= len(pdf):
                raise PageRefused(f"the document has {len(pdf)} pages, not page {page_number}")
            page = pdf[page_number - 1]
            width, height = page.get_size()
            if max(width, height) > MAX_PAGE_POINTS:
                raise PageRefused(
                    f"page {page_number} is {width:.0f} x {height:.0f} points, larger than "
                    f"the {MAX_PAGE_POINTS} points drawn"
                )
            image = page.render(scale=RENDER_SCALE).to_pil().convert("RGB")
            boxes = quote_boxes(page, quote, image.size) if quote else []
            page.close()
        finally:
            pdf.close()
    finally:
        _renderer.release()
    _mark(image, boxes)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue(), len(boxes)


def _mark(image: Image.Image, boxes: list[Box]) -> None:
    draw = ImageDraw.Draw(image)
    for box in boxes:
        area = (
            max(0, int(box.left) - PAD),
            max(0, int(box.top) - PAD),
            min(image.width, int(box.right) + PAD + 1),
            min(image.height, int(box.bottom) + PAD + 1),
        )
        if area[0] >= area[2] or area[1] >= area[3]:
            continue
        region = image.crop(area)
        image.paste(ImageChops.multiply(region, Image.new("RGB", region.size, HIGHLIGHT)), area)
        draw.rectangle((area[0], area[1], area[2] - 1, area[3] - 1), outline=OUTLINE, width=1)


# ------------------------------------------------------------------ the disk cache


class PageCache:
    """PNGs on disk, by source hash, page, scale and quote; the least recently used are removed
    when the folder grows past `max_bytes`. Written whole (a temporary file renamed), so a reader
    never sees half a PNG."""

    def __init__(self, folder: str | Path, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def path(self, sha256: str, page_number: int, quote: str) -> Path:
        key = hashlib.sha256(f"{sha256}\n{page_number}\n{RENDER_SCALE}\n{quote}".encode())
        return self.folder / f"{key.hexdigest()}.png"

    def get(self, path: Path) -> bytes | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        os.utime(path)  # recently used
        return data

    def put(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        partial.write_bytes(data)
        os.replace(partial, path)
        self._trim()

    def _trim(self) -> None:
        entries = []
        for entry in os.scandir(self.folder):
            if entry.name.endswith(".png"):
                status = entry.stat()
                entries.append((status.st_mtime, status.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            Path(path).unlink(missing_ok=True)
            total -= size
