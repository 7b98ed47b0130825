"""Unit tests of the 2013-2018 helpers on small snippets shaped like the reports' text."""

from __future__ import annotations

import re

from ofsted_kg.clean import clean_document, clean_page
from ofsted_kg.extract.sections import grouped_numbered_list, numbered_paragraphs
from ofsted_kg.extract.sif import lscb_section_start, sif_judgements, sif_recommendations
from ofsted_kg.extract.statistics import area_statistics
from ofsted_kg.extract.team import inspection_team
from ofsted_kg.sources import MARKDOWN, TEXT, Document

PRIORITY = re.compile(r"Priority and immediate action|Areas for improvement", re.I)
STOP = re.compile(r"strengths|summary|information about", re.I)


def cleaned(text: str, fmt: str = TEXT):
    return clean_document(Document("x.txt", "x.txt", "", fmt, (text,)))


def test_numbered_paragraph_survives_blank_line_and_stops_at_heading() -> None:
    text = (
        "1. Ensure that the team is\n\nadequately resourced.\n"
        "2. Review arrangements.\n Summary for children and young people\n- bullet\n"
    )
    found = numbered_paragraphs(text, 0, len(text))
    assert [p.number for p in found] == [1, 2]
    assert " ".join(text[found[0].start : found[0].end].split()) == (
        "Ensure that the team is adequately resourced."
    )


def test_grouped_list_themes_priorities_and_stop() -> None:
    text = (
        "Priority and immediate action\n\nPartnership\n\n4. Ensure partners act.\n"
        "Quality of Practice\n5. Provide placements.\n\nAreas for improvement\n\n"
        "Quality of Practice\n6. Ensure capacity.\n\nThe local authority's strengths\n"
        "7. Social workers work hard.\n"
    )
    items = grouped_numbered_list(text, 0, len(text), PRIORITY, STOP)
    assert [(i.number, i.priority, i.theme) for i in items] == [
        (4, "Priority and immediate action", "Partnership"),
        (5, "Priority and immediate action", "Quality of Practice"),
        (6, "Areas for improvement", "Quality of Practice"),
    ]


def test_wrapped_sentence_is_not_a_heading() -> None:
    text = (
        "16. Early help services support large numbers of families.\n"
        "Purposeful work with vulnerable families leads to improvements for most\n"
        "children, such as better attendance.\n17. Social workers challenge parents.\n"
    )
    items = grouped_numbered_list(text, 0, len(text), PRIORITY, STOP)
    assert [i.number for i in items] == [16, 17]


def test_recommendation_findings_and_lscb_target() -> None:
    text = cleaned(
        "Recommendations\n1. Ensure that contacts are checked.\n\n Summary for children\n"
        "2. Findings are not recommendations. (Recommendation)\n"
        " The Local Safeguarding Children Board (LSCB)\n"
        "The Local Safeguarding Children Board is inadequate\n\nRecommendations\n"
        "99. Ensure that a dataset is developed.\n100. Develop reporting.\n"
        "Inspection findings - the Local Safeguarding Children Board\n"
        "101. The LSCB is inadequate. (Recommendation)\n"
    )
    recs = sif_recommendations(text, "sif")
    assert [(r.target, r.number) for r in recs] == [
        ("local_authority", 1),
        ("lscb", 99),
        ("lscb", 100),
    ]
    assert {j.area: j.grade for j in sif_judgements(text, "sif")} == {"lscb": "inadequate"}


def test_lscb_heading_on_title_page_is_not_the_section() -> None:
    text = cleaned(
        "The effectiveness of the Local Safeguarding Children Board (LSCB)\n"
        "requires improvement\n\nSection 2: The effectiveness of the Local Safeguarding\n"
        "Children Board\n"
    )
    assert text.folded[lscb_section_start(text, "sif") :].startswith("Section 2")


def test_title_page_judgements_wrapped_grades() -> None:
    text = cleaned(
        "Children's services in North Somerset require improvement to\nbe good\n\n"
        "1. Children who need help and protection\nRequires improvement to\nbe good\n"
        "2.1 Adoption performance Good\n"
        "The graded judgement about the experience and progress of care leavers\n"
        "is that it is outstanding\n"
    )
    assert {j.area: j.grade for j in sif_judgements(text, "sif")} == {
        "overall_effectiveness": "requires_improvement",
        "help_and_protection": "requires_improvement",
        "adoption": "good",
        "care_leavers": "outstanding",
    }


def test_statistics_take_the_first_figure_and_its_date() -> None:
    text = cleaned(
        "Children living in this area\n"
        " Approximately 42,6163 children and young people under the age of 18 years live\n"
        "in North Somerset. This is 20.3% of the total population in the area.\n"
        " Approximately 12%4 of the local authority's children were living in poverty as at\n"
        "31 August 2014.\n The proportion of children entitled to free school meals:\n"
        "\uf02d in primary schools is 9% (the national average is 14%)\n"
        "\uf02d in secondary schools is 8% (the national average is 13%).\n"
        "Child protection in this area\n"
        " At 22nd February 2016, 150 children and young people were the subject of a child\n"
        "protection plan. This is an increase from 128 at 31 March 2015.\n"
        " At 22nd February 2016, one child was being looked after by the local authority (a\n"
        "rate of 1 per 10,000 children).\nRecommendations\n"
    )
    stats = {s.measure: (s.value, s.as_of) for s in area_statistics(text) or []}
    assert stats == {
        "children_under_18": (42616, None),
        "children_under_18_share_of_population": (20.3, None),
        "children_in_poverty": (12, "2014-08-31"),
        "fsm_primary": (9, None),
        "fsm_secondary": (8, None),
        "children_subject_of_cp_plan": (150, "2016-02-22"),
        "children_looked_after": (1, "2016-02-22"),
        "cla_rate": (1, "2016-02-22"),
    }


def test_no_information_section_means_no_statistics() -> None:
    assert area_statistics(cleaned("Executive summary\nNothing here.\n")) is None


def test_inspection_team_titles_wraps_and_notes() -> None:
    text = cleaned(
        "The inspection team\nLead inspector: Donna Marriott, HMI\n"
        "Deputy lead inspector Susan Myers HMI\n"
        "Team inspectors: Joy Howick, HMI, Pauline Higham, HMI, Shirley\n"
        "Bailey, Deane Jennings (Associate Inspector)\nShadow inspectors: Steve Lowe\n"
        "Quality assurance manager: Nicholas McMullen, Senior HMI\n"
        "Any complaints about the inspection should be made following the procedures.\n"
    )
    assert [(p.name, p.role) for p in inspection_team(text)] == [
        ("Donna Marriott", "lead_inspector"),
        ("Susan Myers", "deputy_lead_inspector"),
        ("Joy Howick", "team_inspector"),
        ("Pauline Higham", "team_inspector"),
        ("Shirley Bailey", "team_inspector"),
        ("Deane Jennings", "team_inspector"),
        ("Steve Lowe", "shadow_inspector"),
        ("Nicholas McMullen", "quality_assurance_manager"),
    ]


def test_markdown_table_row_keeps_area_and_grade_on_one_line() -> None:
    page = clean_page(
        "|  |  |\n|--|----|\n| <p><b>Leadership, management and governance</b></p>  | "
        "<p><b>Good</b></p> |\n| <p><b>Summary</b></p> <p>First.</p> <p>Second.</p> |\n",
        MARKDOWN,
    )
    lines = [ln for ln in page.split("\n") if ln.strip()]
    assert lines == ["Leadership, management and governance\tGood", "Summary", "First.", "Second."]
