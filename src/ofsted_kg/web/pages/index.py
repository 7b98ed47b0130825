"""Site-wide entry points: search by name, the lists of authorities and inspectors, the latest
inspections and the grade distribution per year."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .data import literal, select, uris
from .paths import href

MAX_QUERY = 100  # characters of a search
SEARCH_LIMIT = 50


@dataclass
class Hit:
    name: str
    kind: str
    href: str
    uri: str
    matched: str  # the name variant that matched, when not the main name


def _kind(types: str, official: bool) -> str:
    if "LocalAuthority" in types:
        return "Local authority"
    return "Official" if official else "Inspector"


def search(text: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Authorities, inspectors and officials whose name (or a printed variant) contains `text`,
    case-insensitive; names starting with it first."""
    needle = " ".join(text.split())[:MAX_QUERY].lower()
    if not needle:
        return []
    rows = select(
        f"""SELECT ?s (SAMPLE(?main) AS ?name) (MIN(?alt) AS ?variant)
                   (GROUP_CONCAT(DISTINCT STR(?t)) AS ?types) (MIN(?rank) AS ?first)
                   (MAX(?holds) AS ?official) WHERE {{
              VALUES ?t {{ ofsted:LocalAuthority schema:Person }}
              ?s a ?t ; skos:prefLabel|rdfs:label|skos:altLabel ?alt .
              ?s skos:prefLabel|schema:name ?main .
              FILTER (CONTAINS(LCASE(STR(?alt)), {literal(needle)}))
              BIND (IF(STRSTARTS(LCASE(STR(?alt)), {literal(needle)}), 0, 1) AS ?rank)
              # An official is named in an official's role (the role's scheme, from the graph).
              BIND (EXISTS {{ ?mention prov:agent ?s ;
                  prov:hadRole/skos:inScheme <{uris().scheme("OFFICIAL_ROLES")}> }} AS ?holds)
            }} GROUP BY ?s ORDER BY ?first LCASE(?name) LIMIT {limit}"""
    )
    return [
        Hit(
            r["name"].value,
            _kind(r["types"].value, r["official"].value == "true"),
            href(r["s"].value),
            r["s"].value,
            r["variant"].value if r["variant"].value != r["name"].value else "",
        )
        for r in rows
    ]


def authorities() -> list[dict]:
    rows = select(
        """SELECT ?a (SAMPLE(?n) AS ?name) (SAMPLE(?r) AS ?region) (COUNT(DISTINCT ?i) AS ?count)
           WHERE { ?a a ofsted:LocalAuthority ; skos:prefLabel ?n .
                   OPTIONAL { ?a ofsted:region ?r } OPTIONAL { ?i ofsted:inspectedAuthority ?a } }
           GROUP BY ?a ORDER BY ?name"""
    )
    return [
        {
            "href": href(r["a"].value),
            "name": r["name"].value,
            "region": r["region"].value if "region" in r else "",
            "count": int(r["count"].value),
        }
        for r in rows
    ]


def inspectors() -> list[dict]:
    rows = select(
        f"""SELECT ?p (SAMPLE(?n) AS ?name) (COUNT(DISTINCT ?i) AS ?count) (MAX(?d) AS ?last)
           WHERE {{ ?m prov:agent ?p ; prov:hadRole ?role .
                   ?role skos:inScheme <{uris().scheme("INSPECTOR_ROLES")}> .
                   ?i prov:qualifiedAssociation ?m . ?p schema:name ?n .
                   OPTIONAL {{ ?i schema:startDate ?d }} }}
           GROUP BY ?p ORDER BY ?name"""
    )
    return [
        {
            "href": href(r["p"].value),
            "name": r["name"].value,
            "count": int(r["count"].value),
            "last": r["last"].value if "last" in r else "",
        }
        for r in rows
    ]


def grade_counts() -> dict[str, dict[str, int]]:
    """Per year of the inspection's first day: how many overall-effectiveness grades of each kind."""
    area = uris().concept("AREAS", "overall_effectiveness")
    rows = select(
        f"""SELECT ?year ?key (COUNT(DISTINCT ?i) AS ?n) WHERE {{
              ?i ofsted:hasJudgement ?j ; schema:startDate ?d .
              ?j ofsted:judgementArea <{area}> ; ofsted:grade ?grade .
              ?grade skos:notation ?key .
              BIND (STR(YEAR(?d)) AS ?year) }} GROUP BY ?year ?key"""
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        counts[r["year"].value][r["key"].value] = int(r["n"].value)
    return dict(counts)
