"""Bulleted lists under a heading, as clean.py leaves them ("- " first lines, wrapped lines after).

A PDF wraps a bullet over several lines and runs the next paragraph straight after the list, so
a line without a bullet continues the current item only while that item has not ended (no
closing full stop, bracket, question or exclamation mark yet). Blank lines between bullets are
page-break artefacts and do not end the list; the first other line does.
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


_ITEM_ENDED = re.compile(r"[.!?)\]]['\"]?\s*$")


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
    """A wrapped line: directly after the item (no blank line) while the item is unfinished."""
    between = source[item[1] : line_start]
    return between.count("\n") == 1 and not _ITEM_ENDED.search(source[item[0] : item[1]])


def heading_end(text: CleanText, pattern: re.Pattern[str], start: int = 0) -> int | None:
    """Offset just after the first line matching `pattern` (a whole-line regex), else None."""
    match = pattern.search(text.folded, start)
    return match.end() if match else None
