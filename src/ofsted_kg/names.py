"""People's and authorities' names as printed, to the plain forms the graph keys on.

`clean_person_name("Ms Sheila Smith")` -> "Sheila Smith"; titles, grades and honorifics before or
after a name (HMI, Senior HMI, SHMI, SCRI, AI, OI, HMI designate, Her/His Majesty's Inspector,
Associate/Contracted/Seconded/Additional Inspector, Regulatory Inspection Manager, Deputy
Director Social Care Inspection, Dr, Cllr, Mr/Mrs/Ms/Miss) are removed, never guessed at.
`plain_authority_name("Somerset County Council")` -> "Somerset".

A title is recognised by its words, not by a fixed list of phrases: `ROLE_WORDS` are the words of
Ofsted's job titles and grades, which no person's name holds, so any printed combination of them
("Senior Her Majesty's Inspector", "HMI designate", "Deputy Director Social Care / Inspection")
is a title.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

# The words of job titles and grades (compared case-insensitively). A person's name never holds
# one, so each marks the end of a name in a printed list, and `looks_like_person_name` refuses a
# name holding one.
ROLE_WORDS = frozenset(
    [
        "acting",
        "additional",
        "analyst",
        "analysts",
        "analytical",
        "assistant",
        "associate",
        "assurance",
        "care",
        "chair",
        "chief",
        "contracted",
        "data",
        "deputy",
        "designate",
        "designated",
        "director",
        "executive",
        "inspection",
        "inspector",
        "inspectors",
        "interim",
        "lead",
        "manager",
        "member",
        "officer",
        "ofsted",
        "quality",
        "regional",
        "regulatory",
        "reporting",
        "seconded",
        "senior",
        "shadow",
        "social",
        "supernumerary",
        "team",
    ]
)
# Grades printed as capitals (case-sensitive: "AI" is a grade, "Ai" could be a name).
_GRADE_ABBREVIATIONS = r"S?HMIs?|SCRI|AI|OI|CBE|OBE|MBE"
_HONORIFICS = r"Dr|Mr|Mrs|Ms|Miss|Mx|Cllr|Councillor|Professor|Prof|Sir|Dame|Rev|Reverend"
# One title word or phrase: honorific, grade, "Her/His Majesty's", or a role word.
TITLE = re.compile(
    rf"\b(?:(?i:(?:Her|His)\s+Majesty['’]?s|(?:{_HONORIFICS})\b\.?|"
    rf"(?:{'|'.join(sorted(ROLE_WORDS))})\b)|(?:{_GRADE_ABBREVIATIONS})\b)"
)
# Capitalised words of sentences and of the headings that may follow a list of names, never a
# name ('Children Looked After', 'Information About This Area' must not read as people).
_NEVER_IN_NAMES = frozenset(
    [
        "about",
        "adoption",
        "after",
        "all",
        "an",
        "and",
        "any",
        "area",
        "at",
        "authority",
        "board",
        "by",
        "children",
        "children's",
        "contents",
        "council",
        "effectiveness",
        "findings",
        "for",
        "from",
        "governance",
        "help",
        "how",
        "in",
        "information",
        "judgement",
        "judgements",
        "leadership",
        "leavers",
        "local",
        "looked",
        "management",
        "of",
        "on",
        "or",
        "overall",
        "people",
        "protection",
        "recommendations",
        "report",
        "section",
        "services",
        "summary",
        "that",
        "the",
        "this",
        "to",
        "what",
        "why",
        "with",
    ]
)
PARTICLES = frozenset(
    ["da", "de", "del", "della", "den", "der", "di", "du", "la", "le", "van", "von"]
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*|[a-z]['’][^\W\d_][\w'’-]*")
_INITIAL = re.compile(r"[A-Z]\.?")

_LEADING_TITLES = re.compile(rf"^(?:{TITLE.pattern})[\s,.;:]*")
_TRAILING_TITLES = re.compile(rf"[\s,;:(]*(?:{TITLE.pattern})[\s.)]*$")


def clean_person_name(raw: str) -> str:
    """A person's name without titles, honorifics or trailing punctuation; whitespace folded."""
    name = " ".join(raw.replace("\u00a0", " ").split()).strip(" ,;:.")
    while True:  # titles come in any number and order ("Senior HMI", "HMI designate")
        shorter = _TRAILING_TITLES.sub("", _LEADING_TITLES.sub("", name)).strip(" ,;:.()")
        if shorter == name:
            return name
        name = shorter


def is_name_word(word: str) -> bool:
    """A word a printed name may hold: capitalised (Máire, O'Brien, Thomson-Jones), an initial,
    a surname particle (de, van) or an elided one (d'Inverno); never a title or function word."""
    folded = word.casefold()
    if folded in ROLE_WORDS or folded in _NEVER_IN_NAMES or TITLE.fullmatch(word):
        return False
    if folded in PARTICLES:
        return True
    return bool(_NAME_WORD.fullmatch(word)) and (word[0].isupper() or word[1:2] in ("'", "’"))


def is_initial(word: str) -> bool:
    return bool(_INITIAL.fullmatch(word))


def looks_like_person_name(name: str) -> bool:
    """Two to four name words ending in a surname, none of them a title or role word: a guard
    against sentences, headings and job titles."""
    words = name.split()
    if not 2 <= len(words) <= 4 or not all(is_name_word(w) for w in words):
        return False
    last = words[-1]
    return not is_initial(last) and last.casefold() not in PARTICLES and words[0][0].isupper()


@cache
def given_names() -> frozenset[str]:
    """Common given names (data/given_names.txt), casefolded."""
    text = (resources.files("ofsted_kg") / "data" / "given_names.txt").read_text("utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def comparable_name(name: str) -> str:
    """The form two printings of one name share: titles, middle initials, accents, case, hyphens
    and apostrophes dropped ("Máire Atherton HMI", "Maire Atherton"; "Fiona J Millns", "Fiona
    Millns"; "Paula Thomson-Jones", "Paula Thomson Jones")."""
    plain = unicodedata.normalize("NFKD", clean_person_name(name))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    words = re.sub(r"['’.]", "", re.sub(r"[-‐]", " ", plain)).split()
    kept = [w for i, w in enumerate(words) if len(w) > 1 or i == 0]
    return " ".join(kept)


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
