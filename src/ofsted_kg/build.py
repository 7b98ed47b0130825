"""The build: report files -> named graphs in the store, incrementally and never half-written.

Per file (in a pool of worker processes): read, extract, emit its graph, infer, validate. The
parent writes each result in ONE SPARQL update that replaces the report's graph, its inferred
graph and its manifest entry together, so the store always holds, for every file, either the old
state or the new one. A remote store writes the graphs first (a Graph Store PUT each, or Update
chunks its server accepts) and the manifest entry last: the manifest never vouches for a graph
that was not fully written, and the next build writes such a file again. Derived graphs (linking and its inferences) record the fingerprint of the
report graphs they were computed from; a build that was killed after some report writes leaves a
derived graph whose fingerprint no longer matches, and the next build recomputes it even if no
file changed. An unchanged file (same SHA-256, same pipeline version) is not read at all.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .clean import clean_document
from .extract import extract_document, invalid_report, iter_report_files
from .ontology import ONTOLOGY_DIR, SHAPES_DIR, ontology_graph
from .rdf import (
    PageTexts,
    QuoteContext,
    authority_triples,
    inspection_key,
    reference_graph,
    report_graph,
)
from .reasoning import infer, tbox_rules
from .records import Report
from .sources import Document, SourceError, read_document
from .store import Store, StoreError
from .store.base import NO_UNION_DEFAULT_GRAPH
from .uris import Uris
from .validation import validate_graph

Extractor = Callable[[Path], tuple[Report, QuoteContext | None]]
Log = Callable[[str], None]

PACKAGE_DIR = Path(__file__).resolve().parent


def extract_file(path: Path) -> tuple[Report, QuoteContext | None]:
    """The default extractor: the project's extraction, plus the cleaned pages for quote context."""
    try:
        document = read_document(path)
    except SourceError as exc:
        return invalid_report(Path(path).name, str(exc)), None
    return extract_read_document(document)


def extract_read_document(document: Document) -> tuple[Report, QuoteContext]:
    """`extract_file` after the file is read (the benchmark times the two apart)."""
    # Cleaned once, for the extractors and for the quotes' context alike.
    clean = clean_document(document)
    return extract_document(document, clean), PageTexts(clean.pages())


def pipeline_version() -> str:
    """A hash of everything that shapes a report's graph: code, ontology, shapes, reference data.

    The web layer is left out: it reads the store and never shapes what is written to it.
    """
    digest = hashlib.sha256()
    files = [
        *(p for p in PACKAGE_DIR.rglob("*.py") if "web" not in p.relative_to(PACKAGE_DIR).parts),
        *PACKAGE_DIR.glob("data/*.csv"),
        *ONTOLOGY_DIR.glob("*.ttl"),
        *SHAPES_DIR.glob("*.ttl"),
    ]
    for path in sorted(files):
        digest.update(str(path.relative_to(PACKAGE_DIR.parents[1])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------ per-file work (in workers)


@dataclass
class Outcome:
    name: str
    path: str
    sha256: str
    graph: str | None = None
    ntriples: bytes = b""
    inferred: bytes = b""
    triples: int = 0
    refusal: str | None = None
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def process_file(task: tuple[str, str, str, Extractor]) -> Outcome:
    """Extract, emit, infer and validate one file. Never raises: failures become refusals."""
    path, sha, base, extractor = task
    started = time.perf_counter()
    outcome = Outcome(name=Path(path).name, path=path, sha256=sha)
    try:
        report, context = extractor(Path(path))
        if report.kind == "invalid":
            outcome.refusal = report.error or "not an inspection report"
        else:
            _emit(outcome, report, context, Uris(base), base)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the others
        outcome.refusal = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
    outcome.seconds = time.perf_counter() - started
    return outcome


def _emit(
    outcome: Outcome, report: Report, context: QuoteContext | None, uris: Uris, base: str
) -> None:
    report.sha256 = outcome.sha256  # the graph is keyed by the bytes the build hashed
    graph = report_graph(report, uris, context)
    inferred = infer(graph, base)
    ntriples = graph.serialize(format="nt", encoding="utf-8")
    triples = len(graph) + len(inferred)
    # Serialised, the report graph becomes the graph validated, with its inferences and its
    # authority's reference facts added: copying it instead cost 8 ms a report (measured).
    checked = graph
    checked += inferred
    authority = inspection_key(report).authority
    if authority:
        checked.addN((*triple, checked) for triple in authority_triples(authority, uris))
    result = validate_graph(checked, base, may_modify=True)
    outcome.violations = [f.line() for f in result.violations]
    outcome.warnings = [f.line() for f in result.warnings]
    if outcome.violations:
        first = result.violations[0]
        outcome.refusal = (
            f"{len(result.violations)} SHACL violation(s), first: {first.message} ({first.focus})"
        )
        return
    outcome.graph = str(uris.report_graph(outcome.sha256))
    outcome.ntriples = ntriples
    outcome.inferred = inferred.serialize(format="nt", encoding="utf-8")
    outcome.triples = triples


# ------------------------------------------------------------------ the manifest in the store


@dataclass(frozen=True)
class ManifestEntry:
    name: str
    sha256: str
    graph: str | None
    version: str
    refusal: str | None


def read_manifest(store: Store, uris: Uris) -> dict[str, ManifestEntry]:
    T = uris.term
    query = f"""SELECT ?name ?sha ?graph ?version ?refusal WHERE {{
        GRAPH <{uris.graph("manifest")}> {{
            ?entry a <{T("ManifestEntry")}> ; <{T("fileName")}> ?name ; <{T("sha256")}> ?sha ;
                   <{T("pipelineVersion")}> ?version .
            OPTIONAL {{ ?entry <{T("builtGraph")}> ?graph }}
            OPTIONAL {{ ?entry <{T("refusal")}> ?refusal }} }} }}"""
    entries = {}
    for row in store.select(query):
        entries[row["name"]] = ManifestEntry(
            row["name"], row["sha"], row.get("graph"), row["version"], row.get("refusal")
        )
    return entries


def read_fingerprints(store: Store, uris: Uris) -> dict[str, str]:
    query = f"""SELECT ?graph ?fingerprint WHERE {{ GRAPH <{uris.graph("manifest")}> {{
        ?graph <{uris.term("inputFingerprint")}> ?fingerprint }} }}"""
    return {row["graph"]: row["fingerprint"] for row in store.select(query)}


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
    optional = {f"{graph}/inferred" for graph in required}
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


def _manifest_triples(uris: Uris, entry: ManifestEntry, path: str) -> str:
    T = uris.term
    node = uris.manifest_entry(entry.name)
    lines = [
        f"{node.n3()} a {T('ManifestEntry').n3()} ;",
        f"  {T('fileName').n3()} {Literal(entry.name).n3()} ;",
        f"  {T('sha256').n3()} {Literal(entry.sha256).n3()} ;",
        f"  <http://www.w3.org/ns/prov#atLocation> {Literal(path).n3()} ;",
    ]
    if entry.graph:
        lines.append(f"  {T('builtGraph').n3()} {URIRef(entry.graph).n3()} ;")
    if entry.refusal:
        lines.append(f"  {T('refusal').n3()} {Literal(entry.refusal).n3()} ;")
    lines.append(f"  {T('pipelineVersion').n3()} {Literal(entry.version).n3()} .")
    return "\n".join(lines)


def _delete_entry(uris: Uris, name: str) -> str:
    node = uris.manifest_entry(name)
    return f"DELETE WHERE {{ GRAPH <{uris.graph('manifest')}> {{ {node.n3()} ?p ?o }} }}"


def _drop(graph: str) -> str:
    return f"DROP SILENT GRAPH <{graph}> ; DROP SILENT GRAPH <{graph}/inferred>"


def _insert(graphs: Iterable[tuple[str, str]]) -> str:
    body = "\n".join(f"GRAPH <{g}> {{\n{nt}\n}}" for g, nt in graphs if nt)
    return f"INSERT DATA {{\n{body}\n}}" if body else ""


def _join(operations: Iterable[str]) -> str:
    return " ;\n".join(op for op in operations if op)


# ------------------------------------------------------------------ the build


@dataclass
class BuildStats:
    files: int = 0
    built: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    triples_written: int = 0
    violations: int = 0
    warnings: int = 0
    updates: int = 0  # SPARQL updates sent to the store: 0 means nothing was written
    linked: bool = False
    seconds: float = 0.0

    @property
    def nothing_written(self) -> bool:
        return self.updates == 0

    def summary(self) -> str:
        lines = [
            f"{self.files} file(s): {self.built} built, {self.unchanged} unchanged, "
            f"{len(self.refused)} refused, {len(self.removed)} removed; "
            f"{self.triples_written} triples written; {self.violations} SHACL violation(s), "
            f"{self.warnings} warning(s); {'relinked' if self.linked else 'linking unchanged'}; "
            f"{self.seconds:.1f} s"
        ]
        lines += [f"refused: {name}: {reason}" for name, reason in self.refused]
        return "\n".join(lines)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Builder:
    def __init__(self, store: Store, uris: Uris, log: Log) -> None:
        self.store = store
        self.uris = uris
        self.log = log
        self.stats = BuildStats()
        self.version = pipeline_version()

    def update(self, sparql: str) -> None:
        if sparql:
            self.store.update(sparql)
            self.stats.updates += 1

    def replace(self, graphs: dict[str, bytes], then: str) -> None:
        """Replace these graphs, then run `then` (the manifest's record of them) last."""
        self.store.replace_graphs(graphs, then)
        self.stats.updates += 1

    def static_graphs(self) -> None:
        """The ontology and the authorities' reference data, rewritten only when they change."""
        fingerprints = read_fingerprints(self.store, self.uris)
        for name, make in (
            ("ontology", lambda: ontology_graph(self.uris.base)),
            ("reference", lambda: reference_graph(self.uris)),
        ):
            graph = str(self.uris.graph(name))
            if fingerprints.get(graph) == self.version:
                continue
            nt = make().serialize(format="nt", encoding="utf-8")
            self.replace({graph: nt}, self._fingerprint_ops(graph, self.version))

    def _fingerprint_ops(self, graph: str, fingerprint: str) -> str:
        manifest = self.uris.graph("manifest")
        prop = self.uris.term("inputFingerprint")
        return _join(
            [
                f"DELETE WHERE {{ GRAPH <{manifest}> {{ <{graph}> <{prop}> ?f }} }}",
                f"INSERT DATA {{ GRAPH <{manifest}> {{ <{graph}> <{prop}> {Literal(fingerprint).n3()} }} }}",
            ]
        )

    def write(self, outcome: Outcome, manifest: dict[str, ManifestEntry]) -> None:
        """Replace one file's graphs and manifest entry in a single atomic update."""
        entry = ManifestEntry(
            outcome.name, outcome.sha256, outcome.graph, self.version, outcome.refusal
        )
        old = manifest.get(outcome.name)
        still_used = {e.graph for n, e in manifest.items() if n != outcome.name}
        ops = []
        if old and old.graph and old.graph != outcome.graph and old.graph not in still_used:
            ops.append(_drop(old.graph))
        graphs = {}
        if outcome.graph:
            graphs = {
                outcome.graph: outcome.ntriples,
                f"{outcome.graph}/inferred": outcome.inferred,
            }
        ops.append(_delete_entry(self.uris, outcome.name))
        ops.append(
            _insert(
                [
                    (
                        str(self.uris.graph("manifest")),
                        _manifest_triples(self.uris, entry, outcome.path),
                    )
                ]
            )
        )
        self.replace(graphs, _join(ops))
        manifest[outcome.name] = entry

    def prune(self, keep: set[str], manifest: dict[str, ManifestEntry]) -> None:
        for name in sorted(set(manifest) - keep):
            entry = manifest.pop(name)
            still_used = {e.graph for e in manifest.values()}
            drop = _drop(entry.graph) if entry.graph and entry.graph not in still_used else ""
            self.update(_join([drop, _delete_entry(self.uris, name)]))
            self.stats.removed.append(name)
            self.log(f"removed {name}")

    def relink(self, manifest: dict[str, ManifestEntry]) -> None:
        """Recompute the linking graph when the set of report graphs changed since it was made."""
        from .linking import link  # the linking step reads the report graphs from the store

        fingerprint = hashlib.sha256(
            json.dumps(
                sorted((e.name, e.sha256, e.version, e.graph or "") for e in manifest.values())
            ).encode()
        ).hexdigest()[:16]
        graph = str(self.uris.graph("linking"))
        if read_fingerprints(self.store, self.uris).get(graph) == fingerprint:
            return
        reports = sorted({e.graph for e in manifest.values() if e.graph})
        linking = link(self.store, self.uris, reports)
        inferred = infer(linking, self.uris.base)
        # Asserted triples only: inferred range types would make targets of nodes described elsewhere.
        result = validate_graph(linking, self.uris.base)
        self.stats.violations += len(result.violations)
        self.stats.warnings += len(result.warnings)
        for finding in result.violations[:20]:
            self.log(f"linking graph: {finding.line()}")
        self.replace(
            {
                graph: linking.serialize(format="nt", encoding="utf-8"),
                f"{graph}/inferred": inferred.serialize(format="nt", encoding="utf-8"),
            },
            self._fingerprint_ops(graph, fingerprint),
        )
        self.stats.triples_written += len(linking) + len(inferred)
        self.stats.linked = True
        self.log(f"linked: {len(linking)} triples, {len(inferred)} inferred")


def build(
    sources: Sequence[str | Path],
    store: Store,
    *,
    base: str | None = None,
    prune: bool = False,
    workers: int = 2,
    extractor: Extractor = extract_file,
    log: Log = _stderr,
) -> BuildStats:
    """Build `sources` (files or folders) into `store`. Bad files are refused, never fatal."""
    started = time.perf_counter()
    uris = Uris(base)
    builder = Builder(store, uris, log)
    stats = builder.stats
    files = iter_report_files(list(sources))
    stats.files = len(files)
    if not store.has_union_default_graph():
        raise StoreError(f"{NO_UNION_DEFAULT_GRAPH}; nothing was written")
    manifest = read_manifest(store, uris)
    builder.static_graphs()

    tasks = []
    for path in files:
        try:
            sha = file_sha256(path)
        except OSError as exc:
            stats.refused.append((path.name, f"cannot read: {exc.strerror or exc}"))
            continue
        known = manifest.get(path.name)
        if known and known.sha256 == sha and known.version == builder.version:
            stats.unchanged += 1
            if known.refusal:
                stats.refused.append((path.name, known.refusal))
            continue
        tasks.append((str(path), sha, uris.base, extractor))

    for done, outcome in enumerate(_run(tasks, workers), 1):
        builder.write(outcome, manifest)
        if outcome.refusal:
            stats.refused.append((outcome.name, outcome.refusal))
            stats.violations += len(outcome.violations)
            log(f"[{done}/{len(tasks)}] refused {outcome.name}: {outcome.refusal}")
        else:
            stats.built += 1
            stats.triples_written += outcome.triples
            # A partial report is loaded, and its warnings are named on its own line.
            warned = outcome.warnings
            log(
                f"[{done}/{len(tasks)}] built {outcome.name}: {outcome.triples} triples, {outcome.seconds:.2f} s"
                + (f"; {len(warned)} warning(s), first: {warned[0]}" if warned else "")
            )
        stats.warnings += len(outcome.warnings)

    if prune:
        builder.prune({p.name for p in files}, manifest)
    builder.relink(manifest)
    stats.seconds = time.perf_counter() - started
    return stats


def _run(tasks: list[tuple[str, str, str, Extractor]], workers: int) -> Iterable[Outcome]:
    if workers <= 1 or len(tasks) <= 1:
        yield from map(process_file, tasks)
        return
    _prepare_for_workers(tasks[0][2])
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(process_file, tasks, chunksize=1)


def _prepare_for_workers(base: str) -> None:
    """Compute once, before the pool starts, what every report needs: the ontology's OWL-RL
    closure (owlrl: about 0.6 s) and pyshacl's view of the shapes.

    Workers forked from this process (the default on Linux) inherit them instead of each
    computing them again, most of a second per worker (measured); under other start methods
    each worker computes them on first use, as before.
    """
    tbox_rules(base)
    validate_graph(Graph(), base)
