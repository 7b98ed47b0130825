"""Extractor for single inspection framework reports (2013-2018), re-inspections and stand-alone
reviews of a Local Safeguarding Children Board (LSCB).

Layout these reports share, whatever the file format:
- a title page: the authority's name above the title, 'Inspection date(s): ...', 'Report
  published: ...', the overall judgement as a sentence and the area judgements as a numbered
  table ('1. Children who need help and protection  Requires improvement', grades often wrapped);
- one run of paragraph numbers through the whole report, shared by recommendations, the local
  authority's strengths and the findings, so lists are bounded by headings (see sections.py);
- the LSCB part after a heading 'The Local Safeguarding Children Board (LSCB)': its judgement is a
  sentence ('The Local Safeguarding Children Board is inadequate') and its recommendations follow;
- 'Information about this local authority area' with the figures (statistics.py), the previous
  inspections, and 'The inspection team' roster at the end (team.py).
"""

from __future__ import annotations

import re
from enum import StrEnum

from ..clean import BULLET, CleanText
from ..names import plain_authority_name
from ..records import (
    DateFact,
    Judgement,
    ListItem,
    Period,
    PreviousInspection,
    Recommendation,
    Report,
    TextFact,
)
from ..vocab import GRADE_PHRASE, Area, Grade, ReportKind, parse_grade
from .dates import dates_line, find_periods, parse_date, parse_month
from .improvements import framework_reference, list_items, states_none
from .lists import bullet_items
from .previous import named_inspections
from .sections import (
    GroupedItem,
    Line,
    find_heading,
    flatten_with_offsets,
    grouped_numbered_list,
    iter_lines,
    looks_like_heading,
    numbered_start,
    span_text,
    windows_around,
)
from .statistics import area_statistics
from .team import inspection_team

# The version of what this family's extractor emits: raise it when its output changes, so that
# a build re-extracts this family's reports (see versions.py).
EXTRACTOR_VERSION = 1

# The title that follows the authority's name on the first page.
_TITLE = re.compile(
    r"^\s*(?:Re-?\s*inspection|Inspection|Review)\s+of\s+(?:services|the\s+effectiveness|looked)",
    re.I | re.M,
)
_GRADE = rf"(?P<grade>{GRADE_PHRASE})"


def fill_sif(text: CleanText, report: Report) -> None:
    fill_title_page(text, report)
    report.judgements = sif_judgements(text, report.kind)
    report.inspectors = inspection_team(text)
    report.officials = []  # these reports name the authority's officials by role only
    report.recommendations = sif_recommendations(text, report.kind)
    report.strengths = strengths(text)
    report.previous_inspection = previous_inspections(text)
    report.statistics = area_statistics(text)
    _warn_missing(report)


# --- title page -------------------------------------------------------------------------------


def fill_title_page(text: CleanText, report: Report) -> None:
    report.local_authority = title_authority(text)
    report.inspection_dates = fieldwork_periods(text)
    report.publication_date = publication_date(text)
    report.letter_date = None


def title_authority(text: CleanText) -> TextFact | None:
    """The authority's name: the lines above the title, or (2013 reports) the lines between the
    title and 'Inspection date'."""
    folded = text.folded
    title = _TITLE.search(folded)
    if not title:
        return None
    before = [ln for ln in iter_lines(folded, 0, title.start()) if ln.stripped]
    if not before:
        dates = re.search(r"^\s*Inspection\s+dates?", folded, re.I | re.M)
        title_end = folded.find("\n", title.end())
        following = [ln for ln in iter_lines(folded, title_end + 1, dates.start() if dates else 0)]
        # The title wraps ('... looked after children' / 'services'); the name is the last line.
        before = [ln for ln in following if ln.stripped][-1:]
    if not before:
        return None
    raw = " ".join(ln.stripped for ln in before)
    name = plain_authority_name(raw)
    return TextFact(name, text.evidence(before[0].start, before[-1].end)) if name else None


_PUBLISHED = re.compile(r"^\s*(?:Report\s+)?published\s*:?\s*(?P<date>[^\n]+)", re.I | re.M)


def fieldwork_periods(text: CleanText) -> list[Period]:
    found = dates_line(text.folded)
    if not found:
        return []
    label, base, dates = found
    return [
        Period(p.first, p.last, text.evidence(label, base + p.end)) for p in find_periods(dates)
    ]


def publication_date(text: CleanText) -> DateFact | None:
    match = _PUBLISHED.search(text.folded)
    if not match:
        return None
    iso = parse_date(match.group("date"))
    return DateFact(iso, text.evidence(match.start(), match.end())) if iso else None


# --- judgements -------------------------------------------------------------------------------

# Area label as printed on the title page or a section heading, then the grade after whitespace.
_AREA_LABELS: tuple[tuple[Area, str], ...] = (
    (Area.HELP_AND_PROTECTION, r"children\s+who\s+need\s+help\s+and\s+protection"),
    (Area.LOOKED_AFTER_AND_PERMANENCE, r"children\s+looked\s+after\s+and\s+achieving\s+permanence"),
    (
        Area.ADOPTION,
        r"adoption\s+performance|graded\s+judgement\s+(?:for|about)\s+adoption\s+performance\s+"
        r"is\s+that\s+it(?:\s+is)?",
    ),
    (
        Area.CARE_LEAVERS,
        r"experiences?\s+and\s+progress\s+of\s+care\s+leavers|graded\s+judgement\s+(?:for|about)\s+"
        r"the\s+experiences?\s+and\s+progress\s+of\s+care\s+leavers\s+is\s+that\s+it(?:\s+is)?",
    ),
    (Area.LEADERSHIP_MANAGEMENT_GOVERNANCE, r"leadership,?\s+management\s+and\s+governance"),
)
_OVERALL = re.compile(
    r"overall\s+judgement\s+is\s+(?:that\s+children'?s\s+services\s+(?:are|is)\s+)?"
    + _GRADE
    + r"|Children'?s\s+services\s+(?:in|on)\s+[^.]{1,100}?\s+(?:are\s+|is\s+)?"
    + _GRADE.replace("grade", "grade2"),
    re.I,
)
_LSCB = re.compile(
    r"^[ \t]*The\s+(?:effectiveness\s+of\s+the\s+)?(?:Local\s+Safeguarding\s+Children(?:\s+Board)?"
    r"(?:\s+\(LSCB\))?|LSCB)\s+(?:is\s+|are\s+)?" + _GRADE + r"\s*(?:\.|$)",
    re.I | re.M,
)


def sif_judgements(text: CleanText, kind: StrEnum) -> list[Judgement]:
    folded = text.folded
    found: list[Judgement | None] = []
    if kind != ReportKind.LSCB_REVIEW:
        overall = _OVERALL.search(folded)
        if overall:
            grade = parse_grade(overall.group("grade") or overall.group("grade2"))
            found.append(_judgement(text, Area.OVERALL_EFFECTIVENESS, grade, overall))
        for area, label in _AREA_LABELS:
            match = re.search(rf"(?:{label})[ \t]*(?:\.|:)?\s*{_GRADE}\b", folded, re.I)
            if match:
                found.append(_judgement(text, area, parse_grade(match.group("grade")), match))
    lscb = _LSCB.search(folded)
    if lscb:
        found.append(_judgement(text, Area.LSCB, parse_grade(lscb.group("grade")), lscb))
    return [j for j in found if j]


def _judgement(
    text: CleanText, area: Area, grade: Grade | None, match: re.Match[str]
) -> Judgement | None:
    """The judgement of `area`, if its grade was read."""
    return Judgement(area, grade, text.evidence(match.start(), match.end())) if grade else None


# --- recommendations and strengths ------------------------------------------------------------

_REC_HEADING = re.compile(
    r"(?:Recommendations|What\s+does\s+the\s+(?:local\s+authority|LSCB|Local\s+Safeguarding\s+"
    r"Children\s+Board|board)\s+need\s+to\s+improve\??)",
    re.I,
)
_PRIORITY = re.compile(
    r"(?:Priority\s+and\s+immediate\s+action|Immediate\s+action|Priority\s+actions?|"
    r"Areas?\s+for\s+(?:improvement|development)|Immediately|Within\s+\w+\s+months?):?",
    re.I,
)
# Headings that open the sections after a list (never a theme of the list).
_STOP = re.compile(
    r"strengths|summary|progress\s+since|information\s+about|inspection\s+(?:findings|judgement)|"
    r"key\s+judgement|safeguarding\s+children\s+board|\bLSCB\b|experiences\s+and\s+progress|"
    r"what\s+the\s+inspection|executive|^Section\s+\d|recommendations|need\s+to\s+improve",
    re.I,
)
_LSCB_HEADING = (
    r"(?:Section\s+\d+\s*:\s*)?(?:The\s+)?(?:effectiveness\s+(?:of\s+)?)?(?:the\s+)?"
    r"(?:Local\s+Safeguarding\s+Children\s+Board|LSCB)(?:\s+\(LSCB\))?"
)


_LSCB_PART = re.compile(
    r"^[ \t]*Section\s+\d+\s*:\s*The\s+effectiveness\b(?:(?!\d)[^\n])*$", re.I | re.M
)


def lscb_section_start(text: CleanText, kind: StrEnum) -> int:
    """Where the LSCB part begins (0 for a stand-alone review, the end for no LSCB part).

    The title page may carry the same words as the section heading with the LSCB's grade on the
    next line ('The effectiveness of the Local Safeguarding Children Board (LSCB)' / 'requires
    improvement'); that one is not the section.
    """
    if kind == ReportKind.LSCB_REVIEW:
        return 0
    folded = text.folded
    numbered = _LSCB_PART.search(folded)  # 2014: 'Section 2: The effectiveness of the Local ...'
    if numbered:
        return numbered.start()
    position = 0
    while True:
        heading = find_heading(folded, _LSCB_HEADING, position)
        if heading is None:
            return len(folded)
        following = next((ln for ln in iter_lines(folded, heading.end + 1) if ln.stripped), None)
        if following is None or not re.match(_GRADE, following.stripped, re.I):
            return heading.start
        position = heading.end + 1


def sif_recommendations(text: CleanText, kind: StrEnum) -> list[Recommendation]:
    """Numbered recommendations under each 'Recommendations' / 'What does ... need to improve?'
    heading (or a bare priority heading), addressed to the LSCB when they sit in its part."""
    folded = text.folded
    lscb_start = lscb_section_start(text, kind)
    found: list[Recommendation] = []
    covered = 0
    for line in iter_lines(folded):
        heading = line.stripped.rstrip(":")
        if line.start < covered or not (
            _REC_HEADING.fullmatch(heading) or _PRIORITY.fullmatch(heading)
        ):
            continue
        from_line = line.start if _PRIORITY.fullmatch(heading) else line.end + 1
        items = grouped_numbered_list(folded, from_line, len(folded), _PRIORITY, _STOP)
        if items:
            items = _opening_items_before(text, line.start, items[0].number) + items
        else:
            items = bulleted_groups(text, from_line)
        if not items:
            continue
        covered = items[-1].end
        for item in items:
            body = span_text(text, item.start, item.end)
            if body.endswith("(Recommendation)") or states_none(body):
                continue  # a finding that motivated a recommendation, or 'none needed'
            found.append(
                Recommendation(
                    target="lscb" if item.start >= lscb_start else "local_authority",
                    number=item.number,
                    priority=item.priority.rstrip(":") if item.priority else None,
                    theme=item.theme,
                    text=body,
                    evidence=text.evidence(item.start, item.end),
                    framework_reference=framework_reference(body),
                )
            )
    return found


def _opening_items_before(text: CleanText, heading: int, first: int | None) -> list[GroupedItem]:
    """The recommendations that the PDF's text stream printed before their own heading.

    From 2015 the recommendations open the report's paragraph numbering. When the list under the
    heading starts at 3, and paragraphs 1 and 2 stand on the heading's page running straight into
    it, those two are the list's first items. (In 2014 reports the numbering runs through the
    summary first; its paragraphs before the heading never start at 1 on the heading's page.)
    """
    if not first or first == 1:
        return []
    folded = text.folded
    page_start = text.page_starts[text.page_of(heading) - 1]
    opening = next(
        (
            line
            for line in iter_lines(folded, page_start, heading)
            if (match := numbered_start(line)) and match.group(1) == "1"
        ),
        None,
    )
    if opening is None:
        return []
    before = grouped_numbered_list(folded, opening.start, heading, _NO_GROUPS, _STOP)
    if [item.number for item in before] != list(range(1, first)):
        return []
    return [] if folded[before[-1].end : heading].strip() else before


def bulleted_groups(text: CleanText, start: int) -> list[GroupedItem]:
    """Bulleted recommendations (2014-2015 reports), each group under its priority heading and
    theme sub-heading (a heading-shaped line, not a known section's, followed by bullets). A
    group's 'There are no areas for priority action.' is skipped."""
    found: list[GroupedItem] = []
    priority: str | None = None
    theme: str | None = None
    position = start
    lines = iter_lines(text.folded, start)
    for line in lines:
        if line.start < position or not line.stripped:
            continue
        if _PRIORITY.fullmatch(line.stripped):
            priority, theme = line.stripped.rstrip(":"), None
            continue
        if states_none(line.stripped):
            continue
        if not line.stripped.startswith(BULLET.strip()):
            following = next((ln for ln in lines if ln.stripped), None)
            if not (_is_theme(line) and following and following.stripped.startswith(BULLET)):
                break
            theme, line = line.stripped, following
        bullets = bullet_items(text, line.start)
        found.extend(GroupedItem(None, priority, theme, b.start, b.end) for b in bullets)
        position = bullets[-1].end if bullets else line.end
    return found


def _is_theme(line: Line) -> bool:
    return looks_like_heading(line, None) and not _STOP.search(line.stripped)


_NO_GROUPS = re.compile(r"(?!)")
_STRENGTHS = r"The\s+local\s+authority(?:'s\s+strengths|\s+has\s+the\s+following\s+strengths:?)"


def strengths(text: CleanText) -> list[ListItem] | None:
    """The numbered items under 'The local authority's strengths', or None without that heading."""
    heading = find_heading(text.folded, _STRENGTHS)
    if heading is None:
        return None
    items = grouped_numbered_list(text.folded, heading.end + 1, len(text.folded), _NO_GROUPS, _STOP)
    if not items:  # bulleted strengths (early reports)
        return _bullets_after(text, heading.end + 1)
    return [ListItem(span_text(text, i.start, i.end), text.evidence(i.start, i.end)) for i in items]


def _bullets_after(text: CleanText, start: int) -> list[ListItem]:
    return list_items(text, bullet_items(text, start))


# --- previous inspections ---------------------------------------------------------------------

# The outcome sentence after "... was in July 2012.": the wordings of the SIF years. The 2018
# reports give the last report's judgements as a (bulleted) list; its outcome is the overall
# effectiveness.
_PREVIOUS_OUTCOME = (
    r"(?:(?:The\s+local\s+authority|The\s+arrangements|It|They|Services)\s+(?:was|were)"
    r"(?:\s+judged)?(?:\s+to\s+be)?"
    r"|Ofsted\s+judged\s+that\s+(?:services|the\s+local\s+authority|it)\s+(?:was|were)"
    r"|The\s+judgements\s+for\s+the\s+local\s+authority\s+were:?\W{1,6}Overall\s+effectiveness:?)\s+"
)
# "... was in July 2012", "was undertaken in", "was published in", in every statement; the full
# pattern is tried only around it (5 ms a SIF report over the whole text; measured).
_PREVIOUS_ANCHOR = re.compile(r"was (?:undertaken |published )?in [A-Z][a-z]+ (?:19|20)\d\d")
PREVIOUS_WINDOW = (400, 300)  # characters before and after the anchor a statement can span
_PREVIOUS = re.compile(
    r"(?:last|previous)\s+(?:Ofsted\s+)?inspection\s+(?:report\s+)?(?:of|for)\s+"
    r"(?:the\s+local\s+authority|[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})'?s?\s+"
    r"(?P<area>[^.]{0,160}?)\s+was\s+(?:in|undertaken\s+in|published\s+in)\s+(?P<date>[A-Z][a-z]+\s+(?:19|20)\d\d)"
    r"[^.]{0,40}?\.?\s*"
    + _PREVIOUS_OUTCOME
    + _GRADE
    + r"|inspection\s+of\s+the\s+local\s+authority'?s?\s+(?P<area2>[^.]{0,160}?)\s+was\s+"
    r"undertaken\s+in\s+(?P<date2>[A-Z][a-z]+\s+(?:19|20)\d\d)\.\s*The\s+arrangements\s+were\s+"
    r"judged\s+(?:to\s+be\s+)?" + _GRADE.replace("grade", "grade2"),
    re.I,
)


def previous_inspections(text: CleanText) -> list[PreviousInspection] | None:
    """'The previous inspection of the local authority's ... was in July 2012. The local
    authority was judged to be adequate.' sentences and their variants ('Ofsted judged that
    services were inadequate', 'The judgements for the local authority were: Overall
    effectiveness: Inadequate') and 'The SLAC inspection, in October 2010, judged ...'
    (previous.named_inspections), in printed order, or None."""
    flat, offsets = flatten_with_offsets(text.folded)
    found = named_inspections(text)
    matches = (
        match
        for start, end in windows_around(flat, _PREVIOUS_ANCHOR, *PREVIOUS_WINDOW)
        for match in _PREVIOUS.finditer(flat, start, end)
    )
    for match in matches:
        date = parse_month(match.group("date") or match.group("date2"))
        grade = parse_grade(match.group("grade") or match.group("grade2"))
        if date and grade:
            area = " ".join((match.group("area") or match.group("area2") or "").split())
            evidence = text.evidence(offsets[match.start()], offsets[match.end() - 1] + 1)
            found.append(
                (offsets[match.start()], PreviousInspection(date, grade, evidence, area or None))
            )
    return [previous for _, previous in sorted(found, key=lambda pair: pair[0])] or None


def _warn_missing(report: Report) -> None:
    report.warn_missing(
        {
            "local authority": report.local_authority,
            "inspection dates": report.inspection_dates,
            "judgements": report.judgements,
            "inspectors": report.inspectors,
            "recommendations": report.recommendations,
        },
        "in the text",
    )
    if report.statistics == []:
        report.warnings.append("'Children living in this area' found but none of its figures read")
