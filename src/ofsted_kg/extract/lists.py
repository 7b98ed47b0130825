"""Bulleted lists under a heading, as clean.py leaves them ("- " first lines, wrapped lines after).

A PDF wraps a bullet over several lines and runs the next paragraph straight after the list, so
a line without a bullet continues the current item only while that item has not ended (no
closing full stop, question or exclamation mark, or National Framework citation yet) and the
line is a wrap: it starts in lower case or with a digit, or the line before ran to the margin.
A citation on a line of its own ("(outcome 3, national framework)"), a sub-bullet ("− in
private fostering arrangements") and a numbered sub-point ("(ii) actions are followed up") also
belong to the item. So do the bullets after an item that ends with a colon ("The quality of
plans, including:"): the PDF prints them with the item's own bullet glyph, and they are its
sub-points until one ends the sentence with a full stop.
Blank lines between bullets are page-break artefacts and do not end the list; the first other
line does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..clean import BULLET, CleanText, fold_whitespace


@dataclass(frozen=True)
class Item:
    text: str  # whitespace folded
    start: int
    end: int


_ITEM_ENDED = re.compile(r"(?:[.!?]['\"]?|[(\[][^()\[\]]*framework[^()\[\]]*[)\]])\s*$", re.I)
_CITATION_LINE = re.compile(r"[(\[]\s*(?:outcome|enabler|principle|national\s+framework)", re.I)
# Sub-bullets of an item ("- ... the response to children:" / "− experiencing neglect"), and
# numbered sub-points ("(i) clear outcomes", "(b) timescales").
_SUB_BULLET = re.compile(r"\u2212\s|\((?:[ivx]{1,4}|[a-h])\)\s")
_OPENS_SUB_LIST = re.compile(r":\s*$")
# A group heading between bullets ("Within three months:", "Immediately:"): never a wrapped line
# of the item above, even when that item ran to the margin without a full stop.
_GROUP_HEADING = re.compile(r"[A-Z][^.,;:()]{0,40}:")
# A line at least this long ran to the right margin, so the sentence wraps onto the next line.
FULL_LINE = 70


def bullet_items(text: CleanText, start: int) -> list[Item]:
    """The bullets of the list that begins at or after offset `start` (first non-blank line)."""
    items: list[tuple[int, int]] = []
    sub_point: int | None = None  # where the item's current sub-point starts, inside a sub-list
    position = start
    source = text.folded
    while position < len(source):
        line_end = source.find("\n", position)
        line_end = len(source) if line_end < 0 else line_end
        line = source[position:line_end]
        stripped = line.strip()
        if line.lstrip().startswith(BULLET):
            bullet_start = position + line.index(BULLET) + len(BULLET)
            if items and _sub_list_goes_on(source, items[-1], sub_point):
                items[-1] = (items[-1][0], line_end)
                sub_point = bullet_start
            else:
                items.append((bullet_start, line_end))
                sub_point = None
        elif not stripped:
            pass
        elif items and _continues(text, items[-1], position):
            items[-1] = (items[-1][0], line_end)
        else:
            break
        position = line_end + 1
    return [Item(fold_whitespace(text.text[s:e]), s, e) for s, e in items]


def bullets_before(text: CleanText, heading_start: int) -> list[Item]:
    """The first bullets of a list that the PDF's text stream printed before the list's heading:
    a bulleted list on the heading's page that runs straight into the heading line."""
    source = text.folded
    position = text.page_starts[text.page_of(heading_start) - 1]
    while position < heading_start:
        line_end = source.find("\n", position)
        line_end = heading_start if line_end < 0 else line_end
        if source[position:line_end].lstrip().startswith(BULLET):
            items = bullet_items(text, position)
            if (
                items
                and items[-1].end <= heading_start
                and not source[items[-1].end : heading_start].strip()
            ):
                return items
            if items:
                line_end = max(line_end, items[-1].end)
        position = line_end + 1
    return []


def _sub_list_goes_on(source: str, item: tuple[int, int], sub_point: int | None) -> bool:
    """A bullet is a sub-point of `item`: the item ends with a colon, or its last sub-point has
    not ended its sentence."""
    if sub_point is None:
        return bool(_OPENS_SUB_LIST.search(source[item[0] : item[1]]))
    return not _ITEM_ENDED.search(source[sub_point : item[1]])


def _continues(text: CleanText, item: tuple[int, int], line_start: int) -> bool:
    """A wrapped line of the item: directly after it (no blank line, unless the blank lines are
    a page break) and not a new sentence."""
    source = text.folded
    if source[item[1] : line_start].count("\n") != 1 and text.page_of(item[1]) == text.page_of(
        line_start
    ):
        return False
    line = source[line_start : source.find("\n", line_start) % (len(source) + 1)].strip()
    if _GROUP_HEADING.fullmatch(line):
        return False
    if _CITATION_LINE.match(line) or _SUB_BULLET.match(line):
        return True
    if _ITEM_ENDED.search(source[item[0] : item[1]]):
        return False
    previous_line = source[source.rfind("\n", 0, item[1]) + 1 : item[1]]
    return line[:1].islower() or line[:1].isdigit() or len(previous_line) >= FULL_LINE


def heading_end(text: CleanText, pattern: re.Pattern[str], start: int = 0) -> int | None:
    """Offset just after the first line matching `pattern` (a whole-line regex), else None."""
    match = pattern.search(text.folded, start)
    return match.end() if match else None
