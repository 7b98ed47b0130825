"""People named in reports: inspectors and the authority's officials, with their roles.

Shared by the ILACS and letter extractors. Names come as printed lists ("Rebecca Quested, His
Majesty's Inspector, and Matthew Reed, His Majesty's Inspector", "Anna Gravelle and Neil
Penswick"); titles are dropped and every name must look like a person's name, so a sentence
fragment is never taken for one. Roles are only those the text states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..clean import CleanText
from ..records import PersonMention
from .names import clean_person_name, looks_like_person_name

# Inspector titles as printed after a name; removed before a list of names is split.
_INSPECTOR_TITLE = re.compile(
    r"\b(?:(?:Her|His)\s+Majesty'?s\s+(?:Senior\s+)?Inspectors?(?:\s+\(HMI\))?|"
    r"(?:Senior\s+)?HMI|Ofsted\s+Inspectors?|Social\s+Care\s+Regulatory\s+Inspectors?)\b",
    re.I,
)
_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.I)


@dataclass(frozen=True)
class NameSpan:
    name: str
    start: int
    end: int


def split_names(folded: str, offset: int = 0) -> list[NameSpan]:
    """The person names in a printed list, titles dropped; `offset` shifts the positions."""
    untitled = _INSPECTOR_TITLE.sub(lambda m: " " * len(m.group()), folded)
    found: list[NameSpan] = []
    position = 0
    for part in [*_LIST_SEPARATOR.split(untitled)]:
        start = untitled.index(part, position)
        position = start + len(part)
        name = clean_person_name(part)
        if name and looks_like_person_name(name):
            at = start + part.index(name.split()[0])
            found.append(NameSpan(name, offset + at, offset + start + len(part.rstrip())))
    return found


def mentions(
    text: CleanText, spans: list[NameSpan], role: str, quote_span: tuple[int, int] | None = None
) -> list[PersonMention]:
    """PersonMentions for `spans`, quoting `quote_span` (the whole statement) when given."""
    out = []
    for span in spans:
        start, end = quote_span or (span.start, span.end)
        out.append(PersonMention(span.name, role, text.evidence(start, end)))
    return out


_LEAD_LINE = re.compile(r"^Lead\s+inspectors?\s*:\s*(?P<names>[^\n]+(?:\n[^\n]+)?)", re.I | re.M)


def lead_inspectors(text: CleanText) -> list[PersonMention]:
    """'Lead inspector(s): Name, His Majesty's Inspector[, and Name, ...]' on the title page.

    The list may wrap onto a second line; that line is read only while the first ends inside
    the list (a comma or 'and') or the second holds the title alone.
    """
    match = _LEAD_LINE.search(text.folded)
    if not match:
        return []
    first, _, second = match.group("names").partition("\n")
    names = first
    if re.search(r"(,|\band)\s*$", first) or _INSPECTOR_TITLE.fullmatch(second.strip()):
        names = f"{first}\n{second}"
    start = match.start("names")
    spans = split_names(names, start)
    return mentions(text, spans, "lead_inspector", (match.start(), start + len(names)))


# The sentences of a letter's opening paragraph that name its inspectors, and the role each
# states: "Her Majesty's Inspectors for this visit were A and B", "The visit was carried out by
# Her Majesty's Inspectors A and B", "The inspectors were A, Her Majesty's Inspector, and B,
# Her Majesty's Inspector" (monitoring visits), "The lead inspector was A, HMI".
_VISIT_INSPECTORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(opening + r"\s+(?P<names>[^.]+?)\.(?:\s|$)", re.I), role)
    for opening, role in (
        # First, so that a lead inspector named again among "the inspectors" keeps the role.
        (r"\bThe\s+lead\s+inspector\s+(?:for\s+this\s+visit\s+)?(?:was|is)", "lead_inspector"),
        (
            r"(?:Her|His)\s+Majesty'?s\s+Inspectors?\s+for\s+this\s+(?:visit|inspection)\s+"
            r"(?:were|was)",
            "inspector",
        ),
        (
            r"\b(?:visit|inspection)\s+was\s+(?:carried\s+out|conducted|undertaken)\s+by"
            r"(?:\s+(?:Her|His)\s+Majesty'?s\s+Inspectors?)?",
            "inspector",
        ),
        (r"\bThe\s+(?:visiting\s+)?inspectors\s+(?:were|was)", "inspector"),
    )
)


def named_visit_inspectors(text: CleanText) -> list[PersonMention]:
    """The inspectors a letter names in a sentence, with the role it states (else `inspector`)."""
    found: list[PersonMention] = []
    for pattern, role in _VISIT_INSPECTORS:
        for match in pattern.finditer(text.folded):
            spans = split_names(match.group("names"), match.start("names"))
            found.extend(mentions(text, spans, role, (match.start(), match.end("names"))))
    return found


_SIGN_OFF = re.compile(r"^Yours\s+(?:sincerely|faithfully)\s*,?\s*\n+", re.I | re.M)


def signatories(text: CleanText) -> list[PersonMention]:
    """The name under 'Yours sincerely' when the line after it is an inspector's title."""
    match = _SIGN_OFF.search(text.folded)
    if not match:
        return []
    lines = text.folded[match.end() :].split("\n")
    name_line = lines[0] if lines else ""
    title_line = lines[1].strip() if len(lines) > 1 else ""
    if not _INSPECTOR_TITLE.fullmatch(title_line):
        return []
    spans = split_names(name_line, match.end())
    end = match.end() + len(name_line) + 1 + len(lines[1])
    return mentions(text, spans, "inspector", (match.end(), end))


def merge_people(*groups: list[PersonMention]) -> list[PersonMention]:
    """Concatenate, keeping the first mention of each name (a signatory already listed)."""
    seen: set[str] = set()
    out = []
    for group in groups:
        for person in group:
            if person.name not in seen:
                seen.add(person.name)
                out.append(person)
    return out


_OFFICIAL_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.I))
    for role, pattern in (
        ("director_of_childrens_services", r"\bdirector\s+of\s+children'?s\s+services\b|\bDCS\b"),
        ("chief_executive", r"\bchief\s+executive\b"),
        ("lscb_chair", r"\bchair\b.*\bsafeguarding\s+children\s+(?:board|partnership)\b|\bLSCB\b"),
        ("lead_member", r"\blead\s+member\b"),
    )
)


def official_role(description: str) -> str:
    """The role key (vocab.OFFICIAL_ROLES) a printed role description states, else `other`."""
    for role, pattern in _OFFICIAL_ROLES:
        if pattern.search(description):
            return role
    return "other"


def official_from_line(text: CleanText, start: int, end: int) -> PersonMention | None:
    """'Name, Role, Organisation' (one line of a Copy: list) -> an official, or None."""
    line = text.folded[start:end]
    name_part, _, rest = line.partition(",")
    name = clean_person_name(name_part)
    if not looks_like_person_name(name):
        return None
    role = official_role(rest)
    organisation = rest.strip() if role == "other" else _organisation_after_role(rest)
    return PersonMention(name, role, text.evidence(start, end), organisation or None)


def _organisation_after_role(rest: str) -> str:
    parts = [p.strip() for p in rest.split(",")]
    return ", ".join(parts[1:]) if len(parts) > 1 else ""


_COPY = re.compile(r"^(?:Copy|cc|Copies)\s*(?:to)?\s*:\s*", re.I | re.M)


def copy_list(text: CleanText) -> list[PersonMention]:
    """The 'Copy:' list at the foot of a letter: the first entry on its line, then one per line
    until a blank line."""
    match = _COPY.search(text.folded)
    if not match:
        return []
    found = []
    position = match.end()
    while position < len(text.folded):
        line_end = text.folded.find("\n", position)
        line_end = len(text.folded) if line_end < 0 else line_end
        line = text.folded[position:line_end]
        if not line.strip():
            break
        leading = len(line) - len(line.lstrip())
        official = official_from_line(text, position + leading, line_end)
        if official:
            found.append(official)
        position = line_end + 1
    return found


def addressee(text: CleanText, start: int) -> PersonMention | None:
    """The addressee block starting at `start`: a name line, the role line, the organisation."""
    lines = text.folded[start:].split("\n", 3)
    if len(lines) < 2:
        return None
    name = clean_person_name(lines[0])
    if not looks_like_person_name(name):
        return None
    role = official_role(lines[1])
    organisation = lines[2].strip() if len(lines) > 2 else ""
    end = start + len(lines[0]) + 1 + len(lines[1])
    return PersonMention(name, role, text.evidence(start, end), organisation or None)
