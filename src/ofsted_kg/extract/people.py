"""People named in reports: inspectors and the authority's officials, with their roles.

Shared by the ILACS and letter extractors. Names come as printed lists ("Rebecca Quested, His
Majesty's Inspector, and Matthew Reed, His Majesty's Inspector", "Anna Gravelle and Neil
Penswick", "Karen Wareing Fiona Millns" with no commas); titles are dropped and every name must
look like a person's name, so a sentence fragment is never taken for one. Roles are only those
the text states. How a list is cut into names is told in `split_names` and docs/sif.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..clean import CleanText, fold_whitespace
from ..names import (
    PARTICLES,
    TITLE,
    clean_person_name,
    given_names,
    is_initial,
    is_name_word,
    looks_like_person_name,
)
from ..records import PersonMention
from ..vocab import InspectorRole, OfficialRole

# What ends one name in a printed list: a comma, semicolon, colon, '&', 'and', a bracketed note,
# a full stop after a word (not after an initial: "Fiona J. Millns"), or a title (see
# names.TITLE: "Joy Howick HMI Pauline Higham HMI").
_SEPARATOR = re.compile(rf"[,;:&/]|\band\b|\([^)]*\)?|(?<=[^\W\d_]{{2}})\.(?=\s|$)|{TITLE.pattern}")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class NameSpan:
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int
    line: int


def split_names(folded: str, offset: int = 0) -> list[NameSpan]:
    """The person names in a printed list, titles dropped; `offset` shifts the positions.

    Separators (commas, 'and', notes, titles, full stops) cut the list into runs of words. A run
    with a word that cannot be part of a name (a lowercase word: a sentence) holds no name. A run
    of two or three words is one name, even over a line break ("Maire" / "Atherton"). A longer
    run is several names printed without commas ("Karen Wareing Fiona Millns", one name per
    line): see `_segment`.
    """
    found: list[NameSpan] = []
    position = 0
    for separator in [*_SEPARATOR.finditer(folded), None]:
        stop = separator.start() if separator else len(folded)
        found.extend(_names_in_run(folded, position, stop, offset))
        position = separator.end() if separator else stop
    return found


def is_title_only(line: str) -> bool:
    """Whether a line is a title and nothing else ("His Majesty's Inspector", "Senior HMI")."""
    return bool(line.strip()) and not clean_person_name(line)


def holds_only_names(line: str) -> bool:
    """Whether a line holds nothing but names, titles, notes and separators: the wrapped rest of
    a list of names, or the next name of a list printed one name per line."""
    return all(is_name_word(word) for word in _WORD.findall(_SEPARATOR.sub(" ", line)))


def _names_in_run(folded: str, start: int, stop: int, offset: int) -> list[NameSpan]:
    words = []
    for match in _WORD.finditer(folded, start, stop):
        line = folded.count("\n", 0, match.start())
        words.append(_Word(match.group(), match.start(), match.end(), line))
    if len(words) < 2 or not all(is_name_word(w.text) for w in words):
        return []
    # A particle belongs to the word after it ("de Souza"), so names are counted in surnames.
    units: list[list[_Word]] = []
    for word in words:
        if units and units[-1][-1].text.casefold() in PARTICLES:
            units[-1].append(word)
        else:
            units.append([word])
    found = []
    for group in _segment(units):
        flat = [w for unit in group for w in unit]
        name = clean_person_name(" ".join(w.text for w in flat))
        if looks_like_person_name(name):
            found.append(NameSpan(name, offset + flat[0].start, offset + flat[-1].end))
    return found


def _segment(units: list[list[_Word]]) -> list[list[list[_Word]]]:
    """A run of name words cut into names of two or three words, the most likely way.

    Every name has two or three words. Among the possible cuts, the best scores most: +2 for each
    name that starts with a common given name (data/given_names.txt), +1 for each cut at a line
    break (one name per line), -1 for each three-word name unless its middle word is an initial
    ("Fiona J Millns"), -5 for a name ending in an initial. So "Judith Nelson Robert Pyner" is two
    names, "Dominic Porter Moore" one, and a list of unknown names falls into pairs.
    """
    count = len(units)
    if count <= 3:
        return [units]
    best: list[tuple[float, list[list[list[_Word]]]] | None] = [None] * (count + 1)
    best[0] = (0.0, [])
    for end in range(2, count + 1):
        options = []
        for size in (2, 3):
            previous = best[end - size] if end - size >= 0 else None
            if previous is None:
                continue
            group = units[end - size : end]
            score = previous[0] + _name_score(group)
            if end - size > 0 and group[0][0].line != units[end - size - 1][-1].line:
                score += 1
            options.append((score, [*previous[1], group]))
        if options:
            best[end] = max(options, key=lambda option: option[0])
    result = best[count]
    return result[1] if result else [units]


def _name_score(group: list[list[_Word]]) -> float:
    score = 2.0 if group[0][0].text.casefold() in given_names() else 0.0
    if len(group) == 3 and not is_initial(group[1][0].text):
        score -= 1
    if is_initial(group[-1][-1].text):
        score -= 5
    return score


def mentions(
    text: CleanText,
    spans: list[NameSpan],
    role: InspectorRole,
    quote_span: tuple[int, int] | None = None,
    role_span: tuple[int, int] | None = None,
) -> list[PersonMention]:
    """PersonMentions for `spans`, quoting `quote_span` (the whole statement) when given, with
    the role's label as printed at `role_span` when there is one."""
    printed = fold_whitespace(text.text[slice(*role_span)]) if role_span else None
    out = []
    for span in spans:
        start, end = quote_span or (span.start, span.end)
        out.append(PersonMention(span.name, role, text.evidence(start, end), None, printed))
    return out


_LEAD_LINE = re.compile(
    r"^(?P<label>Lead\s+inspectors?(?:\s+on\s+site)?)\s*:\s*(?P<names>[^\n]+(?:\n[^\n]+)?)",
    re.I | re.M,
)


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
    if re.search(r"(,|\band)\s*$", first) or is_title_only(second):
        names = f"{first}\n{second}"
    start = match.start("names")
    spans = split_names(names, start)
    quote = (match.start(), start + len(names))
    return mentions(text, spans, InspectorRole.LEAD_INSPECTOR, quote, match.span("label"))


# The sentences of a letter's opening paragraph that name its inspectors, and the role each
# states: "Her Majesty's Inspectors for this visit were A and B", "The visit was carried out by
# Her Majesty's Inspectors A and B", "The inspectors were A, Her Majesty's Inspector, and B,
# Her Majesty's Inspector" (monitoring visits), "The lead inspector was A, HMI".
_VISIT_INSPECTORS: tuple[tuple[re.Pattern[str], InspectorRole], ...] = tuple(
    (re.compile(opening + r"\s+(?P<names>[^.]+?)\.(?:\s|$)", re.I), role)
    for opening, role in (
        # First, so that a lead inspector named again among "the inspectors" keeps the role.
        (
            r"\bThe\s+lead\s+inspector\s+(?:for\s+this\s+visit\s+)?(?:was|is)",
            InspectorRole.LEAD_INSPECTOR,
        ),
        (
            r"(?:Her|His)\s+Majesty'?s\s+Inspectors?\s+for\s+this\s+(?:visit|inspection)\s+"
            r"(?:were|was)",
            InspectorRole.INSPECTOR,
        ),
        (
            r"\b(?:visit|inspection)\s+was\s+(?:carried\s+out|conducted|undertaken)\s+by"
            r"(?:\s+(?:Her|His)\s+Majesty'?s\s+Inspectors?)?",
            InspectorRole.INSPECTOR,
        ),
        (r"\bThe\s+(?:visiting\s+)?inspectors\s+(?:were|was)", InspectorRole.INSPECTOR),
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
    if not is_title_only(title_line):
        return []
    spans = split_names(name_line, match.end())
    end = match.end() + len(name_line) + 1 + len(lines[1])
    return mentions(text, spans, InspectorRole.INSPECTOR, (match.end(), end))


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


_OFFICIAL_ROLES: tuple[tuple[OfficialRole, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.I))
    for role, pattern in (
        (
            OfficialRole.DIRECTOR_OF_CHILDRENS_SERVICES,
            r"\bdirector\s+of\s+children'?s\s+services\b|\bDCS\b",
        ),
        (OfficialRole.CHIEF_EXECUTIVE, r"\bchief\s+executive\b"),
        (
            OfficialRole.LSCB_CHAIR,
            r"\bchair\b.*\bsafeguarding\s+children\s+(?:board|partnership)\b|\bLSCB\b",
        ),
        (OfficialRole.LEAD_MEMBER, r"\blead\s+member\b"),
    )
)


def official_role(description: str) -> OfficialRole:
    """The role key (vocab.OFFICIAL_ROLES) a printed role description states, else `other`."""
    for role, pattern in _OFFICIAL_ROLES:
        if pattern.search(description):
            return role
    return OfficialRole.OTHER


def official_from_line(text: CleanText, start: int, end: int) -> PersonMention | None:
    """'Name, Role, Organisation' (one line of a Copy: list) -> an official, or None."""
    line = text.folded[start:end]
    name_part, _, rest = line.partition(",")
    name = clean_person_name(name_part)
    if not looks_like_person_name(name):
        return None
    role = official_role(rest)
    organisation = rest.strip() if role == OfficialRole.OTHER else _organisation_after_role(rest)
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
