"""Extraction: from a report file to a `Report` record with evidence for every fact.

`extract(path)` reads, cleans and classifies the file, then hands the text to the extractor of
its report family (families.py). Each family module exposes `fill_<family>(text, report)`, which
fills the report's fields from the cleaned text; the shared parsers (dates, names, sections)
live beside them.
"""

from __future__ import annotations

from pathlib import Path

from ..classify import classify
from ..clean import CleanText, clean_document
from ..families import family
from ..records import Report
from ..sources import Document, SourceError, list_sources, printable_name, read_document
from ..vocab import PipelineStatus
from .legal import legal_basis


def extract(path: str | Path) -> Report:
    """Extract one file. Never raises for bad input: such a file comes back as kind `invalid`."""
    path = Path(path)
    name = printable_name(path.name)
    try:
        document = read_document(path)
    except SourceError as exc:
        return invalid_report(name, str(exc))
    except Exception as exc:  # a reader library failing on odd input must not stop a batch
        return invalid_report(name, f"cannot read file ({type(exc).__name__}: {exc})")
    return extract_document(document)


def extract_document(document: Document, text: CleanText | None = None) -> Report:
    """Extract a document read already; `text`, its cleaned text, if the caller has cleaned it."""
    if text is None:
        text = clean_document(document)
    found = classify(text)
    report = Report(
        doc=document.name,
        sha256=document.sha256,
        format=document.format,
        page_count=len(document.pages),
        kind=found.kind,
    )
    if found.kind == PipelineStatus.INVALID:
        report.error = found.reason
        return report
    try:
        family(found.kind).extractor(text, report)
        report.legal_basis = legal_basis(text)  # stated in the same words by every family
    except Exception as exc:  # an extractor bug on one file is reported, not raised
        report.kind = PipelineStatus.INVALID
        report.error = f"extraction failed ({type(exc).__name__}: {exc})"
    return report


def invalid_report(name: str, reason: str, sha256: str = "") -> Report:
    return Report(
        doc=name, sha256=sha256, format="", page_count=0, kind=PipelineStatus.INVALID, error=reason
    )


def iter_report_files(paths: list[str | Path]) -> list[Path]:
    """The files named, and the report files in folders named (see `sources.list_sources`)."""
    return [source.path for source in list_sources(paths)]
