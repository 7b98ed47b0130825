"""Extractor for the letters family (to be written)."""

from __future__ import annotations

from ..clean import CleanText
from ..records import Report


def fill_letter(text: CleanText, report: Report) -> None:
    report.warnings.append("extractor for this report kind is not written yet")
