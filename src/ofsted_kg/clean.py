"""Text clean-up, done once: from a `Document`'s raw pages to one `CleanText` with a page map.

What the reports need (see the seeds' notes in ../shared/gold/seeds.json):
- Markdown and HTML markup removed, table rows turned into tab-separated cells, entities decoded;
- running page headers and footers removed (lines repeated at the top or bottom of most pages);
- footnote markers dropped: superscripts and `<sup>`, and markers glued to words or figures
  ("Board1", "42,6163" -> 42,616, "12%4" -> 12%);
- bullets (◼ ▪ • ● -) turned into one marker, "- ";
- soft hyphens, replacement characters, non-breaking and zero-width spaces removed;
- every character XML 1.0 forbids dealt with (`xml_safe`): U+FFFE, which PDF text layers print
  for a hyphen at a line break ("multi", U+FFFE, "agency"), becomes that hyphen; control characters
  become spaces. So every literal made from the text serialises as RDF/XML and SPARQL XML.

Line structure is kept: extractors read headings and lists by line. Quotes are kept as printed
(`text`); `folded` is the same text with quotes and dashes folded to ASCII, character for
character, so a regex can run on `folded` and quote `text` at the same offsets.
"""

from __future__ import annotations

import bisect
import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from .records import Evidence
from .sources import HTML, MARKDOWN, Document

BULLET = "- "
# The last four are the private-use Symbol/Wingdings bullets some PDFs' text layers carry.
_BULLET_GLYPHS = "◼▪•●■□◦‣⁃∙·\uf06e\uf0a7\uf0b7\uf0d8"
# Sub-bullets: PDFs' text layers print them as a Symbol-font minus (U+F02D), a box-drawing line
# (U+2500) or a horizontal bar (U+2015); all become the minus sign U+2212 that lists.py reads as
# a sub-bullet.
_SUB_BULLETS = {"\uf02d": "\u2212", "\u2500": "\u2212", "\u2015": "\u2212"}
_FOLD = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‑": "-"}


def _replace_chars(text: str, table: dict[str, str]) -> str:
    """`text` with each character that is a key of `table` replaced by its value.

    Chained str.replace, not str.translate: CPython's translate has a fast path only for ASCII
    tables and ran character by character here, a tenth of extraction time (measured).
    """
    for old, new in table.items():
        text = text.replace(old, new)
    return text


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Characters of text kept either side of a quote (oa:prefix, oa:suffix).
CONTEXT_CHARS = 32


class QuoteLocator:
    """Makes `Evidence` with its context: the text just before and after the quote.

    Quotes are whitespace-folded, so each page is searched in its whitespace-folded form; the
    first occurrence on the quote's page is taken.
    """

    def __init__(self, pages: Iterable[str]) -> None:
        self._pages = [fold_whitespace(page) for page in pages]

    def evidence(self, page: int, quote: str) -> Evidence:
        around = self._context(page, quote)
        return Evidence(page, quote, *around) if around else Evidence(page, quote)

    def _context(self, page: int, quote: str) -> tuple[str, str] | None:
        if not quote or not 1 <= page <= len(self._pages):
            return None
        # A quote may run over a page break: search its page and the rest of the document.
        text = self._pages[page - 1]
        start = text.find(quote)
        if start < 0:
            text = " ".join(self._pages[page - 1 :])
            start = text.find(quote)
            if start < 0:
                return None
        end = start + len(quote)
        return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


@dataclass(frozen=True)
class CleanText:
    """Cleaned text of a whole document; `page_starts[i]` is the offset where page i+1 begins."""

    text: str
    folded: str
    page_starts: tuple[int, ...]

    def page_of(self, offset: int) -> int:
        return bisect.bisect_right(self.page_starts, offset)

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for text[start:end]: its page, the quote (whitespace folded) and its context."""
        return self._quotes.evidence(self.page_of(start), fold_whitespace(self.text[start:end]))

    @cached_property
    def _quotes(self) -> QuoteLocator:
        return QuoteLocator(self.pages())

    @property
    def page_count(self) -> int:
        return len(self.page_starts)

    def pages(self) -> list[str]:
        """The cleaned text page by page."""
        ends = [*self.page_starts[1:], len(self.text) + 1]
        return [self.text[a : b - 1] for a, b in zip(self.page_starts, ends, strict=True)]


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


def clean_document(doc: Document) -> CleanText:
    pages = [clean_page(page, doc.format) for page in doc.pages]
    pages = remove_running_lines(pages)
    starts: list[int] = []
    offset = 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 1
    text = "\n".join(pages)
    return CleanText(text, _replace_chars(text, _FOLD), tuple(starts))


def clean_page(raw: str, fmt: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if fmt in (MARKDOWN, HTML):
        text = strip_markup(text)
    text = _normalise_characters(text)
    text = _strip_footnote_markers(text)
    lines = [_normalise_line(line) for line in text.split("\n")]
    return "\n".join(line for line in lines if line is not None)


def strip_markup(text: str) -> str:
    """Markdown and HTML to plain lines: headings, emphasis, links, tables, tags, entities."""
    text = re.sub(r"<sup>\s*\d+\s*</sup>", "", text, flags=re.I)
    text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", "", text, flags=re.I | re.S)
    text = "\n".join(_table_row(line) for line in text.split("\n"))
    text = re.sub(r"<br\s*/?>|</p>\s*<p[^>]*>", "\n", text, flags=re.I)
    text = re.sub(r"</?(p|div|li|ul|ol|tr|h\d)\b[^>]*>", "\n", text, flags=re.I)
    text = re.sub(r"</t[dh]>", "\t", text, flags=re.I)
    text = re.sub(r"<[A-Za-z/!][^>\n]*>", "", text)
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        if re.fullmatch(r"-{3,}|\*{3,}|_{3,}", stripped):
            out.append("")  # horizontal rule
            continue
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)
        line = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), line)
        line = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"\1", line)
        line = re.sub(r"\\([*_#\[\]()`\\|-])", r"\1", line)
        out.append(line)
    return html.unescape("\n".join(out))


_TABLE_SEPARATOR = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?|\|\s*:?-+:?\s*\|")


def _table_row(line: str) -> str:
    """A Markdown table row as tab-separated cells, one line per row.

    Done before HTML tags become line breaks: SIF reports in Markdown put '<p><b>area</b></p> |
    <p><b>grade</b></p>' in one row, and the area and its grade must stay on one line. Paragraphs
    inside one cell (a whole summary) become lines of their own. Separator rows ('|--|---|',
    dashes of any length) and empty rows are dropped.
    """
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
        return line
    if _TABLE_SEPARATOR.fullmatch(stripped):
        return ""
    cells = []
    for cell in stripped[1:-1].split("|"):
        cell = re.sub(r"</p>\s*<p[^>]*>|<br\s*/?>", "\n", cell, flags=re.I)
        cell = re.sub(r"</?p\b[^>]*>", "", cell, flags=re.I).strip()
        if cell:
            cells.append(cell)
    return "\t".join(cells)


# Characters XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets): C0 controls other than tab,
# line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# PDF text layers (pdfium) print a hyphen that ends a line as U+FFFE and join the two lines'
# words: "Barazetti\uFFFEScott", "multi\uFFFEagency". Ofsted's reports do not hyphenate words at
# line ends, so it is always a printed hyphen.
_PDF_LINE_END_HYPHEN = "\ufffe"


def xml_safe(text: str) -> str:
    """`text` with no character XML 1.0 forbids, same length: U+FFFE becomes the hyphen
    it stands for, any other forbidden character a space."""
    if not _XML_FORBIDDEN.search(text):
        return text
    return _XML_FORBIDDEN.sub(lambda m: "-" if m.group() == _PDF_LINE_END_HYPHEN else " ", text)


def xml_safe_bytes(body: bytes) -> bytes:
    """A UTF-8 XML serialisation with every forbidden character replaced (see `xml_safe`):
    the last guard for literals that reached a store by other ways than the build."""
    text = body.decode("utf-8", errors="surrogatepass")
    safe = xml_safe(text)
    return body if safe is text else safe.encode("utf-8")


def _normalise_characters(text: str) -> str:
    text = xml_safe(text)
    text = text.replace("\u00ad", "").replace("\ufffd", "").replace("\ufeff", "")
    text = re.sub("[\u200b\u200c\u200d\u2060]", "", text)
    text = text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    text = _replace_chars(text, _SUB_BULLETS)
    return text.replace("\ufb01", "fi").replace("\ufb02", "fl")


# Footnote markers: (pattern, replacement, a cheap pattern found in every match of it). Most
# pages have no marker, and the full patterns, tried at every word boundary, cost a sixth of
# extraction time; the cheap ones start with a literal or a single character class and scan a
# page several times faster (measured, see BENCHMARKS.md).
_FOOTNOTE_MARKERS = (
    (re.compile(f"[{_SUPERSCRIPTS}]+"), "", re.compile(f"[{_SUPERSCRIPTS}]")),
    # "42,6163": 42,616 with footnote 3
    (re.compile(r"\b(\d{1,3}(?:,\d{3})+)(\d{1,2})\b"), r"\1", re.compile(r",\d{4}")),
    # "12%4": 12% with footnote 4
    (re.compile(r"(\d%)(\d{1,2})\b"), r"\1", re.compile(r"%\d")),
    # "services3." and "(children looked after)2": a word with footnote 3 or 2
    (
        re.compile(r"\b([A-Za-z]?[a-z]{2,}[a-z)])(\d{1,2})(?=[\s.,;:)]|$)", re.M),
        r"\1",
        re.compile(r"[a-z)]\d"),
    ),
)


def _strip_footnote_markers(text: str) -> str:
    for pattern, replacement, hint in _FOOTNOTE_MARKERS:
        if hint.search(text):
            text = pattern.sub(replacement, text)
    return text


_LEADING_TAGS = re.compile(r"^(?:<[A-Za-z/][^>\n]*>\s*)+")
_DASH_BULLET = re.compile(r"[-*]\s+\S")
_PAGE_NUMBER = re.compile(r"\d{1,3}")


def _normalise_line(line: str) -> str | None:
    line = line.rstrip()
    stripped = line.lstrip()
    if stripped.startswith("<"):
        unmarked = _LEADING_TAGS.sub("", stripped)
        if unmarked and unmarked[0] in _BULLET_GLYPHS:
            stripped = unmarked  # a bullet behind a stray, never-closed tag ('<ul ...>▪ text')
    if stripped and stripped[0] in _BULLET_GLYPHS:
        # A bullet glyph alone on its line carries nothing; as "- " it would become "-" when
        # cleaned again (trailing space stripped), so clean-up would not be idempotent.
        item = stripped[1:].strip()
        return BULLET + item if item else ""
    if _DASH_BULLET.match(stripped):
        return BULLET + stripped[1:].lstrip()
    if _PAGE_NUMBER.fullmatch(stripped):
        return None  # a stray page number
    return line


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split())).lower()


def remove_running_lines(pages: list[str], edge: int = 4) -> list[str]:
    """Drop lines repeated near the top or bottom of most pages (running headers and footers).

    A line counts by its shape (digits folded), so "... 9 to 13 June 2025 2" on page 2 and
    "... 9 to 13 June 2025 3" on page 3 are the same running line. The top of the first page is
    kept whatever repeats: that is where the title is, and some reports print their title as the
    header of every page (Bracknell Forest 2022: "Inspection of Bracknell Forest ...").
    """
    if len(pages) < 3:
        return pages
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln for ln in page.split("\n") if ln.strip()]
        counts.update({_shape(ln) for ln in lines[:edge] + lines[-edge:]})
    threshold = max(2, (len(pages) - 1) // 2)
    running = {shape for shape, n in counts.items() if n >= threshold and len(shape) > 3}
    if not running:
        return pages
    cleaned = []
    for number, page in enumerate(pages):
        lines = page.split("\n")
        nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
        edges = set((nonblank[:edge] if number else []) + nonblank[-edge:])
        cleaned.append(
            "\n".join(
                ln for i, ln in enumerate(lines) if not (i in edges and _shape(ln) in running)
            )
        )
    return cleaned
