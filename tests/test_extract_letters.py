"""Letter-format reports (focused visit seed 001, 2010 annual unannounced seed 004) and the
shared parsers for dates, names and people on realistic snippets."""

from __future__ import annotations

import json

import pytest
from conftest import GOLD_FILE, REPO, SEEDS_DIR
from hypothesis import given
from hypothesis import strategies as st

from ofsted_kg.clean import clean_document
from ofsted_kg.extract import extract
from ofsted_kg.extract.dates import MAX_YEAR, MIN_YEAR, find_dates, find_periods, parse_date
from ofsted_kg.extract.improvements import framework_reference
from ofsted_kg.extract.people import (
    copy_list,
    merge_people,
    named_visit_inspectors,
    official_role,
    split_names,
)
from ofsted_kg.gold import compare
from ofsted_kg.names import clean_person_name, plain_authority_name
from ofsted_kg.sources import document_from_bytes
from ofsted_kg.vocab import parse_grade

LETTER_SEEDS = ("001_", "004_")


def _gold(prefix: str) -> dict:
    records = json.loads(GOLD_FILE.read_text(encoding="utf-8"))
    return next(r for r in records if r["doc"].startswith(prefix))


@pytest.mark.parametrize("prefix", LETTER_SEEDS)
def test_letter_seed_matches_gold_on_every_field(prefix: str) -> None:
    gold = _gold(prefix)
    report = extract(SEEDS_DIR / gold["doc"]).to_json()
    result = compare([gold], [report])
    for difference in result.differences:
        print(difference)
    assert not result.differences
    assert sum(result.checked.values()) >= 15


# Letters in the layout of the real ones, for wordings the seeds lack (tests/data/letters/README.md),
# with the facts a careful reader finds in each, in FORMAT.md's keys.
VARIANTS = REPO / "tests" / "data" / "letters"
VARIANT_FACTS = {
    "monitoring_visit_2019.txt": {
        "kind": "monitoring_visit",
        "local_authority": "Sandwell",
        "inspection_dates": [["2019-06-04", "2019-06-05"]],
        "letter_date": "2019-07-10",
        "inspectors": [
            {"name": "Alice Ashby", "role": "inspector"},
            {"name": "Bella Brook", "role": "inspector"},
        ],
        "officials": [{"name": "Tom Tate", "role": "director_of_childrens_services"}],
        "previous_inspection": [{"date": "2018-01", "judgement": "inadequate"}],
        "recommendations": {"local_authority": None, "lscb": None},
    },
    "focused_visit_2019.txt": {
        "kind": "focused_visit",
        "local_authority": "Lincolnshire",
        "inspection_dates": [["2019-10-01", "2019-10-02"]],
        "inspectors": [
            {"name": "Carol Cole", "role": "inspector"},
            {"name": "David Dunn", "role": "inspector"},
        ],
        "previous_inspection": [{"date": "2017-06", "judgement": "good"}],
        "recommendations": {"local_authority": 2, "lscb": None},
    },
    "annual_unannounced_2011.txt": {
        "kind": "annual_unannounced",
        "local_authority": "Bristol",
        "inspection_dates": [["2011-02-08", "2011-02-09"]],
        "letter_date": "2011-03-03",
        "inspectors": [{"name": "Fiona Frost", "role": "inspector"}],
        "officials": [
            {"name": "Ed Eames", "role": "director_of_childrens_services"},
            {"name": "Gina Gale", "role": "lead_member"},
        ],
        # One area for priority action and two areas for development: three points.
        "recommendations": {"local_authority": 3, "lscb": None},
        "strengths": 2,
        "satisfactory_practice": 1,
        "areas_for_development": 2,
        "previous_inspection": None,
    },
}


@pytest.mark.parametrize("name", sorted(VARIANT_FACTS))
def test_letter_variants(name: str) -> None:
    report = extract(VARIANTS / name).to_json()
    differences = {
        key: (expected, report[key])
        for key, expected in VARIANT_FACTS[name].items()
        if report[key] != expected
    }
    assert not differences, differences


def test_lead_inspector_named_in_a_letter_keeps_the_role() -> None:
    text = _text(
        "Dear Sam\n\nMonitoring visit to Anytown children's services\n\nThe inspectors were Ann "
        "Ash, HMI, and Ben Birch, HMI. The lead inspector was Ann Ash, HMI.\n"
    )
    people = merge_people(named_visit_inspectors(text))  # as fill_letter merges them
    assert [(p.name, p.role) for p in people] == [
        ("Ann Ash", "lead_inspector"),
        ("Ben Birch", "inspector"),
    ]


def test_every_letter_fact_has_evidence() -> None:
    report = extract(SEEDS_DIR / _gold("004_")["doc"]).to_json()
    facts = report["facts"]
    quotes = [
        facts["letter_date"]["evidence"]["quote"],
        facts["local_authority"]["evidence"]["quote"],
    ]
    quotes += [p["evidence"]["quote"] for p in facts["officials"] + facts["inspectors"]]
    assert all(quotes)
    assert facts["letter_date"]["evidence"]["quote"] == "10 June 2010"
    assert {p["name"]: p["organisation"] for p in facts["officials"]}["Andrew Spencer"] == (
        "Department for Education"
    )


def _text(body: str):
    return clean_document(document_from_bytes("snippet.txt", body.encode("utf-8")))


def test_copy_list_on_continuation_lines() -> None:
    text = _text(
        "Yours sincerely\n\nA Person\n\nCopy: Jane Doe, Chief Executive, Anytown Council\n"
        " John Roe, Chair of Anytown Safeguarding Children Partnership\n"
        " Cllr Ann Lee, Lead Member for Children's Services\n\nEnd\n"
    )
    people = [(p.name, p.role) for p in copy_list(text)]
    assert people == [
        ("Jane Doe", "chief_executive"),
        ("John Roe", "lscb_chair"),
        ("Ann Lee", "lead_member"),
    ]


@pytest.mark.parametrize(
    ("printed", "names"),
    [
        ("Anna Gravelle and Neil Penswick", ["Anna Gravelle", "Neil Penswick"]),
        (
            "Rebecca Quested, His Majesty's Inspector, and Matthew Reed,\nHis Majesty's Inspector",
            ["Rebecca Quested", "Matthew Reed"],
        ),
        ("Mandy Nightingale HMI", ["Mandy Nightingale"]),
        ("the inspectors, who were on site", []),
    ],
)
def test_split_names(printed: str, names: list[str]) -> None:
    assert [span.name for span in split_names(printed)] == names


@pytest.mark.parametrize(
    ("description", "role"),
    [
        ("Director of Children's Services", "director_of_childrens_services"),
        ("Chair of North Somerset Safeguarding Children Board", "lscb_chair"),
        ("Lead Member for Children's Services, North Somerset Council", "lead_member"),
        ("Department for Education", "other"),
    ],
)
def test_official_role(description: str, role: str) -> None:
    assert official_role(description) == role


@pytest.mark.parametrize(
    ("printed", "plain"),
    [
        ("Bournemouth, Christchurch and Poole", "Bournemouth, Christchurch and Poole"),
        ("Brighton and Hove City Council", "Brighton and Hove"),
        ("Doncaster Metropolitan Borough Council", "Doncaster"),
        ("City of London", "City of London"),
        ("City of York Council", "York"),
        ("Somerset Council", "Somerset"),
    ],
)
def test_plain_authority_name(printed: str, plain: str) -> None:
    assert plain_authority_name(printed) == plain


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Ms Sheila Smith", "Sheila Smith"),
        ("Cllr Jeremy Blatchford", "Jeremy Blatchford"),
        ("Karen McKeown, Her Majesty's Inspector", "Karen McKeown"),
        ("Regulatory Inspection Manager Rachel Holden", "Rachel Holden"),  # Gateshead 2016
        ("Senior HMI Jane Smith", "Jane Smith"),
    ],
)
def test_clean_person_name(printed: str, name: str) -> None:
    assert clean_person_name(printed) == name


@pytest.mark.parametrize(
    ("printed", "periods"),
    [
        ("on 7 and 8 December 2021.", [("2021-12-07", "2021-12-08")]),
        (
            "8 July 2019 to 12 July 2019 and 7 August 2019 to\n8 August 2019",
            [("2019-07-08", "2019-07-12"), ("2019-08-07", "2019-08-08")],
        ),
        ("19 November-30 November 2018", [("2018-11-19", "2018-11-30")]),
        ("27 April to 1 May 2026", [("2026-04-27", "2026-05-01")]),
        ("section 138 of the Education and Inspections Act 2006", []),
    ],
)
def test_find_periods(printed: str, periods: list[tuple[str, str]]) -> None:
    assert [(p.first, p.last) for p in find_periods(printed)] == periods


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("The quality of plans. (outcome three, national framework)", "outcome_3"),
        ("Oversight [ Outcome 4, national framework].", "outcome_4"),
        ("Views (National Framework, Outcome 1)", "outcome_1"),
        (
            "Staff (enabler: the workforce is equipped and effective, national framework)",
            "enabler_3",
        ),
        ("Life-story work (principle 2,\nnational framework)", "principle_2"),
        ("Personal education plans (PEPs)", None),
    ],
)
def test_framework_reference(printed: str, key: str | None) -> None:
    assert framework_reference(printed) == key


@given(st.text(max_size=300))
def test_parsers_never_crash_and_dates_are_in_range(sample: str) -> None:
    for found in find_dates(sample):
        assert MIN_YEAR <= int(found.iso[:4]) <= MAX_YEAR
    for period in find_periods(sample):
        assert period.first <= period.last
        assert int(period.first[:4]) >= MIN_YEAR and int(period.last[:4]) <= MAX_YEAR
    parse_date(sample)
    parse_grade(sample)
    clean_person_name(sample)
    plain_authority_name(sample)
    split_names(sample)
    framework_reference(sample)


@given(
    st.integers(min_value=1, max_value=31),
    st.sampled_from(["January", "February", "June", "September", "Sept", "December"]),
    st.integers(min_value=1990, max_value=2045),
)
def test_printed_dates_parse_only_when_real(day: int, month: str, year: int) -> None:
    iso = parse_date(f"on {day} {month} {year}.")
    if iso is not None:
        assert MIN_YEAR <= int(iso[:4]) <= MAX_YEAR and int(iso[8:]) == day
    elif MIN_YEAR <= year <= MAX_YEAR:
        assert day > 28  # only an impossible day (30 February) is refused
