"""Property-based tests of the text parsers: no input crashes them, and their results keep the
invariants the graph relies on (dates in the reports' range, periods in order, grades from the
vocabulary, clean-up and name clean-up idempotent)."""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ofsted_kg.clean import (
    _FOOTNOTE_MARKERS,
    CleanText,
    _strip_footnote_markers,
    clean_document,
    clean_page,
)
from ofsted_kg.extract.dates import MAX_YEAR, MIN_YEAR, find_dates, find_periods, parse_date
from ofsted_kg.extract.legal import _ANCHOR, _LEGAL_BASIS, ANCHOR_WINDOW
from ofsted_kg.extract.previous import (
    _JUDGED_ANCHOR,
    _JUDGED_IN,
    _NAMED,
    _NAMED_ANCHOR,
    JUDGED_WINDOW,
    NAMED_WINDOW,
)
from ofsted_kg.extract.sections import flatten_with_offsets, windows_around
from ofsted_kg.extract.sif import _PREVIOUS, _PREVIOUS_ANCHOR, PREVIOUS_WINDOW
from ofsted_kg.extract.statistics import _COUNT, _PERCENT, _number, area_statistics
from ofsted_kg.names import clean_person_name, plain_authority_name
from ofsted_kg.sources import HTML, MARKDOWN, TEXT, Document
from ofsted_kg.vocab import GRADES, parse_grade

# 300 examples per property in the suite (seconds); HYPOTHESIS_EXAMPLES=5000 for a deeper search.
settings.register_profile(
    "ofsted",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ofsted")

# Report-like text: the characters clean-up treats specially, words the parsers look for, and
# any other Unicode, so that the interesting paths are reached often.
SPECIAL = list("◼▪•●■-*|#<>&;/%,.:()\t\n \u00ad\u00a0\ufffd\ufeff\u200b’‘“”–—¹²³\uf0b7\uf02d\f")
WORDS = [
    "Ofsted",
    "good",
    "Good",
    "inadequate",
    "outstanding",
    "requires improvement to be good",
    "Requires",
    "improvement",
    "Adequate",
    "January",
    "June",
    "Sept",
    "May",
    "December",
    "2019",
    "2035",
    "1999",
    "2036",
    "31",
    "29",
    "02",
    "1st",
    "to",
    "and",
    "–",
    "42,616",
    "12%",
    "Board1",
    "<p>",
    "</p>",
    "<sup>2</sup>",
    "**",
    "| a | b |",
    "|---|---|",
    "&amp;",
    "Children living in this area",
    "At 31 March 2016",
    "per 10,000",
    "HMI",
    "Ms",
    "Dr",
    "County Council",
    "London Borough of",
    "City of London",
    "Metropolitan Borough Council",
]
report_text = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(SPECIAL), st.text(max_size=8)),
    max_size=60,
).map(" ".join)
any_text = st.one_of(report_text, st.text(max_size=200))


@given(any_text, st.sampled_from([TEXT, MARKDOWN, HTML]))
def test_clean_page_never_crashes_and_keeps_no_stray_characters(raw: str, fmt: str) -> None:
    cleaned = clean_page(raw, fmt)
    assert isinstance(cleaned, str)
    assert not set("\u00ad\ufffd\ufeff\u200b\r") & set(cleaned)


@given(any_text)
@example("•")  # a bullet with no text: once "- " and then "-" (fixed: no trailing space)
def test_clean_page_is_idempotent_on_plain_text(raw: str) -> None:
    # Idempotent for plain text only: for Markdown and HTML, decoding entities ("&amp;lt;" ->
    # "&lt;") makes new text that reads as markup again, by the nature of unescaping.
    once = clean_page(raw, TEXT)
    assert clean_page(once, TEXT) == once


@given(st.lists(any_text, min_size=1, max_size=6), st.sampled_from([TEXT, MARKDOWN, HTML]))
def test_clean_document_page_map_is_consistent(pages: list[str], fmt: str) -> None:
    doc = Document("x.txt", "x.txt", "0" * 64, fmt, tuple(pages))
    clean = clean_document(doc)
    assert isinstance(clean, CleanText)
    assert len(clean.folded) == len(clean.text)
    assert clean.page_count == len(pages)
    assert list(clean.page_starts) == sorted(clean.page_starts)
    for number, start in enumerate(clean.page_starts, start=1):
        assert clean.page_of(start) == number
        assert start == 0 or clean.text[start - 1] == "\n"


def _in_range(iso: str) -> bool:
    return MIN_YEAR <= int(iso[:4]) <= MAX_YEAR and re.fullmatch(r"\d{4}-\d\d-\d\d", iso)


@given(any_text)
@example("31/01/1999")  # was read as 1999-01-31 (the numeric form skipped the range check)
@example("29 December to 9 January 2000")  # the start falls back a year, to 1999
def test_dates_are_real_and_in_range(text: str) -> None:
    iso = parse_date(text)
    assert iso is None or _in_range(iso)
    for found in find_dates(text):
        assert _in_range(found.iso) and 0 <= found.start < found.end <= len(text)


@given(any_text)
@example("29 December to 9 January 2000")
@example("1 and 2 March 2019 and 3 and 4 March 2019")
def test_periods_are_ordered_and_in_range(text: str) -> None:
    periods = find_periods(text)
    assert [p.start for p in periods] == sorted(p.start for p in periods)
    for period in periods:
        assert _in_range(period.first) and _in_range(period.last)
        assert period.first <= period.last


@given(
    st.dates(),
    st.integers(min_value=0, max_value=30),
    st.sampled_from([" to ", " – ", "-", " and "]),
)
def test_a_printed_period_reads_back(first, days, dash) -> None:
    import datetime as dt

    last = first + dt.timedelta(days=days)
    printed = f"{first.day} {first:%B %Y}{dash}{last.day} {last:%B %Y}"
    periods = find_periods(printed)
    if first.year >= MIN_YEAR and last.year <= MAX_YEAR:
        assert [(p.first, p.last) for p in periods] == [(first.isoformat(), last.isoformat())]
    else:
        assert all(_in_range(p.first) and _in_range(p.last) for p in periods)


@given(any_text)
def test_person_name_clean_up_is_idempotent(raw: str) -> None:
    once = clean_person_name(raw)
    assert clean_person_name(once) == once
    assert once == once.strip() and "  " not in once


@given(any_text)
@example("Metropolitan Borough Council Metropolitan Borough Council Metropolitan Borough Council")
@example("London Borough of City of London")  # was "London" once, "City of London" after
@example("Ofsted , County Council")  # punctuation left behind by a removed style
def test_authority_name_clean_up_is_idempotent(raw: str) -> None:
    once = plain_authority_name(raw)
    assert plain_authority_name(once) == once


@given(any_text)
def test_parse_grade_is_a_vocabulary_key_or_none(text: str) -> None:
    assert parse_grade(text) in (*GRADES, None)


@given(st.sampled_from(list(GRADES)), any_text, any_text)
def test_a_printed_grade_is_read_when_it_comes_first(key: str, before: str, after: str) -> None:
    # The label stands alone when what precedes it names no grade.
    label = GRADES[key]
    if parse_grade(before) is None and re.search(r"\w$", before) is None:
        assert parse_grade(f"{before} {label} {after}") == key


@given(st.from_regex(re.compile(_COUNT), fullmatch=True))
def test_counts_parse_to_non_negative_integers(raw: str) -> None:
    value = _number(raw)
    assert isinstance(value, int) and value >= 0


@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_separated_counts_read_back(n: int) -> None:
    assert _number(f"{n:,}") == n


@given(st.from_regex(re.compile(_PERCENT), fullmatch=True))
def test_percentages_parse(raw: str) -> None:
    value = _number(re.match(r"[\d.]+", raw).group())
    assert value >= 0


@given(st.lists(any_text, min_size=1, max_size=3))
def test_area_statistics_never_crash(pages: list[str]) -> None:
    doc = Document("x.txt", "x.txt", "0" * 64, TEXT, tuple(pages))
    found = area_statistics(clean_document(doc))
    assert found is None or all(s.value >= 0 for s in found)


# Text dense in what footnote markers are made of: letters, ")", figures, "%", separators.
marker_text = st.one_of(st.text(alphabet="abcXY)%,.;: \n0123456789¹²", max_size=80), any_text)


@given(marker_text)
@example("services3. 42,6163 and 12%4")
@example("(children looked after)2 in care")
def test_footnote_markers_are_stripped_as_by_the_full_patterns_alone(raw: str) -> None:
    # Each marker pattern is only tried where its cheap hint finds a candidate: the hint must
    # never miss a text the full pattern would change.
    expected = raw
    for pattern, replacement, _hint in _FOOTNOTE_MARKERS:
        expected = pattern.sub(replacement, expected)
    assert _strip_footnote_markers(raw) == expected


# Real statements of legal basis and of previous inspections, and text around them.
STATEMENTS = [
    "The inspection of the local authority was carried out under section 136 of the Education "
    "and Inspections Act 2006.",
    "Ofsted produces this report under its power to combine reports in accordance with section "
    "152 of the Education and Inspections Act 2006.",
    "the review of the Local Safeguarding Children Board carried out under the Local "
    "Safeguarding Children Boards (Review) Regulations 2013.",
    "The inspection was carried out under under section 136 of the Education and Inspections Act "
    "2006",
    "The previous inspection of the local authority's arrangements for the protection of children "
    "was in January 2013. The local authority was inadequate.",
    "The last inspection report for the local authority's children's services was published in "
    "June 2015. The judgements for the local authority were: Overall effectiveness: Inadequate.",
    "Children accommodated under section 20 of the Children Act 1989 were seen.",
    "The visit was the second since the local authority was judged inadequate in January 2018.",
    "Local authority children's services were judged requires improvement in 2019 and",
    "The SLAC inspection, in October 2010, judged safeguarding services to be adequate.",
    "The safeguarding and looked after children inspection in May 2011 judged services good.",
]
statement_text = st.lists(st.one_of(st.sampled_from(STATEMENTS), any_text), max_size=8).map(
    " ".join
)


@given(statement_text)
def test_anchored_searches_find_what_the_full_patterns_find(raw: str) -> None:
    # The legal-basis and previous-inspection patterns are only tried around a cheap anchor: over
    # those windows they must find exactly what they find over the whole text.
    flat = flatten_with_offsets(raw)[0]  # as sif.previous_inspections searches it
    for pattern, anchor, (before, after), text in (
        (_LEGAL_BASIS, _ANCHOR, ANCHOR_WINDOW, raw),
        (_PREVIOUS, _PREVIOUS_ANCHOR, PREVIOUS_WINDOW, flat),
        (_JUDGED_IN, _JUDGED_ANCHOR, JUDGED_WINDOW, raw),
        (_NAMED, _NAMED_ANCHOR, NAMED_WINDOW, raw),
    ):
        full = [m.span() for m in pattern.finditer(text)]
        windowed = [
            m.span()
            for start, end in windows_around(text, anchor, before, after)
            for m in pattern.finditer(text, start, end)
        ]
        assert windowed == full
