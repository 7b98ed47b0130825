"""'The inspection team' roster of the 2013-2018 reports: one line per role, names after it.

    Lead inspector: Emmy Tomsett
    Deputy lead inspector Susan Myers HMI
    Team inspectors: Joy Howick, HMI, Pauline Higham, HMI, Nick
    Stacey, HMI
    Team inspectors (all HMI unless otherwise stated): Deane Jennings (Associate Inspector)
    Senior data analysts: Stewart Hartshorne, Judith Swindell
    Reporting inspector Gary Lamb HMI            (2013 looked after children reports: the lead)

A list wraps onto the following lines, even inside a name ("Shirley" / "Bailey"), so a line
continues the list while it holds nothing but names and titles. Titles and bracketed notes are
dropped by people.split_names, which also refuses anything that does not look like a name.
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..records import PersonMention
from .people import mentions, split_names
from .sections import iter_lines

_ROLES: tuple[tuple[str, str], ...] = (
    ("deputy_lead_inspector", r"Deputy\s+lead\s+inspectors?"),
    ("lead_inspector", r"(?:Lead|Reporting)\s+inspectors?"),
    ("team_inspector", r"Team\s+inspectors?"),
    ("shadow_inspector", r"Shadow\s+inspectors?"),
    ("senior_data_analyst", r"(?:Senior\s+)?data\s+analysts?"),
    ("quality_assurance_manager", r"Quality\s+assurance\s+managers?"),
)
_LABEL = re.compile(
    r"^\s*(?:" + "|".join(f"(?P<{role}>{pattern})" for role, pattern in _ROLES) + r")"
    r"\s*(?:\([^)]*\))?\s*(?::|\s)\s*",
    re.I,
)
# A wrapped line of a name list: capitalised words, commas, 'and', titles, bracketed notes.
_NAME_LINE = re.compile(
    r"(?:(?:[A-Z][\w'-]*\.?|and|\([^)]*\))[\s,]*)+\.?",
)


def inspection_team(text: CleanText) -> list[PersonMention]:
    """Every named member of the inspection team, with the role their line states."""
    folded = text.folded
    found: list[PersonMention] = []
    lines = list(iter_lines(folded))
    for index, line in enumerate(lines):
        label = _LABEL.match(line.text)
        if not label or not line.text[label.end() :].strip():
            continue
        role = next(name for name, value in label.groupdict().items() if value)
        end = line.end
        for following in lines[index + 1 :]:
            stripped = following.stripped
            if not stripped or _LABEL.match(following.text) or not _NAME_LINE.fullmatch(stripped):
                break
            end = following.end
        names = re.sub(
            r"\([^)]*\)|\n", lambda m: " " * len(m.group()), folded[line.start + label.end() : end]
        )
        spans = split_names(names, line.start + label.end())
        found.extend(mentions(text, spans, role, (line.start, end)))
    return _first_mentions(found)


def _first_mentions(people: list[PersonMention]) -> list[PersonMention]:
    """One mention per name and role (a roster printed twice is read once)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for person in people:
        if (person.name, person.role) not in seen:
            seen.add((person.name, person.role))
            out.append(person)
    return out
