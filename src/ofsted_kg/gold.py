"""Compare extraction output with a gold file in the FORMAT.md schema, field by field.

Used by the tests (the seeds must match exactly) and by `ofsted-kg compare`, which prints
per-field accuracy so that any further hand-checked reports can be measured the same way.
Documents are matched by `doc`; a gold key absent from a gold object is not compared.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# FORMAT.md keys, then the extra keys of seeds.json. `notes` is prose and never compared.
FIELDS = (
    "kind",
    "local_authority",
    "inspection_dates",
    "publication_date",
    "letter_date",
    "judgements",
    "inspectors",
    "officials",
    "recommendations",
    "previous_inspection",
    "recommendation_items",
    "strengths",
    "satisfactory_practice",
    "areas_for_development",
    "statistics",
)
# Lists whose order carries no meaning: compared as multisets.
UNORDERED = {"inspectors", "officials", "statistics", "previous_inspection"}


@dataclass(frozen=True)
class Difference:
    doc: str
    field: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.doc}: {self.field}: expected {self.expected!r}, got {self.actual!r}"


@dataclass
class Comparison:
    differences: list[Difference] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    missing_docs: list[str] = field(default_factory=list)

    def accuracy(self) -> dict[str, float]:
        return {f: self.correct[f] / self.checked[f] for f in FIELDS if self.checked[f]}

    def table(self) -> str:
        lines = [f"{'field':<24} {'correct':>7} {'checked':>7} {'accuracy':>8}"]
        for name in FIELDS:
            if self.checked[name]:
                lines.append(
                    f"{name:<24} {self.correct[name]:>7} {self.checked[name]:>7} "
                    f"{self.correct[name] / self.checked[name]:>8.1%}"
                )
        total_checked, total_correct = sum(self.checked.values()), sum(self.correct.values())
        if total_checked:
            lines.append(
                f"{'all fields':<24} {total_correct:>7} {total_checked:>7} "
                f"{total_correct / total_checked:>8.1%}"
            )
        return "\n".join(lines)


def _canonical(name: str, value: Any) -> Any:
    if name in UNORDERED and isinstance(value, list):
        return sorted(
            value,
            key=lambda item: repr(sorted(item.items())) if isinstance(item, dict) else repr(item),
        )
    if name == "recommendations" and isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    if name == "statistics" and isinstance(value, list):
        return sorted(
            ({**s, "value": float(s["value"])} for s in value), key=lambda s: s["measure"]
        )
    return value


def compare(gold: list[dict[str, Any]], extracted: list[dict[str, Any]]) -> Comparison:
    by_doc = {record["doc"]: record for record in extracted}
    result = Comparison()
    for expected in gold:
        actual = by_doc.get(expected["doc"])
        if actual is None:
            result.missing_docs.append(expected["doc"])
            continue
        for name in FIELDS:
            if name not in expected:
                continue
            result.checked[name] += 1
            want = _canonical(name, expected[name])
            got = _canonical(name, actual.get(name))
            if want == got:
                result.correct[name] += 1
            else:
                result.differences.append(Difference(expected["doc"], name, want, got))
    return result
