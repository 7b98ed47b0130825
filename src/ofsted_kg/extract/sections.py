"""Headings and numbered paragraphs of a cleaned report, read line by line.

The 2013-2018 reports number every paragraph in one sequence that runs through
recommendations, strengths and findings alike ("1." ... "12." recommendations, "13." ... findings,
"99." LSCB recommendations). A list is therefore bounded by headings, not by its numbers, and a
heading must be told from a wrapped line of a paragraph. PDF text wraps sentences and puts blank
lines inside paragraphs (page breaks), so a blank line never ends a paragraph: a heading is a
short capitalised line without closing punctuation that follows a finished sentence (or another
heading, or a blank line after one).

These helpers work on `CleanText.folded` offsets so that evidence quotes the printed text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..clean import BULLET, CleanText

# A heading is at most this long; longer lines are prose (a PDF wraps prose at 80-90
# characters, so a capitalised line that long is a sentence running on, not a heading).
MAX_HEADING = 70
# "10. Ensure that ...", and "10.Ensure that ..." / "144.BSCB needs ..." where the PDF dropped
# the space: a capital letter straight after the full stop (never "2.1 Adoption performance").
_NUMBERED = re.compile(r"[ \t]*(\d{1,3})\.(?:[ \t]+(?=\S)|(?=[A-Z]))")
_SENTENCE_END = re.compile(r"""[.!?:;)'"]\s*$""")
_FINISHED = re.compile(r"""[.!?]['"]?\s*$""")


@dataclass(frozen=True)
class Line:
    start: int  # offset of the first character of the line
    end: int  # offset of the newline (or end of text)
    text: str  # the line as in `folded`

    @property
    def stripped(self) -> str:
        return self.text.strip()


@dataclass(frozen=True)
class Numbered:
    """A numbered paragraph: its printed number and the span of its text (number excluded)."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class GroupedItem:
    """An item of a list with group headings: 'Priority and immediate action' / theme.

    `number` is None for a bulleted item."""

    number: int | None
    priority: str | None
    theme: str | None
    start: int
    end: int


def iter_lines(folded: str, start: int = 0, end: int | None = None) -> Iterator[Line]:
    end = len(folded) if end is None else end
    position = start
    while position < end:
        line_end = folded.find("\n", position)
        line_end = len(folded) if line_end < 0 or line_end > end else line_end
        yield Line(position, line_end, folded[position:line_end])
        position = line_end + 1


def find_heading(folded: str, pattern: str, start: int = 0, end: int | None = None) -> Line | None:
    """The first line in [start, end) whose whole stripped text matches `pattern` (case folded)."""
    compiled = re.compile(pattern, re.I)
    for line in iter_lines(folded, start, end):
        if compiled.fullmatch(line.stripped):
            return line
    return None


def numbered_start(line: Line) -> re.Match[str] | None:
    return _NUMBERED.match(line.text)


def looks_like_heading(line: Line, previous: Line | None, following: Line | None = None) -> bool:
    """A short capitalised line with no closing punctuation after a finished sentence.

    A PDF line that starts a new sentence after a full stop looks the same, so a line whose
    next line (`following`, when known) starts in lower case is a wrapped sentence instead.
    """
    text = line.stripped
    if not text or len(text) > MAX_HEADING or text.startswith(BULLET.strip()):
        return False
    if following is not None and _continues_sentence(following):
        return False
    if not text[0].isupper() or numbered_start(line) or re.search(r"[.,;]$", text):
        return False
    return (
        previous is None
        or bool(_SENTENCE_END.search(previous.text))
        or _is_heading_shape(previous.stripped)
    )


def _is_heading_shape(text: str) -> bool:
    return bool(text) and len(text) <= MAX_HEADING and text[0].isupper() and text[-1] not in ".,;"


def numbered_paragraphs(folded: str, start: int, end: int) -> list[Numbered]:
    """Numbered paragraphs in [start, end): each runs until the next number or a heading."""
    found: list[Numbered] = []
    current: tuple[int, int, int] | None = None  # number, text start, text end
    previous: Line | None = None
    lines = [ln for ln in iter_lines(folded, start, end) if ln.stripped]
    for index, line in enumerate(lines):
        match = numbered_start(line)
        if match:
            if current:
                found.append(Numbered(*current))
            current = (int(match.group(1)), line.start + match.end(), line.end)
        elif current:
            if looks_like_heading(line, previous, _at(lines, index + 1)):
                found.append(Numbered(*current))
                current = None
            else:
                current = (current[0], current[1], line.end)
        previous = line
    if current:
        found.append(Numbered(*current))
    return found


def grouped_numbered_list(
    folded: str,
    start: int,
    end: int,
    priority_heading: re.Pattern[str],
    stop_heading: re.Pattern[str],
) -> list[GroupedItem]:
    """The numbered items after `start`, with the group and theme headings they sit under.

    A heading matching `priority_heading` opens a priority group (and clears the theme); any
    other heading followed by numbered items is a theme; a heading matching `stop_heading`, a
    heading followed by prose, or a break in the numbering ends the list.

    Bullets under an item are its sub-points ("... by:" / "- reviewing ..."). Bullets after an
    item that has finished its sentence, with none before them, are not: they open the next
    section, whose heading the PDF's text stream printed after them ("Summary for children and
    young people"), and are left out of the item (a numbered item after them is still read).
    """
    lines = [ln for ln in iter_lines(folded, start, end) if ln.stripped]
    items: list[GroupedItem] = []
    priority: str | None = None
    theme: str | None = None
    current: list[int] | None = None  # number, start, end
    sub_points = stray = False  # the item has bullets / bullets after it are not its own
    previous: Line | None = None

    def close() -> None:
        if current:
            items.append(GroupedItem(current[0], priority, theme, current[1], current[2]))

    for index, line in enumerate(lines):
        match = numbered_start(line)
        if match:
            number = int(match.group(1))
            if (current or items) and number != (current or [items[-1].number])[0] + 1:
                break  # the numbering broke: this is no longer the list
            close()
            current = [number, line.start + match.end(), line.end]
            sub_points = stray = False
        elif _is_section_heading(line, stop_heading, _at(lines, index + 1)):
            break  # a known section heading, even right after an unfinished sentence
        elif looks_like_heading(line, previous, _at(lines, index + 1)):
            heading = line.stripped
            if stop_heading.search(heading):
                break
            if priority_heading.fullmatch(heading):
                close()
                current, priority, theme = None, heading, None
            elif _next_is_numbered(lines, index):
                close()
                current, theme = None, heading
            elif current or items:
                break
        elif current and not stray:
            if line.stripped.startswith(BULLET.strip()):
                stray = not sub_points and bool(_FINISHED.search(folded[current[1] : current[2]]))
                sub_points = not stray
            if not stray:
                current[2] = line.end
        previous = line
    close()
    return items


# A known section heading ends a list even when the item before it lacks its full stop.
SHORT_HEADING = 60


def _continues_sentence(line: Line) -> bool:
    """A line that carries on the sentence above: it starts in lower case or with a bracket."""
    first = line.stripped[:1]
    return first.islower() or first in "(,;"


def _is_section_heading(line: Line, stop_heading: re.Pattern[str], following: Line | None) -> bool:
    text = line.stripped
    return (
        len(text) <= SHORT_HEADING
        and _is_heading_shape(text)
        and bool(stop_heading.search(text))
        and not (following is not None and _continues_sentence(following))
    )


def _at(lines: list[Line], index: int) -> Line | None:
    return lines[index] if index < len(lines) else None


def _next_is_numbered(lines: list[Line], index: int) -> bool:
    for line in lines[index + 1 : index + 3]:
        if numbered_start(line):
            return True
        if not looks_like_heading(line, lines[index], _at(lines, index + 1)):
            return False
    return False


def span_text(text: CleanText, start: int, end: int) -> str:
    """The printed text of a span, whitespace folded."""
    return " ".join(text.text[start:end].split())


_WHITESPACE = re.compile(r"\s+")
_LONG_WHITESPACE = re.compile(r"\s{2,}")


class FlatOffsets:
    """Maps a position in whitespace-folded text back to the source offset it came from.

    Only runs of two or more whitespace characters move later characters, so the map keeps one
    breakpoint per such run (bisect to look up) instead of one entry per character.
    """

    def __init__(self, source: str, start: int, end: int) -> None:
        self._start = start
        self._breaks: list[int] = [0]  # flat positions where the shift changes
        self._shifts: list[int] = [0]  # source minus flat offset from that position on
        shift = 0
        for run in _LONG_WHITESPACE.finditer(source, start, end):
            shift += len(run.group()) - 1
            self._breaks.append(run.start() - start - (shift - (len(run.group()) - 1)) + 1)
            self._shifts.append(shift)

    def __getitem__(self, flat_position: int) -> int:
        index = bisect.bisect_right(self._breaks, flat_position) - 1
        return self._start + flat_position + self._shifts[index]


def flatten_with_offsets(
    source: str, start: int = 0, end: int | None = None
) -> tuple[str, FlatOffsets]:
    """Whitespace runs folded to one space, and the map from folded positions to `source`."""
    end = len(source) if end is None else end
    return _WHITESPACE.sub(" ", source[start:end]), FlatOffsets(source, start, end)


def windows_around(
    source: str, anchor: re.Pattern[str], before: int, after: int
) -> Iterator[tuple[int, int]]:
    """The stretches of `source` within `before`/`after` characters of each match of `anchor`,
    in order, overlapping ones merged.

    A pattern that is costly to try at every position (a lazy run of up to a few hundred
    characters) is searched only where a cheap `anchor`, a phrase every match contains, occurs:
    `pattern.finditer(source, start, end)` over these windows finds what it finds over the
    whole text, provided each match lies within `before`/`after` of its anchor.
    """
    current: tuple[int, int] | None = None
    for found in anchor.finditer(source):
        start, end = max(0, found.start() - before), min(len(source), found.end() + after)
        if current and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current:
            yield current
        current = (start, end)
    if current:
        yield current
