"""Values the pages derive from the whole graph, made once per store generation and reused.

The data changes only when a new store generation is published, so a value computed from it (the
full-text index, every authority's standing) is good until then: it is made the first time a
request meets a generation it was not made for, and replaces the previous one then. A request
that started with the old value keeps its reference and finishes with it. For a remote store,
which has no generations, values are made again every REMOTE_REFRESH seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from flask import current_app

from ...store.embedded import EmbeddedStore
from ...store.generations import Layout
from ..services import services

REMOTE_REFRESH = 600  # seconds a value made from a remote store is used before it is made again

T = TypeVar("T")


class PerGeneration(Generic[T]):
    """The value of the generation last asked about, made when a request meets a newer one."""

    def __init__(self) -> None:
        self._made: tuple[str, T] | None = None  # one reference: read and replaced whole
        self._making = threading.Lock()

    def current(self, key: str, make: Callable[[], T]) -> T:
        made = self._made
        if made is not None and made[0] == key:
            return made[1]
        with self._making:  # one at a time; the others wait for it and use it
            if self._made is None or self._made[0] != key:
                self._made = (key, make())
            return self._made[1]


def generation_key() -> str:
    """What a value is valid for: the live generation of an embedded store, else a time slot."""
    store = services().store
    if isinstance(store, EmbeddedStore):
        return f"generation {Layout(store.path).live()}"
    return f"remote {int(time.time() // REMOTE_REFRESH)}"


def per_generation(name: str, make: Callable[[], T]) -> T:
    """This app's value `name` for the live generation, made by `make` if not yet made for it."""
    held: PerGeneration[T] = current_app.extensions.setdefault(
        f"ofsted_kg.generation.{name}", PerGeneration()
    )
    return held.current(generation_key(), make)
