"""The previous inspection and its outcome, where the text states both in one sentence.

"Since the last inspection in March 2020, when services were judged to be requires improvement
to be good", "last inspected in March 2020, when services were judged requires improvement to be
good", "At the last inspection in 2015, the overall effectiveness ... was judged to require
improvement to be good". The date keeps the precision printed: YYYY-MM, or YYYY when only the
year is given. A sentence without a judging verb ("improved since the last inspection in 2022")
states no outcome and is skipped.
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..records import PreviousInspection
from ..vocab import parse_grade
from .dates import parse_month

_TRIGGER = re.compile(
    r"\b(?:last|previous)\s+(?:(?:full|Ofsted|ILACS|standard|single)\s+)*"
    r"(?:inspection|inspected)\b",
    re.I,
)
_JUDGED = re.compile(
    r"\b(?:judged|rated|graded|judgement\s+was|effectiveness\s+was|found\s+to\s+be)\s+"
    r"(?:to\s+be\s+|as\s+|to\s+|being\s+)?['\"]?(?P<grade>"
    r"requires?\s+improvement(?:\s+to\s+be\s+good)?|inadequate|good|outstanding|adequate)\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:in|of|since)\s+((?:19|20)\d\d)\b")


def previous_inspections(text: CleanText, body_start: int = 0) -> list[PreviousInspection] | None:
    """The first stated previous inspection with its outcome, or None if none is stated.

    `body_start` is where running prose begins (after a title page's table), so that a sentence
    is never taken to start inside the table.
    """
    source = text.folded
    for trigger in _TRIGGER.finditer(source, body_start):
        start, end = _sentence_around(source, trigger.start(), trigger.end())
        start = max(start, body_start)
        after = source[trigger.start() : end]
        judged = _JUDGED.search(after)
        if not judged:
            continue
        before_grade = after[: judged.start()]
        date = parse_month(before_grade)
        if date is None:
            year = _YEAR.search(before_grade)
            date = year.group(1) if year else None
        grade = parse_grade(judged.group("grade"))
        if date and grade:
            return [PreviousInspection(date, grade, text.evidence(start, end))]
    return None


def _sentence_around(source: str, start: int, end: int) -> tuple[int, int]:
    opening = max(
        source.rfind(". ", 0, start), source.rfind(".\n", 0, start), source.rfind("\n\n", 0, start)
    )
    closing = re.compile(r"\.(?=\s|$)").search(source, end)
    return opening + 2 if opening >= 0 else 0, closing.end() if closing else len(source)
