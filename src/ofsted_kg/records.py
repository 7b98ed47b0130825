"""Plain-data records: what extraction produces and what the RDF step consumes.

Every fact carries `Evidence` (page and quoted text); the source file and its hash live once on
the `Report`. `Report.to_json()` gives the FORMAT.md keys plus provenance and richer fields.
Every record but `Report` is frozen; a `Report` is filled in by its family's extractor and, once
extraction has returned it, never changed (later steps use `dataclasses.replace`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from .vocab import Area, Grade, InspectorRole, OfficialRole


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: 1-based page of the source and the exact text quoted, with the
    text just before and after the quote (an oa:TextQuoteSelector's prefix and suffix) when the
    quote was located in the document's text; None when it was not."""

    page: int
    quote: str
    prefix: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class Period:
    """One fieldwork period, ISO dates."""

    start: str
    end: str
    evidence: Evidence


@dataclass(frozen=True)
class DateFact:
    value: str  # ISO date
    evidence: Evidence


@dataclass(frozen=True)
class TextFact:
    value: str
    evidence: Evidence


@dataclass(frozen=True)
class Judgement:
    area: Area
    grade: Grade
    evidence: Evidence


@dataclass(frozen=True)
class PersonMention:
    """A person named in one report: an inspector (role from vocab.INSPECTOR_ROLES) or an official."""

    name: str
    role: InspectorRole | OfficialRole
    evidence: Evidence
    organisation: str | None = None  # as printed, for officials ("Department for Education")
    role_as_printed: str | None = None  # the role's label as printed ("Lead inspector on site")


@dataclass(frozen=True)
class Recommendation:
    target: str  # "local_authority" or "lscb"
    number: int | None  # as printed; None for bullets
    priority: str | None  # group heading as printed ("Priority and immediate action")
    theme: str | None  # theme sub-heading as printed
    text: str  # full text, whitespace folded
    evidence: Evidence
    framework_reference: str | None = None  # National Framework outcome/enabler key, if cited


@dataclass(frozen=True)
class ListItem:
    """An item of a strengths / satisfactory practice / areas for development list."""

    text: str
    evidence: Evidence


@dataclass(frozen=True)
class PreviousInspection:
    date: str  # YYYY-MM
    judgement: Grade  # including the pre-2013 "adequate"
    evidence: Evidence
    area: str | None = None  # what was judged, where stated ("looked after children")


@dataclass(frozen=True)
class LegalBasis:
    """A provision the report states its inspection, review or combined report was made under."""

    instrument: str  # the Act or Regulations, canonical title ("Children Act 2004")
    section: str | None  # "136", "15A"; None when the whole instrument is cited
    scope: str  # what was made under it, as printed, lower case ("review of the local ...")
    evidence: Evidence


@dataclass(frozen=True)
class Statistic:
    measure: str  # a key of vocab.STATISTIC_MEASURES
    value: float | int
    unit: str  # count | percent | per_10000
    as_of: str | None
    evidence: Evidence


@dataclass
class Report:
    """Everything extracted from one source document."""

    doc: str
    sha256: str
    format: str
    page_count: int
    kind: StrEnum  # its family's (families.py), or vocab.PipelineStatus.INVALID
    local_authority: TextFact | None = None
    inspection_dates: list[Period] = field(default_factory=list)
    publication_date: DateFact | None = None
    letter_date: DateFact | None = None
    judgements: list[Judgement] = field(default_factory=list)
    inspectors: list[PersonMention] = field(default_factory=list)
    officials: list[PersonMention] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    strengths: list[ListItem] | None = None
    satisfactory_practice: list[ListItem] | None = None
    areas_for_development: list[ListItem] | None = None
    previous_inspection: list[PreviousInspection] | None = None
    statistics: list[Statistic] | None = None
    legal_basis: list[LegalBasis] = field(default_factory=list)
    error: str | None = None  # why the file was refused (kind `invalid`)
    warnings: list[str] = field(default_factory=list)  # partial extraction, stated plainly

    def warn_missing(self, facts: dict[str, object], where: str) -> None:
        """Add one warning naming the core facts (label -> value) that came out empty."""
        missing = [label for label, value in facts.items() if not value]
        if missing:
            self.warnings.append(f"not found {where}: {', '.join(missing)}")

    def judgement_map(self) -> dict[str, str]:
        return {j.area: j.grade for j in self.judgements}

    def recommendation_counts(self) -> dict[str, int | None]:
        counts: dict[str, int | None] = {"local_authority": None, "lscb": None}
        for rec in self.recommendations:
            counts[rec.target] = (counts[rec.target] or 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """FORMAT.md keys (same meaning and values), then provenance and richer fields."""

        def items_count(items: list[ListItem] | None) -> int | None:
            return None if items is None else len(items)

        la = self.local_authority
        out: dict[str, Any] = {
            "doc": self.doc,
            "kind": self.kind,
            "local_authority": la.value if la else None,
            "inspection_dates": [[p.start, p.end] for p in self.inspection_dates],
            "publication_date": self.publication_date.value if self.publication_date else None,
            "letter_date": self.letter_date.value if self.letter_date else None,
            "judgements": self.judgement_map(),
            "inspectors": [{"name": p.name, "role": p.role} for p in self.inspectors],
            "officials": [{"name": p.name, "role": p.role} for p in self.officials],
            "recommendations": self.recommendation_counts(),
            "previous_inspection": None
            if self.previous_inspection is None
            else [{"date": p.date, "judgement": p.judgement} for p in self.previous_inspection],
            "recommendation_items": [
                {
                    "target": r.target,
                    "number": r.number,
                    "priority": r.priority,
                    "theme": r.theme,
                    "text_start": r.text[:60],
                }
                for r in self.recommendations
            ],
            "strengths": items_count(self.strengths),
            "satisfactory_practice": items_count(self.satisfactory_practice),
            "areas_for_development": items_count(self.areas_for_development),
            "statistics": None
            if self.statistics is None
            else [
                {"measure": s.measure, "value": s.value, "unit": s.unit, "as_of": s.as_of}
                for s in self.statistics
            ],
            "legal_basis": [
                {"instrument": b.instrument, "section": b.section, "scope": b.scope}
                for b in self.legal_basis
            ],
            "source": {
                "file": self.doc,
                "sha256": self.sha256,
                "format": self.format,
                "pages": self.page_count,
            },
            "error": self.error,
            "warnings": self.warnings,
            "facts": self._facts_with_provenance(),
        }
        return out

    def _facts_with_provenance(self) -> dict[str, Any]:
        """Every extracted value with its evidence (file, sha256, page, quote)."""

        def prov(evidence: Evidence) -> dict[str, Any]:
            return {"file": self.doc, "sha256": self.sha256, **asdict(evidence)}

        def dump(obj: Any) -> dict[str, Any]:
            data = asdict(obj)
            data["evidence"] = prov(obj.evidence)
            return data

        def dump_all(items: list[Any] | None) -> list[dict[str, Any]] | None:
            return None if items is None else [dump(i) for i in items]

        return {
            "local_authority": dump(self.local_authority) if self.local_authority else None,
            "inspection_dates": dump_all(self.inspection_dates),
            "publication_date": dump(self.publication_date) if self.publication_date else None,
            "letter_date": dump(self.letter_date) if self.letter_date else None,
            "judgements": dump_all(self.judgements),
            "inspectors": dump_all(self.inspectors),
            "officials": dump_all(self.officials),
            "recommendations": dump_all(self.recommendations),
            "strengths": dump_all(self.strengths),
            "satisfactory_practice": dump_all(self.satisfactory_practice),
            "areas_for_development": dump_all(self.areas_for_development),
            "previous_inspection": dump_all(self.previous_inspection),
            "statistics": dump_all(self.statistics),
            "legal_basis": dump_all(self.legal_basis),
        }
