"""Dates as Ofsted prints them, to ISO.

Single dates ("25 August 2017", "02 March 2020", "31/01/2022") and fieldwork ranges in every
spelling the reports use: "12 June – 7 July 2017", "20 January 2015 – 11 February 2015",
"13 to 24 March 2023", "8 – 12 July 2013", "15-19 July 2013", "7 and 8 December 2021",
"19 November–30 November 2018", "29 April to 3 May 2019", "20 June 2017 − 13 July 2017" (a minus
sign), "12/09/2016 to 06/10/2016", "1/06/2015 – 25/06/2015". A text may hold several periods
("... 12 July 2019 and 7 August 2019 to 8 August 2019"), and a title page's dates line may wrap
its second period onto the next line ("... and 28 – 30" / "January 2014").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DASH = r"\s*(?:-|–|—|−|to|until)\s*"

DATE_RE = re.compile(rf"\b({_DAY})\s+({_MONTH})\.?,?\s+({_YEAR})\b", re.I)
MONTH_YEAR_RE = re.compile(rf"\b({_MONTH})\s+({_YEAR})\b", re.I)

# One fieldwork period. Groups: d1, m1?, y1?, d2, m2, y2.
PERIOD_RE = re.compile(
    rf"\b(?P<d1>{_DAY})(?:\s+(?P<m1>{_MONTH}))?(?:\s+(?P<y1>{_YEAR}))?"
    rf"(?:{_DASH}|\s+and\s+)"
    rf"(?P<d2>{_DAY})\s+(?P<m2>{_MONTH})\s+(?P<y2>{_YEAR})\b",
    re.I,
)
_NUMERIC_DATE = r"([0-3]?\d)/([01]?\d)/((?:19|20)\d\d)"
NUMERIC_DATE_RE = re.compile(rf"\b{_NUMERIC_DATE}\b")
# "12/09/2016 to 06/10/2016": one period, never two one-day periods.
NUMERIC_PERIOD_RE = re.compile(rf"\b{_NUMERIC_DATE}{_DASH}{_NUMERIC_DATE}\b", re.I)
MIN_YEAR, MAX_YEAR = 2000, 2035


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    iso: str


@dataclass(frozen=True)
class PeriodMatch:
    start: int
    end: int
    first: str
    last: str


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())  # type: ignore[union-attr]


def make_date(day: int, month_name: str, year: int) -> str | None:
    """ISO date, or None if the parts are no real date or out of the reports' range."""
    month = MONTHS.get(month_name.lower().rstrip("."))
    if month is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first full date in `text`, ISO, or None."""
    for match in find_dates(text):
        return match.iso
    return None


def find_dates(text: str) -> list[DateMatch]:
    found = []
    for m in DATE_RE.finditer(text):
        iso = make_date(_day(m.group(1)), m.group(2), int(m.group(3)))
        if iso:
            found.append(DateMatch(m.start(), m.end(), iso))
    for m in NUMERIC_DATE_RE.finditer(text):
        iso = _numeric_date(m.group(1), m.group(2), m.group(3))
        if iso:
            found.append(DateMatch(m.start(), m.end(), iso))
    return sorted(found, key=lambda d: d.start)


def _numeric_date(day: str, month: str, year: str) -> str | None:
    """'31', '01', '2022' as ISO, or None if no real date or out of the reports' range."""
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return None  # the same range as written-out dates: no report falls outside it
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_month(text: str) -> str | None:
    """The first 'Month YYYY' in `text` as YYYY-MM, or None."""
    m = MONTH_YEAR_RE.search(text)
    if not m:
        return None
    return f"{int(m.group(2)):04d}-{MONTHS[m.group(1).lower().rstrip('.')]:02d}"


def find_periods(text: str) -> list[PeriodMatch]:
    """Every fieldwork period in `text`, in order. A lone date is a one-day period."""
    periods: list[PeriodMatch] = []
    taken: list[tuple[int, int]] = []
    for m in PERIOD_RE.finditer(text):
        y2 = int(m.group("y2"))
        y1 = int(m.group("y1") or y2)
        m1 = m.group("m1") or m.group("m2")
        first = make_date(_day(m.group("d1")), m1, y1)
        last = make_date(_day(m.group("d2")), m.group("m2"), y2)
        if first and last and first > last and not m.group("y1"):
            first = make_date(_day(m.group("d1")), m1, y2 - 1)  # "29 December to 9 January 2015"
        if first and last and first <= last:
            periods.append(PeriodMatch(m.start(), m.end(), first, last))
            taken.append((m.start(), m.end()))
    for m in NUMERIC_PERIOD_RE.finditer(text):
        first, last = _numeric_date(*m.group(1, 2, 3)), _numeric_date(*m.group(4, 5, 6))
        if first and last and first <= last:
            periods.append(PeriodMatch(m.start(), m.end(), first, last))
            taken.append((m.start(), m.end()))
    for d in find_dates(text):
        if not any(s <= d.start < e for s, e in taken):
            periods.append(PeriodMatch(d.start, d.end, d.iso, d.iso))
    return sorted(periods, key=lambda p: p.start)


_DATES_LABEL = re.compile(r"^[ \t]*Inspection\s+dates?[ \t]*:?[ \t]*", re.I | re.M)
# The first line stops mid-period ("... and 28 – 30", "... to"), or the next one carries on
# with what only a date can start with ("January 2014", "and 7 August", "– 13 July 2017").
_OPEN_END = re.compile(rf"(?:\b(?:and|to|until)|[-–—−]|\b{_DAY})\s*$", re.I)
_CARRIES_ON = re.compile(
    rf"(?:(?:and|to|until)\b|[-–—−]|{_DAY}\s+{_MONTH}\b|{_MONTH}\s+{_YEAR}\b|{_YEAR}\b)", re.I
)


def dates_line(text: str) -> tuple[int, int, str] | None:
    """Where the 'Inspection date(s):' label and the dates after it start in `text`, and the dates'
    text: the rest of that line (or the next line, if the label stands alone), and the line after
    it when the dates wrap onto it."""
    label = _DATES_LABEL.search(text)
    if not label:
        return None
    start = label.end()
    end = _line_end(text, start)
    if not text[start:end].strip():
        start = end + 1
        end = _line_end(text, start)
    following_end = _line_end(text, end + 1)
    following = text[end + 1 : following_end].strip()
    if following and (_OPEN_END.search(text[start:end]) or _CARRIES_ON.match(following)):
        end = following_end
    return label.start(), start, text[start:end]


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end
