"""Bulleted lists under a heading, as clean.py leaves them ("- " first lines, wrapped lines after).

A PDF wraps a bullet over several lines and runs the next paragraph straight after the list, so
a line without a bullet continues the current item only while that item has not ended (no
closing full stop, question or exclamation mark, or National Framework citation yet) and the
line is a wrap: it starts in lower case or with a digit, or the line before ran to the margin.
A citation on a line of its own ("(outcome 3, national framework)") and a sub-bullet ("− in
private fostering arrangements") also belong to the item.
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
# Sub-bullets of an item ("- ... the response to children:" / "− experiencing neglect").
_SUB_BULLET = re.compile(r"\u2212\s")
# A line at least this long ran to the right margin, so the sentence wraps onto the next line.
FULL_LINE = 70


def bullet_items(text: CleanText, start: int) -> list[Item]:
    """The bullets of the list that begins at or after offset `start` (first non-blank line)."""
    items: list[tuple[int, int]] = []
    position = start
    source = text.folded
    while position < len(source):
        line_end = source.find("\n", position)
        line_end = len(source) if line_end < 0 else line_end
        line = source[position:line_end]
        stripped = line.strip()
        if line.lstrip().startswith(BULLET):
            items.append((position + line.index(BULLET) + len(BULLET), line_end))
        elif not stripped:
            pass
        elif items and _continues(source, items[-1], position):
            items[-1] = (items[-1][0], line_end)
        else:
            break
        position = line_end + 1
    return [Item(fold_whitespace(text.text[s:e]), s, e) for s, e in items]


def _continues(source: str, item: tuple[int, int], line_start: int) -> bool:
    """A wrapped line of the item: directly after it (no blank line) and not a new sentence."""
    if source[item[1] : line_start].count("\n") != 1:
        return False
    line = source[line_start : source.find("\n", line_start) % (len(source) + 1)].strip()
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
