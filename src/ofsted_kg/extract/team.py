"""'The inspection team' roster of the 2013-2018 reports: one role per line, names after it.

    Lead inspector: Emmy Tomsett
    Deputy lead inspector Susan Myers HMI
    Team inspectors: Joy Howick, HMI, Pauline Higham, HMI, Nick
    Stacey, HMI
    Team inspectors (all HMI unless otherwise stated): Deane Jennings (Associate Inspector)
    Supernumerary inspectors: Nicola Bennett, Brenda McInerney
    Senior data analysts: Stewart Hartshorne, Judith Swindell
    Reporting inspector Gary Lamb HMI            (2013 looked after children reports: the lead)

A list wraps onto the following lines, even inside a name ("Shirley" / "Bailey"), or prints one
name per line under its label, so a line continues the list while it holds nothing but names,
titles and separators. people.split_names reads the names (commas or none, titles and notes
dropped) and refuses anything that does not look like a name. Each mention keeps its role's label
as printed ("Lead inspector on site") beside the role concept it maps to (vocab.INSPECTOR_ROLES).
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..records import PersonMention
from ..vocab import InspectorRole
from .people import holds_only_names, mentions, split_names
from .sections import iter_lines

# Printed role labels -> role keys; the more specific first ("Shadow senior data analyst" before
# "Shadow inspector" and "Senior data analyst"). Inspectors named by their grade ("Associate
# inspectors: A and B", "Additional inspector: C") are members of the team.
_ROLES: tuple[tuple[InspectorRole, str], ...] = (
    (InspectorRole.SHADOW_SENIOR_DATA_ANALYST, r"Shadow\s+(?:senior\s+)?data\s+analysts?"),
    (InspectorRole.DEPUTY_LEAD_INSPECTOR, r"Deputy\s+lead\s+inspectors?"),
    (InspectorRole.LEAD_INSPECTOR, r"(?:Lead|Reporting)\s+inspectors?(?:\s+on\s+site)?"),
    (
        InspectorRole.TEAM_INSPECTOR,
        r"(?:Team|Associate|Additional|Contracted|Seconded)\s+inspectors?",
    ),
    (InspectorRole.SUPERNUMERARY_INSPECTOR, r"Supernumerary\s+inspectors?"),
    (InspectorRole.SHADOW_INSPECTOR, r"Shadow\s+inspectors?"),
    (InspectorRole.SENIOR_DATA_ANALYST, r"(?:Senior\s+)?data\s+analysts?"),
    (InspectorRole.SENIOR_ANALYTICAL_OFFICER, r"Senior\s+analytical\s+officers?"),
    (InspectorRole.QUALITY_ASSURANCE_MANAGER, r"Quality\s+assurance\s+managers?"),
)
_LABEL = re.compile(
    r"^\s*(?-i:(?=[A-Z]))(?:"
    + "|".join(f"(?P<{role}>{pattern})" for role, pattern in _ROLES)
    + r")"
    r"\s*(?:\([^)]*\))?\s*(?::|\s|$)\s*",
    re.I,
)
# A line that ends inside a list: the next line continues it even after a blank line.
_OPEN_END = re.compile(r"(?:[,;&]|\band)\s*$")


def inspection_team(text: CleanText) -> list[PersonMention]:
    """Every named member of the inspection team, with the role their line states."""
    folded = text.folded
    found: list[PersonMention] = []
    lines = list(iter_lines(folded))
    for index, line in enumerate(lines):
        label = _LABEL.match(line.text)
        if not label:
            continue
        role = InspectorRole(next(name for name, value in label.groupdict().items() if value))
        names_start = line.start + label.end()
        end = line.end
        last = line.text[label.end() :]
        for following in lines[index + 1 :]:
            if not following.stripped:
                if last.strip() and not _OPEN_END.search(last):
                    break
                continue
            if _LABEL.match(following.text) or not holds_only_names(following.stripped):
                break
            end, last = following.end, following.text
        spans = split_names(folded[names_start:end], names_start)
        role_span = (line.start + label.start(role), line.start + label.end(role))
        found.extend(mentions(text, spans, role, (line.start, end), role_span))
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
