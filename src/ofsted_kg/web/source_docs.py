"""The source documents behind the facts: `/source/{sha256}` serves the file a report was built
from, `/source/{sha256}/page/{n}?quote=...` shows one page with a quoted passage marked (an
image of a PDF page, or the page's text), `/source/{sha256}/page/{n}.png?quote=...` is that image.

Only files the build recorded are served: the manifest graph gives, for a hash, the file's
absolute location (`prov:atLocation`, a file: IRI) as the build read it. The file is read there
(not a regular file or over sources.MAX_FILE_BYTES: refused unread) and hashed; bytes that do
not match the hash are never served: a file moved or changed since the build answers 410 Gone.
A hash the build did not record answers 404, so no other file can be named.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from .. import vocab
from ..sources import SourceError, document_from_bytes, read_source
from .page_image import PageCache, PageRefused, RendererBusy, find_passage, render_page
from .pages.data import page_select, uris

bp = Blueprint("source_docs", __name__)

SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_QUOTE_CHARS = 2000  # a longer ?quote= is refused; links carry at most this much of a quote
CACHE_SETTING = "OFSTED_KG_PAGE_CACHE"  # Flask setting, else environment variable: the folder
CACHE_MAX_BYTES = 256 * 1024 * 1024
MAX_AGE = 3600  # seconds browsers may keep a source or page image (a later build may drop it)
MEDIA_TYPES = {"pdf": "application/pdf"}  # anything else is served as plain text, never as HTML


@dataclass(frozen=True)
class RecordedSource:
    """A source document as the build recorded it."""

    sha256: str
    name: str  # its path relative to the source given
    format: str
    pages: int
    locations: tuple[str, ...]  # file: IRIs where the build read these bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.format, "text/plain; charset=utf-8")


def document_href(sha256: str, page: int | str | None = None) -> str:
    """The link to a source document, opened at `page` (a PDF viewer's #page=N)."""
    url = url_for("source_docs.document", sha256=sha256)
    return f"{url}#page={page}" if page else url


def _quote_args(passage: str) -> dict[str, str]:
    # A longer quote is marked by its beginning (page_image.find_passage finds a prefix).
    return {"quote": passage[:MAX_QUOTE_CHARS]} if passage else {}


def page_href(sha256: str, page: int | str, passage: str = "") -> str:
    """The link to a page of a source document with `passage` marked on it."""
    return url_for("source_docs.page", sha256=sha256, number=int(page), **_quote_args(passage))


def page_image_href(sha256: str, page: int | str, passage: str = "") -> str:
    """The image of a PDF page with `passage` marked on it."""
    return url_for(
        "source_docs.page_image", sha256=sha256, number=int(page), **_quote_args(passage)
    )


def recorded(sha256: str) -> RecordedSource:
    """The source the build recorded under this hash, or 404."""
    if not SHA256.fullmatch(sha256):
        abort(404, "a source document is named by the SHA-256 of its bytes (64 hex digits)")
    rows = page_select(
        "recorded-source",
        {
            "sha256": sha256,
            "source": uris().source(sha256),
            "manifest": uris().graph("manifest"),
        },
    )
    if not rows:
        abort(404, f"no source document with SHA-256 {sha256} was built into this graph")
    first = rows[0]
    return RecordedSource(
        sha256,
        first["key"].value,
        first["format"].value if "format" in first else "",
        int(first["pages"].value) if "pages" in first else 1,
        tuple(dict.fromkeys(row["location"].value for row in rows)),
    )


def _path_of(location: str) -> Path | None:
    parts = urlsplit(location)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(os.fsdecode(unquote_to_bytes(parts.path)))


def verified_bytes(source: RecordedSource) -> bytes:
    """The document's bytes, read where the build read them and checked against its hash."""
    for location in source.locations:
        path = _path_of(location)
        if path is None:
            continue
        try:
            read = read_source(path)
        except SourceError:
            continue
        if read.sha256 == source.sha256:
            return read.data
    abort(
        410,
        f"{source.name} is no longer where the build read it, or has changed since (its "
        "SHA-256 differs); build the source folder again to record it",
    )


def _page_number(source: RecordedSource, number: int) -> int:
    if not 1 <= number <= source.pages:
        abort(404, f"{source.name} has {source.pages} page(s); there is no page {number}")
    return number


def _quote_arg() -> str:
    passage = request.args.get("quote", "")
    if len(passage) > MAX_QUOTE_CHARS:
        abort(400, f"quote is longer than {MAX_QUOTE_CHARS} characters")
    return passage


def _cacheable(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/source/<sha256>")
def document(sha256: str) -> Response:
    source = recorded(sha256)
    data = verified_bytes(source)
    response = Response(data, content_type=source.media_type)
    response.set_etag(sha256)
    name = Path(source.name).name
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name, safe='')}"
    response.make_conditional(request, accept_ranges=True, complete_length=len(data))
    return _cacheable(response)


@bp.route("/source/<sha256>/page/<int:number>")
def page(sha256: str, number: int) -> Response:
    source = recorded(sha256)
    number = _page_number(source, number)
    passage = _quote_arg()
    text = None
    if source.format != "pdf":
        text = _marked_text(source, number, passage)
    return Response(
        render_template(
            "source_page.html",
            source=source,
            number=number,
            passage=passage,
            text=text,
            image=page_image_href(sha256, number, passage),
            pdf=document_href(sha256, number),
        )
    )


def _marked_text(source: RecordedSource, number: int, passage: str) -> dict[str, str] | None:
    """A text source's page as the parts before, of and after the passage (all of it before
    when the passage is not on the page); None when the page holds no text."""
    data = verified_bytes(source)
    try:
        pages = document_from_bytes(source.name, data, source.name).pages
    except SourceError as exc:
        abort(410, f"{source.name} can no longer be read: {exc}")
    if number > len(pages):
        return None
    text = pages[number - 1]
    found = find_passage(text, passage) if passage else None
    if not found:
        return {"before": text, "passage": "", "after": ""}
    first, end = found
    return {"before": text[:first], "passage": text[first:end], "after": text[end:]}


def _cache() -> PageCache:
    cache = current_app.extensions.get("ofsted_kg_page_cache")
    if cache is None:
        folder = current_app.config.get(CACHE_SETTING) or os.environ.get(CACHE_SETTING)
        if not folder:
            home = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
            folder = os.path.join(home, "ofsted-kg", "pages")
        cache = current_app.extensions["ofsted_kg_page_cache"] = PageCache(folder, CACHE_MAX_BYTES)
    return cache


@bp.route("/source/<sha256>/page/<int:number>.png")
def page_image(sha256: str, number: int) -> Response:
    source = recorded(sha256)
    if source.format != "pdf":
        abort(404, f"{source.name} is text, not a PDF: its pages have no image")
    number = _page_number(source, number)
    passage = _quote_arg()
    cache = _cache()
    path = cache.path(sha256, number, passage)
    png = cache.get(path)
    if png is None:
        try:
            png, _ = render_page(verified_bytes(source), number, passage)
        except PageRefused as exc:
            abort(404, str(exc))
        except RendererBusy as exc:
            abort(503, str(exc))
        try:
            cache.put(path, png)
        except OSError as exc:  # a full or read-only disk costs the cache, not the page
            current_app.logger.warning("page cache %s: %s", cache.folder, exc)
    return _cacheable(Response(png, content_type="image/png"))


@bp.app_context_processor
def licence() -> dict[str, object]:
    """The licence every page states in its footer and beside its downloads."""
    return {"licence": {"url": vocab.LICENCE, "name": vocab.LICENCE_NAME}}


def evidence_view(topic: str) -> dict[str, object]:
    """An evidence resource's page: its quote shown on the page of the document it was read
    from."""
    rows = page_select("evidence", {"topic": topic})
    if not rows:
        return {}
    row = rows[0]
    sha256, number, passage = row["sha"].value, int(row["page"].value), row["exact"].value
    is_pdf = "format" in row and row["format"].value == "pdf"
    return {
        "page": number,
        "quote": passage,
        "document": document_href(sha256, number),
        "page_view": page_href(sha256, number, passage),
        "image": page_image_href(sha256, number, passage) if is_pdf else None,
    }
