"""The legal basis a report states for itself: the provision its inspection, review or visit was
carried out under, and the power under which Ofsted combined the reports.

"The inspection of the local authority was carried out under section 136 of the Education and
Inspections Act 2006", "The review of the Local Safeguarding Children Board was carried out under
section 15A of the Children Act 2004", "... carried out under the Local Safeguarding Children
Boards (Review) Regulations 2013", "Ofsted produces this report ... under its power to combine
reports in accordance with section 152 of the Education and Inspections Act 2006".

Only sentences whose subject is the inspection, review, visit or report count: the many
provisions a report cites about children ("accommodated under section 20 of the Children Act
1989") are not its legal basis. ILACS reports and letters since 2018 state a framework, not a
provision, and so have none.
"""

from __future__ import annotations

import re

from ..clean import CleanText
from ..records import LegalBasis
from ..vocab import canonical_instrument
from .sections import windows_around

# An instrument's title: up to ten words ending in "Act", "Regulations" or "Order" and a year;
# "(Review)" counts as a word. Case is ignored, like the rest of the pattern; the shortest run of
# words that ends in a year is taken.
_INSTRUMENT = (
    r"(?P<instrument>(?:(?:[A-Z(][\w()'’-]*|and|of|for|the|on)\s+){1,10}?"
    r"(?:Act|Regulations|Order)\s+(?:19|20)\d\d)"
)
_PROVISION = r"(?:sections?\s+(?P<section>\d+[A-Z]?)(?:\(\d+\))?\s+of\s+)?the\s+" + _INSTRUMENT
# "inspection of <what>" never runs across a verb of findings: "the inspection of the authority
# found that assessments carried out under section 47 ..." is not a statement of legal basis.
_NOUN_PHRASE = r"(?:\s+of\s+(?:(?!\b(?:found|that|showed|saw|where|which)\b)[^.;]){1,160}?)?"
_LEGAL_BASIS = re.compile(
    r"\b(?P<scope>(?:inspection|review|visit)" + _NOUN_PHRASE + r")\s+(?:(?:was|were|is)\s+)?"
    # "carried out under under section 136" (Medway 2013)
    r"(?:carried\s+out|conducted|undertaken)\s+under\s+(?:under\s+)?"
    + _PROVISION
    + r"|\b(?P<report>this\s+report)\b[^.]{0,240}?\bunder\s+its\s+power\s+to\s+combine\s+reports"
    r"\s+in\s+accordance\s+with\s+" + _PROVISION.replace("?P<", "?P<c_"),
    re.I,
)


# Every statement has "under section", "under the ...", "under under section" or "under its
# power", printed in lower case: the full pattern is tried only around them. Over the whole text
# it cost 2.4 ms a report, and a case-insensitive anchor 2.7 ms; this one 0.05 ms (measured).
_ANCHOR = re.compile(r"under\s+(?:its\s+power|(?:under\s+)?(?:sections?|the)\b)")
# Characters before and after an anchor that a statement can span.
ANCHOR_WINDOW = (400, 300)


def legal_basis(text: CleanText) -> list[LegalBasis]:
    """Each provision the report states it was made under, in printed order. Reports state
    them twice (a footnote and the closing text); the first statement of each is kept."""
    found: list[LegalBasis] = []
    seen: set[tuple[str, str | None]] = set()
    source = text.folded
    matches = (
        match
        for start, end in windows_around(source, _ANCHOR, *ANCHOR_WINDOW)
        for match in _LEGAL_BASIS.finditer(source, start, end)
    )
    for match in matches:
        prefix = "c_" if match.group("report") else ""
        instrument = canonical_instrument(match.group(prefix + "instrument"))
        section = match.group(prefix + "section")
        scope = " ".join((match.group("scope") or match.group("report")).split()).lower()
        key = (instrument, section)
        if key in seen:
            continue
        seen.add(key)
        found.append(
            LegalBasis(instrument, section, scope, text.evidence(match.start(), match.end()))
        )
    return found
