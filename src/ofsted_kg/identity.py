"""Which printed names are one person: the rules, their evidence, and reviewed decisions.

Names are grouped first by their normalised key (titles and role words removed, then case,
accents, spacing and punctuation ignored). Groups are then merged, in this order of trust:

1. a reviewed decision (`same`) from the decisions file; `different` forbids a merge;
2. never two names printed in the same document (a report lists each person once);
3. the same key once middle initials are dropped ("Fiona J Millns", "Fiona Millns");
4. a variant (a diminutive first name, Matt/Matthew; or a one-letter misprint of the rest of the
   name, Milnns/Millns, Gladfield/Gadfield) only with evidence a reader can check: the same role
   family, and shared colleagues, shared authorities or overlapping (or adjoining) years.

Every merge is a `Decision` (the two names, the rule, the evidence in words); near-matches the
rules leave apart are `NearMatch`es, listed by `ofsted-kg people` for a person to review and
settle in the decisions file.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .names import clean_person_name
from .uris import slug

DECISIONS_ENV = "OFSTED_KG_DECISIONS"
DEFAULT_DECISIONS = "identity-decisions.csv"
DECISION_COLUMNS = ("name_a", "name_b", "decision", "reason")

# First-name variants that may name the same person; merging on them needs evidence.
DIMINUTIVES: dict[str, tuple[str, ...]] = {
    "andy": ("andrew",),
    "steve": ("stephen", "steven"),
    "mike": ("michael",),
    "chris": ("christopher", "christine", "christina"),
    "nick": ("nicholas",),
    "nicky": ("nicola",),
    "rob": ("robert",),
    "bob": ("robert",),
    "jim": ("james",),
    "tony": ("anthony",),
    "liz": ("elizabeth",),
    "sue": ("susan",),
    "kate": ("katherine", "catherine", "kathryn"),
    "cath": ("catherine", "cathryn"),
    "cathy": ("catherine",),
    "dave": ("david",),
    "pete": ("peter",),
    "tom": ("thomas",),
    "ben": ("benjamin",),
    "jo": ("joanne", "joanna", "josephine"),
    "debbie": ("deborah",),
    "jenny": ("jennifer",),
    "matt": ("matthew",),
    "dan": ("daniel",),
    "phil": ("philip", "phillip"),
    "alex": ("alexander", "alexandra"),
    "mandy": ("amanda",),
    "pat": ("patricia", "patrick"),
    "pam": ("pamela",),
    "ken": ("kenneth",),
    "sam": ("samantha", "samuel"),
    "jan": ("janet", "janice"),
    "di": ("diane", "diana"),
    "nic": ("nicola", "nicholas"),
    "tim": ("timothy",),
    "will": ("william",),
    "bill": ("william",),
    "jack": ("john",),
    "ali": ("alison", "alistair"),
    "val": ("valerie",),
    "gill": ("gillian",),
    "jackie": ("jacqueline",),
    "maggie": ("margaret",),
    "meg": ("margaret",),
    "fran": ("frances", "francesca"),
    "jon": ("jonathan",),
    "greg": ("gregory",),
    "ed": ("edward",),
    "ted": ("edward",),
    "ros": ("rosalind", "rosamund"),
}

# Titles, grades and role words printed beside a name: never part of it when names are matched
# (extraction removes most; these are the ones that still reach the graph glued to a name).
_ROLE_WORDS = frozenset(
    [
        "hmi",
        "shmi",
        "scri",
        "ai",
        "oi",
        "designate",
        "designated",
        "senior",
        "associate",
        "contracted",
        "seconded",
        "inspector",
        "inspectors",
        "lead",
        "deputy",
        "supernumerary",
        "shadow",
    ]
)

# A misprint is looked for only in a name part this long: shorter ones differ by one letter
# between different people too often (Lee/Lea).
_MISPRINT_MIN_LENGTH = 5


def display_form(name: str) -> str:
    """The printed name without titles, and without role words at either end, for labels."""
    words = clean_person_name(name).split()
    while len(words) > 2 and words[-1].strip(".,").lower() in _ROLE_WORDS:
        words.pop()
    while len(words) > 2 and words[0].strip(".,").lower() in _ROLE_WORDS:
        words.pop(0)
    return " ".join(words)


def name_key(name: str) -> str:
    """Normalised name: titles and role words removed, then case, accents and punctuation
    ignored ('Margaret Burke Designated' and 'margaret  burke' -> 'margaret-burke')."""
    return slug(display_form(name))


def without_middle_initials(key: str) -> str:
    tokens = key.split("-")
    return "-".join([tokens[0], *(t for t in tokens[1:-1] if len(t) > 1), tokens[-1]])


def one_edit_apart(a: str, b: str) -> bool:
    """True when one letter inserted, deleted, changed or two neighbours swapped turn a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return swapped or a[i + 1 :] == b[i + 1 :]


def variant_kind(a: str, b: str) -> str | None:
    """How two normalised keys may print one name: None when they are not near at all."""
    if a == b:
        return None
    if without_middle_initials(a) == without_middle_initials(b):
        return "middle initial"
    first_a, _, rest_a = without_middle_initials(a).partition("-")
    first_b, _, rest_b = without_middle_initials(b).partition("-")
    if not rest_a or not rest_b:
        return None
    if rest_a == rest_b and (
        first_b in DIMINUTIVES.get(first_a, ()) or first_a in DIMINUTIVES.get(first_b, ())
    ):
        return "diminutive"
    if (
        first_a == first_b
        and min(len(rest_a), len(rest_b)) >= _MISPRINT_MIN_LENGTH
        and one_edit_apart(rest_a, rest_b)
    ):
        return "one-letter misprint"
    return None


@dataclass(frozen=True)
class Occurrence:
    """One printed name in one inspection."""

    name: str
    inspection: str
    documents: frozenset[str]  # the documents printing it (a report may come as text and PDF)
    year: str
    authority: str
    role_family: str


@dataclass
class NameGroup:
    """Every occurrence of one normalised name (in one scope: Ofsted, or one authority)."""

    key: str
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def inspections(self) -> set[str]:
        return {o.inspection for o in self.occurrences}

    @property
    def documents(self) -> set[str]:
        return set().union(*(o.documents for o in self.occurrences))

    @property
    def years(self) -> list[str]:
        return sorted({o.year for o in self.occurrences if o.year})

    @property
    def authorities(self) -> set[str]:
        return {o.authority for o in self.occurrences if o.authority}

    @property
    def families(self) -> set[str]:
        return {o.role_family for o in self.occurrences}

    def label(self) -> str:
        return most_printed(o.name for o in self.occurrences)


def most_printed(names: Iterable[str]) -> str:
    """The most often printed form of a name, without titles (ties: the fewest words, so no
    middle initial; then alphabetical)."""
    counts = Counter(display_form(n) for n in names)
    return min(counts, key=lambda name: (-counts[name], len(name.split()), name))


@dataclass(frozen=True)
class Decision:
    """Why the group `merged` joined the person of `into`: a rule and its evidence, in words."""

    into: str
    merged: str
    rule: str
    evidence: str


@dataclass(frozen=True)
class NearMatch:
    """Two names near enough to be one person that no rule or reviewed decision settled."""

    name_a: str
    name_b: str
    variant: str
    scope: str
    evidence: str
    why_apart: str

    def row(self) -> dict[str, str]:
        return {
            "name_a": self.name_a,
            "name_b": self.name_b,
            "decision": "",
            "reason": "",
            "variant": self.variant,
            "scope": self.scope,
            "evidence": self.evidence,
            "why_apart": self.why_apart,
        }


NEAR_MATCH_COLUMNS = [*DECISION_COLUMNS, "variant", "scope", "evidence", "why_apart"]


class DecisionsError(ValueError):
    """The decisions file cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class ReviewedDecisions:
    """Pairs of names (by normalised key) a person decided are, or are not, one person."""

    same: dict[frozenset[str], str] = field(default_factory=dict)
    different: dict[frozenset[str], str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """What the linking graph depends on: a changed decision relinks."""
        return repr(
            sorted(
                (verdict, sorted(pair), reason)
                for verdict, decided in (("same", self.same), ("different", self.different))
                for pair, reason in decided.items()
            )
        )

    def about(self, a: str, b: str) -> tuple[str, str] | None:
        pair = frozenset((a, b))
        if pair in self.same:
            return "same", self.same[pair]
        if pair in self.different:
            return "different", self.different[pair]
        return None


def decisions_path(given: str | Path | None) -> Path | None:
    """The decisions file to read: the one given, else $OFSTED_KG_DECISIONS, else
    `identity-decisions.csv` in the current folder if there is one."""
    if given:
        return Path(given)
    if os.environ.get(DECISIONS_ENV):
        return Path(os.environ[DECISIONS_ENV])
    default = Path(DEFAULT_DECISIONS)
    return default if default.is_file() else None


def read_decisions(path: Path | None) -> ReviewedDecisions:
    """The reviewed decisions of a CSV file with the columns name_a, name_b, decision
    (same|different) and reason; other columns (e.g. those `ofsted-kg people` prints) are ignored."""
    decisions = ReviewedDecisions()
    if path is None:
        return decisions
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in DECISION_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise DecisionsError(f"{path}: missing column(s) {', '.join(missing)}")
            for row in reader:
                line = reader.line_num
                a, b = name_key(row["name_a"] or ""), name_key(row["name_b"] or "")
                decision = (row["decision"] or "").strip().lower()
                reason = (row["reason"] or "").strip()
                if decision not in ("same", "different"):
                    raise DecisionsError(
                        f"{path}, line {line}: decision must be 'same' or 'different', "
                        f"not {row['decision']!r}"
                    )
                if a == b or "unnamed" in (a, b):
                    raise DecisionsError(f"{path}, line {line}: two different names are needed")
                if not reason:
                    raise DecisionsError(f"{path}, line {line}: a decision needs its reason")
                target = decisions.same if decision == "same" else decisions.different
                target[frozenset((a, b))] = reason
    except OSError as exc:
        raise DecisionsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DecisionsError(f"{path}: not a CSV file: {exc}") from exc
    return decisions


def _years(group: NameGroup) -> str:
    years = group.years
    if not years:
        return "undated"
    return years[0] if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


class Resolver:
    """Merges the name groups of one scope into persons (see the module's rules)."""

    def __init__(
        self,
        groups: dict[str, NameGroup],
        reviewed: ReviewedDecisions,
        scope: str,
        authorities_count: bool,
    ) -> None:
        self.groups = groups
        self.authorities_count = authorities_count
        self.reviewed = reviewed
        self.scope = scope
        self.parent = {key: key for key in groups}
        self.decisions: list[Decision] = []
        self.near_matches: list[NearMatch] = []
        # inspection -> name keys printed in it, for the colleague evidence
        self.teams: dict[str, set[str]] = {}
        for key, group in groups.items():
            for inspection in group.inspections:
                self.teams.setdefault(inspection, set()).add(key)

    def root(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def members(self, root: str) -> list[str]:
        return [k for k in self.groups if self.root(k) == root]

    def _never_one(self, a: str, b: str) -> bool:
        """The persons of a and b can never be one: printed in one document, or reviewed as
        different. (Two documents of one inspection, a text copy and the PDF, may print one name
        two ways: the rule is per document, not per inspection.)"""
        members_a, members_b = self.members(self.root(a)), self.members(self.root(b))
        documents_a = set().union(*(self.groups[k].documents for k in members_a))
        documents_b = set().union(*(self.groups[k].documents for k in members_b))
        if documents_a & documents_b:
            return True
        return any(
            (verdict := self.reviewed.about(x, y)) is not None and verdict[0] == "different"
            for x in members_a
            for y in members_b
        )

    def _merge(self, a: str, b: str, rule: str, evidence: str) -> None:
        """Join the persons of a and b; the one printed more often keeps its name (ties as in
        most_printed), and the decision names the other's printed form as merged."""

        def weight(root: str) -> tuple[int, int, str]:
            members = self.members(root)
            label = most_printed(o.name for k in members for o in self.groups[k].occurrences)
            return (
                -sum(len(self.groups[k].occurrences) for k in members),
                len(label.split()),
                label,
            )

        ra, rb = self.root(a), self.root(b)
        if weight(rb) < weight(ra):
            ra, rb, a, b = rb, ra, b, a
        self.parent[rb] = ra
        self.decisions.append(Decision(a, b, rule, evidence))

    def evidence(self, a: str, b: str) -> tuple[list[str], bool]:
        """The evidence that a and b are one person, in words, and whether it suffices: the same
        role family, and shared colleagues, shared authorities or overlapping (or adjoining) years."""
        # Between the persons a and b belong to so far, not just the two printed forms.
        members = {key: self.members(self.root(key)) for key in (a, b)}
        ga, gb = (
            NameGroup(key, [o for k in members[key] for o in self.groups[k].occurrences])
            for key in (a, b)
        )
        facts = []
        family = sorted(ga.families & gb.families)
        if family:
            facts.append(f"same role family ({', '.join(family)})")
        colleagues = {
            c
            for i in ga.inspections
            for j in gb.inspections
            for c in self.teams[i] & self.teams[j]
            if c not in members[a] and c not in members[b]
        }
        if colleagues:
            names = ", ".join(sorted(self.groups[c].label() for c in colleagues))
            facts.append(f"both worked with {names}")
        # Officials are matched within one authority: sharing it is no evidence.
        authorities = ga.authorities & gb.authorities if self.authorities_count else set()
        if len(authorities) == 1:
            facts.append("both inspected the same authority")
        elif authorities:
            facts.append(f"both inspected {len(authorities)} same authorities")
        years_a, years_b = ga.years, gb.years
        # Years that overlap or adjoin: a name printed in 2015 and in 2016-2019 is one career.
        overlap = bool(years_a and years_b) and (
            int(years_a[0]) <= int(years_b[-1]) + 1 and int(years_b[0]) <= int(years_a[-1]) + 1
        )
        facts.append(
            f"'{ga.label()}' {_years(ga)}, '{gb.label()}' {_years(gb)}"
            + (" (years overlap or adjoin)" if overlap else "")
        )
        return facts, bool(family) and bool(colleagues or authorities or overlap)

    def resolve(self) -> None:
        keys = sorted(self.groups)
        pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]]
        # 1. reviewed decisions override the rules
        for a, b in pairs:
            verdict = self.reviewed.about(a, b)
            if verdict and verdict[0] == "same" and self.root(a) != self.root(b):
                self._merge(a, b, "reviewed_decision", f"reviewed: {verdict[1]}")
        near = [(a, b, kind) for a, b in pairs if (kind := variant_kind(a, b))]
        # 2. printed with and without middle initials: the same name once normalised;
        # 3. other variants only with evidence
        unsettled = []
        for step in ("middle initial", "variant"):
            for a, b, kind in near:
                if (kind == "middle initial") != (step == "middle initial"):
                    continue
                if self.root(a) == self.root(b) or self._never_one(a, b):
                    continue  # one person already, or never one person
                if kind == "middle initial":
                    self._merge(a, b, "same_name", "printed with and without a middle initial")
                    continue
                facts, enough = self.evidence(a, b)
                if enough:
                    self._merge(a, b, "variant_with_evidence", f"{kind}: " + "; ".join(facts))
                else:
                    unsettled.append((a, b, kind, facts))
        self.near_matches = [
            NearMatch(
                self.groups[a].label(),
                self.groups[b].label(),
                kind,
                self.scope,
                "; ".join(facts),
                "not enough evidence",
            )
            for a, b, kind, facts in unsettled
            if self.root(a) != self.root(b) and not self._never_one(a, b)
        ]

    def persons(self) -> dict[str, list[str]]:
        """Root key -> the name keys of one person."""
        out: dict[str, list[str]] = {}
        for key in sorted(self.groups):
            out.setdefault(self.root(key), []).append(key)
        return out
