"""Extractor for the lac2013 family (to be written)."""

from __future__ import annotations

from ..clean import CleanText
from ..records import Report


def fill_lac2013(text: CleanText, report: Report) -> None:
    report.warnings.append("extractor for this report kind is not written yet")
