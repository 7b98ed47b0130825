"""Answers reused until the data changes: HTTP validators and a bounded in-process cache.

The data changes only when a writer publishes a new store generation (store/generations.py: a
build, or a write through this server's write worker). So every successful GET of a page, a named
query's result, a SPARQL query sent by GET, a description or a download is the same until the
live generation changes, and:
- each such answer carries `ETag` (the generation, this server's start and the negotiated media
  type) and `Last-Modified` (when the generation was published, or the server started if later:
  a restart may serve new code over the same data), and `Cache-Control: no-cache` (clients may
  keep it, and ask again with the validators);
- a conditional GET or HEAD (`If-None-Match`, else `If-Modified-Since`) that still matches is
  answered 304 Not Modified;
- the whole response (status line, headers, body) is kept in a least-recently-used cache bounded
  in bytes and entries, keyed by the generation, the URL (scheme, host, path and query) and the
  negotiated media type, and emptied when the generation changes.

One request makes each new answer; the same request arriving meanwhile waits for it (a bounded
time, WebConfig.follower_wait: then 503 with Retry-After, so that waiting never holds a server
thread for a slow query's whole time).

Only GET and HEAD without credentials and answered 200 are reused; errors, redirects, writes
(POST, PUT, DELETE: SPARQL Update goes by POST, and each write publishes a new generation) and
responses that carry their own validators, cookies or `Cache-Control: no-store`/`private` pass
through untouched. A remote store has no generation this server can see, so nothing is reused.

It is WSGI middleware around the Flask app (wired in app.py): a reused answer costs a dictionary
lookup, not a request context.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from wsgiref.util import request_uri

from werkzeug.http import http_date, is_resource_modified, quote_etag
from werkzeug.wsgi import ClosingIterator

from ..store.base import Store
from ..store.embedded import EmbeddedStore
from ..store.generations import LIVE, Layout

# Headers a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5), with the CORS header so
# that a browser script's conditional request is still readable.
_NOT_MODIFIED_HEADERS = frozenset(
    {"etag", "last-modified", "cache-control", "vary", "date", "access-control-allow-origin"}
)
# A response to one request varies with these headers only; a response that varies with others
# (its `Vary` names them) is not reused.
_KEY_HEADERS = frozenset({"accept"})
# Variants remembered per URL and Accept header before the index is emptied (a client sending
# many distinct Accept headers cannot grow it without bound).
_VARIANTS_PER_ENTRY = 4


@dataclass(frozen=True)
class Generation:
    """The live generation: its name and when it was published (seconds since the epoch)."""

    name: str
    published: float


class GenerationClock:
    """The embedded store's live generation, read from its pointer file on every request (one
    small file read: a generation published by another process is seen at once)."""

    def __init__(self, layout: Layout) -> None:
        self._layout = layout
        self._last: Generation | None = None

    def __call__(self) -> Generation | None:
        name = self._layout.live()
        if name is None:
            return None
        last = self._last
        if last is not None and last.name == name:
            return last
        try:
            published = os.stat(self._layout.root / LIVE).st_mtime
        except FileNotFoundError:
            return None
        self._last = Generation(name, published)
        return self._last


def generation_clock(store: Store) -> Callable[[], Generation | None] | None:
    """How to read `store`'s live generation; None for a store whose changes cannot be seen."""
    if isinstance(store, EmbeddedStore):
        return GenerationClock(Layout(store.path))
    return None


@dataclass(frozen=True)
class Entry:
    """A complete 200 response, as it was sent."""

    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: datetime

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) + 4 for k, v in self.headers)


class ResponseCache:
    """Responses of one generation, least recently used first out, bounded in bytes and entries.

    `variant` maps (URL, Accept) to the media type negotiated for it, so a request finds its entry
    (keyed by the negotiated type) before the app negotiates again."""

    def __init__(self, max_bytes: int, max_entries: int) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.max_entry_bytes = max_bytes // 8  # a few downloads never push out every page
        self.bytes = 0
        self._generation: str | None = None
        self._entries: OrderedDict[tuple[str, str], Entry] = OrderedDict()
        self._variants: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def _use(self, generation: str) -> None:
        """Forget everything of an earlier generation (under the lock)."""
        if generation != self._generation:
            self._generation = generation
            self._entries.clear()
            self._variants.clear()
            self.bytes = 0

    def get(self, generation: str, url: str, accept: str) -> Entry | None:
        with self._lock:
            self._use(generation)
            media_type = self._variants.get((url, accept))
            entry = self._entries.get((url, media_type)) if media_type is not None else None
            if entry is not None:
                self._entries.move_to_end((url, media_type))
            return entry

    def put(self, generation: str, url: str, accept: str, media_type: str, entry: Entry) -> None:
        size = entry.size
        if size > self.max_entry_bytes or self.max_entries <= 0:
            return
        with self._lock:
            self._use(generation)
            if len(self._variants) >= _VARIANTS_PER_ENTRY * self.max_entries:
                self._variants.clear()
            self._variants[(url, accept)] = media_type
            old = self._entries.pop((url, media_type), None)
            if old is not None:
                self.bytes -= old.size
            self._entries[(url, media_type)] = entry
            self.bytes += size
            while self.bytes > self.max_bytes or len(self._entries) > self.max_entries:
                _, evicted = self._entries.popitem(last=False)
                self.bytes -= evicted.size


StartResponse = Callable[..., object]


class ConditionalCache:
    """WSGI middleware: validators and 304s on every reusable answer, and the response cache."""

    def __init__(
        self,
        app: Callable[[dict, StartResponse], Iterable[bytes]],
        clock: Callable[[], Generation | None],
        cache: ResponseCache | None,
        wait_seconds: float = 10.0,
    ) -> None:
        self.app = app
        self.clock = clock
        self.cache = cache
        # One request makes each answer; the same request arriving meanwhile waits this long for
        # it (a cold page asked by many clients at once runs its queries once, not once each),
        # then is answered 503 with Retry-After: a waiting request holds a server thread, and
        # sixteen clients waiting for one slow answer would hold every thread for its whole time.
        self.wait_seconds = wait_seconds
        self._making: dict[tuple[str, str, str], threading.Event] = {}
        self._making_lock = threading.Lock()
        self.started = time.time()
        # Part of every tag: a restart (new code, other settings) never matches an older tag.
        self._instance = f"{int(self.started * 1000):x}"

    def _etag(self, generation: Generation, media_type: str) -> str:
        digest = hashlib.blake2s(media_type.encode(), digest_size=4).hexdigest()
        return quote_etag(f"{generation.name}-{self._instance}-{digest}", weak=True)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ:
            return self.app(environ, start_response)
        generation = self.clock()
        if generation is None:
            return self.app(environ, start_response)
        url = request_uri(environ)
        accept = environ.get("HTTP_ACCEPT", "")
        if self.cache is None:
            return self._respond(environ, start_response, generation, url, accept, method)
        entry = self.cache.get(generation.name, url, accept)
        if entry is not None:
            return self._send(environ, start_response, entry, method)
        if method == "HEAD":  # a HEAD keeps nothing: it never makes an answer others wait for
            return self._respond(environ, start_response, generation, url, accept, method)
        key = (generation.name, url, accept)
        with self._making_lock:
            making = self._making.get(key)
            if making is None:
                self._making[key] = threading.Event()
        if making is not None:  # another request is making it: take its answer if it keeps one
            if not making.wait(self.wait_seconds):
                return _still_making(start_response, self.wait_seconds)
            entry = self.cache.get(generation.name, url, accept)
            if entry is not None:
                return self._send(environ, start_response, entry, method)
            return self._respond(environ, start_response, generation, url, accept, method)

        def made() -> None:
            with self._making_lock:
                making = self._making.pop(key, None)
            if making is not None:
                making.set()

        try:
            return self._respond(environ, start_response, generation, url, accept, method, made)
        except BaseException:
            made()
            raise

    def _send(
        self, environ: dict, start_response: StartResponse, entry: Entry, method: str
    ) -> Iterable[bytes]:
        if not is_resource_modified(environ, etag=entry.etag, last_modified=entry.last_modified):
            start_response("304 Not Modified", _not_modified(entry.headers))
            return []
        start_response("200 OK", list(entry.headers))
        return [] if method == "HEAD" else [entry.body]

    def _respond(
        self,
        environ: dict,
        start_response: StartResponse,
        generation: Generation,
        url: str,
        accept: str,
        method: str,
        made: Callable[[], None] = lambda: None,
    ) -> Iterable[bytes]:
        """The app's answer, with validators if it is reusable; `made` is called once the answer
        is kept, or known not to be."""
        captured: list = []

        def capture(status: str, headers: list, exc_info: object = None) -> Callable:
            # Held back until the answer is known to be reusable (Flask's responses call this
            # before returning their body, and never write()).
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            captured[:] = [status, headers]
            return _no_write

        body = self.app(environ, capture)
        if not captured:
            raise RuntimeError("the app returned a body before starting its response")
        status, headers = captured
        if not (status.startswith("200 ") and _reusable(headers)):
            made()
            start_response(status, headers)  # passed on as they were
            return body
        media_type = _header(headers, "content-type") or ""
        last_modified = datetime.fromtimestamp(max(generation.published, self.started), UTC)
        entry_headers = [*headers, ("ETag", self._etag(generation, media_type))]
        entry_headers.append(("Last-Modified", http_date(last_modified)))
        if _header(headers, "cache-control") is None:
            entry_headers.append(("Cache-Control", "no-cache"))
        etag = entry_headers[len(headers)][1]
        if not is_resource_modified(environ, etag=etag, last_modified=last_modified):
            made()
            _close(body)
            start_response("304 Not Modified", _not_modified(entry_headers))
            return []
        start_response(status, entry_headers)
        if method == "HEAD" or self.cache is None:
            made()
            return body
        kept = self._keeping(
            body,
            generation,
            url,
            accept,
            media_type,
            Entry(tuple(entry_headers), b"", etag, last_modified),
        )
        # WSGI servers close what they were given, even if they never iterate it.
        return ClosingIterator(kept, made)

    def _keeping(
        self,
        body: Iterable[bytes],
        generation: Generation,
        url: str,
        accept: str,
        media_type: str,
        entry: Entry,
    ) -> Iterator[bytes]:
        """Pass the body on, and keep the response if it is whole, small enough, and the
        generation did not change while it was made (it may be of the newer one)."""
        assert self.cache is not None
        chunks: list[bytes] | None = []
        size = 0
        try:
            for chunk in body:
                if chunks is not None:
                    size += len(chunk)
                    if size > self.cache.max_entry_bytes:
                        chunks = None
                    else:
                        chunks.append(chunk)
                yield chunk
            if chunks is not None and self.clock() == generation:
                kept = Entry(entry.headers, b"".join(chunks), entry.etag, entry.last_modified)
                self.cache.put(generation.name, url, accept, media_type, kept)
        finally:
            _close(body)


def _still_making(start_response: StartResponse, waited: float) -> list[bytes]:
    """503 to a request that waited `waited` seconds for the same answer another is making."""
    body = b"This answer is still being made for an earlier request: ask again shortly.\n"
    start_response(
        "503 Service Unavailable",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Retry-After", str(max(1, round(waited)))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [body]


def _no_write(data: bytes) -> None:
    raise RuntimeError("the app used the WSGI write() callable, which this cache does not support")


def _header(headers: list, name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _reusable(headers: list) -> bool:
    names = {key.lower() for key, _ in headers}
    if names & {"etag", "last-modified", "set-cookie"}:
        return False  # validators of its own (source documents), or a per-client answer
    cache_control = (_header(headers, "cache-control") or "").lower()
    if "no-store" in cache_control or "private" in cache_control:
        return False
    vary = {v.strip().lower() for v in (_header(headers, "vary") or "").split(",") if v.strip()}
    return vary <= _KEY_HEADERS


def _not_modified(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() in _NOT_MODIFIED_HEADERS]


def _close(body: Iterable[bytes]) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()
