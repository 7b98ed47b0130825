"""The build: report files -> named graphs in the store, incrementally and never half-written.

Per file (in a pool of worker processes): read, extract, emit its graph, infer, validate. The
parent writes each result in ONE SPARQL update that replaces the report's graph, its inferred
graph and its manifest entry together, so the store always holds, for every file, either the old
state or the new one. A remote store writes the graphs first (a Graph Store PUT each, or Update
chunks its server accepts) and the manifest entry last: the manifest never vouches for a graph
that was not fully written, and the next build writes such a file again. Derived graphs
(linking and its inferences) record the fingerprint of the report graphs they were computed
from; a build that was killed after some report writes leaves a derived graph whose fingerprint
no longer matches, and the next build recomputes it even if no file changed. An unchanged file
(same SHA-256, same pipeline version) is read and hashed only.

Each file is read once, in the parent, and the bytes hashed are the bytes sent to the worker
that parses them. Workers run under a memory and a time limit (build_workers.py). A refusal
caused by the file's content is recorded in the manifest under its hash and not tried again; one
caused by the moment (the file changed during the build, its worker died or overran, it could
not be read) is not recorded, so the next build tries the file again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .build_workers import WorkerFailure, WorkerLimits, WorkerPool
from .emit import ReportEmission, emit_report, ntriples
from .extract import extract_document, invalid_report
from .identity import ReviewedDecisions
from .manifest import (
    ManifestEntry,
    delete_entry,
    delete_fingerprint,
    entry_triples,
    fingerprint_update,
    read_fingerprints,
    read_manifest,
    report_graphs,
)
from .ontology import ontology_graph
from .rdf import authority_triples, reference_graph
from .reasoning import infer, tbox_rules
from .records import Report
from .resolve import ResolvedReport, resolve_report
from .sources import (
    Document,
    SourceError,
    SourceFile,
    SourceUnavailable,
    document_from_bytes,
    file_stamp,
    list_sources,
    printable_name,
    read_document,
    read_source,
)
from .store import Store, StoreError
from .store.base import NO_UNION_DEFAULT_GRAPH
from .uris import Uris
from .validation import (
    Engine,
    Finding,
    ValidationReport,
    validate_graph,
    validate_ntriples,
)
from .versions import pipeline_version
from .vocab import PipelineStatus

Extractor = Callable[[Document], Report]
Log = Callable[[str], None]


def extract_file(path: Path) -> Report:
    """Read and extract one file, as the build does (for the benchmarks)."""
    try:
        document = read_document(path)
    except SourceError as exc:
        return invalid_report(printable_name(Path(path).name), str(exc))
    return extract_document(document)


# ------------------------------------------------------------------ per-file work (in workers)


@dataclass(frozen=True)
class FileTask:
    """One file's work, as sent to a worker: its bytes, read once, and their hash."""

    source: SourceFile
    data: bytes
    sha256: str
    stamp: tuple[int, ...]  # sources.file_stamp when read: a different one means it changed


@dataclass
class Outcome:
    key: str  # the manifest's key: the path relative to the source given (sources.source_key)
    name: str  # the same path, printable, for messages
    path: str  # where the file was read (printable)
    sha256: str | None  # None: refused before it was read
    graph: str | None = None
    ntriples: bytes = b""
    inferred: bytes = b""
    triples: int = 0
    refusal: str | None = None
    status: PipelineStatus | None = None  # of a file refused as no report of any kind
    violations: list[str] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    # The file read, as an absolute file: IRI (every byte of its name kept): what the server
    # finds the source document by, whatever folder it is started from.
    location: str = ""


def _location(source: SourceFile) -> str:
    return source.path.absolute().as_uri()


def _outcome(source: SourceFile, sha256: str | None, refusal: str | None = None) -> Outcome:
    path = printable_name(str(source.path))
    return Outcome(
        source.key, source.name, path, sha256, refusal=refusal, location=_location(source)
    )


def process_file(task: FileTask, base: str, extractor: Extractor) -> Outcome:
    """Parse, extract, emit, infer and validate one file's bytes. Never raises, except
    MemoryError (the worker's to report): a failure is the file's refusal."""
    started = time.perf_counter()
    outcome = _outcome(task.source, task.sha256)
    try:
        name = printable_name(task.source.path.name)
        report = extractor(document_from_bytes(name, task.data, outcome.path))
        if report.kind == PipelineStatus.INVALID:
            outcome.refusal = report.error or "not an inspection report"
            outcome.status = PipelineStatus.INVALID
        else:
            _emit(outcome, report, Uris(base))
    except SourceError as exc:
        outcome.refusal = str(exc)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the others
        outcome.refusal = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
    outcome.seconds = time.perf_counter() - started
    return outcome


def _emit(outcome: Outcome, report: Report, uris: Uris) -> None:
    # The document was made from the very bytes the build hashed, so the record's hash (set
    # where the record was made) is the one the manifest keys the file by.
    resolved = resolve_report(report)
    emitted = emit_report(resolved, uris)
    result = validate_emission(resolved, emitted, uris)
    outcome.violations = [f.line() for f in result.violations]
    outcome.warnings = result.warnings
    if outcome.violations:
        first = result.violations[0]
        outcome.refusal = (
            f"{len(result.violations)} SHACL violation(s), first: {first.message} ({first.focus})"
        )
        return
    outcome.graph = str(uris.report_graph(report.sha256))
    outcome.ntriples = emitted.ntriples.encode()
    outcome.inferred = emitted.inferred_ntriples.encode()
    outcome.triples = len(emitted)


def validate_emission(
    resolved: ResolvedReport, emitted: ReportEmission, uris: Uris
) -> ValidationReport:
    """What the build validates of a report: its graph with its inferences and its authority's
    reference facts, as text (emit.py: no rdflib Graph is made for a report)."""
    checked = emitted.ntriples + emitted.inferred_ntriples
    objects = [o for _, _, o in emitted.triples] + [o for _, _, o in emitted.inferred]
    if resolved.authority:
        facts = authority_triples(resolved.authority, uris)
        checked += ntriples(facts)
        objects += [o for _, _, o in facts]
    return validate_ntriples(checked, objects, uris.base)


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
    # SHACL warning message -> the files (or "linking graph") it was given for, in build order
    warned: dict[str, list[str]] = field(default_factory=dict)
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

    def warn(self, name: str, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.warnings += 1
            self.warned.setdefault(finding.message, []).append(name)

    def warning_lines(self, named: int = 3) -> list[str]:
        """One line per warning's reason, most frequent first: how many, and the first files."""
        lines = []
        for message, names in sorted(self.warned.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            files = ", ".join(names[:named]) + (
                f" and {len(names) - named} more" if len(names) > named else ""
            )
            lines.append(f"warning ({len(names)}): {message}: {files}")
        return lines


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Said of a refusal that is not recorded: the next build tries the file again.
TRIED_AGAIN = "; tried again next build"


def _silent(message: str) -> None:
    pass


class Builder:
    def __init__(self, store: Store, uris: Uris, log: Log, detail: Log = _silent) -> None:
        self.store = store
        self.uris = uris
        self.log = log
        self.detail = detail  # each warning of a file, after its progress line
        self.stats = BuildStats()
        self.version = pipeline_version()
        self.handled = 0  # files dealt with so far, of stats.files, for the progress lines

    def _progress(self, message: str) -> None:
        self.handled += 1
        self.log(f"[{self.handled}/{self.stats.files}] {message}")

    def unchanged(self, name: str, entry: ManifestEntry) -> None:
        self.handled += 1
        self.stats.unchanged += 1
        if entry.refusal:
            self.stats.refused.append((name, entry.refusal))

    def refuse_for_now(self, name: str, reason: str) -> None:
        """A refusal that is not recorded: the file keeps its state in the store."""
        self.stats.refused.append((name, reason))
        self._progress(f"refused {name}: {reason}")

    def settle(self, outcome: Outcome, manifest: dict[str, ManifestEntry]) -> None:
        """Write a file's outcome (unless its manifest entry says the same already) and count it."""
        stats = self.stats
        entry = manifest.get(outcome.key)
        if outcome.sha256 is None and entry == self._entry(outcome):
            self.unchanged(outcome.name, entry)
            return
        self.write(outcome, manifest)
        if outcome.refusal:
            stats.refused.append((outcome.name, outcome.refusal))
            stats.violations += len(outcome.violations)
            self._progress(f"refused {outcome.name}: {outcome.refusal}")
        else:
            stats.built += 1
            stats.triples_written += outcome.triples
            # A partial report is loaded: its warnings are counted on its line, each one given
            # to `detail`, and summed up by reason at the end (BuildStats.warning_lines).
            warned = outcome.warnings
            self._progress(
                f"built {outcome.name}: {outcome.triples} triples, {outcome.seconds:.2f} s"
                + (f"; {len(warned)} warning(s)" if warned else "")
            )
            for finding in warned:
                self.detail(f"  {finding.line()}")
        stats.warn(outcome.name, outcome.warnings)

    def _entry(self, outcome: Outcome) -> ManifestEntry:
        return ManifestEntry(
            outcome.key,
            outcome.sha256,
            outcome.graph,
            self.version,
            outcome.refusal,
            outcome.location,
            outcome.status,
        )

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
            self.replace({graph: nt}, fingerprint_update(self.uris, graph, self.version))

    def write(self, outcome: Outcome, manifest: dict[str, ManifestEntry]) -> None:
        """Replace one file's graphs and manifest entry in a single atomic update."""
        entry = self._entry(outcome)
        old = manifest.get(outcome.key)
        still_used = {e.graph for k, e in manifest.items() if k != outcome.key}
        ops = []
        if old and old.graph and old.graph != outcome.graph and old.graph not in still_used:
            ops.append(_drop(old.graph))
        graphs = {}
        if outcome.graph:
            graphs = {
                outcome.graph: outcome.ntriples,
                f"{outcome.graph}/inferred": outcome.inferred,
            }
        ops.append(delete_entry(self.uris, outcome.key))
        ops.append(
            _insert(
                [
                    (
                        str(self.uris.graph("manifest")),
                        entry_triples(self.uris, entry, outcome.path),
                    )
                ]
            )
        )
        self.replace(graphs, _join(ops))
        manifest[outcome.key] = entry

    def prune(self, keep: set[str], manifest: dict[str, ManifestEntry]) -> None:
        for key in sorted(set(manifest) - keep):
            entry = manifest.pop(key)
            still_used = {e.graph for e in manifest.values()}
            drop = _drop(entry.graph) if entry.graph and entry.graph not in still_used else ""
            self.update(_join([drop, delete_entry(self.uris, key)]))
            self.stats.removed.append(key)
            self.log(f"removed {printable_name(key)}")

    def relink(
        self, manifest: dict[str, ManifestEntry], reviewed: ReviewedDecisions | None = None
    ) -> None:
        """Recompute the linking graph when the set of report graphs, or the reviewed identity
        decisions, changed since it was made."""
        from .linking import link  # the linking step reads the report graphs from the store

        reviewed = reviewed or ReviewedDecisions()
        fingerprint = hashlib.sha256(
            json.dumps(
                [
                    sorted((e.key, e.sha256, e.version, e.graph or "") for e in manifest.values()),
                    reviewed.fingerprint(),
                ]
            ).encode()
        ).hexdigest()[:16]
        graph = str(self.uris.graph("linking"))
        if read_fingerprints(self.store, self.uris).get(graph) == fingerprint:
            return
        # The old linking graphs and their fingerprint go first, in one update, so that linking
        # reads the store's union default graph (fast; the build checked the store has one)
        # without them; a build killed before the new ones are written relinks next time.
        self.update(
            f"DROP SILENT GRAPH <{graph}> ; DROP SILENT GRAPH <{graph}/inferred> ; "
            + delete_fingerprint(self.uris, graph)
        )
        linking = link(
            self.store, self.uris, report_graphs(manifest), reviewed, union_without_linking=True
        )
        inferred = infer(linking, self.uris.base)
        # Asserted triples only: inferred range types would make targets of nodes described elsewhere.
        result = validate_graph(linking, self.uris.base)
        self.stats.violations += len(result.violations)
        self.stats.warn("linking graph", result.warnings)
        for finding in result.warnings:
            self.detail(f"  linking graph: {finding.line()}")
        for finding in result.violations[:20]:
            self.log(f"linking graph: {finding.line()}")
        self.replace(
            {
                graph: linking.serialize(format="nt", encoding="utf-8"),
                f"{graph}/inferred": inferred.serialize(format="nt", encoding="utf-8"),
            },
            fingerprint_update(self.uris, graph, fingerprint),
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
    extractor: Extractor = extract_document,
    limits: WorkerLimits | None = None,
    log: Log = _stderr,
    reviewed: ReviewedDecisions | None = None,
    detail: Log = _silent,
) -> BuildStats:
    """Build `sources` (files or folders) into `store`. Bad files are refused, never fatal.

    `limits`: each worker's memory and time limits (default: WorkerLimits.from_env()).
    `reviewed` identity decisions override the linking rules (identity.read_decisions).
    `log` gets a progress line per file; `detail` each SHACL warning (BuildStats.warning_lines
    sums them up by reason). Readers of the store see the build whole, when it ends
    (`Store.writing`); a build stopped before that leaves its finished files where the next build
    resumes from."""
    with store.writing():
        return _build(
            sources,
            store,
            base=base,
            prune=prune,
            workers=workers,
            extractor=extractor,
            limits=limits,
            log=log,
            reviewed=reviewed,
            detail=detail,
        )


def _build(
    sources: Sequence[str | Path],
    store: Store,
    *,
    base: str | None,
    prune: bool,
    workers: int,
    extractor: Extractor,
    limits: WorkerLimits | None,
    log: Log,
    reviewed: ReviewedDecisions | None,
    detail: Log,
) -> BuildStats:
    started = time.perf_counter()
    limits = limits or WorkerLimits.from_env()
    uris = Uris(base)
    builder = Builder(store, uris, log, detail)
    stats = builder.stats
    files, clashes = _distinct_keys(list_sources(list(sources)))
    stats.files = len(files) + len(clashes)
    if not store.has_union_default_graph():
        raise StoreError(f"{NO_UNION_DEFAULT_GRAPH}; nothing was written")
    manifest = read_manifest(store, uris)
    builder.static_graphs()
    for source, first in clashes:
        builder.refuse_for_now(
            source.name,
            f"same path as {printable_name(str(first.path))} in another source given "
            "(build their common folder instead)",
        )

    def to_work() -> Iterator[FileTask]:
        """The files to work on, each read once; the others are dealt with on the way."""
        for source in files:
            try:
                read = read_source(source.path)
            except SourceUnavailable as exc:
                builder.refuse_for_now(source.name, f"{exc}{TRIED_AGAIN}")
                continue
            except SourceError as exc:  # not a regular file, too large: known without reading
                builder.settle(_outcome(source, None, str(exc)), manifest)
                continue
            known = manifest.get(source.key)
            # Read from another place (the folder moved): worked on again, so the manifest
            # records where the server now finds it.
            if (
                known
                and known.sha256 == read.sha256
                and known.version == builder.version
                and known.location == _location(source)
            ):
                builder.unchanged(source.name, known)
                continue
            yield FileTask(source, read.data, read.sha256, read.stamp)

    work = functools.partial(process_file, base=uris.base, extractor=extractor)
    prepare = functools.partial(_prepare_for_workers, uris.base)
    with WorkerPool(work, workers, limits, prepare) as pool:
        for task, result in pool.run(to_work()):
            if isinstance(result, WorkerFailure):
                builder.refuse_for_now(task.source.name, result.reason + TRIED_AGAIN)
            elif _changed_since_read(task):
                # What was parsed is no longer the file: record nothing, read it again next time.
                builder.refuse_for_now(task.source.name, "changed during the build" + TRIED_AGAIN)
            else:
                builder.settle(result, manifest)

    if prune:
        builder.prune({source.key for source in files}, manifest)
    builder.relink(manifest, reviewed)
    stats.seconds = time.perf_counter() - started
    return stats


def _distinct_keys(
    files: list[SourceFile],
) -> tuple[list[SourceFile], list[tuple[SourceFile, SourceFile]]]:
    """The files with one of each key, and the others with the file that has their key.

    Two sources given can hold the same relative path (`a/report.pdf` and `b/report.pdf` given
    as `a b`); the second cannot have the first one's manifest entry. The same file given twice
    is one file."""
    first: dict[str, SourceFile] = {}
    clashes = []
    for source in files:
        holder = first.setdefault(source.key, source)
        if holder is not source and os.path.realpath(holder.path) != os.path.realpath(source.path):
            clashes.append((source, holder))
    return list(first.values()), clashes


def _changed_since_read(task: FileTask) -> bool:
    try:
        return file_stamp(os.stat(task.source.path)) != task.stamp
    except OSError:  # gone
        return True


def _prepare_for_workers(base: str) -> None:
    """Compute once, before the first worker is forked, what every report needs: the ontology's
    OWL-RL closure (owlrl: about 0.6 s), pyshacl's view of the shapes and pyshacl-turbo's
    compiled shapes.

    Workers (forked from this process, build_workers.py) inherit them instead of each computing
    them again, most of a second per worker (measured), a replaced worker too.
    """
    tbox_rules(base)
    validate_graph(Graph(), base)
    validate_graph(Graph(), base, engine=Engine.TURBO)
