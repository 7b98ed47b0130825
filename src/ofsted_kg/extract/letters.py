"""Extractor for letter-format reports: focused visits, monitoring visits and the 2009-2012
annual unannounced inspections of contact, referral and assessment.

A letter opens with (optionally) Ofsted's address block, the letter's date on a line of its own,
the addressee block (name, role, authority address), "Dear ...", then the subject line naming
the authority. The first paragraph gives the visit dates and, in later letters, the inspectors.
Findings are bulleted lists under their headings; letters grade nothing. The sign-off names the
inspector who wrote, and a "Copy:" list may name more officials.
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..names import plain_authority_name
from ..records import DateFact, ListItem, Period, Report, TextFact
from .dates import DATE_RE, find_periods
from .improvements import list_items, recommendations
from .lists import Item, bullet_items, heading_end
from .people import addressee, copy_list, merge_people, named_visit_inspectors, signatories
from .previous import previous_inspections

# The version of what this family's extractor emits: raise it when its output changes, so that
# a build re-extracts this family's reports (see versions.py).
EXTRACTOR_VERSION = 1


def fill_letter(text: CleanText, report: Report) -> None:
    dated = letter_date(text)
    report.letter_date = dated[0] if dated else None
    subject_start = _subject_start(text)
    report.local_authority = authority(text, subject_start)
    report.inspection_dates = visit_periods(text, subject_start)
    report.inspectors = merge_people(named_visit_inspectors(text), signatories(text))
    official = addressee(text, dated[1]) if dated else None
    report.officials = merge_people([official] if official else [], copy_list(text))
    report.previous_inspection = previous_inspections(text)

    report.strengths = _list_under(text, _STRENGTHS)
    report.satisfactory_practice = _list_under(text, _SATISFACTORY)
    report.areas_for_development = _list_under(text, _DEVELOPMENT)
    improvements = _items_under(text, _IMPROVE)
    if improvements is None:
        # Annual letters: the points for the authority are its areas for priority action (in
        # the worst cases) and its areas for development.
        improvements = (_items_under(text, _PRIORITY_ACTION) or []) + (
            _items_under(text, _DEVELOPMENT) or []
        )
    report.recommendations = recommendations(text, improvements)
    report.warn_missing(
        {
            "letter date": report.letter_date,
            "local authority": report.local_authority,
            "visit dates": report.inspection_dates,
        },
        "in the letter",
    )


_DATE_LINE = re.compile(rf"^[ \t]*{DATE_RE.pattern}[ \t]*$", re.I | re.M)
_SALUTATION = re.compile(r"^Dear\s+[^\n]+\n", re.I | re.M)


def letter_date(text: CleanText) -> tuple[DateFact, int] | None:
    """The first date alone on its line before 'Dear', and the offset where the next block
    (the addressee) starts."""
    salutation = _SALUTATION.search(text.folded)
    limit = salutation.start() if salutation else min(len(text.folded), 1500)
    match = _DATE_LINE.search(text.folded, 0, limit)
    if not match:
        return None
    iso = find_periods(match.group(0))
    if not iso:
        return None
    following = re.compile(r"\S").search(text.folded, match.end())
    return DateFact(iso[0].first, text.evidence(match.start(), match.end())), (
        following.start() if following else match.end()
    )


def _subject_start(text: CleanText) -> int:
    """Offset of the subject line: the first non-blank line after 'Dear ...'."""
    salutation = _SALUTATION.search(text.folded)
    after = salutation.end() if salutation else 0
    first = re.compile(r"\S").search(text.folded, after)
    return first.start() if first else after


_SUBJECTS = (
    re.compile(
        r"(?:focused|monitoring)\s+visit\s+(?:to|of)\s+(?P<la>.+?)\s+(?:local\s+authority\s+)?"
        r"children'?s\s+services",
        re.I,
    ),
    re.compile(r"\bwithin\s+(?P<la>.+?)(?:'s)?\s+children'?s\s+services", re.I),
)


def authority(text: CleanText, subject_start: int) -> TextFact | None:
    """The authority named in the subject line (the first line after 'Dear ...')."""
    line_end = text.folded.find("\n", subject_start)
    line_end = len(text.folded) if line_end < 0 else line_end
    subject = text.folded[subject_start:line_end]
    for pattern in _SUBJECTS:
        match = pattern.search(subject)
        if match:
            start = subject_start + match.start()
            name = plain_authority_name(match.group("la"))
            return TextFact(name, text.evidence(start, subject_start + match.end()))
    return None


_FIRST_PARAGRAPH_END = re.compile(r"\n\s*\n")


def visit_periods(text: CleanText, subject_start: int) -> list[Period]:
    """Periods in the opening paragraph ('... on 7 and 8 December 2021', 'conducted on ...')."""
    line_end = text.folded.find("\n", subject_start)
    following = re.compile(r"\S").search(text.folded, line_end) if line_end >= 0 else None
    if following is None:
        return []
    body = following.start()
    end_match = _FIRST_PARAGRAPH_END.search(text.folded, body)
    end = end_match.start() if end_match else len(text.folded)
    return [
        Period(p.first, p.last, text.evidence(body + p.start, body + p.end))
        for p in find_periods(text.folded[body:end])
    ]


def _heading(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{pattern}\s*:?\s*$", re.I | re.M)


_STRENGTHS = _heading(r"Strengths")
_SATISFACTORY = _heading(r"Satisfactory\s+practice")
_DEVELOPMENT = _heading(r"Areas?\s+for\s+development")
_IMPROVE = _heading(r"What\s+needs\s+to\s+improve\b[^\n]*")
_PRIORITY_ACTION = _heading(r"Areas?\s+for\s+priority\s+action")


def _items_under(text: CleanText, heading: re.Pattern[str]) -> list[Item] | None:
    start = heading_end(text, heading)
    return None if start is None else bullet_items(text, start)


def _list_under(text: CleanText, heading: re.Pattern[str]) -> list[ListItem] | None:
    items = _items_under(text, heading)
    return None if items is None else list_items(text, items)
