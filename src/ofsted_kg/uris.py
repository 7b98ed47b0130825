"""Every URI the project mints, from one configurable base.

Patterns follow the UK public-sector convention: `/id/` for things, `/doc/` for documents (named
graphs among them), `/def/` for vocabulary. URIs are computed from content only (authority URN,
dates, keys, hashes), never from the order of processing or the machine, so the same input
always gives the same URIs. Nothing that can be linked to is a blank node.

    /id/local-authority/{urn}                        an authority (Ofsted URN)
    /id/local-authority/{urn}/safeguarding-board     its Local Safeguarding Children Board
    /id/local-authority/{urn}/gss/{gss}              one GSS code of the authority with its validity
    /id/local-authority/{urn}/post/{role}            an official's post in the authority
    /id/inspection/{urn}/{start-date}                an inspection
    /id/inspection/{urn}/{start-date}/judgement/{area}
    /id/inspection/{urn}/{start-date}/recommendation/{target}-{n}   by its printed number n
                                                     (else item-{place in its target's list})
    /id/inspection/{urn}/{start-date}/{part}/{key}   periods, findings, statistics, participants
    /id/person/{slug}                                an inspector (Ofsted staff: one across reports)
    /id/person/official/{urn}/{slug}                 an official, within their authority
    {person}/identity/{slug}                         why a printed name is that person
    /id/source/{sha256}                              a source document, by content
    /id/source/{sha256}/evidence/{hash}              a quoted passage of it
    /id/legislation/{slug}[/section/{n}]             an Act or Regulations (or a section of
                                                     it) that legislation.gov.uk does not
                                                     identify for us (vocab.LEGISLATION)
    /doc/graph/report/{sha256}                       the named graph of one report
    /doc/graph/{name}                                linking, inferred, reference, manifest graphs
    /def/ofsted/{Term}                               the ontology; /def/ofsted/{scheme}/{key} concepts
    /def/ofsted/build-status/{status}                a file's status in the build's manifest
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from urllib.parse import quote

from rdflib import Namespace, URIRef

from .vocab import LEGISLATION

DEFAULT_BASE = "https://ofsted-kg.example/"
BASE_ENV = "OFSTED_KG_BASE"

# Concept schemes: the vocab.py dictionary behind each, and its path segment under /def/ofsted/.
SCHEMES: dict[str, str] = {
    "REPORT_KINDS": "report-kind",
    "GRADES": "grade",
    "AREAS": "area",
    "INSPECTOR_ROLES": "inspector-role",
    "OFFICIAL_ROLES": "official-role",
    "RECOMMENDATION_TARGETS": "recommendation-target",
    "NATIONAL_FRAMEWORK": "national-framework",
    "STATISTIC_MEASURES": "measure",
    "STATISTIC_UNITS": "unit",
    "FINDING_LISTS": "finding-list",
    "IDENTITY_RULES": "identity-rule",
}

STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"
OFSTED_PROVIDER_PAGE = "https://reports.ofsted.gov.uk/provider/44/"  # + an authority's URN
LEGISLATION_GOV_UK = "http://www.legislation.gov.uk/id/"


def default_base() -> str:
    return os.environ.get(BASE_ENV, DEFAULT_BASE)


def slug(text: str) -> str:
    """'Emmy Tomsett' -> 'emmy-tomsett'; accents dropped, anything else becomes one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def short_hash(*parts: object) -> str:
    """A stable 16-hex-digit key for content that has no natural key (a quote, a text)."""
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


class Uris:
    """URI minting under one base (default: $OFSTED_KG_BASE or https://ofsted-kg.example/)."""

    def __init__(self, base: str | None = None) -> None:
        base = base or default_base()
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.DEF = Namespace(self.base + "def/ofsted/")

    def _id(self, *segments: str) -> URIRef:
        return URIRef(self.base + "id/" + "/".join(quote(s, safe="") for s in segments))

    # Things
    def authority(self, urn: str) -> URIRef:
        return self._id("local-authority", urn)

    def organisation(self, key: str) -> URIRef:
        """An inspectorate, by key (a report family's `inspectorates`)."""
        return self._id("organisation", key)

    def ofsted(self) -> URIRef:
        return self.organisation("ofsted")

    def safeguarding_board(self, urn: str) -> URIRef:
        return self._id("local-authority", urn, "safeguarding-board")

    def authority_code(self, urn: str, gss: str) -> URIRef:
        return self._id("local-authority", urn, "gss", gss)

    def post(self, urn: str, role: str) -> URIRef:
        return self._id("local-authority", urn, "post", role)

    def membership(self, urn: str, role: str, person_slug: str) -> URIRef:
        return self._id("local-authority", urn, "post", role, "holder", person_slug)

    def membership_period(self, membership: URIRef) -> URIRef:
        return URIRef(f"{membership}/period")

    def membership_day(self, membership: URIRef, day: str) -> URIRef:
        """A day within the membership's period, on which a report shows the post held."""
        return URIRef(f"{membership}/period/{quote(day, safe='')}")

    def inspection(self, urn: str, start: str) -> URIRef:
        return self._id("inspection", urn, start)

    def inspection_part(self, inspection: URIRef, part: str, key: str | int) -> URIRef:
        return URIRef(f"{inspection}/{part}/{quote(str(key), safe='')}")

    def inspector(self, name: str) -> URIRef:
        return self._id("person", slug(name))

    def official(self, urn: str, name: str) -> URIRef:
        return self._id("person", "official", urn, slug(name))

    def identity_decision(self, person: URIRef, merged_name: str) -> URIRef:
        """The decision that the name `merged_name` is printed for `person`."""
        return URIRef(f"{person}/identity/{slug(merged_name)}")

    def statistics_dataset(self) -> URIRef:
        """The qb:DataSet every statistic is an observation of."""
        return self._id("dataset", "statistics")

    def source(self, sha256: str) -> URIRef:
        return self._id("source", sha256)

    def evidence(self, sha256: str, page: int, quote_text: str) -> URIRef:
        return self._id("source", sha256, "evidence", short_hash(page, quote_text))

    def legislation(self, title: str, section: str | None = None) -> URIRef:
        """An Act or Regulations, or one section of it: legislation.gov.uk's identifier where
        vocab.LEGISLATION knows the instrument, else one of ours from the title."""
        path = LEGISLATION.get(title)
        instrument = (
            URIRef(LEGISLATION_GOV_UK + path) if path else self._id("legislation", slug(title))
        )
        return URIRef(f"{instrument}/section/{quote(section, safe='')}") if section else instrument

    # Documents
    def report_graph(self, sha256: str) -> URIRef:
        return URIRef(f"{self.base}doc/graph/report/{sha256}")

    def graph(self, name: str) -> URIRef:
        """The project-wide graphs: linking, inferred, reference, ontology, manifest."""
        return URIRef(f"{self.base}doc/graph/{name}")

    def inferred_graph(self, graph: URIRef) -> URIRef:
        return URIRef(f"{graph}/inferred")

    def inferred_from(self, graph: str) -> str | None:
        """The graph whose inferences `graph` holds, if it is an inferred graph (the inverse of
        `inferred_graph`, kept beside it so the pattern lives in one place)."""
        suffix = "/inferred"
        return graph[: -len(suffix)] if graph.endswith(suffix) else None

    def manifest_entry(self, key: str) -> URIRef:
        """The build's record of one source file, by its key (`sources.source_key`: the path
        relative to the source given, valid Unicode whatever the file's name)."""
        return URIRef(f"{self.base}doc/source-file/{quote(key, safe='')}")

    # Vocabulary
    def term(self, name: str) -> URIRef:
        return self.DEF[name]

    def concept(self, scheme: str, key: str) -> URIRef:
        """A concept of a vocab.py dictionary: scheme is its name, e.g. concept('GRADES', 'good')."""
        return URIRef(f"{self.DEF}{SCHEMES[scheme]}/{key}")

    def build_status(self, status: str) -> URIRef:
        """A status of the build vocabulary (ontology/build.ttl): vocab.PipelineStatus."""
        return URIRef(f"{self.DEF}build-status/{quote(status, safe='')}")

    def scheme(self, scheme: str) -> URIRef:
        """A concept scheme, under its own path: `ofsted:grade` is the property, not the scheme."""
        return URIRef(f"{self.DEF}scheme/{SCHEMES[scheme]}")


def statistical_geography(gss: str) -> URIRef:
    """The ONS area with this GSS code (the area, not the council that governs it)."""
    return URIRef(STATISTICAL_GEOGRAPHY + gss)


def ofsted_provider_page(urn: str) -> str:
    """Ofsted's own page for a local authority: its reports, by URN (not a URI of this graph)."""
    return OFSTED_PROVIDER_PAGE + quote(urn, safe="")
