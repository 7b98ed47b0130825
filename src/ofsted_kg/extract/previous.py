"""The previous inspection and its outcome, where the text states both in one sentence.

"Since the last inspection in March 2020, when services were judged to be requires improvement
to be good", "last inspected in March 2020, when services were judged requires improvement to be
good", "At the last inspection in 2015, the overall effectiveness ... was judged to require
improvement to be good", "since the last inspection in 2015, when all areas of the service
required improvement to be good", "since the last inspection, when the local authority was
judged to be inadequate in all key areas of practice in 2016", "since they were judged to be good
at the previous inspection in 2014", and, failing those, "since the local authority was judged
inadequate in January 2018" (monitoring visits). The date keeps the precision printed: YYYY-MM,
or YYYY when only the year is given. A sentence without a judging verb ("improved since the last
inspection in 2022") states no outcome and is skipped.

An earlier inspection may also be named by its kind, with its date set off by commas: "The SLAC
inspection, in October 2010, judged safeguarding services to be adequate and services for looked
after children to be good" (`named_inspections`, every grade the sentence gives).
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..records import PreviousInspection
from ..vocab import GRADE_PHRASE, parse_grade
from .dates import parse_month
from .sections import windows_around

_TRIGGER = re.compile(
    r"\b(?:last|previous)\s+(?:(?:full|Ofsted|ILACS|standard|single)\s+)*"
    r"(?:inspection|inspected)\b",
    re.I,
)
_JUDGED = re.compile(
    r"\b(?:(?:judged|rated|graded|judgement\s+was|effectiveness\s+was|found\s+to\s+be)\s+"
    r"(?:to\s+be\s+|as\s+|to\s+|being\s+)?['\"]?(?P<grade>" + GRADE_PHRASE + r")"
    # "when all areas of the service required improvement to be good": the grade as the verb
    r"|(?P<required>required\s+improvement)(?:\s+to\s+be\s+good)?)\b",
    re.I,
)
# The outcome printed before the trigger: "since they were judged to be good at the previous
# inspection in 2014". Only when nothing but "at/in the" separates it from the trigger.
_JUDGED_AT = re.compile(
    r"\b(?:judged|rated|graded)\s+(?:to\s+be\s+|as\s+)?(?P<grade>" + GRADE_PHRASE + r")\s+"
    r"(?:at|in|during)\s+(?:the|its|their)\s+$",
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
        judged_before = _JUDGED_AT.search(source, start, trigger.start())
        if judged_before:
            grade = parse_grade(judged_before.group("grade"))
            date = _stated_date(after[: _clause_end(after)])
        else:
            judged = _JUDGED.search(after)
            if not judged:
                continue
            required = judged.group("required")
            grade = "requires_improvement" if required else parse_grade(judged.group("grade"))
            date = _stated_date(after[: judged.start()])
            if date is None:  # "... judged to be inadequate in all key areas of practice in 2016"
                rest = after[judged.end() :]
                date = _stated_date(rest[: _clause_end(rest)])
        if date and grade:
            return [PreviousInspection(date, grade, text.evidence(start, end))]
    named = named_inspections(text, body_start)
    if named:
        return [previous for _, previous in named]
    return _judged_in(text, body_start)


# An outcome and its date without the words "last inspection": "since the local authority was
# judged inadequate in January 2018" (monitoring visits), "Local authority children's services
# were judged requires improvement in 2019".
_JUDGED_IN = re.compile(
    r"\b(?:local\s+authority|council|children'?s\s+services|services)\s+(?:was|were|had\s+been)\s+"
    r"judged\s+(?:to\s+be\s+|as\s+)?(?P<grade>" + GRADE_PHRASE + r")(?:\s+overall)?\s+"
    r"(?P<date>in\s+(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d)\b",
    re.I,
)


# The full pattern (case-insensitive, so without a literal to skip ahead by) is tried only near
# "judged": 1.2 ms a report over the whole text, measured.
_JUDGED_ANCHOR = re.compile("judged")
JUDGED_WINDOW = (80, 120)


def _judged_in(text: CleanText, body_start: int) -> list[PreviousInspection] | None:
    windows = windows_around(text.folded, _JUDGED_ANCHOR, *JUDGED_WINDOW)
    found = (
        _JUDGED_IN.search(text.folded, max(start, body_start), end)
        for start, end in windows
        if end > body_start
    )
    match = next((m for m in found if m), None)
    if not match:
        return None
    start, end = _sentence_around(text.folded, match.start(), match.end())
    date = _stated_date(match.group("date"))
    grade = parse_grade(match.group("grade"))
    if not (date and grade):
        return None
    return [PreviousInspection(date, grade, text.evidence(max(start, body_start), end))]


def _stated_date(text: str) -> str | None:
    """The first 'Month YYYY' (as YYYY-MM) or else the first 'in/of/since YYYY' in `text`."""
    month = parse_month(text)
    if month:
        return month
    year = _YEAR.search(text)
    return year.group(1) if year else None


def _clause_end(text: str) -> int:
    """Where the clause that `text` starts ends: at a comma, semicolon or dash, or the end."""
    found = re.search(r"[,;–—]", text)
    return found.start() if found else len(text)


def _sentence_around(source: str, start: int, end: int) -> tuple[int, int]:
    opening = max(
        source.rfind(". ", 0, start), source.rfind(".\n", 0, start), source.rfind("\n\n", 0, start)
    )
    closing = re.compile(r"\.(?=\s|$)").search(source, end)
    return opening + 2 if opening >= 0 else 0, closing.end() if closing else len(source)


# "The SLAC inspection, in October 2010, judged ...", "The safeguarding and looked after children
# inspection in May 2011 judged ...": the inspection named by its kind, its date, then "judged".
_NAMED = re.compile(
    r"\bThe\s{1,3}(?P<name>[A-Z]{2,6}|[a-z]{1,15}(?:\s{1,3}[a-z]{1,15}){0,5})\s{1,3}inspection,?"
    r"\s{1,3}(?:in|of)\s{1,3}(?P<date>[A-Z][a-z]{2,8}\s{1,3}(?:19|20)\d\d),?\s{1,3}"
    r"(?P<verb>judged|found)\b",
)
_NAMED_GRADE = re.compile(
    r"(?:judged|found|and)\s+(?P<area>[^.;]{0,120}?)\s*(?:to\s+be\s+|as\s+|was\s+|were\s+)?"
    r"(?P<grade>" + GRADE_PHRASE + r")\b",
    re.I,
)
# The full pattern is tried only around this, which every match holds (as `_judged_in` does).
_NAMED_ANCHOR = re.compile(r"inspection,?\s+(?:in|of)\s+[A-Z]")
NAMED_WINDOW = (120, 40)  # characters a match can reach before and after its anchor


def named_inspections(text: CleanText, body_start: int = 0) -> list[tuple[int, PreviousInspection]]:
    """Each grade of a 'The SLAC inspection, in October 2010, judged ...' sentence, with the
    offset it was read at."""
    found = []
    for start, end in windows_around(text.folded, _NAMED_ANCHOR, *NAMED_WINDOW):
        for match in _NAMED.finditer(text.folded, max(start, body_start), end):
            date = parse_month(match.group("date"))
            sentence_start, sentence_end = _sentence_around(text.folded, match.start(), match.end())
            evidence = text.evidence(max(sentence_start, match.start()), sentence_end)
            for graded in _NAMED_GRADE.finditer(text.folded, match.start("verb"), sentence_end):
                grade = parse_grade(graded.group("grade"))
                area = " ".join(graded.group("area").split()) or None
                if date and grade:
                    found.append((graded.start(), PreviousInspection(date, grade, evidence, area)))
    return found
