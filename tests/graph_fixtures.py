"""Report records built by hand from the seeds' gold facts (../shared/gold/seeds.json).

The graph tests use these so that they test the graph step on the seeds' true facts, whatever the
state of the extractors. Evidence quotes are words that really occur in each seed's text (the
name, the grade, the recommendation's first words), so quote location is exercised too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from conftest import GOLD_FILE, PDF_DIR, SEEDS_DIR

from ofsted_kg.build import BuildStats, build
from ofsted_kg.clean import QuoteLocator
from ofsted_kg.extract import extract_document
from ofsted_kg.records import (
    DateFact,
    Evidence,
    Judgement,
    ListItem,
    Period,
    PersonMention,
    PreviousInspection,
    Recommendation,
    Report,
    Statistic,
    TextFact,
)
from ofsted_kg.sources import Document
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.uris import Uris
from ofsted_kg.vocab import GRADES

# PDFs built (by the real extractors) beside the seeds: the reports naming Steve Lowe (shadow
# inspector in the 2017 Bath and North East Somerset seed, lead inspector later), a focused-visit
# letter, a 2015 SIF report (its legal basis: four provisions, read by the real extractor), and an
# HTML error page saved as .pdf (must be refused).
FIXTURE_PDFS = (
    "2532283_dorset_2021-11-19.pdf",
    "2532287_bournemouth-christchurch-poole_2022-02-11.pdf",
    "80427_bath-and-north-east-somerset_2022-04-19.pdf",
    "80491_camden_2022-06-21.pdf",
    "80580_wiltshire_2019-07-22.pdf",
    "80429_birmingham_2012-10-19.pdf",
    "80418_norfolk_2015-10-20.pdf",
)


def _evidence(quotes: QuoteLocator, text: str, *candidates: str) -> Evidence:
    """Evidence quoting the first candidate found in the text (folded), else the first one,
    located in the text as one page for the quote's context."""
    folded = " ".join(text.split())
    for candidate in candidates:
        quote = " ".join(candidate.split())
        if quote and quote in folded:
            return quotes.evidence(1, quote)
    return quotes.evidence(1, " ".join(candidates[0].split()))


def gold_report(record: dict, text: str, sha256: str) -> Report:
    quotes = QuoteLocator([text])
    ev = lambda *c: _evidence(quotes, text, *c)  # noqa: E731 - short local helper
    la = record["local_authority"]
    report = Report(
        doc=record["doc"],
        sha256=sha256,
        format="text",
        page_count=1,
        kind=record["kind"],
        local_authority=TextFact(la, ev(la)) if la else None,
        inspection_dates=[Period(s, e, ev(s[:4], la)) for s, e in record["inspection_dates"]],
        publication_date=DateFact(record["publication_date"], ev("published"))
        if record["publication_date"]
        else None,
        letter_date=DateFact(record["letter_date"], ev(record["letter_date"][:4]))
        if record["letter_date"]
        else None,
        judgements=[
            Judgement(area, grade, ev(GRADES[grade], grade.replace("_", " ")))
            for area, grade in record["judgements"].items()
        ],
        inspectors=[
            PersonMention(p["name"], p["role"], ev(p["name"])) for p in record["inspectors"]
        ],
        officials=[PersonMention(p["name"], p["role"], ev(p["name"])) for p in record["officials"]],
        recommendations=[
            Recommendation(
                target=r["target"],
                number=r["number"],
                priority=r["priority"],
                theme=r["theme"],
                text=r["text_start"].strip(),
                evidence=ev(r["text_start"]),
            )
            for r in record["recommendation_items"]
        ],
        previous_inspection=None
        if record["previous_inspection"] is None
        else [
            PreviousInspection(p["date"], p["judgement"], ev(p["judgement"]))
            for p in record["previous_inspection"]
        ],
        statistics=None
        if record["statistics"] is None
        else [
            Statistic(s["measure"], s["value"], s["unit"], s["as_of"], ev(str(s["value"])))
            for s in record["statistics"]
        ],
    )
    for key in ("strengths", "satisfactory_practice", "areas_for_development"):
        if record[key] is not None:
            items = [ListItem(f"{key} item {n}", ev(key.split("_")[0])) for n in range(record[key])]
            setattr(report, key, items)
    return report


@cache
def gold_records() -> dict[str, dict]:
    return {r["doc"]: r for r in json.loads(GOLD_FILE.read_text(encoding="utf-8"))}


def gold_extract(path: Path) -> Report:
    """Gold facts for a seed file, with its text as the quotes' context."""
    data = Path(path).read_bytes()
    text = data.decode("utf-8")
    return gold_report(gold_records()[Path(path).name], text, hashlib.sha256(data).hexdigest())


def fixture_extract(document: Document) -> Report:
    """The build's extractor for the graph tests: gold facts for the seeds, the project's real
    extraction for every other file."""
    record = gold_records().get(document.name)
    if record is None:
        return extract_document(document)
    return gold_report(record, "\f".join(document.pages), document.sha256)


def fixture_sources() -> list[Path]:
    return [SEEDS_DIR, *(PDF_DIR / name for name in FIXTURE_PDFS)]


@dataclass
class BuiltStore:
    store: EmbeddedStore
    stats: BuildStats
    uris: Uris
    log: list[str]


def build_fixture_store(path: Path) -> BuiltStore:
    store = EmbeddedStore(path)
    log: list[str] = []
    stats = build(fixture_sources(), store, extractor=fixture_extract, log=log.append)
    return BuiltStore(store, stats, Uris(), log)
