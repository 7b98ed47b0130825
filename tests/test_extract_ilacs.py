"""ILACS (2018+) extraction on the real PDFs of ../shared/corpus/pdf."""

from __future__ import annotations

import csv
from typing import Any

import pytest
from conftest import PDF_DIR


def _pdfs_from(year: int) -> list[str]:
    with (PDF_DIR / "MANIFEST.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return sorted(r["file"] for r in rows if int(r["listed_publication_date"][:4]) >= year)


RECENT_PDFS = _pdfs_from(2018)


@pytest.fixture(scope="session")
def recent_reports(corpus_reports: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every 2018+ PDF, as `ofsted-kg extract` would print it."""
    return {name: corpus_reports[name] for name in RECENT_PDFS}


@pytest.fixture(scope="session")
def ilacs_reports(recent_reports: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in recent_reports.items() if r["kind"] == "ilacs"}


def test_about_125_reports_are_ilacs(ilacs_reports: dict[str, dict[str, Any]]) -> None:
    assert len(ilacs_reports) >= 120


@pytest.mark.parametrize("name", RECENT_PDFS)
def test_ilacs_minimum(name: str, recent_reports: dict[str, dict[str, Any]]) -> None:
    report = recent_reports[name]
    if report["kind"] != "ilacs":
        pytest.skip(f"{name} is {report['kind']}")
    assert report["local_authority"]
    assert report["inspection_dates"]
    assert [p for p in report["inspectors"] if p["role"] == "lead_inspector"]
    assert len(report["judgements"]) >= 3
    assert report["statistics"] is None
    assert not report["warnings"]
    for fact in report["facts"]["judgements"]:
        assert fact["evidence"]["page"] >= 1 and fact["evidence"]["quote"]


# Values checked by hand against the PDFs' title pages and "What needs to improve?" lists, one
# report per year 2018-2026 and per format generation (2018-20 authority line + "Inspection of
# children's social care services"; 2021-22 "Inspection of X local authority children's
# services"; 2023+ split care judgements; April 2026+ without overall effectiveness).
RI, GOOD, OUT, INAD = "requires_improvement", "good", "outstanding", "inadequate"
HAND_CHECKED: dict[str, dict[str, Any]] = {
    "80438_brighton-and-hove_2018-08-21.pdf": {
        "local_authority": "Brighton and Hove",
        "inspection_dates": [["2018-07-09", "2018-07-20"]],
        "inspectors": [{"name": "Tara Geere", "role": "lead_inspector"}],
        "judgements": {
            "impact_of_leaders": GOOD,
            "help_and_protection": RI,
            "children_in_care_and_care_leavers": GOOD,
            "overall_effectiveness": GOOD,
        },
        "recommendations": {"local_authority": 5, "lscb": None},
        "previous_inspection": [{"date": "2015", "judgement": RI}],
    },
    "80460_derbyshire_2019-09-19.pdf": {
        "local_authority": "Derbyshire",
        "inspection_dates": [["2019-07-08", "2019-07-12"], ["2019-08-07", "2019-08-08"]],
        "inspectors": [{"name": "Julie Knight", "role": "lead_inspector"}],
        "judgements": {
            "impact_of_leaders": GOOD,
            "help_and_protection": RI,
            "children_in_care_and_care_leavers": RI,
            "overall_effectiveness": RI,
        },
        "recommendations": {"local_authority": 5, "lscb": None},
    },
    "80471_halton_2020-04-15.pdf": {
        "local_authority": "Halton",
        "inspection_dates": [["2020-03-02", "2020-03-13"]],
        "inspectors": [{"name": "Shabana Abasi", "role": "lead_inspector"}],
        "judgements": {
            "impact_of_leaders": RI,
            "help_and_protection": RI,
            "children_in_care_and_care_leavers": RI,
            "overall_effectiveness": RI,
        },
        "recommendations": {"local_authority": 5, "lscb": None},
    },
    "2532283_dorset_2021-11-19.pdf": {
        "local_authority": "Dorset",
        "inspection_dates": [["2021-09-27", "2021-10-08"]],
        "inspectors": [{"name": "Steve Lowe", "role": "lead_inspector"}],
        "judgements": {
            "impact_of_leaders": OUT,
            "help_and_protection": GOOD,
            "children_in_care_and_care_leavers": GOOD,
            "overall_effectiveness": GOOD,
        },
        "recommendations": {"local_authority": 1, "lscb": None},
        "publication_date": None,
    },
    "80564_stoke-on-trent_2022-11-25.pdf": {
        "local_authority": "Stoke-on-Trent",
        "inspection_dates": [["2022-10-03", "2022-10-14"]],
        "inspectors": [
            {"name": "Rebecca Quested", "role": "lead_inspector"},
            {"name": "Matthew Reed", "role": "lead_inspector"},
        ],
        "judgements": {
            "impact_of_leaders": RI,
            "help_and_protection": RI,
            "children_in_care_and_care_leavers": GOOD,
            "overall_effectiveness": RI,
        },
        "previous_inspection": [{"date": "2019-02", "judgement": INAD}],
    },
    "80557_south-tyneside_2023-05-10.pdf": {
        "local_authority": "South Tyneside",
        "inspection_dates": [["2022-12-05", "2022-12-09"], ["2023-02-14", "2023-02-15"]],
        "judgements": {
            "impact_of_leaders": INAD,
            "help_and_protection": RI,
            "children_in_care_and_care_leavers": INAD,
            "overall_effectiveness": INAD,
        },
    },
    "80454_cornwall_2024-08-22.pdf": {
        "local_authority": "Cornwall",
        "inspection_dates": [["2024-07-01", "2024-07-05"]],
        "inspectors": [{"name": "Sarah Canto", "role": "lead_inspector"}],
        "judgements": {
            "impact_of_leaders": GOOD,
            "help_and_protection": GOOD,
            "children_in_care": GOOD,
            "care_leavers": OUT,
            "overall_effectiveness": GOOD,
        },
        "recommendations": {"local_authority": 4, "lscb": None},
    },
    "80543_rotherham_2025-12-16.pdf": {
        "local_authority": "Rotherham",
        "inspection_dates": [["2025-11-03", "2025-11-07"]],
        "inspectors": [{"name": "Catherine Heron", "role": "lead_inspector"}],
        "judgements": {
            "impact_of_leaders": OUT,
            "help_and_protection": OUT,
            "children_in_care": OUT,
            "care_leavers": GOOD,
            "overall_effectiveness": OUT,
        },
        "recommendations": {"local_authority": 2, "lscb": None},
    },
    "80449_bradford_2026-05-21.pdf": {
        "kind": "ilacs",
        "local_authority": "Bradford",  # "Inspection of Bradford Children and Families Trust"
        "inspection_dates": [["2026-01-12", "2026-01-23"]],
        "inspectors": [{"name": "Catherine Heron", "role": "lead_inspector"}],
        "judgements": {
            "impact_of_leaders": GOOD,
            "help_and_protection": RI,
            "children_in_care": RI,
            "care_leavers": GOOD,
            "overall_effectiveness": RI,
        },
    },
    "80555_somerset_2026-06-17.pdf": {
        "local_authority": "Somerset",
        "inspection_dates": [["2026-04-27", "2026-05-01"]],
        "inspectors": [{"name": "Alison Smale", "role": "lead_inspector"}],
        "judgements": {  # April 2026+: no overall effectiveness judgement
            "impact_of_leaders": RI,
            "help_and_protection": RI,
            "children_in_care": RI,
            "care_leavers": GOOD,
        },
        "recommendations": {"local_authority": 8, "lscb": None},
        "previous_inspection": [{"date": "2022", "judgement": GOOD}],
    },
    "80450_london-corporation_2024-11-05.pdf": {"local_authority": "City of London"},
}


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_hand_checked_values(name: str, recent_reports: dict[str, dict[str, Any]]) -> None:
    report = recent_reports[name]
    differences = {
        key: (expected, report[key])
        for key, expected in HAND_CHECKED[name].items()
        if report[key] != expected
    }
    assert not differences, differences


# Previous inspections stated in prose, one report per wording, read by hand.
PREVIOUS_STATED: dict[str, list[dict[str, str]]] = {
    # "since they were judged to be good at the previous inspection in 2014" (grade first)
    "80468_essex_2019-01-07.pdf": [{"date": "2014", "judgement": GOOD}],
    # "since the last inspection in 2015, when all areas of the service required improvement"
    "80580_wiltshire_2019-07-22.pdf": [{"date": "2015", "judgement": RI}],
    # "since the last inspection, when the local authority was judged to be inadequate in all
    # key areas of practice in 2016" (the year after the grade)
    "80584_worcestershire_2019-07-29.pdf": [{"date": "2016", "judgement": INAD}],
    # "Local authority children's services were judged requires improvement in 2019" (no "last
    # inspection")
    "80553_slough_2023-03-17.pdf": [{"date": "2019", "judgement": RI}],
    # "improved since the last inspection in 2022": no outcome stated
    "80521_manchester_2025-11-11.pdf": None,
}


@pytest.mark.parametrize("name", sorted(PREVIOUS_STATED))
def test_previous_inspection_wordings(name: str, recent_reports: dict[str, dict[str, Any]]) -> None:
    assert recent_reports[name]["previous_inspection"] == PREVIOUS_STATED[name]


def test_framework_citations_are_mapped(recent_reports: dict[str, dict[str, Any]]) -> None:
    # Somerset 2026 prints "(National Framework, Outcome 1)" after the point, on its own line.
    recs = recent_reports["80555_somerset_2026-06-17.pdf"]["facts"]["recommendations"]
    assert recs[0]["text"].endswith("(National Framework, Outcome 1)")
    assert recs[0]["framework_reference"] == "outcome_1"
    assert all(r["framework_reference"] for r in recs)
