"""Kinds, recommendation lists, dates and previous inspections in the layouts issue 12 lists:
on real PDFs of ../shared/corpus where one has the layout, else on reports composed in the real
layout (tests/data/recommendations/README.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from conftest import PDF_DIR, REPO

from ofsted_kg.classify import classify
from ofsted_kg.clean import clean_document
from ofsted_kg.extract import extract
from ofsted_kg.extract.dates import find_periods
from ofsted_kg.sources import document_from_bytes, read_document

LAYOUTS = REPO / "tests" / "data" / "recommendations"


def _report(name: str) -> dict[str, Any]:
    return extract(LAYOUTS / name).to_json()


def _numbers(report: dict[str, Any], target: str) -> list[int | None]:
    return [i["number"] for i in report["recommendation_items"] if i["target"] == target]


def _texts(name: str) -> list[str]:
    return [r.text for r in extract(LAYOUTS / name).recommendations]


# --- the title decides the kind ---------------------------------------------------------------


def test_ilacs_report_mentioning_a_focused_visit_is_ilacs() -> None:
    """Peterborough 2024's summary speaks of 'a focused visit to the integrated front door'."""
    report = _report("ilacs_2024_focused_visit_in_summary.txt")
    assert report["kind"] == "ilacs"
    assert report["local_authority"] == "Peterborough"
    assert report["judgements"]["overall_effectiveness"] == "good"
    assert report["inspectors"] == [{"name": "Dana Dunmore", "role": "lead_inspector"}]


def test_title_printed_as_every_page_header_is_kept_on_the_first_page() -> None:
    """Bracknell Forest 2022 prints its title as the header of every page."""
    report = _report("ilacs_2022_title_as_running_header.txt")
    assert report["kind"] == "ilacs"
    assert report["local_authority"] == "Bracknell Forest"
    assert report["recommendations"] == {"local_authority": 2, "lscb": None}


def test_dates_line_and_judgement_table_are_never_refused() -> None:
    """With its title gone altogether, the report is still known by its dates and table."""
    raw = (LAYOUTS / "ilacs_2022_title_as_running_header.txt").read_text("utf-8")
    untitled = raw.replace("Inspection of Bracknell Forest Council children’s services\n", "")
    text = clean_document(document_from_bytes("untitled.txt", untitled.encode()))
    assert classify(text).kind == "ilacs"


def test_real_pdfs_keep_the_kind_of_their_title() -> None:
    kinds = Counter(
        classify(clean_document(read_document(PDF_DIR / name))).kind
        for name in (
            "80538_plymouth_2024-03-15.pdf",  # page 1 carries the running header above the title
            "80567_surrey_2015-08-03.pdf",
            "80418_norfolk_2013-08-16.pdf",
            "80555_somerset_2015-03-27.pdf",
        )
    )
    assert kinds == Counter({"ilacs": 1, "lscb_review": 1, "lac_2013": 1, "sif": 1})


# --- recommendations counted as printed -------------------------------------------------------


def test_numbers_without_a_space_sub_points_and_theme_headings() -> None:
    report = _report("sif_2015_groups_and_subpoints.txt")
    assert report["recommendations"] == {"local_authority": 6, "lscb": 4}
    assert _numbers(report, "local_authority") == [1, 2, 3, 4, 5, 6]  # "3.Ensure that ..."
    assert _numbers(report, "lscb") == [144, 145, 146, 147]  # "144.BSCB needs ..."
    themes = [i["theme"] for i in report["recommendation_items"] if i["target"] == "lscb"]
    assert themes == ["Governance"] * 2 + ["Learning and improvement"] * 2
    assert {i["priority"] for i in report["recommendation_items"]} == {"Areas for improvement"}
    texts = _texts("sif_2015_groups_and_subpoints.txt")
    assert "(ii) timescales for each action (iii) contingency" in texts[0]
    assert texts[3].endswith("the analysis of patterns of missing episodes to inform planning.")
    assert texts[4].endswith("− for young people aged 16 and 17.")  # over a page break
    assert not any("no areas" in t.lower() for t in texts)


def test_heading_printed_after_the_first_items() -> None:
    """'Recommendations' printed after items 1 and 2; 'Summary for children and young people'
    after its first bullets, which stay out of item 4."""
    report = _report("sif_2016_heading_after_first_items.txt")
    assert _numbers(report, "local_authority") == [1, 2, 3, 4]
    assert _numbers(report, "lscb") == [112, 113]
    assert _texts("sif_2016_heading_after_first_items.txt")[3] == (
        "Ensure that care leavers are supported into education, employment or training."
    )


def test_ilacs_heading_printed_after_the_first_bullets() -> None:
    report = _report("ilacs_2019_heading_after_first_bullets.txt")
    assert report["kind"] == "ilacs"
    assert [i["text_start"][:30] for i in report["recommendation_items"]] == [
        "The consistency of written pla",
        "The timeliness of return home ",
        "The quality of recording of ma",
    ]


def test_bulleted_groups_with_no_priority_action_and_theme_headings() -> None:
    report = _report("sif_2014_bullets_wrapped_dates.txt")
    assert report["recommendations"] == {"local_authority": 3, "lscb": 3}
    assert _texts("sif_2014_bullets_wrapped_dates.txt")[0].endswith(
        "− clear and measurable outcomes − contingency arrangements."
    )
    lscb = [i for i in report["recommendation_items"] if i["target"] == "lscb"]
    assert [i["theme"] for i in lscb] == [
        "Learning and improvement",
        "Performance management",
        "Performance management",
    ]
    assert {i["priority"] for i in lscb} == {"Areas for improvement"}


def test_timescale_group_heading_after_an_item_without_a_full_stop() -> None:
    """'... and the senior leadership team' runs to the margin, then 'Within three months:'."""
    report = _report("lac_2013_timescale_groups.txt")
    assert Counter(i["priority"] for i in report["recommendation_items"]) == {
        "Immediately": 2,
        "Within three months": 2,
        "Within six months": 2,
    }
    assert _texts("lac_2013_timescale_groups.txt")[1].endswith("and the senior leadership team")


def test_bullet_sub_points_and_a_page_break_inside_an_item() -> None:
    assert _texts("ilacs_2024_focused_visit_in_summary.txt") == [
        "The quality of plans for children in need, including: - clear and measurable outcomes"
        " - contingency planning when progress is not made.",
        "Management oversight of children’s records, so that: (i) the reasons for decisions are"
        " recorded (ii) actions are followed up (iii) supervision is reflective.",
        "The timeliness of initial health assessments for children in care, and the quality of"
        " their review health assessments.",
        "The response to children aged 16 and 17 who present as homeless.",
    ]


@pytest.mark.parametrize(
    ("name", "groups"),
    [
        (
            "80418_norfolk_2013-08-16.pdf",
            {"Immediately": 6, "Within three months": 4, "Within six months": 7},
        ),
        (
            "80522_medway_2013-08-23.pdf",
            {"Immediately": 4, "Within three months": 8, "Within six months": 3},
        ),
    ],
)
def test_every_timescale_group_is_read(name: str, groups: dict[str, int]) -> None:
    report = extract(PDF_DIR / name).to_json()
    assert Counter(i["priority"] for i in report["recommendation_items"]) == groups


# --- dates and previous inspections -----------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "periods"),
    [
        ("12/09/2016 to 06/10/2016", [("2016-09-12", "2016-10-06")]),
        ("1/06/2015 – 25/06/2015", [("2015-06-01", "2015-06-25")]),
        ("20 June 2017 − 13 July 2017", [("2017-06-20", "2017-07-13")]),
        ("31/01/2022", [("2022-01-31", "2022-01-31")]),
    ],
)
def test_one_period_each(printed: str, periods: list[tuple[str, str]]) -> None:
    assert [(p.first, p.last) for p in find_periods(printed)] == periods


def test_numeric_dates_line_is_one_period() -> None:
    assert _report("sif_2015_groups_and_subpoints.txt")["inspection_dates"] == [
        ["2015-06-01", "2015-06-25"]
    ]
    assert _report("sif_2016_heading_after_first_items.txt")["inspection_dates"] == [
        ["2016-09-12", "2016-10-06"]
    ]


def test_dates_with_a_minus_sign_on_a_real_pdf() -> None:
    """North Lincolnshire 2017 prints 'Inspection date: 20 June 2017 − 13 July 2017'."""
    report = extract(PDF_DIR / "80527_north-lincolnshire_2017-09-04.pdf").to_json()
    assert report["inspection_dates"] == [["2017-06-20", "2017-07-13"]]


def test_second_period_wrapped_onto_the_next_line() -> None:
    """'Inspection dates: 7 – 9 January 2014 and 28 – 30' / 'January 2014'."""
    assert _report("sif_2014_bullets_wrapped_dates.txt")["inspection_dates"] == [
        ["2014-01-07", "2014-01-09"],
        ["2014-01-28", "2014-01-30"],
    ]


def test_previous_inspection_named_by_its_kind() -> None:
    """'The SLAC inspection, in October 2010, judged safeguarding services to be adequate and
    services for looked after children to be good.'"""
    found = extract(LAYOUTS / "sif_2014_bullets_wrapped_dates.txt").previous_inspection
    assert [(p.date, p.judgement, p.area) for p in found or []] == [
        ("2010-10", "adequate", "safeguarding services"),
        ("2010-10", "good", "services for looked after children"),
    ]
