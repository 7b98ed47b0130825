"""Extractor for the 2013 inspections of looked after children services.

Their title page reads 'Inspection of looked after children services' / the council's name /
'Inspection dates: 8 - 12 July 2013' / 'Reporting inspector Gary Lamb HMI' / 'Published: ...'.
Judgements use the four-point scale of the time ('Grade 4 (inadequate)' under each heading, and a
'Record of main findings' table: 'Overall effectiveness Inadequate', 'Capacity to improve
Adequate Grade 3'). 'Areas for improvement' holds bullets grouped by when they are due
('Immediately:', 'Within three months:', 'Within six months:'), which are the priority groups.
There is no statistics section and no strengths list.
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..records import Judgement, Recommendation, Report
from ..vocab import Area, parse_grade
from .improvements import framework_reference
from .lists import bullet_items
from .sections import find_heading, iter_lines
from .sif import fill_title_page
from .team import inspection_team

# The version of what this family's extractor emits: raise it when its output changes, so that
# a build re-extracts this family's reports (see versions.py).
EXTRACTOR_VERSION = 1

_GRADE = r"(?P<grade>inadequate|adequate|good|outstanding)"
_AREAS: tuple[tuple[Area, str], ...] = (
    (
        Area.OVERALL_EFFECTIVENESS,
        r"Overall\s+effectiveness(?:\s+of\s+services\s+for\s+looked\s+after\s+children"
        r"(?:\s+and\s+young\s+people)?)?",
    ),
    (Area.CAPACITY_TO_IMPROVE, r"Capacity\s+to\s+improve"),
)
_DUE = re.compile(r"(?:Immediately|Within\s+\w+\s+(?:weeks?|months?))\s*:?", re.I)


def fill_lac2013(text: CleanText, report: Report) -> None:
    fill_title_page(text, report)
    report.judgements = lac_judgements(text)
    report.inspectors = inspection_team(text)
    report.recommendations = areas_for_improvement(text)
    report.warn_missing(
        {
            "local authority": report.local_authority,
            "inspection dates": report.inspection_dates,
            "judgements": report.judgements,
            "inspectors": report.inspectors,
            "areas for improvement": report.recommendations,
        },
        "in the text",
    )


def lac_judgements(text: CleanText) -> list[Judgement]:
    """Each area's grade where the label is directly followed by it ('Grade 4 (inadequate)' or
    'Inadequate'); the contents list (label, page number) never matches."""
    found = []
    for area, label in _AREAS:
        match = re.search(
            rf"^\s*{label}\s+(?:Grade\s+\d\s*\(\s*)?{_GRADE}\b", text.folded, re.I | re.M
        )
        grade = parse_grade(match.group("grade")) if match else None
        if match and grade:
            found.append(Judgement(area, grade, text.evidence(match.start(), match.end())))
    return found


def areas_for_improvement(text: CleanText) -> list[Recommendation]:
    """The bullets under each due-date group of 'Areas for improvement'."""
    heading = find_heading(text.folded, r"Areas\s+for\s+improvement")
    if heading is None:
        return []
    found: list[Recommendation] = []
    position = heading.end + 1
    for line in iter_lines(text.folded, heading.end + 1):
        stripped = line.stripped
        if line.start < position or not stripped:
            continue  # inside the group just read
        if not _DUE.fullmatch(stripped):
            if found and _is_next_section(stripped):
                break
            continue
        priority = stripped.rstrip(":").strip()
        items = bullet_items(text, line.end + 1)
        position = items[-1].end if items else line.end
        found.extend(
            Recommendation(
                target="local_authority",
                number=None,
                priority=priority,
                theme=None,
                text=item.text,
                evidence=text.evidence(item.start, item.end),
                framework_reference=framework_reference(item.text),
            )
            for item in items
        )
    return found


def _is_next_section(line: str) -> bool:
    """A heading after the last group: a short line without closing punctuation."""
    return len(line) < 60 and not re.search(r"[.,;:]$", line) and line[:1].isupper()
