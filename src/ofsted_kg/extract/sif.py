"""Extractor for the sif family (to be written)."""

from __future__ import annotations

from ..clean import CleanText
from ..records import Report


def fill_sif(text: CleanText, report: Report) -> None:
    report.warnings.append("extractor for this report kind is not written yet")
