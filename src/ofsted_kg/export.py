"""Export the store: quad formats keep the named graphs; triple formats hold their union.

The store hands over N-Quads (every backend can); pyoxigraph converts them in memory, fast, and
writes Turtle and TriG with the project's prefixes. `write_dataset` streams the same from an open
pyoxigraph store instead, in bounded memory (the server's downloads, in its query workers).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import BinaryIO

import pyoxigraph as ox

from .formats import EXPORT_FORMATS
from .manifest import stored_graphs
from .ontology import PREFIXES
from .store import Store
from .store.base import ntriples_as_nquads
from .uris import Uris

# The formats by key (turtle, ntriples, nquads, trig, jsonld), and those that keep the graphs.
FORMATS = EXPORT_FORMATS
QUAD_FORMATS = {key for key, fmt in FORMATS.items() if fmt.supports_datasets}


def project_prefixes(uris: Uris) -> dict[str, str]:
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    prefixes["ofsted"] = str(uris.DEF)
    prefixes["id"] = uris.base + "id/"
    return prefixes


def export(store: Store, fmt: str, out: BinaryIO, uris: Uris | None = None) -> int:
    """Write the store to `out` in `fmt`; returns the number of quads (or union triples) written."""
    uris = uris or Uris()
    graphs = stored_graphs(store, uris)
    if graphs:  # the graphs the manifest names, on every server
        nquads = b"".join(
            ntriples_as_nquads(store.graph_ntriples(graph), graph) for graph in graphs
        )
    else:  # not built by ofsted-kg: whatever the store holds
        nquads = store.dump("application/n-quads")
    quads = list(ox.parse(input=io.BytesIO(nquads), format=ox.RdfFormat.N_QUADS))
    if fmt in QUAD_FORMATS:
        items: list[ox.Quad] | list[ox.Triple] = quads
    else:
        items = sorted({q.triple for q in quads}, key=str)
    options = {}
    if fmt in {"turtle", "trig"}:
        options["prefixes"] = project_prefixes(uris)
    ox.serialize(items, out, format=FORMATS[fmt], **options)
    return len(items)


def write_dataset(
    store: ox.Store, fmt: str, out: BinaryIO, prefixes: Mapping[str, str] | None = None
) -> None:
    """Write the dataset of `store` to `out` in `fmt` as the store yields it, holding none of it:
    quad formats are the store's dump; triple formats the union of the named graphs, as the store's
    CONSTRUCT yields it (repeats dropped while it remembers them: up to about a million triples;
    a repeat beyond that says the same graph again)."""
    options = {"prefixes": dict(prefixes)} if prefixes and fmt in {"turtle", "trig"} else {}
    if fmt in QUAD_FORMATS:
        store.dump(out, format=FORMATS[fmt], **options)
    else:
        union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        ox.serialize(union, out, format=FORMATS[fmt], **options)


def parse_export(data: bytes, fmt: str) -> set[ox.Quad] | set[ox.Triple]:
    """An export read back: quads for quad formats, triples for triple formats (for checks)."""
    parsed = ox.parse(input=io.BytesIO(data), format=FORMATS[fmt])
    if fmt in QUAD_FORMATS:
        return set(parsed)
    return {q.triple for q in parsed}
