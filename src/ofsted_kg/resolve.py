"""Between extraction and RDF: what a report means beyond what it prints, settled once.

A `Report` holds what the document states. Before its triples are made (rdf.py, which makes
triples and nothing else), three things are decided here, from the report and the reference
data: which authority the printed name is (authorities.py), the day that keys the inspection
and the GSS code the authority's area had on it, and whether the report speaks of the
authority's Local Safeguarding Children Board. The result is a `ResolvedReport`: the record
unchanged, with what was decided beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .authorities import Authority, resolve
from .records import Report

UNRESOLVED_URN = "unresolved"  # the authority part of an inspection's URI when none is known


@dataclass(frozen=True)
class ResolvedReport:
    report: Report
    authority: Authority | None  # the authority the printed name resolves to, if any
    # The inspection's first day (fieldwork, else the letter's date, else publication; ISO);
    # None when the report states none of them.
    first_day: str | None
    gss_code: str | None  # of the authority's area on `first_day` (the current one when undated)
    mentions_safeguarding_board: bool  # an LSCB judgement, recommendation or chair

    @property
    def authority_urn(self) -> str:
        return self.authority.urn if self.authority else UNRESOLVED_URN

    @property
    def start(self) -> str:
        """What keys the inspection: its first day, else `undated-` and the hash's start."""
        return self.first_day or f"undated-{self.report.sha256[:12]}"


def resolve_report(report: Report) -> ResolvedReport:
    authority = resolve(report.local_authority.value if report.local_authority else None)
    if report.inspection_dates:
        day: str | None = min(p.start for p in report.inspection_dates)
    elif report.letter_date:
        day = report.letter_date.value
    elif report.publication_date:
        day = report.publication_date.value
    else:
        day = None
    return ResolvedReport(
        report=report,
        authority=authority,
        first_day=day,
        gss_code=authority.gss_on(day) if authority else None,
        mentions_safeguarding_board=(
            any(j.area == "lscb" for j in report.judgements)
            or any(rec.target == "lscb" for rec in report.recommendations)
            or any(p.role == "lscb_chair" for p in report.officials)
        ),
    )
