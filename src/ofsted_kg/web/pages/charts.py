"""Charts drawn on the server as SVG geometry (no scripts): the timeline of an authority's grades
per judgement area, and the distribution of overall-effectiveness grades per year.

Functions here compute coordinates and texts only; templates/pages_macros.html draws them, so
every text goes through Jinja's escaping. Colour is never the only cue: series also differ by
marker shape, bar segments carry the grade's abbreviation, and every mark has a <title>.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from ... import vocab

# Okabe-Ito colours (distinguishable with colour-blindness) and then a few more.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#882255",
    "#44AA99",
    "#999933",
    "#6699CC",
)
GRADE_COLOURS = {
    "outstanding": "#1A7F37",
    "good": "#56B4E9",
    "adequate": "#E6C300",
    "requires_improvement": "#E69F00",
    "inadequate": "#B3261E",
}
GRADE_ABBREVIATIONS = {
    "outstanding": "O",
    "good": "G",
    "adequate": "A",
    "requires_improvement": "RI",
    "inadequate": "I",
}
# Rows of the timeline's vertical axis (rank -> text); adequate and RI share rank 2.
RANK_LABELS = {
    rank: " / ".join(
        vocab.GRADES[g].replace(" to be good", "") for g, r in vocab.GRADE_RANK.items() if r == rank
    )
    for rank in sorted(set(vocab.GRADE_RANK.values()))
}


def marker(shape: int, x: float, y: float, r: float = 5.0) -> str:
    """An SVG path for marker `shape` (0 circle, 1 square, 2 triangle, 3 diamond, 4 triangle down,
    5 plus, then the same again) centred on (x, y)."""
    shape %= 6
    if shape == 0:
        return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"
    if shape == 1:
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r}v{2 * r}h{-2 * r}Z"
    if shape == 2:
        return f"M{x:.1f},{y - r - 1:.1f}L{x + r + 1:.1f},{y + r:.1f}L{x - r - 1:.1f},{y + r:.1f}Z"
    if shape == 3:
        return f"M{x:.1f},{y - r - 1:.1f}L{x + r + 1:.1f},{y:.1f}L{x:.1f},{y + r + 1:.1f}L{x - r - 1:.1f},{y:.1f}Z"
    if shape == 4:
        return f"M{x:.1f},{y + r + 1:.1f}L{x + r + 1:.1f},{y - r:.1f}L{x - r - 1:.1f},{y - r:.1f}Z"
    w = r / 2.5
    return (
        f"M{x - w:.1f},{y - r:.1f}h{2 * w}v{r - w:.1f}h{r - w:.1f}v{2 * w}h{w - r:.1f}"
        f"v{r - w:.1f}h{-2 * w}v{w - r:.1f}h{w - r:.1f}v{-2 * w}h{r - w:.1f}Z"
    )


@dataclass
class Point:
    x: float
    y: float
    title: str
    href: str


@dataclass
class Series:
    label: str
    colour: str
    shape: int
    points: list[Point] = field(default_factory=list)

    @property
    def line(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    def marker_at(self, x: float, y: float) -> str:
        return marker(self.shape, x, y)


@dataclass
class Tick:
    position: float
    text: str


@dataclass
class Timeline:
    width: int
    height: int
    left: int
    top: int
    bottom: int
    right: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    series: list[Series]
    summary: str


def _year_fraction(iso: str) -> float:
    day = date.fromisoformat(iso[:10])
    return day.year + (day.timetuple().tm_yday - 1) / 366


MARK_GAP = 12.0  # centre to centre of two neighbouring marks: a 10-12 px mark and a gap
PER_ROW = 4  # marks of one grade side by side before a second row starts


def _spread(inspections: list, areas: list[str]) -> dict[tuple[int, str], tuple[float, float]]:
    """Offsets that set apart the marks one inspection gives the same grade (they would be
    drawn on one spot): a small grid centred on the point, PER_ROW wide, in the legend's order
    of areas. (inspection, area) -> (dx, dy) px."""
    offsets: dict[tuple[int, str], tuple[float, float]] = {}
    for n, inspection in enumerate(inspections):
        by_rank: dict[int, list[str]] = {}
        for g in sorted(inspection.grades, key=lambda g: areas.index(g.area)):
            if g.grade in vocab.GRADE_RANK:
                by_rank.setdefault(vocab.GRADE_RANK[g.grade], []).append(g.area)
        for same in by_rank.values():
            rows = -(-len(same) // PER_ROW)
            for k, area in enumerate(same):
                row, column = divmod(k, PER_ROW)
                in_row = min(PER_ROW, len(same) - row * PER_ROW)
                offsets[(n, area)] = (
                    (column - (in_row - 1) / 2) * MARK_GAP,
                    (row - (rows - 1) / 2) * MARK_GAP,
                )
    return offsets


def grade_timeline(inspections: list, width: int = 760, height: int = 300) -> Timeline | None:
    """Grades per judgement area over the years, from InspectionRow-like objects."""
    dated = [i for i in inspections if i.start and i.grades]
    if not dated:
        return None
    left, right, top, bottom = 150, 16, 22, 40
    first = math.floor(min(_year_fraction(i.start) for i in dated))
    last = math.floor(max(_year_fraction(i.start) for i in dated)) + 1
    ranks = sorted(RANK_LABELS)

    def x_of(year: float) -> float:
        return left + (year - first) / max(1, last - first) * (width - left - right)

    def y_of(rank: int) -> float:
        span = max(1, ranks[-1] - ranks[0])
        return top + (ranks[-1] - rank) / span * (height - top - bottom)

    areas = [a for a in vocab.AREAS if any(g.area == a for i in dated for g in i.grades)]
    areas += sorted({g.area for i in dated for g in i.grades} - set(areas))
    ranked = sorted(dated, key=lambda i: i.start)
    spread = _spread(ranked, areas)
    series = []
    for k, area in enumerate(areas):
        one = Series(vocab.AREAS.get(area, area), PALETTE[k % len(PALETTE)], k)
        for n, inspection in enumerate(ranked):
            for g in inspection.grades:
                if g.area == area and g.grade in vocab.GRADE_RANK:
                    dx, dy = spread[(n, area)]
                    one.points.append(
                        Point(
                            x_of(_year_fraction(inspection.start)) + dx,
                            y_of(vocab.GRADE_RANK[g.grade]) + dy,
                            f"{inspection.start}: {one.label}: {g.grade_label}",
                            g.judgement,
                        )
                    )
        if one.points:
            series.append(one)
    step = max(1, (last - first) // 10)
    summary = "; ".join(
        f"{i.start}: " + ", ".join(f"{g.area_label} {g.grade_label}" for g in i.grades)
        for i in ranked
    )
    return Timeline(
        width,
        height,
        left,
        top,
        bottom,
        right,
        [Tick(x_of(y), str(y)) for y in range(first, last + 1, step)],
        [Tick(y_of(r), RANK_LABELS[r]) for r in ranks],
        series,
        summary,
    )


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    text: str  # shown inside when it fits
    title: str


@dataclass
class Bar:
    y: float
    label: str
    total: int
    segments: list[Segment]


@dataclass
class Distribution:
    width: int
    height: int
    left: int
    bar_height: int
    bars: list[Bar]
    legend: list[tuple[str, str, str]]  # colour, abbreviation, label
    table: list[tuple[str, dict[str, int]]]
    grades: list[tuple[str, str]]  # key, label


def grade_distribution(counts: dict[str, dict[str, int]], width: int = 760) -> Distribution | None:
    """Horizontal stacked bars, one per year: how many inspections got each grade."""
    if not counts:
        return None
    left, bar_height, gap = 48, 22, 6
    grades = [g for g in vocab.GRADES if any(g in c for c in counts.values())]
    most = max(sum(c.values()) for c in counts.values())
    scale = (width - left - 40) / most
    bars = []
    for row, year in enumerate(sorted(counts)):
        x = float(left)
        segments = []
        for grade in grades:
            n = counts[year].get(grade, 0)
            if not n:
                continue
            w = n * scale
            abbreviation = f"{GRADE_ABBREVIATIONS[grade]} {n}"
            segments.append(
                Segment(
                    x,
                    w,
                    GRADE_COLOURS[grade],
                    abbreviation if w >= 9 * len(abbreviation) else "",
                    f"{year}: {vocab.GRADES[grade]}: {n}",
                )
            )
            x += w
        bars.append(Bar(row * (bar_height + gap), year, sum(counts[year].values()), segments))
    return Distribution(
        width,
        len(bars) * (bar_height + gap) + 4,
        left,
        bar_height,
        bars,
        [(GRADE_COLOURS[g], GRADE_ABBREVIATIONS[g], vocab.GRADES[g]) for g in grades],
        [(year, counts[year]) for year in sorted(counts)],
        [(g, vocab.GRADES[g]) for g in grades],
    )
