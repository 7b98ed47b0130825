"""The project's controlled vocabularies, in one place.

Keys are the values FORMAT.md uses; labels are what people read. `ontology/ofsted.ttl` holds the
same terms as SKOS concepts (`vocab.ttl` is checked against this module by a test), so a term is
added here and there together.
"""

from __future__ import annotations

import re

# Report kinds (FORMAT.md `kind`).
REPORT_KINDS: dict[str, str] = {
    "sif": "Single inspection framework inspection (2013-2018)",
    "ilacs": "Inspection of local authority children's services (2018 onwards)",
    "focused_visit": "Focused visit",
    "monitoring_visit": "Monitoring visit",
    "annual_unannounced": "Unannounced inspection of contact, referral and assessment (2009-2012)",
    "lac_2013": "Inspection of looked after children services (2013)",
    "lscb_review": "Review of the Local Safeguarding Children Board",
    "invalid": "Not an inspection report",
}

# Grades, best first. `adequate` belongs to the pre-2013 four-point scale.
GRADES: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "adequate": "Adequate",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
}
# Order used by the SKOS scheme and by charts: higher is better.
GRADE_RANK: dict[str, int] = {
    "outstanding": 4,
    "good": 3,
    "adequate": 2,
    "requires_improvement": 2,
    "inadequate": 1,
}

# Judgement areas (FORMAT.md `judgements` keys).
AREAS: dict[str, str] = {
    "overall_effectiveness": "Overall effectiveness",
    "impact_of_leaders": "The impact of leaders on social work practice with children and families",
    "help_and_protection": "The experiences and progress of children who need help and protection",
    "children_in_care": "The experiences and progress of children in care",
    "care_leavers": "The experiences and progress of care leavers",
    "children_in_care_and_care_leavers": (
        "The experiences and progress of children in care and care leavers"
    ),
    "looked_after_and_permanence": "Children looked after and achieving permanence",
    "adoption": "Adoption performance",
    "leadership_management_governance": "Leadership, management and governance",
    "lscb": "Effectiveness of the Local Safeguarding Children Board",
    "capacity_to_improve": "Capacity to improve",
}

# Areas each graded framework is expected to judge (used by SHACL-SPARQL and the summary).
FRAMEWORK_AREAS: dict[str, tuple[str, ...]] = {
    "sif": (
        "overall_effectiveness",
        "help_and_protection",
        "looked_after_and_permanence",
        "adoption",
        "care_leavers",
        "leadership_management_governance",
    ),
    "ilacs": ("impact_of_leaders", "help_and_protection"),
}

INSPECTOR_ROLES: dict[str, str] = {
    "lead_inspector": "Lead inspector",
    "deputy_lead_inspector": "Deputy lead inspector",
    "team_inspector": "Team inspector",
    "shadow_inspector": "Shadow inspector",
    "supernumerary_inspector": "Supernumerary inspector",
    "senior_data_analyst": "Senior data analyst",
    "shadow_senior_data_analyst": "Shadow senior data analyst",
    "senior_analytical_officer": "Senior analytical officer",
    "quality_assurance_manager": "Quality assurance manager",
    "inspector": "Inspector",
}

OFFICIAL_ROLES: dict[str, str] = {
    "director_of_childrens_services": "Director of children's services",
    "chief_executive": "Chief executive",
    "lscb_chair": "Chair of the Local Safeguarding Children Board",
    "lead_member": "Lead member for children's services",
    "other": "Other named official",
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

_GRADE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern, re.I))
    for key, pattern in (
        ("requires_improvement", r"requires?\s+improvement(\s+to\s+be\s+good)?"),
        ("outstanding", r"\boutstanding\b"),
        ("inadequate", r"\binadequate\b"),
        ("adequate", r"\badequate\b"),
        ("good", r"\bgood\b"),
    )
)


def parse_grade(text: str) -> str | None:
    """The grade key that `text` states, e.g. 'Requires improvement to be good' -> requires_improvement.

    Returns the first grade mentioned, so 'good' inside 'requires improvement to be good' never
    wins over the longer phrase.
    """
    best: tuple[int, str] | None = None
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
