"""People's and authorities' names as printed, to the plain forms the graph keys on.

`clean_person_name("Ms Sheila Smith")` -> "Sheila Smith"; titles and honorifics (HMI, Senior HMI,
SHMI, AI, Her/His Majesty's Inspector, Regulatory Inspection Manager, Dr, Cllr, Mr/Mrs/Ms/Miss)
are removed, never guessed at.
`plain_authority_name("Somerset County Council")` -> "Somerset".
"""

from __future__ import annotations

import re

_PREFIX_TITLES = re.compile(
    r"^(?:(?:Dr|Mr|Mrs|Ms|Miss|Mx|Cllr|Councillor|Professor|Prof|Sir|Dame|Rev(?:erend)?)\.?\s+"
    # Ofsted job titles printed before a name ("Shadow inspectors: Regulatory Inspection
    # Manager Rachel Holden")
    r"|(?:Senior\s+)?(?:Social\s+Care\s+)?Regulatory\s+Inspect(?:ion\s+Manager|or)\s+"
    r"|(?:Senior\s+)?HMI\s+|Ofsted\s+Inspector\s+)+",
    re.I,
)
_SUFFIX_TITLES = re.compile(
    r"(?:[\s,]+(?:(?:Senior\s+)?HMI|SHMI|AI|OI|"
    r"(?:Her|His)\s+Majesty['’]s\s+(?:Senior\s+)?Inspector(?:\s+\(HMI\))?|"
    r"Ofsted\s+Inspector|Social\s+Care\s+Regulatory\s+Inspector|"
    r"(?:Senior\s+)?Regulatory\s+Inspector|CBE|OBE|MBE))+\s*$",
    re.I,
)


def clean_person_name(raw: str) -> str:
    """A person's name without titles, honorifics or trailing punctuation; whitespace folded."""
    name = " ".join(raw.replace("\u00a0", " ").split()).strip(" ,;:.")
    name = _SUFFIX_TITLES.sub("", name)
    name = _PREFIX_TITLES.sub("", name)
    return name.strip(" ,;:.")


def looks_like_person_name(name: str) -> bool:
    """Two to five capitalised words (allowing Mc/O'/hyphens): a guard against sentences."""
    words = name.split()
    if not 2 <= len(words) <= 5:
        return False
    return all(re.fullmatch(r"[A-Z][\w'’.-]*|(?:de|van|von|der|da|di|le|la)", w) for w in words)


_AUTHORITY_PREFIXES = re.compile(
    r"^(?:the\s+)?(?:London\s+Borough\s+of|Royal\s+Borough\s+of|Metropolitan\s+Borough\s+of|"
    r"Borough\s+of|City\s+of|Council\s+of\s+the|County\s+of)\s+",
    re.I,
)
_AUTHORITY_SUFFIXES = re.compile(
    r"\s+(?:Metropolitan\s+Borough\s+Council|Metropolitan\s+District\s+Council|"
    r"County\s+Borough\s+Council|Borough\s+Council|City\s+Council|County\s+Council|"
    r"District\s+Council|Unitary\s+Authority|Council|City|"
    # An LSCB review names the board ("Surrey Safeguarding Children Board") and a title may wrap
    # "Doncaster Metropolitan Borough" / "Council": both reduce to the authority's name.
    r"(?:Local\s+)?Safeguarding\s+Children\s+Board|Metropolitan\s+Borough)$",
    re.I,
)


# Authorities whose name itself starts with a prefix that is elsewhere only a style.
_PREFIXED_NAMES = re.compile(r"^(?:the\s+)?(City\s+of\s+London)\b", re.I)


def plain_authority_name(raw: str) -> str:
    """'Somerset County Council' -> 'Somerset'; 'London Borough of Barnet' -> 'Barnet'."""
    name = " ".join(raw.split()).strip(" ,.")
    # Styles are removed until none is left (each pass removes one at each end), so that the
    # result is a fixed point: a plain name stays as it is when cleaned again.
    while True:
        kept = _PREFIXED_NAMES.match(name)
        if kept:
            return kept.group(1)
        shorter = _AUTHORITY_SUFFIXES.sub("", _AUTHORITY_PREFIXES.sub("", name)).strip(" ,.")
        if shorter == name:
            return name
        name = shorter
