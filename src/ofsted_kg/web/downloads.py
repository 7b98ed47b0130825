"""The downloads the home page offers, each with its size, and the date of the build they hold.

The downloads are made on request (streamed from a query worker), so their sizes are measured,
not guessed: once per store generation a background thread fetches each one through the app
itself, as a client would, and counts its bytes; until it has, the page says so. The build date
is the live generation's publication time (store/generations.py): the graph records no build
time, since a rebuild must equal a clean build.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app

from .services import services

log = logging.getLogger(__name__)
EXTENSION = "ofsted_kg.download_sizes"


@dataclass(frozen=True)
class Download:
    name: str
    url: str
    media_type: str
    size: int | None  # bytes as served; None until measured


class DownloadSizes:
    """The measured sizes of the downloads of one store generation (the latest asked about)."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._measuring = False
        self._sizes: dict[str, int] = {}

    def sizes(self, generation: str | None, urls: Sequence[str]) -> dict[str, int]:
        """The sizes known for `generation`. A call that finds sizes missing and no measuring
        under way starts it (the first for a generation, or again after a download was shed)."""
        with self._lock:
            if generation != self._generation:
                self._generation, self._sizes, self._measuring = generation, {}, False
            missing = tuple(url for url in urls if url not in self._sizes)
            if missing and not self._measuring:
                self._measuring = True
                threading.Thread(
                    target=self._measure,
                    args=(generation, missing),
                    name="download-sizes",
                    daemon=True,
                ).start()
            return dict(self._sizes)

    def _measure(self, generation: str | None, urls: tuple[str, ...]) -> None:
        client = self._app.test_client()
        store = self._app.extensions["ofsted_kg"].store
        complete = True
        for url in urls:
            try:
                response = client.get(url, buffered=False)
                try:
                    size = sum(len(chunk) for chunk in response.iter_encoded())
                finally:
                    response.close()
            except Exception:  # noqa: BLE001 - a server shutting down; the page says "not known"
                log.debug("measuring %s failed", url, exc_info=True)
                complete = False
                break
            live = store.live_generation()
            with self._lock:
                # A build published meanwhile: this size may be of either generation; drop it.
                if self._generation != generation or (live and live[0]) != generation:
                    return
                if response.status_code == 200:
                    self._sizes[url] = size
                else:  # shed (503) or stopped (504) while the server was busy: try again later
                    complete = False
        with self._lock:
            if self._generation == generation and not complete:
                self._measuring = False  # the next home page measures what is missing again


def _sizes_service() -> DownloadSizes:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault(EXTENSION, DownloadSizes(app))


def build_date() -> datetime | None:
    """When the data served now was published (the build's end), or None if not known."""
    live = services().store.live_generation()
    return datetime.fromtimestamp(live[1], UTC) if live else None


def with_sizes(offered: Sequence[tuple[str, str, str]]) -> list[Download]:
    """(name, url, media type) of each download, with the sizes measured so far."""
    live = services().store.live_generation()
    sizes = _sizes_service().sizes(live[0] if live else None, [url for _, url, _ in offered])
    return [Download(name, url, media_type, sizes.get(url)) for name, url, media_type in offered]


def human_size(size: int) -> str:
    """`about 3.4 MB`: decimal units, as download sizes are usually given."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"about {size / 1000:.0f} kB"
    return f"about {size / 1_000_000:.1f} MB"
