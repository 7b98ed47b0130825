"""The downloads the home page offers, each with its size, and the date of the build they hold.

A download is made on request (streamed from a query worker), so its size is not known before it
is served: each download is counted as it streams to a client, and a complete one gives the size
of that download for the store generation it was served from (a cached size per generation, no
extra work for the server, honest to the byte); until then the page says the size is known after
the first download. A download made whole before it is sent (the inspection summary's CSV) states
its length, and that is its size. The build date is the live generation's publication time
(store/generations.py): the graph records no build time, since a rebuild must equal a clean build.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Response, current_app, request

from .services import services

EXTENSION = "ofsted_kg.download_sizes"


@dataclass(frozen=True)
class Download:
    name: str
    url: str
    media_type: str
    size: int | None  # bytes as served; None until served once from this generation


class DownloadSizes:
    """The sizes of the downloads served from one store generation (the latest seen)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._sizes: dict[str, int] = {}

    def known(self, generation: str | None) -> dict[str, int]:
        with self._lock:
            return dict(self._sizes) if generation == self._generation else {}

    def record(self, generation: str | None, url: str, size: int) -> None:
        with self._lock:
            if generation != self._generation:
                self._generation, self._sizes = generation, {}
            self._sizes[url] = size


def _sizes() -> DownloadSizes:
    return current_app.extensions.setdefault(EXTENSION, DownloadSizes())


def _generation() -> str | None:
    live = services().store.live_generation()
    return live[0] if live else None


def build_date() -> datetime | None:
    """When the data served now was published (the build's end), or None if not known."""
    live = services().store.live_generation()
    return datetime.fromtimestamp(live[1], UTC) if live else None


def with_sizes(offered: Sequence[tuple[str, str, str]]) -> list[Download]:
    """(name, url, media type) of each download, with the sizes served so far."""
    sizes = _sizes().known(_generation())
    return [Download(name, url, media_type, sizes.get(url)) for name, url, media_type in offered]


def _counted(body: Iterable[bytes | str], complete: Callable[[int], None]) -> Iterator[bytes | str]:
    size = 0
    try:
        for chunk in body:
            size += len(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            yield chunk
    finally:
        close = getattr(body, "close", None)
        if close is not None:  # the stream's own clean-up (a query worker handed back)
            close()
    complete(size)  # reached only when the client took the whole download


def count_download(response: Response, offered: Sequence[str]) -> Response:
    """Count the bytes of a download the home page offers as they go to the client."""
    url = request.full_path.rstrip("?")
    if request.method != "GET" or response.status_code != 200 or url not in offered:
        return response
    generation, sizes = _generation(), _sizes()
    if response.content_length is not None:
        # Its size is known before it is sent. Counted instead, it would be recorded only when
        # the server next asks the stream for a chunk, after the client has read every byte it
        # was told to expect: a request the client sends next could still find it unknown
        # (seen under load in test_web_cache's home page test).
        sizes.record(generation, url, response.content_length)
        return response
    response.response = _counted(
        response.response, lambda size: sizes.record(generation, url, size)
    )
    return response


def human_size(size: int) -> str:
    """`about 3.4 MB`: decimal units, as download sizes are usually given."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"about {size / 1000:.0f} kB"
    return f"about {size / 1_000_000:.1f} MB"
