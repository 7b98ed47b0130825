"""2013-2018 extraction (SIF, re-inspections, LSCB reviews, 2013 looked after children reports):
the seeds against gold, every real PDF of those kinds, and values checked by hand."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest
from conftest import GOLD_FILE, PDF_DIR

from ofsted_kg.gold import compare

KINDS = {"sif", "lscb_review", "lac_2013"}
SIF_SEEDS = ("000_4d8e916605b056f9.txt", "002_9e3392fa40d9fa68.txt", "003_c7e31c01e8e11eec.txt")


def _pdfs_listed(first: int, last: int) -> list[str]:
    with (PDF_DIR / "MANIFEST.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return sorted(
            r["file"] for r in rows if first <= int(r["listed_publication_date"][:4]) <= last
        )


PDFS_2013_2018 = _pdfs_listed(2013, 2018)


@pytest.fixture(scope="session")
def gold() -> dict[str, dict[str, Any]]:
    return {record["doc"]: record for record in json.loads(GOLD_FILE.read_text("utf-8"))}


@pytest.fixture(scope="session")
def reports_2013_2018(corpus_reports: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every PDF listed 2013-2018, as `ofsted-kg extract` prints it."""
    return {name: corpus_reports[name] for name in PDFS_2013_2018}


@pytest.mark.parametrize("seed", SIF_SEEDS)
def test_seed_matches_gold(
    seed: str, gold: dict[str, dict[str, Any]], corpus_reports: dict[str, dict[str, Any]]
) -> None:
    result = compare([gold[seed]], [corpus_reports[seed]])
    for difference in result.differences:
        print(difference)
    assert not result.differences and not result.missing_docs


# The same reports as seeds 000, 002 and 003, printed as PDFs by Ofsted. Gold holds for them
# too, except that the PDFs print typographic apostrophes where seed 002 has straight ones.
PDF_OF_SEED = {
    "000_4d8e916605b056f9.txt": "80528_north-somerset_2017-08-25.pdf",
    "002_9e3392fa40d9fa68.txt": "80555_somerset_2015-03-27.pdf",
    "003_c7e31c01e8e11eec.txt": "80427_bath-and-north-east-somerset_2017-07-07.pdf",
}


@pytest.mark.parametrize("seed", SIF_SEEDS)
def test_pdf_of_seed_matches_gold(
    seed: str, gold: dict[str, dict[str, Any]], reports_2013_2018: dict[str, dict[str, Any]]
) -> None:
    name = PDF_OF_SEED[seed]
    expected = {**gold[seed], "doc": name}
    actual = reports_2013_2018[name]
    for item in (*expected["recommendation_items"], *actual["recommendation_items"]):
        item["text_start"] = item["text_start"].replace("\u2019", "'")
    result = compare([expected], [actual])
    for difference in result.differences:
        print(difference)
    assert not result.differences


def test_about_63_reports_of_these_kinds(reports_2013_2018: dict[str, dict[str, Any]]) -> None:
    kinds = [r["kind"] for r in reports_2013_2018.values() if r["kind"] in KINDS]
    assert len(kinds) >= 60
    assert {"sif", "lscb_review", "lac_2013"} <= set(kinds)


@pytest.mark.parametrize("name", PDFS_2013_2018)
def test_minimum_facts(name: str, reports_2013_2018: dict[str, dict[str, Any]]) -> None:
    report = reports_2013_2018[name]
    if report["kind"] not in KINDS:
        pytest.skip(f"{name} is {report['kind']}")
    assert report["local_authority"]
    assert report["inspection_dates"]
    assert [p for p in report["inspectors"] if p["role"] == "lead_inspector"]
    if report["kind"] == "sif":
        assert len(report["judgements"]) >= 3
    else:
        assert report["judgements"]
    assert report["officials"] == []
    assert not report["warnings"], report["warnings"]
    for fact in report["facts"]["judgements"] + report["facts"]["inspectors"]:
        assert fact["evidence"]["page"] >= 1 and fact["evidence"]["quote"]


# Values checked by hand against the PDFs' text (title page, judgement headings, lists and the
# inspection team), at least one report per year 2013-2018 and per kind.
RI, GOOD, OUT, INAD, ADEQ = "requires_improvement", "good", "outstanding", "inadequate", "adequate"
HAND_CHECKED: dict[str, dict[str, Any]] = {
    # 2013, lac_2013: "Reporting inspector Gary Lamb HMI"; Record of main findings; 6 + 4 + 7
    # bullets under "Immediately:", "Within three months:", "Within six months:".
    "80418_norfolk_2013-08-16.pdf": {
        "kind": "lac_2013",
        "local_authority": "Norfolk",
        "inspection_dates": [["2013-07-08", "2013-07-12"]],
        "publication_date": "2013-08-16",
        "judgements": {"overall_effectiveness": INAD, "capacity_to_improve": INAD},
        "inspectors": [{"name": "Gary Lamb", "role": "lead_inspector"}],
        "recommendations": {"local_authority": 17, "lscb": None},
    },
    # 2013, lac_2013: "Capacity to improve Adequate Grade 3"; 4 + 8 + 3 bullets.
    "80522_medway_2013-08-23.pdf": {
        "kind": "lac_2013",
        "local_authority": "Medway",
        "inspection_dates": [["2013-07-15", "2013-07-19"]],
        "judgements": {"overall_effectiveness": INAD, "capacity_to_improve": ADEQ},
        "inspectors": [{"name": "Sarah Urding", "role": "lead_inspector"}],
        "recommendations": {"local_authority": 15, "lscb": None},
    },
    # 2014, sif: no "Report published" line; strengths 11-20; LA recommendations 21-32 under
    # "Areas for improvement"; LSCB section "Section 2: The effectiveness ..." with 139-144.
    "80432_bolton_2014-03-21.pdf": {
        "kind": "sif",
        "local_authority": "Bolton",
        "inspection_dates": [["2014-01-14", "2014-02-05"]],
        "publication_date": None,
        "judgements": {
            "overall_effectiveness": RI,
            "help_and_protection": RI,
            "looked_after_and_permanence": GOOD,
            "adoption": GOOD,
            "care_leavers": GOOD,
            "leadership_management_governance": RI,
            "lscb": RI,
        },
        "inspectors": [
            {"name": "Robert Hackeson", "role": "lead_inspector"},
            {"name": "Neil Penswick", "role": "team_inspector"},
            {"name": "Fiona Parker", "role": "team_inspector"},
            {"name": "Linda Steele", "role": "team_inspector"},
            {"name": "Sarah Urding", "role": "team_inspector"},
            {"name": "Shirley Bailey", "role": "team_inspector"},
            {"name": "Margaret Farrow", "role": "team_inspector"},
        ],
        "recommendations": {"local_authority": 12, "lscb": 6},
        "strengths": 10,
        "previous_inspection": [
            {"date": "2012-03", "judgement": GOOD},
            {"date": "2012-03", "judgement": GOOD},
            {"date": "2009-06", "judgement": GOOD},
            {"date": "2012-11", "judgement": GOOD},
        ],
    },
    # 2015, lscb_review: stand-alone review; 8 bulleted recommendations, all to the LSCB.
    "80567_surrey_2015-08-03.pdf": {
        "kind": "lscb_review",
        "local_authority": "Surrey",
        "inspection_dates": [["2015-06-15", "2015-06-17"]],
        "publication_date": "2015-08-03",
        "judgements": {"lscb": RI},
        "inspectors": [
            {"name": "Dominic Stevens", "role": "lead_inspector"},
            {"name": "Lynn Radley", "role": "deputy_lead_inspector"},
            {"name": "Simon Rushall", "role": "quality_assurance_manager"},
        ],
        "recommendations": {"local_authority": None, "lscb": 8},
    },
    # 2016, sif: two shadow inspectors; figures "At 22 February 2016".
    "80443_bury_2016-05-16.pdf": {
        "kind": "sif",
        "local_authority": "Bury",
        "inspection_dates": [["2016-02-22", "2016-03-17"]],
        "publication_date": "2016-05-16",
        "judgements": {
            "overall_effectiveness": RI,
            "help_and_protection": GOOD,
            "looked_after_and_permanence": RI,
            "adoption": GOOD,
            "care_leavers": RI,
            "leadership_management_governance": GOOD,
            "lscb": GOOD,
        },
        "recommendations": {"local_authority": 11, "lscb": 5},
    },
    # 2018, sif re-inspection: no LSCB; team list wraps inside a name ("Andy" / "Waugh HMI").
    "80549_sandwell_2018-01-29.pdf": {
        "kind": "sif",
        "local_authority": "Sandwell",
        "inspection_dates": [["2017-11-06", "2017-11-30"]],
        "publication_date": "2018-01-29",
        "judgements": {
            "overall_effectiveness": INAD,
            "help_and_protection": INAD,
            "looked_after_and_permanence": INAD,
            "adoption": INAD,
            "care_leavers": RI,
            "leadership_management_governance": INAD,
        },
        "inspectors": [
            {"name": "Karen Wareing", "role": "lead_inspector"},
            {"name": "Peter McEntee", "role": "deputy_lead_inspector"},
            {"name": "Pauline Higham", "role": "team_inspector"},
            {"name": "Shabana Abasi", "role": "team_inspector"},
            {"name": "Tracey Scott", "role": "team_inspector"},
            {"name": "Andy Waugh", "role": "team_inspector"},
            {"name": "Nick Gadfield", "role": "team_inspector"},
            {"name": "Patrick Thomson", "role": "senior_data_analyst"},
            {"name": "Christopher Sands", "role": "quality_assurance_manager"},
        ],
        "recommendations": {"local_authority": 17, "lscb": None},
        # "The judgements for the local authority were: Overall effectiveness: Inadequate."
        "previous_inspection": [{"date": "2015-06", "judgement": INAD}],
    },
}

# The wordings of the "Previous Ofsted inspections" sub-section, one report each, read by hand.
PREVIOUS_STATED: dict[str, list[dict[str, str]]] = {
    # "... was in January 2013. The local authority was inadequate." (no "judged")
    "80418_norfolk_2015-10-20.pdf": [
        {"date": "2013-01", "judgement": INAD},
        {"date": "2013-07", "judgement": INAD},
    ],
    # "... was in June 2013. Ofsted judged that services were inadequate."
    "80545_kingston-upon-thames_2015-08-03.pdf": [
        {"date": "2013-06", "judgement": INAD},
        {"date": "2012-05", "judgement": "adequate"},
    ],
    # "... was published in January 2015. The judgements for the local authority were:
    # • Overall effectiveness: inadequate • Children who need help ..." (a bulleted list)
    "80555_somerset_2018-01-29.pdf": [{"date": "2015-01", "judgement": INAD}],
}


@pytest.mark.parametrize("name", sorted(PREVIOUS_STATED))
def test_previous_inspection_wordings(
    name: str, reports_2013_2018: dict[str, dict[str, Any]]
) -> None:
    assert reports_2013_2018[name]["previous_inspection"] == PREVIOUS_STATED[name]


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_hand_checked_values(name: str, reports_2013_2018: dict[str, dict[str, Any]]) -> None:
    result = compare([{"doc": name, **HAND_CHECKED[name]}], [reports_2013_2018[name]])
    for difference in result.differences:
        print(difference)
    assert not result.differences
