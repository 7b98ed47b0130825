"""Extractor for 2018+ inspections of local authority children's services (ILACS).

The title page holds almost everything: the authority ("Inspection of X local authority
children's services"; 2018-2020 reports print the authority on its own line above "Inspection
of children's social care services"; a children's trust report is titled with the trust),
"Inspection dates:", "Lead inspector(s):" and the "Judgement Grade" table, whose labels and
grades wrap over lines. The improvement points follow "What needs to improve?".
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..names import plain_authority_name
from ..records import DateFact, Judgement, Period, Report, TextFact
from ..vocab import Area, parse_grade
from .dates import dates_line, find_dates, find_periods
from .improvements import recommendations
from .lists import bullet_items, bullets_before
from .people import lead_inspectors
from .previous import previous_inspections

# The version of what this family's extractor emits: raise it when its output changes, so that
# a build re-extracts this family's reports (see versions.py).
EXTRACTOR_VERSION = 1


def fill_ilacs(text: CleanText, report: Report) -> None:
    report.local_authority = authority(text)
    report.inspection_dates = inspection_periods(text)
    report.publication_date = publication_date(text)
    report.inspectors = lead_inspectors(text)
    report.judgements = judgements(text)
    report.recommendations = improvement_points(text)
    report.previous_inspection = previous_inspections(text, summary_start(text))
    report.warn_missing(
        {
            "local authority": report.local_authority,
            "inspection dates": report.inspection_dates,
            "lead inspector": report.inspectors,
            "judgements": report.judgements,
        },
        "on the title page",
    )


def _words(phrase: str) -> str:
    """A phrase as a regex whose words may be split by any whitespace (wrapped lines)."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


_TITLE_END = re.compile(r"^(?:Inspection\s+dates?|Lead\s+inspector|Judgement)\b", re.I | re.M)
_TITLES = (
    # "Inspection of Bradford Children and Families Trust": a trust run for the authority.
    re.compile(
        r"Inspection\s+of\s+(?P<la>.+?)\s+Children'?s?(?:\s+and\s+Families)?\s+"
        r"(?:Services\s+)?Trust\b",
        re.I | re.S,
    ),
    re.compile(
        r"Inspection\s+of\s+(?P<la>(?!(?:local\s+authority\s+)?children'?s\s).+?)\s+(?:local\s+authority\s+)?"
        r"children'?s\s+(?:social\s+care\s+)?services",
        re.I | re.S,
    ),
    # 2018-2020: the authority's line(s), then the title.
    re.compile(
        r"\A\s*(?P<la>.+?)\s+Inspection\s+of\s+(?:local\s+authority\s+)?children'?s\s+"
        r"(?:social\s+care\s+)?services",
        re.I | re.S,
    ),
)


def authority(text: CleanText) -> TextFact | None:
    title = _TITLE_END.search(text.folded)
    header_end = title.start() if title else min(len(text.folded), 400)
    header = text.folded[:header_end]
    for pattern in _TITLES:
        match = pattern.search(header)
        if match:
            name = plain_authority_name(match.group("la"))
            if name:
                return TextFact(name, text.evidence(match.start(), match.end()))
    return None


def inspection_periods(text: CleanText) -> list[Period]:
    """Fieldwork periods from the 'Inspection dates:' line (read on where it wraps)."""
    found = dates_line(text.folded)
    if not found:
        return []
    _, start, dates = found
    return [
        Period(p.first, p.last, text.evidence(start + p.start, start + p.end))
        for p in find_periods(dates)
    ]


_PUBLISHED = re.compile(r"Report\s+published\s*:?\s*", re.I)


def publication_date(text: CleanText) -> DateFact | None:
    match = _PUBLISHED.search(text.folded)
    if not match:
        return None
    dates = find_dates(text.folded[match.end() : match.end() + 40])
    if not dates or dates[0].start > 2:
        return None
    return DateFact(dates[0].iso, text.evidence(match.start(), match.end() + dates[0].end))


# Characters of the opening that hold the title page and its judgement table.
TITLE_PAGE = 3000
_GRADE = r"(?P<grade>Outstanding|Good|Inadequate|Requires?\s+improvement(?:\s+to\s+be\s+good)?)\b"
_PROGRESS = "The experiences and progress of"
_AREA_LABELS: tuple[tuple[Area, str], ...] = (
    (
        Area.IMPACT_OF_LEADERS,
        r"The\s+impact\s+of\s+leaders\s+on\s+(?:social\s+work\s+)?practice\s+with\s+children\s+and\s+families",
    ),
    (Area.HELP_AND_PROTECTION, _words(f"{_PROGRESS} children who need help and protection")),
    (
        Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS,
        _words(f"{_PROGRESS} children in care and care leavers"),
    ),
    (Area.CHILDREN_IN_CARE, _words(f"{_PROGRESS} children in care")),
    (Area.CARE_LEAVERS, _words(_PROGRESS) + r"\s+(?:children\s+)?care\s+leavers"),
    (Area.OVERALL_EFFECTIVENESS, _words("Overall effectiveness")),
)
_AREA_PATTERNS = tuple(
    (area, re.compile(rf"{label}\s*:?\s*{_GRADE}", re.I)) for area, label in _AREA_LABELS
)


def _table_matches(text: CleanText) -> list[tuple[str, re.Match[str]]]:
    """Each area's first 'label grade' pair (the title-page table; sections repeat the same)."""
    found = []
    for area, pattern in _AREA_PATTERNS:
        match = pattern.search(text.folded)
        if match:
            found.append((area, match))
    return sorted(found, key=lambda pair: pair[1].start())


def judgements(text: CleanText) -> list[Judgement]:
    found = []
    for area, match in _table_matches(text):
        grade = parse_grade(match.group("grade"))
        if grade:
            found.append(Judgement(area, grade, text.evidence(match.start(), match.end())))
    return found


def summary_start(text: CleanText) -> int:
    """Where the prose begins: after the judgement table (so no sentence runs into it)."""
    ends = [match.end() for _, match in _table_matches(text) if match.start() < TITLE_PAGE]
    return max(ends, default=0)


_IMPROVE_HEADING = re.compile(r"^What\s+needs\s+to\s+improve\b[^\n]{0,40}$", re.I | re.M)


def improvement_points(text: CleanText):
    """The bullets under 'What needs to improve?', and those the text stream printed before it."""
    heading = _IMPROVE_HEADING.search(text.folded)
    if heading is None:
        return []
    items = bullets_before(text, heading.start()) + bullet_items(text, heading.end())
    return recommendations(text, items)
