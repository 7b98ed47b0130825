"""Where the graph lives: one interface, chosen by a store URL.

- a path or `oxigraph:PATH` -> the embedded persistent store (pyoxigraph; the default);
- `http(s)://...` -> a remote SPARQL 1.1 store (see `remote.py`, when present).

Everything above this package (build, web, queries) talks to a `Store` only.
"""

from __future__ import annotations

import os
from pathlib import Path

from .base import Store, StoreError
from .embedded import EmbeddedStore

DEFAULT_STORE = "var/store"
STORE_ENV = "OFSTED_KG_STORE"


def default_store_location() -> str:
    return os.environ.get(STORE_ENV, DEFAULT_STORE)


def open_store(location: str | None = None, *, read_only: bool = False) -> Store:
    """Open the store named by `location` (a path or URL); default: $OFSTED_KG_STORE or var/store."""
    location = location or default_store_location()
    if location.startswith(("http://", "https://")):
        from .remote import RemoteStore  # imported lazily: only remote deployments need it

        return RemoteStore(location)
    path = Path(location.removeprefix("oxigraph:"))
    return EmbeddedStore(path, read_only=read_only)


__all__ = ["Store", "StoreError", "EmbeddedStore", "open_store", "default_store_location"]
