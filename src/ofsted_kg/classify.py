"""Which kind of report a cleaned text is (FORMAT.md `kind`), read from its title or subject line.

Kinds are told apart by the phrases each generation prints in its title (the lines above
"Inspection date(s)") or in a letter's subject line (the line after "Dear ..."); the body is not
needed. A phrase of another kind further on never decides: an ILACS report's summary may speak of
"a focused visit to the integrated front door". Within the title, the phrase printed first wins.
A text whose title names no kind but which has an inspection-dates line and a judgement table is
still a report, of the kind that table belongs to. Any other text is `invalid` with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clean import CleanText

# Characters of the opening that hold the title, subject line or letterhead.
OPENING = 3000


@dataclass(frozen=True)
class Classification:
    kind: str
    reason: str  # why: the phrase that decided, or why it is not a report


_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I | re.S))
    for kind, pattern in (
        ("lac_2013", r"inspection\s+of\s+looked\s+after\s+children\s+services"),
        (
            "annual_unannounced",
            r"unannounced\s+inspection\s+of\s+contact,?\s+referral\s+and\s+assessment",
        ),
        ("focused_visit", r"\bfocused\s+visit\s+to\b"),
        ("monitoring_visit", r"\bmonitoring\s+visit\s+(to|of)\b"),
        ("sif", r"(re-?\s*)?inspection\s+of\s+services\s+for\s+children\s+in\s+need\s+of\s+help"),
        ("lscb_review", r"review\s+of\s+the\s+effectiveness\s+of\s+the\s+local\s+safeguarding"),
        (
            "ilacs",
            r"inspection\s+of\s+(?:[\w\s,'&.-]{1,90}?\s+)?(?:local\s+authority\s+)?children'?s\s+"
            r"(?:social\s+care\s+)?services"
            # A children's trust inspected on the authority's behalf.
            r"|inspection\s+of\s+[\w\s,'&.-]{1,90}?\s+children'?s?(?:\s+and\s+families)?\s+"
            r"(?:services\s+)?trust\b",
        ),
    )
)
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
# Judgement tables by the area labels only that generation grades.
_TABLES: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = tuple(
    (kind, tuple(re.compile(label, re.I) for label in labels))
    for kind, labels in (
        (
            "ilacs",
            (
                r"impact\s+of\s+leaders\s+on\s+(?:social\s+work\s+)?practice",
                r"experiences\s+and\s+progress\s+of\s+children\s+who\s+need\s+help",
            ),
        ),
        (
            "sif",
            (
                r"children\s+who\s+need\s+help\s+and\s+protection",
                r"children\s+looked\s+after\s+and\s+achieving\s+permanence",
                r"leadership,?\s+management\s+and\s+governance",
            ),
        ),
    )
)


def classify(text: CleanText) -> Classification:
    opening = text.folded[:OPENING]
    if not _OFSTED_MARKERS.search(text.folded):
        return Classification(
            "invalid", "not an Ofsted report: no mention of Ofsted or its inspectors"
        )
    if re.search(r"report not found|page not found|<!doctype", opening, re.I):
        return Classification("invalid", "not a report: a web page ('Report not found')")
    found = _first_title_phrase(opening[slice(*title_span(opening))]) or _first_title_phrase(
        opening
    )
    if found:
        return found
    if _DATES_LINE.search(opening):
        for kind, labels in _TABLES:
            if all(label.search(opening) for label in labels):
                return Classification(
                    kind, f"no known title, but inspection dates and the {kind} judgement table"
                )
    return Classification(
        "invalid", "not a children's services inspection report: no known title or subject line"
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
    """The kind whose phrase is printed first in `title` (the earlier rule on a tie)."""
    matches = [
        (m.start(), index, kind, m)
        for index, (kind, pattern) in enumerate(_RULES)
        if (m := pattern.search(title))
    ]
    if not matches:
        return None
    _, _, kind, match = min(matches, key=lambda found: found[:2])
    return Classification(kind, match.group(0))
