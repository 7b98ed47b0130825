"""Which kind of report a cleaned text is (FORMAT.md `kind`), read from its title or subject line.

Kinds are told apart by the phrases each generation prints in its title (the lines above
"Inspection date(s)") or in a letter's subject line (the line after "Dear ..."); the body is not
needed. A phrase of another kind further on never decides: an ILACS report's summary may speak of
"a focused visit to the integrated front door". Within the title, the phrase printed first wins;
of two beginning at the same place, the more specific (each family states its phrase and how
specific it is: families.py). A text whose title names no kind but which has an inspection-dates
line and a judgement table is still a report, of the kind that table belongs to. Any other text
is `invalid` (vocab.PipelineStatus) with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .clean import CleanText
from .families import registered
from .vocab import PipelineStatus

# Characters of the opening that hold the title, subject line or letterhead.
OPENING = 3000


@dataclass(frozen=True)
class Classification:
    kind: StrEnum  # a report family's kind, or PipelineStatus.INVALID
    reason: str  # why: the phrase that decided, or why it is not a report


_OFSTED_MARKERS = re.compile(
    r"ofsted|her majesty's inspector|his majesty's inspector|\bHMI\b", re.I
)

# The title block ends where the dates or the judgement table begin; a letter's subject line
# follows the salutation.
_TITLE_END = re.compile(r"^[ \t]*(?:Inspection\s+dates?|Judgement\s+Grade)\b", re.I | re.M)
_SALUTATION = re.compile(r"^[ \t]*Dear\s+[^\n]+\n", re.I | re.M)
# Characters after the salutation that hold the subject line, wrapped or not.
SUBJECT = 300
_DATES_LINE = re.compile(r"^[ \t]*Inspection\s+dates?\s*:?\s*\S", re.I | re.M)


def classify(text: CleanText) -> Classification:
    opening = text.folded[:OPENING]
    if not _OFSTED_MARKERS.search(text.folded):
        return Classification(
            PipelineStatus.INVALID, "not an Ofsted report: no mention of Ofsted or its inspectors"
        )
    if re.search(r"report not found|page not found|<!doctype", opening, re.I):
        return Classification(
            PipelineStatus.INVALID, "not a report: a web page ('Report not found')"
        )
    found = _first_title_phrase(opening[slice(*title_span(opening))]) or _first_title_phrase(
        opening
    )
    if found:
        return found
    if _DATES_LINE.search(opening):
        for family in sorted(registered(), key=lambda f: (-f.precedence, f.kind)):
            labels = family.table_patterns
            if labels and all(label.search(opening) for label in labels):
                return Classification(
                    family.kind,
                    f"no known title, but inspection dates and the {family.kind} judgement table",
                )
    return Classification(
        PipelineStatus.INVALID,
        "not a children's services inspection report: no known title or subject line",
    )


def title_span(opening: str) -> tuple[int, int]:
    """Where the title or subject line is: after 'Dear ...' in a letter, else the lines before
    'Inspection date(s)' or the judgement table."""
    salutation = _SALUTATION.search(opening)
    if salutation:
        return salutation.end(), salutation.end() + SUBJECT
    end = _TITLE_END.search(opening)
    return 0, end.start() if end else len(opening)


def _first_title_phrase(title: str) -> Classification | None:
    """The kind whose phrase is printed first in `title`; of two phrases beginning at the same
    place, the more specific family's (`ReportFamily.precedence`)."""
    matches = [
        (m.start(), -family.precedence, str(family.kind), family.kind, m)
        for family in registered()
        if (m := family.title_pattern.search(title))
    ]
    if not matches:
        return None
    *_, kind, match = min(matches, key=lambda found: found[:3])
    return Classification(kind, match.group(0))
