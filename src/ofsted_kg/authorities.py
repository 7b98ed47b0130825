"""English local authorities: names as reports print them -> the Ofsted URN, DfE code and GSS codes.

Reference data lives in `data/` (copied from the project's shared reference files):
`la_lookup.csv` (one row per authority keyed by Ofsted URN, current codes) and
`la_codes_history.csv` (every GSS code with its dates of operation and termination). An
authority keeps its URN when its GSS code changes (Somerset: E10000027 until 2023-03-31, then
E06000066), so inspections key on the URN and carry the GSS code valid on their own dates.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from .names import plain_authority_name


@dataclass(frozen=True)
class GssCode:
    code: str
    valid_from: str | None  # ISO date
    valid_to: str | None  # ISO date; None while live

    def valid_on(self, day: str) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class Authority:
    urn: str
    name: str
    dfe_code: str
    gss_codes: tuple[GssCode, ...]
    region: str
    # DfE statistical neighbours by DfE code, closest first (none for authorities since abolished)
    stat_neighbours: tuple[str, ...] = ()

    def gss_on(self, day: str | None) -> str | None:
        """The GSS code valid on `day` (ISO), None if none was; the current one when no day is known."""
        if day:
            return next((g.code for g in self.gss_codes if g.valid_on(day)), None)
        live = [g for g in self.gss_codes if g.valid_to is None]
        return live[0].code if live else (self.gss_codes[-1].code if self.gss_codes else None)


def _key(name: str) -> str:
    """Comparison key for names: case, punctuation, '&' vs 'and' and 'the' ignored."""
    name = name.lower().replace("&", " and ")
    name = re.sub(r"[^a-z0-9]+", " ", name)
    return " ".join(w for w in name.split() if w != "the")


def _iso(day_month_year: str) -> str | None:
    text = day_month_year.strip()
    return datetime.strptime(text, "%d/%m/%Y").date().isoformat() if text else None


# Names reports use that no reference column holds (each checked against a real report).
_EXTRA_NAMES = {
    "london corporation": "City of London",
    "corporation of london": "City of London",
    "hull": "Kingston upon Hull",
    "east riding": "East Riding of Yorkshire",
    "bcp": "Bournemouth, Christchurch and Poole",
    "herefordshire": "Herefordshire, County of",
    "bristol": "Bristol, City of",
}


@cache
def authorities() -> dict[str, Authority]:
    """All authorities of the reference data, by Ofsted URN."""
    data = resources.files("ofsted_kg") / "data"
    history: dict[str, list[GssCode]] = {}
    with (data / "la_codes_history.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if "/" in row["new_la_code"]:  # combined arrangements, not an authority's own code
                continue
            code = GssCode(
                row["new_la_code"], _iso(row["date_of_operation"]), _iso(row["date_of_termination"])
            )
            history.setdefault(row["old_la_code"].strip(), []).append(code)
    found: dict[str, Authority] = {}
    with (data / "la_lookup.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            dfe = row["la_code"].strip()
            codes = sorted(history.get(dfe, []), key=lambda g: g.valid_from or "")
            current = row["la_code_new"].strip()
            if current and current not in {g.code for g in codes}:
                codes.append(GssCode(current, None, None))
            name = row["utla23nm"].strip() or row["local_authority_ons_name"].strip()
            head, _, tail = name.partition(",")
            if _key(tail) in {"city of", "county of"}:
                name = head  # "Bristol, City of" -> "Bristol"
            found[row["urn"].strip()] = Authority(
                urn=row["urn"].strip(),
                name=name,
                dfe_code=dfe,
                gss_codes=tuple(codes),
                region=row["region_name"].strip(),
                stat_neighbours=tuple(
                    code.strip() for code in row["stat_neighbours"].split(",") if code.strip()
                ),
            )
    return found


@cache
def by_dfe_code() -> dict[str, Authority]:
    """All authorities of the reference data, by DfE code (statistical neighbours cite these)."""
    return {a.dfe_code: a for a in authorities().values() if a.dfe_code}


def statistical_neighbours(authority: Authority) -> list[Authority]:
    """The authority's DfE statistical neighbours that the reference data holds, closest first."""
    peers = by_dfe_code()
    return [peers[code] for code in authority.stat_neighbours if code in peers]


@cache
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    data = resources.files("ofsted_kg") / "data"
    with (data / "la_lookup.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            urn = row["urn"].strip()
            names = [
                row["local_authority_ons_name"],
                row["utla23nm"],
                row["ltla23nm"],
                row["ofsted_ilacs_scrape_la_name"],
                *row["also_known_as"].strip("[]").split(","),
            ]
            for name in filter(str.strip, names):
                index.setdefault(_key(name), urn)
                # ONS inverts some names: "Kingston upon Hull, City of" -> "Kingston upon Hull"
                head, _, tail = name.partition(",")
                if _key(tail) in {"city of", "county of"}:
                    index.setdefault(_key(head), urn)
    for alias, name in _EXTRA_NAMES.items():
        if _key(name) in index:
            index.setdefault(_key(alias), index[_key(name)])
    return index


def resolve(name: str | None) -> Authority | None:
    """The authority a report names: 'Somerset County Council', 'Hull', 'London Corporation'..."""
    if not name:
        return None
    index = _name_index()
    for candidate in (
        name,
        plain_authority_name(name),
        re.sub(r"^City of\s+", "", name, flags=re.I),
    ):
        urn = index.get(_key(candidate))
        if urn:
            return authorities()[urn]
    return None
