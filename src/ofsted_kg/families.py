"""Report families: everything the pipeline knows of one kind of report, in one registry entry.

A family states its kind (the key FORMAT.md writes), its label, the phrase its titles or subject
lines print (with how specific that phrase is), its extractor and that extractor's version, the
judgement areas it is expected to grade or that it grades none, and the organisations that
carry out its inspections. Classification, extraction, the RDF step, the vocabulary (the
report-kind scheme, `ofsted:graded`, `ofsted:frameworkArea`), the shapes (one generic rule for
every ungraded kind) and the pipeline version all read it from here, so a new generation is one
`ReportFamily` and its extractor module; `register` adds one from outside the package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from .clean import CleanText
from .records import Report
from .vocab import Area, PipelineStatus, ReportKind

# Fills a report's fields from the cleaned text of a document of the family.
Extractor = Callable[[CleanText, Report], None]

# How specific a family's title phrase is. Phrases of different families that begin at the same
# place in a title (both start "Inspection of ...") are decided by this: the more specific wins.
# The ILACS phrase, "Inspection of <anything> children's services", is broad: every other
# family's phrase is more specific than it.
BROAD = 0
SPECIFIC = 10


@dataclass(frozen=True)
class ReportFamily:
    kind: StrEnum  # a member of vocab.ReportKind (or, for a family from outside, of its own enum)
    label: str  # the kind's skos:prefLabel
    title: str  # regex of the phrase the family's titles or letters' subject lines print
    extractor: Extractor
    extractor_version: int  # raise it when the extractor's output changes (versions.py)
    precedence: int = SPECIFIC  # BROAD or SPECIFIC: which phrase wins at the same place
    graded: bool = True  # False: its reports carry no graded judgement (a shape refuses one)
    # The areas a graded framework is expected to judge (a should-shape warns of one missing).
    expected_areas: tuple[Area, ...] = ()
    # Labels of a judgement table only this family prints: a document with an inspection-dates
    # line and every one of them is of this kind even when its title names no kind.
    table_labels: tuple[str, ...] = ()
    # The organisations whose inspection it is (keys of uris.organisation): prov:wasAssociatedWith.
    inspectorates: tuple[str, ...] = ("ofsted",)
    title_pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    table_patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.kind, StrEnum):
            raise TypeError(f"report family kind {self.kind!r} is not a StrEnum member")
        if self.kind == PipelineStatus.INVALID:
            raise ValueError(f"{self.kind!r} is a pipeline status, not a report kind")
        if not self.graded and self.expected_areas:
            raise ValueError(f"ungraded report family {self.kind} cannot expect graded areas")
        for area in self.expected_areas:
            Area(area)  # a misspelt area fails here, where the family is written
        if self.precedence not in (BROAD, SPECIFIC):
            raise ValueError(f"report family {self.kind}: precedence must be BROAD or SPECIFIC")
        object.__setattr__(self, "title_pattern", re.compile(self.title, re.I | re.S))
        labels = tuple(re.compile(label, re.I) for label in self.table_labels)
        object.__setattr__(self, "table_patterns", labels)


_registry: dict[str, ReportFamily] = {}
_generation = 0


def _builtin_families() -> tuple[ReportFamily, ...]:
    # Imported when the registry is first read, not with this module: the extractors import the
    # shared parsers of extract/, whose package imports classify, which reads this registry.
    from .extract import ilacs, lac2013, letters, sif

    return (
        ReportFamily(
            ReportKind.SIF,
            "Single inspection framework inspection (2013-2018)",
            r"(re-?\s*)?inspection\s+of\s+services\s+for\s+children\s+in\s+need\s+of\s+help",
            sif.fill_sif,
            sif.EXTRACTOR_VERSION,
            expected_areas=(
                Area.OVERALL_EFFECTIVENESS,
                Area.HELP_AND_PROTECTION,
                Area.LOOKED_AFTER_AND_PERMANENCE,
                Area.ADOPTION,
                Area.CARE_LEAVERS,
                Area.LEADERSHIP_MANAGEMENT_GOVERNANCE,
            ),
            table_labels=(
                r"children\s+who\s+need\s+help\s+and\s+protection",
                r"children\s+looked\s+after\s+and\s+achieving\s+permanence",
                r"leadership,?\s+management\s+and\s+governance",
            ),
        ),
        ReportFamily(
            ReportKind.ILACS,
            "Inspection of local authority children's services (2018 onwards)",
            r"inspection\s+of\s+(?:[\w\s,'&.-]{1,90}?\s+)?(?:local\s+authority\s+)?children'?s\s+"
            r"(?:social\s+care\s+)?services"
            # A children's trust inspected on the authority's behalf.
            r"|inspection\s+of\s+[\w\s,'&.-]{1,90}?\s+children'?s?(?:\s+and\s+families)?\s+"
            r"(?:services\s+)?trust\b",
            ilacs.fill_ilacs,
            ilacs.EXTRACTOR_VERSION,
            precedence=BROAD,
            expected_areas=(Area.IMPACT_OF_LEADERS, Area.HELP_AND_PROTECTION),
            table_labels=(
                r"impact\s+of\s+leaders\s+on\s+(?:social\s+work\s+)?practice",
                r"experiences\s+and\s+progress\s+of\s+children\s+who\s+need\s+help",
            ),
        ),
        ReportFamily(
            ReportKind.FOCUSED_VISIT,
            "Focused visit",
            r"\bfocused\s+visit\s+to\b",
            letters.fill_letter,
            letters.EXTRACTOR_VERSION,
            graded=False,
        ),
        ReportFamily(
            ReportKind.MONITORING_VISIT,
            "Monitoring visit",
            r"\bmonitoring\s+visit\s+(to|of)\b",
            letters.fill_letter,
            letters.EXTRACTOR_VERSION,
            graded=False,
        ),
        ReportFamily(
            ReportKind.ANNUAL_UNANNOUNCED,
            "Unannounced inspection of contact, referral and assessment (2009-2012)",
            r"unannounced\s+inspection\s+of\s+contact,?\s+referral\s+and\s+assessment",
            letters.fill_letter,
            letters.EXTRACTOR_VERSION,
            graded=False,
        ),
        ReportFamily(
            ReportKind.LAC_2013,
            "Inspection of looked after children services (2013)",
            r"inspection\s+of\s+looked\s+after\s+children\s+services",
            lac2013.fill_lac2013,
            lac2013.EXTRACTOR_VERSION,
        ),
        ReportFamily(
            ReportKind.LSCB_REVIEW,
            "Review of the Local Safeguarding Children Board",
            r"review\s+of\s+the\s+effectiveness\s+of\s+the\s+local\s+safeguarding",
            sif.fill_sif,
            sif.EXTRACTOR_VERSION,
        ),
    )


def _families() -> dict[str, ReportFamily]:
    if not _registry:
        _registry.update((str(f.kind), f) for f in _builtin_families())
    return _registry


def register(family: ReportFamily) -> ReportFamily:
    """Add a family (a new generation, or a test's own) to every step of the pipeline.

    A build run after this classifies, extracts, emits and validates the family's documents
    (workers are forked from this process). Its kind's concept joins the report-kind scheme
    that documents are validated against; `ontology/vocab.ttl` lists the package's own only.
    """
    families = _families()
    if str(family.kind) in families:
        raise ValueError(f"report kind {family.kind!r} is registered already")
    families[str(family.kind)] = family
    _changed()
    return family


def unregister(kind: str) -> None:
    """Remove a family added by `register` (a test's, when it is done)."""
    if kind in list(ReportKind):
        raise ValueError(f"report kind {kind!r} is one of the package's own")
    del _families()[kind]
    _changed()


def _changed() -> None:
    global _generation
    _generation += 1


def generation() -> int:
    """A number that changes whenever the registry does: part of the key of what is computed
    from it and cached (the concepts validation adds to a report graph)."""
    return _generation


def registered() -> tuple[ReportFamily, ...]:
    """Every family, the package's own first."""
    return tuple(_families().values())


def family(kind: str) -> ReportFamily:
    """The family of a report kind; KeyError for a kind no family has (`invalid` among them)."""
    return _families()[kind]


def kind_labels() -> dict[str, str]:
    """Each report kind's label, by key: the report-kind scheme's concepts."""
    return {str(f.kind): f.label for f in registered()}
