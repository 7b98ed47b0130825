"""bench/synthetic.py: the national-size benchmark corpus has the nation's shape.

Templates are a few real reports of every kind the plan uses (the seeds, the letters in the real
layout, two PDFs); the plan covers every authority; the text written for a planned report is read
back by the real extractor, which must find the planned authority, kind, dates and people.
"""

from __future__ import annotations

import re
import statistics
import sys
from collections import Counter
from pathlib import Path

import pytest

from ofsted_kg.authorities import authorities, resolve
from ofsted_kg.extract import extract_document
from ofsted_kg.sources import read_document

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO / "bench"))
import synthetic  # noqa: E402 - a benchmark module, not part of the package

SOURCES = [
    CORPUS / "seeds",
    REPO / "tests" / "data" / "letters",
    CORPUS / "pdf" / "80418_norfolk_2013-08-16.pdf",  # looked-after children, 2013
    CORPUS / "pdf" / "80567_surrey_2015-08-03.pdf",  # LSCB review
    CORPUS / "pdf" / "2532283_dorset_2021-11-19.pdf",  # ILACS
]


@pytest.fixture(scope="module")
def templates() -> dict[str, list[synthetic.Template]]:
    return synthetic.read_templates(SOURCES)


@pytest.fixture(scope="module")
def plan(templates) -> list[synthetic.PlannedReport]:
    return synthetic.plan_corpus(templates)


def test_templates_cover_every_generation(templates) -> None:
    assert set(templates) == set(synthetic.RANK)


def test_every_authority_has_its_generations_in_date_order(plan) -> None:
    by_authority: dict[str, list[synthetic.PlannedReport]] = {}
    for planned in plan:
        by_authority.setdefault(planned.authority.urn, []).append(planned)
    assert set(by_authority) == set(authorities())
    for urn, reports in by_authority.items():
        reports.sort(key=lambda p: p.start)
        ranks = [synthetic.RANK[p.kind] for p in reports]
        assert ranks == sorted(ranks), urn
        first, last = synthetic.lifespan(authorities()[urn])
        assert all(first <= p.start <= last for p in reports), urn
        assert len({p.file_name for p in reports}) == len(reports)
    # An authority that existed throughout had every generation; a new one only the latest.
    assert {p.kind for p in by_authority["80528"]} >= {"annual_unannounced", "sif", "ilacs"}
    assert {synthetic.RANK[p.kind] for p in by_authority["2733690"]} == {3}  # Cumberland, 2023


def test_national_size_and_inspector_population(plan) -> None:
    assert 1500 <= len(plan) <= 2500
    kinds = Counter(p.kind for p in plan)
    assert kinds["ilacs"] > len(authorities()) and kinds["monitoring_visit"] > 0
    workload = Counter(name for p in plan for name in p.inspectors)
    assert 100 <= len(workload) <= 500  # a few hundred people
    assert 10 <= statistics.median(workload.values()) <= 99  # each on tens of inspections
    assert max(workload.values()) < 10 * statistics.median(workload.values())
    officials = {name for p in plan for name in p.officials}
    assert not officials & set(workload)


def test_written_reports_read_back_as_planned(templates, tmp_path: Path) -> None:
    plan = synthetic.plan_corpus(templates, ["80528", "2532287"])  # North Somerset; BCP
    for planned in plan:
        path = tmp_path / planned.file_name
        path.write_text(synthetic.report_text(planned), encoding="utf-8")
        report = extract_document(read_document(path))
        assert report.kind == planned.kind, path.name
        assert report.local_authority is not None
        authority = resolve(report.local_authority.value)
        assert authority is not None and authority.urn == planned.authority.urn, path.name
        assert report.inspection_dates[0].start == planned.start.isoformat(), path.name
        assert [p.name for p in report.inspectors] == list(planned.inspectors), path.name


def test_only_the_years_of_dates_move() -> None:
    text = "On 12 June 2017, in July 2018 and on 12/06/2019, under the Children Act 2004 (2017-18)"
    assert synthetic._move_dated_years(text, 2) == (
        "On 12 June 2019, in July 2020 and on 12/06/2021, under the Children Act 2004 (2017-18)"
    )


def test_a_name_split_over_lines_is_replaced() -> None:
    text = "Bournemouth, Christchurch\nand  Poole children's services. Inspector: Ann\nSmith."
    replacements = {"Bournemouth, Christchurch and Poole": "Dorset", "Ann Smith": "Jo Bloggs"}
    assert synthetic._replace_words(text, replacements) == (
        "Dorset children's services. Inspector: Jo Bloggs."
    )


def test_no_report_keeps_its_templates_authority(plan) -> None:
    """A template's authority left in the text makes the extractor read the report as the
    template's: the national graph then had one inspection reported by twenty documents."""
    for planned in plan:
        if planned.template.authority == planned.authority.name:
            continue
        words = " ".join(synthetic.report_text(planned).split())
        left = words.replace(" ".join(planned.authority.name.split()), "")  # North Somerset
        template = " ".join(planned.template.authority.split())
        assert not re.search(rf"\b{re.escape(template)}\b", left), planned.file_name
