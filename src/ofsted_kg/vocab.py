"""The project's controlled vocabularies, in one place.

Keys are the values FORMAT.md uses; labels are what people read. The keys of report kinds,
grades, judgement areas and roles are typed (`StrEnum`), so a misspelt key fails where it is
written (`Grade.GOOD`, `Area("help_and_protection")`), not later in SHACL; a member is its key
as a `str`, so records and their JSON read as before. `ontology/vocab.ttl` holds the same terms
as SKOS concepts, generated from this module and the report families (families.py; a test checks
the file), so a term is added here and the file regenerated.
"""

from __future__ import annotations

import re
from enum import StrEnum


class ReportKind(StrEnum):
    """The report kinds of this package's families (FORMAT.md `kind`); each kind's label, title
    phrases, extractor and grading are its family's (families.py)."""

    SIF = "sif"
    ILACS = "ilacs"
    FOCUSED_VISIT = "focused_visit"
    MONITORING_VISIT = "monitoring_visit"
    ANNUAL_UNANNOUNCED = "annual_unannounced"
    LAC_2013 = "lac_2013"
    LSCB_REVIEW = "lscb_review"


class PipelineStatus(StrEnum):
    """What the pipeline says of a file that is not a report of any kind (FORMAT.md writes it in
    `kind`); a build status of the build vocabulary (ontology/build.ttl), not a report kind."""

    INVALID = "invalid"


class Grade(StrEnum):
    OUTSTANDING = "outstanding"
    GOOD = "good"
    ADEQUATE = "adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"


class Area(StrEnum):
    OVERALL_EFFECTIVENESS = "overall_effectiveness"
    IMPACT_OF_LEADERS = "impact_of_leaders"
    HELP_AND_PROTECTION = "help_and_protection"
    CHILDREN_IN_CARE = "children_in_care"
    CARE_LEAVERS = "care_leavers"
    CHILDREN_IN_CARE_AND_CARE_LEAVERS = "children_in_care_and_care_leavers"
    LOOKED_AFTER_AND_PERMANENCE = "looked_after_and_permanence"
    ADOPTION = "adoption"
    LEADERSHIP_MANAGEMENT_GOVERNANCE = "leadership_management_governance"
    LSCB = "lscb"
    CAPACITY_TO_IMPROVE = "capacity_to_improve"


class InspectorRole(StrEnum):
    LEAD_INSPECTOR = "lead_inspector"
    DEPUTY_LEAD_INSPECTOR = "deputy_lead_inspector"
    TEAM_INSPECTOR = "team_inspector"
    SHADOW_INSPECTOR = "shadow_inspector"
    SUPERNUMERARY_INSPECTOR = "supernumerary_inspector"
    SENIOR_DATA_ANALYST = "senior_data_analyst"
    SHADOW_SENIOR_DATA_ANALYST = "shadow_senior_data_analyst"
    SENIOR_ANALYTICAL_OFFICER = "senior_analytical_officer"
    QUALITY_ASSURANCE_MANAGER = "quality_assurance_manager"
    INSPECTOR = "inspector"


class OfficialRole(StrEnum):
    DIRECTOR_OF_CHILDRENS_SERVICES = "director_of_childrens_services"
    CHIEF_EXECUTIVE = "chief_executive"
    LSCB_CHAIR = "lscb_chair"
    LEAD_MEMBER = "lead_member"
    OTHER = "other"


# Grades, best first. `adequate` belongs to the pre-2013 four-point scale.
GRADES: dict[Grade, str] = {
    Grade.OUTSTANDING: "Outstanding",
    Grade.GOOD: "Good",
    Grade.ADEQUATE: "Adequate",
    Grade.REQUIRES_IMPROVEMENT: "Requires improvement to be good",
    Grade.INADEQUATE: "Inadequate",
}
# Order used by the SKOS scheme and by charts: higher is better.
GRADE_RANK: dict[Grade, int] = {
    Grade.OUTSTANDING: 4,
    Grade.GOOD: 3,
    Grade.ADEQUATE: 2,
    Grade.REQUIRES_IMPROVEMENT: 2,
    Grade.INADEQUATE: 1,
}

# Judgement areas (FORMAT.md `judgements` keys).
AREAS: dict[Area, str] = {
    Area.OVERALL_EFFECTIVENESS: "Overall effectiveness",
    Area.IMPACT_OF_LEADERS: "The impact of leaders on social work practice with children and families",
    Area.HELP_AND_PROTECTION: "The experiences and progress of children who need help and protection",
    Area.CHILDREN_IN_CARE: "The experiences and progress of children in care",
    Area.CARE_LEAVERS: "The experiences and progress of care leavers",
    Area.CHILDREN_IN_CARE_AND_CARE_LEAVERS: (
        "The experiences and progress of children in care and care leavers"
    ),
    Area.LOOKED_AFTER_AND_PERMANENCE: "Children looked after and achieving permanence",
    Area.ADOPTION: "Adoption performance",
    Area.LEADERSHIP_MANAGEMENT_GOVERNANCE: "Leadership, management and governance",
    Area.LSCB: "Effectiveness of the Local Safeguarding Children Board",
    Area.CAPACITY_TO_IMPROVE: "Capacity to improve",
}

INSPECTOR_ROLES: dict[InspectorRole, str] = {
    InspectorRole.LEAD_INSPECTOR: "Lead inspector",
    InspectorRole.DEPUTY_LEAD_INSPECTOR: "Deputy lead inspector",
    InspectorRole.TEAM_INSPECTOR: "Team inspector",
    InspectorRole.SHADOW_INSPECTOR: "Shadow inspector",
    InspectorRole.SUPERNUMERARY_INSPECTOR: "Supernumerary inspector",
    InspectorRole.SENIOR_DATA_ANALYST: "Senior data analyst",
    InspectorRole.SHADOW_SENIOR_DATA_ANALYST: "Shadow senior data analyst",
    InspectorRole.SENIOR_ANALYTICAL_OFFICER: "Senior analytical officer",
    InspectorRole.QUALITY_ASSURANCE_MANAGER: "Quality assurance manager",
    InspectorRole.INSPECTOR: "Inspector",
}

OFFICIAL_ROLES: dict[OfficialRole, str] = {
    OfficialRole.DIRECTOR_OF_CHILDRENS_SERVICES: "Director of children's services",
    OfficialRole.CHIEF_EXECUTIVE: "Chief executive",
    OfficialRole.LSCB_CHAIR: "Chair of the Local Safeguarding Children Board",
    OfficialRole.LEAD_MEMBER: "Lead member for children's services",
    OfficialRole.OTHER: "Other named official",
}

RECOMMENDATION_TARGETS: dict[str, str] = {
    "local_authority": "The local authority",
    "lscb": "The Local Safeguarding Children Board",
}

# Children's social care National Framework (2023): outcomes and enablers a recommendation may cite.
NATIONAL_FRAMEWORK: dict[str, str] = {
    "outcome_1": "Outcome 1: children, young people and families stay together and get the help they need",
    "outcome_2": "Outcome 2: children and young people are supported by their family network",
    "outcome_3": "Outcome 3: children and young people are safe in and outside of their homes",
    "outcome_4": ("Outcome 4: children in care and care leavers have stable, loving homes"),
    "enabler_1": "Enabler 1: multi-agency working is prioritised and effective",
    "enabler_2": "Enabler 2: leaders drive conditions for effective practice",
    "enabler_3": "Enabler 3: the workforce is equipped and effective",
    # Principles, cited by some 2025+ reports ("principle 2, national framework").
    "principle_1": "Principle 1: children's welfare is paramount",
    "principle_2": "Principle 2: children's wishes and feelings are sought, heard and responded to",
    "principle_3": "Principle 3: children's social care works in partnership with whole families",
    "principle_4": (
        "Principle 4: children are raised by their families, family networks "
        "or in family environments wherever possible"
    ),
    "principle_5": (
        "Principle 5: local authorities work with other agencies to effectively identify "
        "and meet the needs of children, young people and families"
    ),
    "principle_6": "Principle 6: children's social care practice is informed by the best available evidence",
}

STATISTIC_MEASURES: dict[str, str] = {
    "children_under_18": "Children and young people under 18",
    "children_under_18_share_of_population": "Children under 18 as a share of the population",
    "children_in_poverty": "Children living in poverty",
    "fsm_primary": "Primary pupils eligible for free school meals",
    "fsm_secondary": "Secondary pupils eligible for free school meals",
    "minority_ethnic_children": "Children from minority ethnic groups",
    "eal_primary": "Primary pupils with English as an additional language",
    "eal_secondary": "Secondary pupils with English as an additional language",
    "children_in_need": "Children in need",
    "children_subject_of_cp_plan": "Children subject of a child protection plan",
    "children_looked_after": "Children looked after",
    "cla_rate": "Children looked after per 10,000 children",
}
STATISTIC_UNITS: dict[str, str] = {
    "count": "count",
    "percent": "percent",
    "per_10000": "per 10,000 children",
}

# A grade as reports print it, for patterns that read a grade in a sentence (parse_grade then
# turns the phrase into its key).
GRADE_PHRASE = r"requires?\s+improvement(?:\s+to\s+be\s+good)?|inadequate|good|outstanding|adequate"

_GRADE_PATTERNS: tuple[tuple[Grade, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern, re.I))
    for key, pattern in (
        (Grade.REQUIRES_IMPROVEMENT, r"requires?\s+improvement(\s+to\s+be\s+good)?"),
        (Grade.OUTSTANDING, r"\boutstanding\b"),
        (Grade.INADEQUATE, r"\binadequate\b"),
        (Grade.ADEQUATE, r"\badequate\b"),
        (Grade.GOOD, r"\bgood\b"),
    )
)


def parse_grade(text: str) -> Grade | None:
    """The grade key that `text` states, e.g. 'Requires improvement to be good' -> requires_improvement.

    Returns the first grade mentioned, so 'good' inside 'requires improvement to be good' never
    wins over the longer phrase.
    """
    best: tuple[int, Grade] | None = None
    for key, pattern in _GRADE_PATTERNS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), key)
    return best[1] if best else None


# The lists of findings some reports print under their own headings (Report fields of these names).
FINDING_LISTS: dict[str, str] = {
    "strengths": "Strengths",
    "satisfactory_practice": "Satisfactory practice",
    "areas_for_development": "Areas for development",
}

# Rules by which the linking step merges person mentions (recorded on each person it merges).
IDENTITY_RULES: dict[str, str] = {
    "same_name": "Inspector mentions with the same normalised name (titles and role words "
    "removed; case, accents, spacing, hyphens and middle initials ignored) name one person: "
    "Ofsted's inspectors are one staff. Two names printed in one team are never one person.",
    "variant_with_evidence": "A variant of a name (a diminutive, Matt/Matthew; a one-letter "
    "misprint, Milnns/Millns) names the same person only with evidence: the same role family, "
    "and shared colleagues, shared authorities or overlapping years; the evidence is recorded.",
    "reviewed_decision": "A person reviewed the two names and decided they are one person; the "
    "reason is recorded (the decisions file read by the build).",
    "same_name_same_authority": "Official mentions with the same normalised name name one "
    "person only within one authority.",
}

# Legislation reports cite as their legal basis (records.LegalBasis), by canonical title: the
# path of its identifier on legislation.gov.uk (http://www.legislation.gov.uk/id/<path>), where
# known. Titles not listed keep their printed form and get an identifier of ours (uris.py).
LEGISLATION: dict[str, str] = {
    "Education and Inspections Act 2006": "ukpga/2006/40",
    "Children Act 2004": "ukpga/2004/31",
    "Children Act 1989": "ukpga/1989/41",
}
# Misprints of those titles found in reports.
_INSTRUMENT_MISPRINTS: dict[str, str] = {
    "education and inspection act 2006": "Education and Inspections Act 2006",
}


def canonical_instrument(printed: str) -> str:
    """The canonical title of an Act or Regulations as printed: whitespace folded, a leading
    'the' dropped, known titles in their own spelling and case."""
    title = re.sub(r"^the\s+", "", " ".join(printed.split()), flags=re.I)
    folded = title.lower()
    for known in LEGISLATION:
        if known.lower() == folded:
            return known
    return _INSTRUMENT_MISPRINTS.get(folded, title)


# Ofsted's reports, and so every fact read from them, are Crown copyright, published under the
# Open Government Licence.
LICENCE = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
LICENCE_NAME = "Open Government Licence v3.0"
RIGHTS = (
    "Contains public sector information (Ofsted's inspection reports, Crown copyright) "
    "licensed under the Open Government Licence v3.0."
)
