"""Improvement points (recommendations) and the National Framework parts they cite.

2023+ reports end a point with its citation in brackets: "(outcome three, national framework)",
"(Enabler 2: Leaders drive conditions for effective practice)", "(enabler: the workforce is
equipped and effective, national framework)". The citation is kept in the text and also mapped
to a key of vocab.NATIONAL_FRAMEWORK.
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..records import ListItem, Recommendation
from ..vocab import NATIONAL_FRAMEWORK
from .lists import Item

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_BRACKETS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_PART = re.compile(
    r"\b(?P<part>outcome|enabler|principle)\b\s*(?P<number>\d|one|two|three|four|five|six)?"
    r"\s*[,:]?\s*(?P<label>[^,]*)",
    re.I,
)


def framework_reference(text: str) -> str | None:
    """The vocab.NATIONAL_FRAMEWORK key a recommendation cites, or None."""
    for bracket in _BRACKETS.finditer(text):
        inside = " ".join(bracket.group(1).split())
        match = _PART.search(inside)
        if not match or not ("framework" in inside.lower() or match.start() == 0):
            continue
        part = match.group("part").lower()
        number = match.group("number")
        if number:
            key = f"{part}_{_NUMBER_WORDS.get(number.lower()) or int(number)}"
            if key in NATIONAL_FRAMEWORK:
                return key
        label = match.group("label").lower().replace("national framework", "").strip(" ,:")
        for key, description in NATIONAL_FRAMEWORK.items():
            if key.startswith(part) and label and label in description.lower():
                return key
    return None


# A group that holds no points says so where its first point would be, numbered, bulleted or as
# a line of its own: 'The inspection did not find any areas for priority and immediate action.',
# 'There are no areas for priority action.', 'No areas were identified for priority action.'
_NONE_STATED = re.compile(
    r"(?:The\s+inspection|Inspectors)\s+did\s+not\s+(?:find|identify)\s+any\b"
    r"|There\s+(?:are|were)\s+no\s+(?:areas?|recommendations)\b"
    r"|No\s+(?:areas?|recommendations)\s+(?:were|was|have\s+been|has\s+been)\s+identified\b",
    re.I,
)


def states_none(text: str) -> bool:
    """The text says there are no points here; it is not one."""
    return bool(_NONE_STATED.match(text))


def recommendations(
    text: CleanText, items: list[Item], target: str = "local_authority"
) -> list[Recommendation]:
    """Bulleted improvement points (no printed number, no priority or theme headings)."""
    return [
        Recommendation(
            target=target,
            number=None,
            priority=None,
            theme=None,
            text=item.text,
            evidence=text.evidence(item.start, item.end),
            framework_reference=framework_reference(item.text),
        )
        for item in items
        if not states_none(item.text)
    ]


def list_items(text: CleanText, items: list[Item]) -> list[ListItem]:
    return [ListItem(item.text, text.evidence(item.start, item.end)) for item in items]
