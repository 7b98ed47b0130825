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

import calendar
import re

from ..clean import CleanText
from ..records import Statistic
from .dates import parse_date, parse_month
from .sections import flatten_with_offsets

_DATE = r"[0-3]?\d(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+(?:19|20)\d\d"
_COUNT = r"(?P<value>\d[\d,]*|no|one|two|three|four|five|six|seven|eight|nine|ten)"
_PERCENT = r"(?P<value>\d+(?:\.\d+)?)\s*%"
# "At 31 March 2016", "At 29th April 2014", "At the end of February 2014", optionally followed by
# a note in brackets ("(provisional year end data)").
_AT = (
    rf"(?:At\s+)?(?P<date>{_DATE}|(?:the\s+end\s+of\s+)?[A-Z][a-z]+\s+(?:19|20)\d\d|[0-3]?\d\s+[A-Z][a-z]+)"
    r"(?:\s*\([^)]*\))?,\s+"
)
_NOTE = r"(?:\s*\([^)]*\))?"
_WORDS = {"no": 0} | {
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
            rf"(?:Approximately\s+)?{_COUNT}\s+children\s+and\s+young\s+people\s+under\s+the\s+age\s+of\s+18",
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
            rf"(?:aged\s+under\s+\d+\s+(?:years\s+)?)?(?:are|were)\s+living\s+in\s+(?:poverty|low-income\s+families)(?:[^.]*?as\s+at\s+(?P<date>{_DATE}))?[^.]*\.",
        ),
        (
            "fsm_primary",
            "percent",
            rf"free\s+school\s+meals?.{{0,250}}?in\s+(?:nursery\s+and\s+)?primary\s+schools\s+(?:this\s+)?(?:is\s+)?{_PERCENT}",
        ),
        (
            "fsm_secondary",
            "percent",
            rf"free\s+school\s+meals?.{{0,400}}?in\s+secondary\s+schools\s+(?:this\s+)?(?:is\s+)?{_PERCENT}",
        ),
        (
            "minority_ethnic_children",
            "percent",
            rf"minority\s+ethnic\s+groups\s+account\s+for\s+(?:approximately\s+)?{_PERCENT}",
        ),
        (
            "eal_primary",
            "percent",
            rf"(?:additional\s+language|other\s+than\s+English).{{0,250}}?in\s+(?:nursery\s+and\s+)?primary\s+schools\s+(?:this\s+)?(?:is\s+)?{_PERCENT}",
        ),
        (
            "eal_secondary",
            "percent",
            rf"(?:additional\s+language|other\s+than\s+English).{{0,400}}?in\s+secondary\s+schools\s+(?:this\s+)?(?:is\s+)?{_PERCENT}",
        ),
        (
            "children_in_need",
            "count",
            rf"{_AT}{_COUNT}\s+children(?:\s+and\s+young\s+people)?[^.]{{0,120}}?\s+(?:had\s+been|have\s+been|were)\s+"
            r"identified\s+through\s+assessment",
        ),
        (
            "children_subject_of_cp_plan",
            "count",
            rf"{_AT}{_COUNT}\s+(?:children|child)(?:\s+and\s+young\s+people)?\s+(?:were|was)\s+"
            r"(?:the\s+)?subjects?\s+of\s+(?:a\s+)?child\s+protection\s+plans?",
        ),
        (
            "children_looked_after",
            "count",
            rf"{_AT}{_COUNT}\s+(?:children|child)(?:\s+and\s+young\s+people)?{_NOTE}\s+(?:were|are|was|is)\s+being\s+looked\s+after",
        ),
        (
            "cla_rate",
            "per_10000",
            rf"{_AT}[^.]*?being\s+looked\s+after[^.(]*\(\s*a\s+rate\s+of\s+(?P<value>\d+(?:\.\d+)?)\s+per\s+10,000",
        ),
    )
)

# The figures open with this sub-heading ('Children living in this area', 'Children living in
# Gateshead'); the 'Information about this local authority area' heading above it is not always
# printed, and previous inspections and local leadership sit between the two.
SECTION_START = re.compile(
    r"^[ \t]*Children\s+(?:and\s+young\s+people\s+)?living\s+in\s+[^\n.\d]{2,40}$", re.M
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
                _as_of(date),
                text.evidence(quote_start, quote_end),
            )
        )
    return found


def information_section(text: CleanText) -> tuple[int, int] | None:
    """Span from 'Children living in this area' up to the next report section."""
    heading = SECTION_START.search(text.folded)
    if heading is None:
        return None
    following = SECTION_END.search(text.folded, heading.end())
    return heading.start(), following.start() if following else len(text.folded)


def _as_of(printed: str | None) -> str | None:
    """ISO date of 'At 31 March 2016'; a month alone ('At December 2014', 'At the end of
    February 2014') is read as that month's last day, a day without a year as unknown."""
    if not printed:
        return None
    iso = parse_date(printed)
    month = None if iso else parse_month(printed)
    if month:
        year, number = int(month[:4]), int(month[5:])
        iso = f"{month}-{calendar.monthrange(year, number)[1]:02d}"
    return iso


def _number(raw: str) -> int | float:
    word = _WORDS.get(raw.lower())
    if word is not None:
        return word
    value = float(raw.replace(",", ""))
    return int(value) if value.is_integer() and "." not in raw else value
