"""The build's manifest: the graph (`/doc/graph/manifest`) where the build records, for every
source file, its hash, the graph made from it, the pipeline version and any refusal, and for
each derived graph (ontology, reference data, linking) the fingerprint of what it was made from.

The build reads it to know what is already built; validation and export read it to know which
graphs the build wrote. These are its queries and updates.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef

from .store import Store, StoreError
from .uris import Uris
from .vocab import PipelineStatus


@dataclass(frozen=True)
class ManifestEntry:
    key: str  # the file's path relative to the source given (sources.source_key); its fileName
    sha256: str | None  # of the bytes read; None for a file refused before it was read
    graph: str | None
    version: str
    refusal: str | None
    location: str | None = None  # the file: IRI it was read from (Outcome.location)
    status: PipelineStatus | None = None  # Outcome.status; written, not read back


def read_manifest(store: Store, uris: Uris) -> dict[str, ManifestEntry]:
    T = uris.term
    query = f"""SELECT ?key ?sha ?graph ?version ?refusal ?location WHERE {{
        GRAPH <{uris.graph("manifest")}> {{
            ?entry a <{T("ManifestEntry")}> ; <{T("fileName")}> ?key ;
                   <{T("pipelineVersion")}> ?version .
            OPTIONAL {{ ?entry <{T("sha256")}> ?sha }}
            OPTIONAL {{ ?entry <{T("builtGraph")}> ?graph }}
            OPTIONAL {{ ?entry <{T("refusal")}> ?refusal }}
            OPTIONAL {{ ?entry <http://www.w3.org/ns/prov#atLocation> ?location
                        FILTER(isIRI(?location)) }} }} }}"""
    entries = {}
    for row in store.select(query):
        entries[row["key"]] = ManifestEntry(
            row["key"],
            row.get("sha"),
            row.get("graph"),
            row["version"],
            row.get("refusal"),
            row.get("location"),
        )
    return entries


def read_fingerprints(store: Store, uris: Uris) -> dict[str, str]:
    query = f"""SELECT ?graph ?fingerprint WHERE {{ GRAPH <{uris.graph("manifest")}> {{
        ?graph <{uris.term("inputFingerprint")}> ?fingerprint }} }}"""
    return {row["graph"]: row["fingerprint"] for row in store.select(query)}


def report_graphs(manifest: dict[str, ManifestEntry]) -> list[str]:
    """The report graphs the manifest names (a refused file has none)."""
    return sorted({entry.graph for entry in manifest.values() if entry.graph})


def stored_graphs(store: Store, uris: Uris) -> list[str]:
    """The graphs the build wrote, as the manifest names them, each checked to be in the store.

    Listing graphs by asking the store is not portable (`GRAPH ?g {}` answers nothing on
    Virtuoso, and a server lists graphs of its own); the manifest knows. A graph it names that
    the store does not return is a StoreError: a validation or export of what is left would
    pass or write less without saying so. Inferred graphs are listed when not empty.
    Empty when the store holds no manifest (nothing was built there).
    """
    required = {e.graph for e in read_manifest(store, uris).values() if e.graph}
    required |= set(read_fingerprints(store, uris))
    if not required:
        return []
    required.add(str(uris.graph("manifest")))
    optional = {str(uris.inferred_graph(URIRef(graph))) for graph in required}
    values = " ".join(f"<{graph}>" for graph in sorted(required | optional))
    present = {
        row["g"]
        for row in store.select(
            f"SELECT DISTINCT ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
    }
    missing = sorted(required - present)
    if missing:
        raise StoreError(
            f"the manifest names {len(missing)} graph(s) the store does not return, first "
            f"<{missing[0]}>: rebuild, or check the store's settings (docs/web.md)"
        )
    return sorted(present)


def entry_triples(uris: Uris, entry: ManifestEntry, path: str) -> str:
    """The entry as triples (SPARQL data syntax) for the manifest graph; `path` as given."""
    T = uris.term
    node = uris.manifest_entry(entry.key)
    lines = [
        f"{node.n3()} a {T('ManifestEntry').n3()} ;",
        f"  {T('fileName').n3()} {Literal(entry.key).n3()} ;",
        f"  <http://www.w3.org/ns/prov#atLocation> {Literal(path).n3()} ;",
    ]
    if entry.location:
        lines.append(f"  <http://www.w3.org/ns/prov#atLocation> {URIRef(entry.location).n3()} ;")
    if entry.sha256:
        lines.append(f"  {T('sha256').n3()} {Literal(entry.sha256).n3()} ;")
    if entry.graph:
        lines.append(f"  {T('builtGraph').n3()} {URIRef(entry.graph).n3()} ;")
    if entry.refusal:
        lines.append(f"  {T('refusal').n3()} {Literal(entry.refusal).n3()} ;")
    if entry.status:
        lines.append(f"  {T('buildStatus').n3()} {uris.build_status(entry.status).n3()} ;")
    lines.append(f"  {T('pipelineVersion').n3()} {Literal(entry.version).n3()} .")
    return "\n".join(lines)


def delete_entry(uris: Uris, key: str) -> str:
    """The update that removes one file's entry."""
    node = uris.manifest_entry(key)
    return f"DELETE WHERE {{ GRAPH <{uris.graph('manifest')}> {{ {node.n3()} ?p ?o }} }}"


def delete_fingerprint(uris: Uris, graph: str) -> str:
    """The update that forgets what `graph` was made from, so the next build makes it again."""
    manifest, prop = uris.graph("manifest"), uris.term("inputFingerprint")
    return f"DELETE WHERE {{ GRAPH <{manifest}> {{ <{graph}> <{prop}> ?f }} }}"


def fingerprint_update(uris: Uris, graph: str, fingerprint: str) -> str:
    """The update that records `fingerprint` as what `graph` was made from (replacing the last)."""
    manifest, prop = uris.graph("manifest"), uris.term("inputFingerprint")
    return (
        f"{delete_fingerprint(uris, graph)} ;\n"
        f"INSERT DATA {{ GRAPH <{manifest}> {{ <{graph}> <{prop}> {Literal(fingerprint).n3()} }} }}"
    )
