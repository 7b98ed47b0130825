"""Which kind of report a cleaned text is (FORMAT.md `kind`), read from its title and opening.

Kinds are told apart by the phrases each generation prints on its first page or in a letter's
subject line; the body is not needed. A text matching none is `invalid` with a reason.
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


def classify(text: CleanText) -> Classification:
    opening = text.folded[:OPENING]
    if not _OFSTED_MARKERS.search(text.folded):
        return Classification(
            "invalid", "not an Ofsted report: no mention of Ofsted or its inspectors"
        )
    if re.search(r"report not found|page not found|<!doctype", opening, re.I):
        return Classification("invalid", "not a report: a web page ('Report not found')")
    for kind, pattern in _RULES:
        match = pattern.search(opening)
        if match:
            return Classification(kind, match.group(0))
    return Classification(
        "invalid", "not a children's services inspection report: no known title or subject line"
    )
