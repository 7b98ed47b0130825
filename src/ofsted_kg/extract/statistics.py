"""Figures from 'Information about this local authority area' (2013-2018 reports).

The section prints one sentence per figure in a fixed wording ("Approximately 42,616 children and
young people under the age of 18 years live in ...", "At 31 March 2017, 150 children and young
people were the subject of a child protection plan. This is an increase from 128 at 31 March
2016."). Each measure of vocab.STATISTIC_MEASURES has one pattern; the figure is the one the
sentence opens with (never the comparison figure after it), and `as_of` is the date the sentence
states for it ("At 24 April 2017", "as at 31 August 2014"), else None. Glued footnote markers
("42,6163", "12%4") are already removed by clean.py.
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..records import Statistic
from .dates import parse_date
from .sections import flatten_with_offsets

_DATE = r"[0-3]?\d\s+[A-Z][a-z]+\s+(?:19|20)\d\d"
_COUNT = r"(?P<value>\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten)"
_PERCENT = r"(?P<value>\d+(?:\.\d+)?)\s*%"
_AT = rf"At\s+(?P<date>{_DATE}),?\s+"
_WORDS = {
    w: n
    for n, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
    )
}

# (measure, unit, pattern); patterns run on whitespace-folded text of the section.
_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (measure, unit, re.compile(pattern, re.I))
    for measure, unit, pattern in (
        (
            "children_under_18",
            "count",
            rf"Approximately\s+{_COUNT}\s+children\s+and\s+young\s+people\s+under\s+the\s+age\s+of\s+18",
        ),
        (
            "children_under_18_share_of_population",
            "percent",
            rf"This\s+is\s+(?:approximately\s+)?{_PERCENT}\s+of\s+the\s+total\s+population",
        ),
        (
            "children_in_poverty",
            "percent",
            rf"Approximately\s+{_PERCENT}\s+of\s+the\s+local\s+authority's\s+children\s+"
            rf"(?:are|were)\s+living\s+in\s+poverty(?:[^.]*?as\s+at\s+(?P<date>{_DATE}))?[^.]*\.",
        ),
        (
            "fsm_primary",
            "percent",
            rf"free\s+school\s+meals\s*:?\s*-?\s*in\s+primary\s+schools\s+is\s+{_PERCENT}",
        ),
        (
            "fsm_secondary",
            "percent",
            rf"free\s+school\s+meals.{{0,200}}?in\s+secondary\s+schools\s+is\s+{_PERCENT}",
        ),
        (
            "minority_ethnic_children",
            "percent",
            rf"minority\s+ethnic\s+groups\s+account\s+for\s+{_PERCENT}",
        ),
        (
            "eal_primary",
            "percent",
            rf"(?:additional\s+language|other\s+than\s+English)\s*:?\s*-?\s*in\s+primary\s+schools\s+is\s+{_PERCENT}",
        ),
        (
            "eal_secondary",
            "percent",
            rf"(?:additional\s+language|other\s+than\s+English).{{0,200}}?in\s+secondary\s+schools\s+is\s+{_PERCENT}",
        ),
        (
            "children_in_need",
            "count",
            rf"{_AT}{_COUNT}\s+children\s+had\s+been\s+identified\s+through\s+assessment",
        ),
        (
            "children_subject_of_cp_plan",
            "count",
            rf"{_AT}{_COUNT}\s+(?:children|child)(?:\s+and\s+young\s+people)?\s+(?:were|was)\s+"
            r"(?:the\s+)?subjects?\s+of\s+a\s+child\s+protection\s+plan",
        ),
        (
            "children_looked_after",
            "count",
            rf"{_AT}{_COUNT}\s+(?:children|child)\s+(?:were|are|was|is)\s+being\s+looked\s+after",
        ),
        (
            "cla_rate",
            "per_10000",
            rf"{_AT}[^.]*?being\s+looked\s+after[^.(]*\(\s*a\s+rate\s+of\s+(?P<value>\d+(?:\.\d+)?)\s+per\s+10,000",
        ),
    )
)

SECTION_START = re.compile(
    r"^\s*Information\s+about\s+this\s+(?:local\s+authority\s+)?area\s*$", re.I | re.M
)
# The section ends where the report's own sections resume.
SECTION_END = re.compile(
    r"^\s*(?:Recommendations|Executive\s+summary|Summary\s+for\s+children|Inspection\s+judgements?"
    r"|What\s+does\s+the|The\s+experiences\s+and\s+progress|Information\s+about\s+this\s+(?:inspection|review))\b",
    re.I | re.M,
)


def area_statistics(text: CleanText) -> list[Statistic] | None:
    """The figures of the information section, or None when the report has no such section."""
    section = information_section(text)
    if section is None:
        return None
    start, end = section
    folded, offsets = flatten_with_offsets(text.folded, start, end)
    found = []
    for measure, unit, pattern in _PATTERNS:
        match = pattern.search(folded)
        if not match:
            continue
        value = _number(match.group("value"))
        date = match.groupdict().get("date")
        quote_start, quote_end = offsets[match.start()], offsets[match.end() - 1] + 1
        found.append(
            Statistic(
                measure,
                value,
                unit,
                parse_date(date) if date else None,
                text.evidence(quote_start, quote_end),
            )
        )
    return found


def information_section(text: CleanText) -> tuple[int, int] | None:
    """Span of 'Information about this (local authority) area' up to the next report section."""
    for heading in SECTION_START.finditer(text.folded):
        following = SECTION_END.search(text.folded, heading.end())
        end = following.start() if following else len(text.folded)
        if re.search(r"Children\s+living\s+in\s+this\s+area", text.folded[heading.end() : end]):
            return heading.end(), end
    return None


def _number(raw: str) -> int | float:
    word = _WORDS.get(raw.lower())
    if word is not None:
        return word
    value = float(raw.replace(",", ""))
    return int(value) if value.is_integer() and "." not in raw else value
