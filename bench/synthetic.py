"""A national-size synthetic corpus that grows the way the published reports do.

Every authority of the reference data (`authorities()`, 156 Ofsted URNs: 150 to 153 at a time,
as authorities merge and split) gets the inspections a real authority had, in their real
sequence, within the days the authority existed (by its GSS codes) and up to July 2026:
- 2009–2012: an annual unannounced inspection of contact, referral and assessment most years;
- 2013: an inspection of looked-after children services for some;
- 2014–2017: one single inspection framework (SIF) inspection, with its LSCB review;
- from 2018: an ILACS inspection every three or four years; between two, focused visits, or
  monitoring visits every year after an inadequate judgement.
About 1,750 reports in all. Each report is the text of a real report of the same kind (the
nearest in date) written again with the authority's name, its own inspection dates (the years of
every printed date moved together, so they stay valid and in order) and people drawn from a
population of inspectors: a few hundred people, each working in a region for some years, each
on tens of inspections (`inspector_population`). Officials are people of the authority.

Text goes through the same pipeline as a real file (read, clean, classify, extract, RDF, link,
infer, validate, load); only the PDF decoding is skipped, which the benchmark accounts for by
comparing per-report cost on text at both sizes.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from ofsted_kg.authorities import Authority, authorities
from ofsted_kg.clean import clean_document
from ofsted_kg.extract import extract_document, iter_report_files
from ofsted_kg.sources import SourceError, read_document

# Letters in the real layout (tests/data/letters): the only monitoring-visit text there is to copy.
LETTERS = Path(__file__).resolve().parents[1] / "tests" / "data" / "letters"
FIRST_YEAR, LAST_YEAR = 2009, 2026
LAST_DAY = date(2026, 7, 31)  # the corpus's latest inspections are of July 2026
# The report generations in the order an authority meets them; a kind's rank is its place here.
GENERATIONS = (
    ("annual_unannounced",),
    ("lac_2013",),
    ("sif", "lscb_review"),
    ("ilacs", "focused_visit", "monitoring_visit"),
)
RANK = {kind: rank for rank, kinds in enumerate(GENERATIONS) for kind in kinds}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# A year printed as part of a date ("12 June 2017", "June 2017", "12/06/2017"); years elsewhere
# ("the Children Act 2004", "2017-18") are not dates of the inspection and keep their value. The
# year is found first (a literal start, quick to scan for), then what precedes it is checked.
_YEAR = re.compile(r"\b20\d\d\b")
_DATE_BEFORE_YEAR = re.compile(rf"(?:\b(?:{MONTHS})\s+|\b\d{{1,2}}/\d{{1,2}}/)$")
OFFICIALS = 8  # names of each authority's officials (a letter names up to five)
SURNAMES = [
    "Ahmed",
    "Allen",
    "Atkinson",
    "Bailey",
    "Baker",
    "Barker",
    "Bell",
    "Bennett",
    "Brooks",
    "Brown",
    "Butler",
    "Campbell",
    "Carter",
    "Chapman",
    "Clarke",
    "Collins",
    "Cook",
    "Cooper",
    "Cox",
    "Davies",
    "Dixon",
    "Edwards",
    "Ellis",
    "Evans",
    "Fisher",
    "Foster",
    "Fox",
    "Graham",
    "Gray",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Harrison",
    "Hill",
    "Holmes",
    "Hughes",
    "Hunt",
    "Jackson",
    "James",
    "Johnson",
    "Jones",
    "Kelly",
    "Khan",
    "Knight",
    "Lee",
    "Lewis",
    "Marshall",
    "Martin",
    "Mason",
    "Matthews",
    "Mills",
    "Mitchell",
    "Moore",
    "Morgan",
    "Morris",
    "Murphy",
    "Owen",
    "Palmer",
    "Parker",
    "Patel",
    "Pearson",
    "Phillips",
    "Price",
    "Richards",
    "Richardson",
    "Roberts",
    "Robinson",
    "Rogers",
    "Russell",
    "Shaw",
    "Simpson",
    "Smith",
    "Stevens",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "Webb",
    "White",
    "Wilkinson",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]


@dataclass(frozen=True)
class Template:
    """A real report to be written again."""

    name: str
    kind: str
    start: date
    text: str
    authority: str  # the authority's name as the report prints it
    inspectors: tuple[str, ...]
    officials: tuple[str, ...]


@dataclass(frozen=True)
class Inspector:
    name: str
    region: str
    first_year: int
    last_year: int
    weight: float  # how often this inspector is sent, against the others


@dataclass(frozen=True)
class PlannedReport:
    authority: Authority
    kind: str
    start: date
    template: Template
    inspectors: tuple[str, ...]
    officials: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return f"{self.authority.urn}_{self.kind}_{self.start.isoformat()}.txt"


def read_templates(sources: list[Path]) -> dict[str, list[Template]]:
    """The readable reports among `sources` (files or folders), by kind."""
    templates: dict[str, list[Template]] = {}
    for path in iter_report_files(sources):
        try:
            document = read_document(path)
        except SourceError:
            continue
        report = extract_document(document)
        if report.kind not in RANK or report.local_authority is None:
            continue
        if not report.inspection_dates:
            continue
        templates.setdefault(report.kind, []).append(
            Template(
                name=path.name,
                kind=report.kind,
                start=date.fromisoformat(report.inspection_dates[0].start),
                text=clean_document(document).text,
                authority=report.local_authority.value,
                inspectors=tuple(p.name for p in report.inspectors),
                officials=tuple(p.name for p in report.officials),
            )
        )
    return templates


def lifespan(authority: Authority) -> tuple[date, date]:
    """The days the authority existed (by its GSS codes), within the reports' years."""
    starts = [date.fromisoformat(g.valid_from) for g in authority.gss_codes if g.valid_from]
    ends = [g.valid_to for g in authority.gss_codes]
    first = max([date(FIRST_YEAR, 1, 1), *starts])
    if None in ends or not ends:
        return first, LAST_DAY
    return first, min(LAST_DAY, max(date.fromisoformat(e) for e in ends if e))


def inspection_sequence(authority: Authority, rng: random.Random) -> list[tuple[str, int]]:
    """(kind, year) of every report an authority receives, in order, one inspection a year."""
    first, last = (day.year for day in lifespan(authority))
    sequence = [("annual_unannounced", y) for y in range(2009, 2013) if rng.random() < 0.9]
    if rng.random() < 0.2:
        sequence.append(("lac_2013", 2013))
    sif = rng.randint(2014, 2017)
    sequence += [("sif", sif), ("lscb_review", sif)]
    full = rng.randint(max(2018, sif + 2), 2021)
    while full <= LAST_YEAR:
        sequence.append(("ilacs", full))
        inadequate = rng.random() < 0.2
        following = full + (rng.randint(2, 3) if inadequate else rng.randint(3, 4))
        between = range(full + 1, min(following, LAST_YEAR + 1))
        if inadequate:
            sequence += [("monitoring_visit", y) for y in between]
        else:
            visits = [y for y in between if rng.random() < 0.8] or list(between)[:1]
            sequence += [("focused_visit", y) for y in visits]
        full = following
    return [(kind, year) for kind, year in sequence if first <= year <= last]


def person_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct names from the package's given names and common surnames."""
    listed = (resources.files("ofsted_kg") / "data" / "given_names.txt").read_text("utf-8")
    given = [line.strip() for line in listed.splitlines() if line.strip() and line[0] != "#"]
    pairs = [(g, s) for g in given for s in SURNAMES]
    return [f"{g} {s}" for g, s in rng.sample(pairs, count)]


def inspector_population(
    names: list[str], regions: list[str], rng: random.Random
) -> list[Inspector]:
    """Inspectors with a home region, a working span of years and an unequal share of work."""
    population = []
    for index, name in enumerate(names):
        first = rng.randint(FIRST_YEAR - 8, LAST_YEAR - 3)
        population.append(
            Inspector(
                name=name,
                region=regions[index % len(regions)],
                first_year=first,
                last_year=first + rng.randint(8, 18),
                weight=rng.lognormvariate(0, 0.5),
            )
        )
    return population


def _choose_inspectors(
    population: list[Inspector], region: str, year: int, count: int, rng: random.Random
) -> tuple[str, ...]:
    """`count` inspectors working that year: from the authority's region, a fifth from elsewhere."""
    working = [p for p in population if p.first_year <= year <= p.last_year]
    local = [p for p in working if p.region == region]
    chosen: list[Inspector] = []
    while len(chosen) < count:
        pool = local if rng.random() < 0.8 else working
        pool = [p for p in pool if p not in chosen] or [p for p in population if p not in chosen]
        chosen.append(rng.choices(pool, weights=[p.weight for p in pool])[0])
    return tuple(p.name for p in chosen)


def _nearest_template(
    templates: list[Template], year: int, first: date, last: date, rng: random.Random
) -> Template | None:
    """A template of the kind nearest in date whose day, moved to `year`, falls within the
    authority's days (`first`, `last`): none if no template's does."""
    fitting = [t for t in templates if first <= _moved(t.start, year) <= last]
    if not fitting:
        return None
    distance = min(abs(t.start.year - year) for t in fitting)
    return rng.choice([t for t in fitting if abs(t.start.year - year) == distance])


def _moved(day: date, year: int) -> date:
    return (
        day.replace(year=year, day=28)
        if (day.month, day.day) == (2, 29)
        else day.replace(year=year)
    )


def plan_corpus(
    templates: dict[str, list[Template]],
    urns: list[str] | None = None,
    inspectors: int = 200,
    seed: int = 2026,
) -> list[PlannedReport]:
    """Every report of the national corpus (of the authorities `urns`, all by default).

    A kind with no template is left out. The inspector population is the same whichever
    authorities are planned, so a smaller plan is a sample of the national one.
    """
    known = authorities()
    chosen = set(known if urns is None else urns)
    rng = random.Random(seed)
    names = person_names(rng, inspectors + OFFICIALS * len(known))
    regions = sorted({a.region for a in known.values()})
    population = inspector_population(names[:inspectors], regions, rng)
    plan = []
    for number, urn in enumerate(sorted(known)):
        if urn not in chosen:
            continue
        authority = known[urn]
        local = random.Random(f"{seed}:{urn}")
        first, last = lifespan(authority)
        officials = names[inspectors + OFFICIALS * number : inspectors + OFFICIALS * (number + 1)]
        for kind, year in inspection_sequence(authority, local):
            if kind not in templates:
                continue
            template = _nearest_template(templates[kind], year, first, last, local)
            if template is None:
                continue
            start = _moved(template.start, year)
            plan.append(
                PlannedReport(
                    authority=authority,
                    kind=kind,
                    start=start,
                    template=template,
                    inspectors=_choose_inspectors(
                        population, authority.region, year, len(template.inspectors), local
                    ),
                    officials=tuple(
                        officials[i % OFFICIALS] for i in range(len(template.officials))
                    ),
                )
            )
    return plan


def _replace_words(text: str, replacements: dict[str, str]) -> str:
    """Each key of `replacements` found as whole words replaced by its value, in one pass."""
    keys = sorted(replacements, key=len, reverse=True)  # the longest name first where two overlap
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, keys)) + r")\b")
    return pattern.sub(lambda match: replacements[match.group(0)], text)


def report_text(planned: PlannedReport) -> str:
    """The template's text about the planned authority, dates and people."""
    template = planned.template
    people = zip(
        template.inspectors + template.officials,
        planned.inspectors + planned.officials,
        strict=True,
    )
    text = _replace_words(
        template.text, {template.authority: planned.authority.name, **dict(people)}
    )
    return _move_dated_years(text, planned.start.year - template.start.year)


def _move_dated_years(text: str, shift: int) -> str:
    def moved(match: re.Match[str]) -> str:
        before = text[max(0, match.start() - 16) : match.start()]
        dated = _DATE_BEFORE_YEAR.search(before)
        return str(int(match.group(0)) + shift) if dated else match.group(0)

    return _YEAR.sub(moved, text) if shift else text


def write_corpus(
    templates: dict[str, list[Template]], out: Path, urns: list[str] | None = None
) -> list[PlannedReport]:
    """Write the national corpus (or that of the authorities `urns`) to `out` as text files."""
    out.mkdir(parents=True, exist_ok=True)
    plan = plan_corpus(templates, urns)
    for planned in plan:
        (out / planned.file_name).write_text(report_text(planned), encoding="utf-8")
    return plan


@dataclass(frozen=True)
class CorpusShape:
    """What a plan amounts to: reports, authorities, reports of each kind, inspectors' workloads."""

    reports: int
    authorities: int
    kinds: dict[str, int]
    inspectors: int
    median_workload: float  # reports per inspector
    most_workload: int


def shape(plan: list[PlannedReport]) -> CorpusShape:
    workload = Counter(name for p in plan for name in set(p.inspectors))
    return CorpusShape(
        reports=len(plan),
        authorities=len({p.authority.urn for p in plan}),
        kinds=dict(sorted(Counter(p.kind for p in plan).items())),
        inspectors=len(workload),
        median_workload=statistics.median(workload.values()) if workload else 0.0,
        most_workload=max(workload.values(), default=0),
    )


def describe(corpus: CorpusShape) -> str:
    """One line on a plan's shape: reports, authorities, kinds and inspectors' workloads."""
    return (
        f"{corpus.reports} reports of {corpus.authorities} authorities "
        f"({', '.join(f'{kind} {n}' for kind, n in corpus.kinds.items())}); "
        f"{corpus.inspectors} inspectors, median {corpus.median_workload:.0f} "
        f"and at most {corpus.most_workload} reports each"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the national-size synthetic corpus.")
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    templates = read_templates([Path(args.corpus), LETTERS])
    read = time.perf_counter() - start
    plan = write_corpus(templates, args.out)
    print(describe(shape(plan)))
    print(
        f"templates read in {read:.1f} s, corpus written in {time.perf_counter() - start - read:.1f} s"
    )


if __name__ == "__main__":
    main()
