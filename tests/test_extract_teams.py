"""Inspection teams in every layout the SIF reports and letters print, and names that are names:
on real PDFs of ../shared/corpus where one has the layout, else on files in the real layout
(tests/data/teams), and over the whole corpus (no title, role word or second person in a name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ofsted_kg.clean import clean_document
from ofsted_kg.extract.people import lead_inspectors, split_names
from ofsted_kg.extract.team import inspection_team
from ofsted_kg.names import (
    ROLE_WORDS,
    TITLE,
    clean_person_name,
    comparable_name,
    given_names,
    looks_like_person_name,
)
from ofsted_kg.sources import Document, read_document

TEAMS = Path(__file__).parent / "data" / "teams"
LEAD, DEPUTY, TEAM = "lead_inspector", "deputy_lead_inspector", "team_inspector"
ANALYST, QAM = "senior_data_analyst", "quality_assurance_manager"

# Files in the roster layout of the 2013-2018 reports (as PDF text), for layouts no report of the
# corpus prints; each is read through the real reader and clean-up. (name, role, label printed)
LAYOUTS: dict[str, list[tuple[str, str, str]]] = {
    # Each label alone on its line, one name per line under it.
    "one_name_per_line.txt": [
        ("Donna Marriott", LEAD, "Lead inspector"),
        ("Louise Hocking", DEPUTY, "Deputy lead inspector"),
        ("Joy Howick", TEAM, "Team inspectors"),
        ("Pauline Higham", TEAM, "Team inspectors"),
        ("Nick Stacey", TEAM, "Team inspectors"),
        ("Tania Corbin", ANALYST, "Senior data analyst"),
        ("Nicholas McMullen", QAM, "Quality assurance manager"),
    ],
    # Names separated by semicolons, the list wrapping after one.
    "semicolons.txt": [
        ("Sheena Doyle", LEAD, "Lead inspector"),
        ("Nigel Parkes", TEAM, "Team inspectors"),
        ("Janet Fraser", TEAM, "Team inspectors"),
        ("Judith Nelson", TEAM, "Team inspectors"),
        ("Debora Barazetti-Scott", TEAM, "Team inspectors"),
        ("Stella Butler", TEAM, "Team inspectors"),
        ("Nick Stacey", TEAM, "Team inspectors"),
        ("Clare Atkinson", ANALYST, "Senior data analyst"),
    ],
    # Names separated by spaces only; "Associate inspectors: A and B"; a three-word name.
    "without_commas.txt": [
        ("Sue Myers", LEAD, "Lead inspector"),
        ("Karen Wareing", TEAM, "Team inspectors"),
        ("Fiona Millns", TEAM, "Team inspectors"),
        ("Fiona Insley", TEAM, "Team inspectors"),
        ("Claire Brown", TEAM, "Team inspectors"),
        ("Dominic Porter Moore", TEAM, "Associate inspectors"),
        ("Xanthe Quilliam", TEAM, "Associate inspectors"),
        ("Judith Swindell", ANALYST, "Senior data analyst"),
    ],
    # A hyphen printed as U+FFFE; a name broken over two lines ("Maire" / "Atherton"); two people
    # glued by a full stop and by a missing comma.
    "wrapped_and_glued.txt": [
        ("Linda Steele", LEAD, "Lead inspector"),
        ("Paula Thomson-Jones", DEPUTY, "Deputy lead inspector"),
        ("Natalie Trentham", TEAM, "Team inspectors"),
        ("Louise Warren", TEAM, "Team inspectors"),
        ("Karen Wareing", TEAM, "Team inspectors"),
        ("Steve Stanley", TEAM, "Team inspectors"),
        ("Maire Atherton", TEAM, "Team inspectors"),
        ("Tony Theodoulou", TEAM, "Team inspectors"),
        ("Tracey Zimmerman", TEAM, "Team inspectors"),
        ("Judith Nelson", TEAM, "Team inspectors"),
        ("Robert Pyner", TEAM, "Team inspectors"),
        ("Tania Corbin", ANALYST, "Senior data analyst"),
    ],
    # Titles and grades before and after names (HMI Designate, SCRI, Designated, Contracted and
    # Seconded Inspector, AI, Senior, a job title over two lines) and the roles beyond the SIF's
    # usual six, each kept as printed.
    "titles_and_roles.txt": [
        ("Margaret Burke", LEAD, "Lead inspector on site"),
        ("Nick Veysey", TEAM, "Team inspectors"),
        ("Stella Elliot", TEAM, "Team inspectors"),
        ("Andy Waugh", TEAM, "Team inspectors"),
        ("Deane Jennings", TEAM, "Team inspectors"),
        ("Kath Townsley", TEAM, "Team inspectors"),
        ("Ty Yousaf", TEAM, "Team inspectors"),
        ("Rachel Holden", TEAM, "Team inspectors"),
        ("Nicola Bennett", "supernumerary_inspector", "Supernumerary inspector"),
        ("Donna Neill", "shadow_senior_data_analyst", "Shadow senior data analyst"),
        ("Hywel Benbow", "senior_analytical_officer", "Senior analytical officer"),
        ("Christopher Sands", QAM, "Quality assurance manager"),
    ],
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_roster_layouts(name: str) -> None:
    text = clean_document(read_document(TEAMS / name))
    team = [(p.name, p.role, p.role_as_printed) for p in inspection_team(text)]
    assert team == LAYOUTS[name]


# Real reports of the corpus, each with a layout the list above does not need to invent.
CORPUS_TEAMS: dict[str, dict[str, str]] = {
    # "Supernumerary inspectors: Nicola Bennett, Brenda McInerney"
    "80556_south-gloucestershire_2017-02-13.pdf": {
        "Nicola Bennett": "supernumerary_inspector",
        "Brenda McInerney": "supernumerary_inspector",
        "Cathy Blair": TEAM,
    },
    # "Lolly Rascagneres AI,\nTracey Zimmerman HMI, Andy Waugh HMI designate, Peter McEntee HMI"
    "80574_walsall_2017-09-04.pdf": {
        "Lolly Rascagneres": TEAM,
        "Tracey Zimmerman": TEAM,
        "Andy Waugh": TEAM,
        "Peter McEntee": TEAM,
    },
    # "Mark\nShackleton HMI and Michael McCracken additional inspector" and "Shadow inspectors:
    # Margaret Burke Designated HMI"
    "80582_wokingham_2016-01-05.pdf": {
        "Mark Shackleton": TEAM,
        "Michael McCracken": TEAM,
        "Margaret Burke": "shadow_inspector",
    },
    # "Nick Veysey SCRI"
    "80456_coventry_2017-06-13.pdf": {"Nick Veysey": TEAM, "Victor Reid": TEAM},
    # "Quality assurance manager: Nicholas McMullen Senior Her Majesty's Inspector."
    "80545_kingston-upon-thames_2015-08-03.pdf": {"Nicholas McMullen": QAM, "Tara Geere": TEAM},
    # "Additional inspector: Nick Veysey"; "Stella Elliot HMI (designate)"; "Kath Townsley (OI)"
    "80579_wigan_2017-03-31.pdf": {
        "Nick Veysey": TEAM,
        "Stella Elliot": TEAM,
        "Kath Townsley": TEAM,
    },
    # "Paul d'Inverno", a surname with an elided particle
    "80572_torbay_2016-01-05.pdf": {"Paul d'Inverno": TEAM, "Peter Green": TEAM},
    # "Debora Barazetti\uFFFEScott": a hyphen printed as U+FFFE
    "80568_swindon_2014-05-23.pdf": {"Debora Barazetti-Scott": TEAM, "Dominic Porter Moore": TEAM},
    # "Penny Fisher (HMIs)\nand Sara Goodinge and Nick Stacey (associate inspectors)"
    "80486_barking-and-dagenham_2014-07-07.pdf": {"Penny Fisher": TEAM, "Nick Stacey": TEAM},
    # "Shadow inspectors: Regulatory Inspection Manager Rachel Holden, Charles Searle\nHMI"
    "80469_gateshead_2016-03-11.pdf": {
        "Rachel Holden": "shadow_inspector",
        "Charles Searle": "shadow_inspector",
    },
}


@pytest.mark.parametrize("name", sorted(CORPUS_TEAMS))
def test_roster_layouts_in_the_corpus(name: str, corpus_reports: dict[str, dict[str, Any]]) -> None:
    team = {p["name"]: p["role"] for p in corpus_reports[name]["inspectors"]}
    assert CORPUS_TEAMS[name].items() <= team.items(), team


@pytest.mark.parametrize(
    ("printed", "names"),
    [
        ("Karen Wareing Fiona Millns Fiona Insley Claire Brown", 4),
        ("Jane Smith\nXanthe Brown\nDominic Porter Moore\nQuentin Blake", 4),
        ("Fiona J. Millns, Mary Anne de Souza Jane Smith", 3),
        ("Tony Theodoulou. Tracey Zimmerman", 2),
        ("the inspectors, who were on site", 0),
        ("Children Living In This Area", 0),
    ],
)
def test_split_names_counts_people(printed: str, names: int) -> None:
    found = [span.name for span in split_names(printed)]
    assert len(found) == names, found
    assert all(looks_like_person_name(name) for name in found)


def test_split_names_keeps_three_word_names_and_initials() -> None:
    printed = "Fiona J. Millns, Mary Anne de Souza Jane Smith"
    assert [span.name for span in split_names(printed)] == [
        "Fiona J. Millns",
        "Mary Anne de Souza",
        "Jane Smith",
    ]


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Nicholas McMullen Senior Her Majesty's Inspector.", "Nicholas McMullen"),
        ("Margaret Burke Designated HMI", "Margaret Burke"),
        ("Andy Waugh HMI designate", "Andy Waugh"),
        ("Nick Veysey SCRI", "Nick Veysey"),
        ("Deane Jennings (Contracted Inspector)", "Deane Jennings"),
        ("Jane Smith, Deputy Director Social Care Inspection", "Jane Smith"),
        ("Sarah Urding (SHMI)", "Sarah Urding"),
    ],
)
def test_titles_before_or_after_a_name_are_not_part_of_it(printed: str, name: str) -> None:
    assert clean_person_name(printed) == name


def test_comparable_name_ignores_what_printings_vary_in() -> None:
    assert comparable_name("Máire Atherton HMI") == comparable_name("Maire Atherton")
    assert comparable_name("Fiona J Millns") == comparable_name("Fiona Millns")
    assert comparable_name("Paula Thomson-Jones") == comparable_name("Paula Thomson Jones")
    assert comparable_name("Fiona Millns") != comparable_name("Fiona Milnns")


def _people(reports: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (doc, person["name"])
        for doc, report in reports.items()
        for key in ("inspectors", "officials")
        for person in report[key]
    ]


def test_no_name_in_the_corpus_holds_a_title_or_a_role_word(
    corpus_reports: dict[str, dict[str, Any]],
) -> None:
    people = _people(corpus_reports)
    assert len(people) > 700  # the corpus names 752 people
    bad = [
        (doc, name)
        for doc, name in people
        if TITLE.search(name)
        or any(word.casefold().strip(".,()") in ROLE_WORDS for word in name.split())
        or not looks_like_person_name(name)
    ]
    assert not bad


def test_no_name_in_the_corpus_is_two_people(corpus_reports: dict[str, dict[str, Any]]) -> None:
    people = _people(corpus_reports)
    known = {comparable_name(name) for _, name in people}
    glued = []
    for doc, name in people:
        words = comparable_name(name).split()
        # two names printed elsewhere in the corpus, one after the other
        halves = any(
            " ".join(words[:cut]) in known and " ".join(words[cut:]) in known
            for cut in range(2, len(words) - 1)
        )
        # or a given name inside, starting a second name ("Judith Nelson Robert Pyner")
        second_given = any(word in given_names() for word in words[2:-1])
        if len(words) > 3 or halves or second_given:
            glued.append((doc, name))
    assert not glued


def test_title_page_lead_inspector_on_site_keeps_its_label() -> None:
    page = (
        "Inspection of Anytown local authority children's services\n"
        "Inspection dates: 7 to 11 March 2022\n"
        "Lead inspector on site: Maire Atherton, Her Majesty's\nInspector\nJudgement Grade\n"
    )
    text = clean_document(Document("title.txt", "title.txt", "0", "text", (page,)))
    assert [(p.name, p.role, p.role_as_printed) for p in lead_inspectors(text)] == [
        ("Maire Atherton", LEAD, "Lead inspector on site")
    ]
