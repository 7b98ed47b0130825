"""The linking graph: identity and order across all report graphs in the store.

- Person mentions -> persons, by the rules of identity.py. Inspectors are Ofsted staff, so one
  name is one person across all reports; variants (a middle initial, a diminutive, a one-letter
  misprint) join it only with evidence, never two names printed in one document, and a reviewed decisions
  file overrides the rules. Each merge is recorded on the person as an `ofsted:IdentityDecision`
  (rule, the name merged, the evidence in words); every printed form is a skos:altLabel.
  Officials are matched the same way within their own authority only, and hold its posts. Each
  membership (org:Membership) is org:memberDuring a time:Interval known only by the dates of the
  reports naming the official in the post (time:inside): when it began and ended is not known.
- A recommendation or finding stated by several documents of one inspection (a text copy and the
  PDF) is one resource with each document's `ofsted:textAsPrinted`; its one `ofsted:text` is
  chosen here: the reading most documents print (ties: the first in code-point order).
- Authorities are one resource per Ofsted URN already; the names reports print for them are kept
  as skos:altLabel.
- Legal provisions cited by reports are described once: an Act or Regulations, and a section of
  it (dcterms:isPartOf the Act), labelled from the title the statements cite.
- Each inspection links to the same authority's previous inspection by dates
  (ofsted:previousInspection), and each previous-inspection statement to the inspection in the
  graph it describes (ofsted:refersTo; same authority, month within its fieldwork).

owl:sameAs is never produced: persons are minted here, so mentions point at one resource.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from .identity import (
    Decision,
    NameGroup,
    NearMatch,
    Occurrence,
    Resolver,
    ReviewedDecisions,
    most_printed,
    name_key,
)
from .ontology import ORG, SCHEMA, bind_prefixes
from .store import Store, StoreError
from .store.results import Row
from .uris import Uris, slug


@dataclass(frozen=True)
class Mention:
    """A person mention as the graphs state it: the role's key and scheme from the vocabulary,
    the authority's URN from the reference data, never read out of their IRIs."""

    node: str
    name: str
    role: str
    role_key: str  # the role concept's skos:notation
    is_inspector: bool  # the role is in the inspector-role scheme
    inspection: str
    authority: str | None
    authority_urn: str | None  # the inspected authority's ofsted:ofstedUrn
    post: str | None

    @property
    def role_family(self) -> str:
        """Inspectors who analyse data or assure quality are a family apart from those who
        inspect; an official's family is their post."""
        if not self.is_inspector:
            return self.role_key.replace("_", " ")
        return "analysis" if re.search(r"analy|quality|data", self.role_key) else "inspection"


def _prefixes(uris: Uris) -> str:
    return (
        f"PREFIX ofsted: <{uris.DEF}>\nPREFIX prov: <{PROV}>\nPREFIX schema: <{SCHEMA}>\n"
        f"PREFIX skos: <{SKOS}>\n"
    )


class Linker:
    def __init__(
        self,
        store: Store,
        uris: Uris,
        reports: list[str],
        reviewed: ReviewedDecisions | None = None,
        *,
        read_union: bool = False,
    ) -> None:
        self.store = store
        self.uris = uris
        self.reports = reports
        self.reviewed = reviewed or ReviewedDecisions()
        # Every query reads the report graphs with their inferences, and the ontology and
        # reference data; never the linking graph being replaced. With `read_union`, the store's
        # default graph is the union of its graphs and that is what the queries read: the build
        # drops the linking graph before relinking, and the people report (`unresolved_people`)
        # asks only what the linking graph never states. Otherwise each query names its graphs,
        # which costs more the more graphs it names (pyoxigraph: 0.27 s for 200 graphs, 9.7 s
        # for 800; a national store has 3,500; bench/graph_lists.py).
        self.dataset: list[str] | None = (
            None
            if read_union
            else [
                *(g for report in reports for g in (report, str(uris.inferred_graph(URIRef(report))))),
                str(uris.graph("ontology")),
                str(uris.graph("reference")),
            ]
        )
        self.T = uris.term
        self.graph = bind_prefixes(Graph(), uris)

    def _select(self, query: str) -> list[Row]:
        return self.store.select(query, default_graphs=self.dataset)

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.graph.add((s, p, o))

    def mentions(self) -> list[Mention]:
        # The roles' keys and schemes come from the vocabulary (the ontology graph), the
        # authorities' URNs from the reference graph.
        inspector_roles = self.uris.scheme("INSPECTOR_ROLES")
        query = (
            _prefixes(self.uris)
            + f"""SELECT DISTINCT ?mention ?name ?role ?roleKey ?inspectorRoles ?inspection
                ?authority ?urn ?post WHERE {{
            ?inspection prov:qualifiedAssociation ?mention .
            ?mention ofsted:nameAsPrinted ?name ; prov:hadRole ?role .
            ?role skos:notation ?roleKey .
            OPTIONAL {{ ?role skos:inScheme ?inspectorRoles
                        FILTER (?inspectorRoles = <{inspector_roles}>) }}
            OPTIONAL {{ ?inspection ofsted:inspectedAuthority ?authority .
                        ?authority ofsted:ofstedUrn ?urn }}
            OPTIONAL {{ ?mention ofsted:post ?post }} }}"""
        )
        return sorted(
            (
                Mention(
                    r["mention"],
                    r["name"],
                    r["role"],
                    r["roleKey"],
                    "inspectorRoles" in r,
                    r["inspection"],
                    r.get("authority"),
                    r.get("urn"),
                    r.get("post"),
                )
                for r in self._select(query)
            ),
            key=lambda m: m.node,
        )

    def inspection_years(self) -> dict[str, str]:
        query = (
            _prefixes(self.uris)
            + """SELECT DISTINCT ?inspection ?start WHERE {
            ?inspection a ofsted:Inspection ; schema:startDate ?start }"""
        )
        rows = self._select(query)
        return {r["inspection"]: r["start"][:4] for r in rows}

    def mention_documents(self) -> dict[str, frozenset[str]]:
        query = (
            _prefixes(self.uris)
            + """SELECT DISTINCT ?mention ?source WHERE {
            ?inspection prov:qualifiedAssociation ?mention . ?mention prov:wasDerivedFrom ?source }"""
        )
        documents: dict[str, set[str]] = defaultdict(set)
        for r in self._select(query):
            documents[r["mention"]].add(r["source"])
        return {mention: frozenset(sources) for mention, sources in documents.items()}

    def resolve_people(self) -> list[tuple[Resolver, dict[str, list[Mention]]]]:
        """The identity resolution of every scope (Ofsted's inspectors; each authority's
        officials), each with the mentions of its name groups."""
        mentions = self.mentions()
        if not mentions:  # every report names its inspectors: the store answered nothing
            raise StoreError(
                f"the store returned no person mentions from {len(self.reports)} report "
                "graph(s): the linking graph was not written"
            )
        years = self.inspection_years()
        documents = self.mention_documents()
        # Keyed by the authority's URN ("" for Ofsted's inspectors).
        scopes: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            if m.is_inspector:
                scopes[""].append(m)
            elif m.authority_urn:
                scopes[m.authority_urn].append(m)
        resolved = []
        for scope, scoped in sorted(scopes.items()):
            by_key: dict[str, list[Mention]] = defaultdict(list)
            for m in scoped:
                by_key[name_key(m.name)].append(m)
            groups = {
                key: NameGroup(
                    key,
                    [
                        Occurrence(
                            m.name,
                            m.inspection,
                            documents.get(m.node, frozenset()),
                            years.get(m.inspection, ""),
                            m.authority or "",
                            m.role_family,
                        )
                        for m in group
                    ],
                )
                for key, group in by_key.items()
            }
            label = f"officials of local authority {scope}" if scope else "inspectors"
            resolver = Resolver(groups, self.reviewed, label, authorities_count=not scope)
            resolver.resolve()
            resolved.append((resolver, dict(by_key)))
        return resolved

    def report_dates(self) -> dict[str, str]:
        """When each inspection's report was written: its letter date, else its publication date."""
        query = (
            _prefixes(self.uris)
            + f"""SELECT ?inspection (COALESCE(?dated, ?issued) AS ?date) WHERE {{
            ?inspection ofsted:reportedIn ?source .
            OPTIONAL {{ ?source <{DCTERMS.date}> ?dated }}
            OPTIONAL {{ ?source <{DCTERMS.issued}> ?issued }}
            FILTER (BOUND(?dated) || BOUND(?issued)) }}"""
        )
        rows = self._select(query)
        return {r["inspection"]: r["date"] for r in rows}

    def link_people(self) -> None:
        written = self.report_dates()
        for resolver, by_key in self.resolve_people():
            for keys in resolver.persons().values():
                group = [m for key in keys for m in by_key[key]]
                display = most_printed(m.name for m in group)
                if group[0].is_inspector:
                    person = self.uris.inspector(display)
                    rules = {"same_name"}
                else:
                    urn = group[0].authority_urn or ""
                    person = self.uris.official(urn, display)
                    rules = {"same_name_same_authority"}
                    self._posts(person, urn, slug(display), group, written)
                for decision in resolver.decisions:
                    if decision.into in keys:
                        rules.add(decision.rule)
                        self._decision(person, display, resolver, decision)
                self._person(person, display, group, sorted(rules))

    def _decision(
        self, person: URIRef, display: str, resolver: Resolver, decision: Decision
    ) -> None:
        merged = resolver.groups[decision.merged].label()
        node = self.uris.identity_decision(person, merged)
        self.add(person, self.T("identityDecision"), node)
        self.add(node, RDF.type, self.T("IdentityDecision"))
        self.add(node, RDFS.label, Literal(f"'{merged}' is {display}", lang="en"))
        self.add(node, self.T("decisionRule"), self.uris.concept("IDENTITY_RULES", decision.rule))
        self.add(node, self.T("mergedName"), Literal(merged))
        self.add(node, self.T("identityEvidence"), Literal(decision.evidence))

    def _posts(
        self,
        person: URIRef,
        urn: str,
        person_slug: str,
        group: list[Mention],
        written: dict[str, str],
    ) -> None:
        for role in sorted({m.role for m in group if m.post}):
            held = next(m for m in group if m.role == role and m.post)
            post = URIRef(held.post)
            membership = self.uris.membership(urn, held.role_key, person_slug)
            self.add(person, ORG.holds, post)
            self.add(membership, RDF.type, ORG.Membership)
            self.add(membership, ORG.member, person)
            self.add(membership, ORG.organization, self.uris.authority(urn))
            self.add(membership, ORG.role, URIRef(role))
            held_on = {
                written[m.inspection] for m in group if m.role == role and m.inspection in written
            }
            self._membership_period(membership, held_on)

    def _membership_period(self, membership: URIRef, held_on: set[str]) -> None:
        """The membership's period, as the days the reports show it held (time:inside)."""
        if not held_on:
            return
        period = self.uris.membership_period(membership)
        self.add(membership, ORG.memberDuring, period)
        self.add(period, RDF.type, TIME.Interval)
        for day in sorted(held_on):
            instant = self.uris.membership_day(membership, day)
            self.add(period, TIME.inside, instant)
            self.add(instant, RDF.type, TIME.Instant)
            self.add(instant, TIME.inXSDDate, Literal(day, datatype=XSD.date))

    def _person(self, person: URIRef, display: str, group: list[Mention], rules: list[str]) -> None:
        self.add(person, RDF.type, SCHEMA.Person)
        self.add(person, RDF.type, PROV.Agent)
        self.add(person, SCHEMA.name, Literal(display))
        self.add(person, RDFS.label, Literal(display))
        for rule in rules:
            self.add(person, self.T("identityRule"), self.uris.concept("IDENTITY_RULES", rule))
        for variant in sorted({m.name for m in group} - {display}):
            self.add(person, SKOS.altLabel, Literal(variant))
        for m in group:
            self.add(URIRef(m.node), PROV.agent, person)

    def link_texts(self) -> None:
        """One text for each recommendation or finding: the reading most documents print."""
        query = (
            _prefixes(self.uris)
            + """SELECT ?node ?printed (COUNT(DISTINCT ?graph) AS ?documents) WHERE {
            GRAPH ?graph { ?node ofsted:textAsPrinted ?printed } } GROUP BY ?node ?printed"""
        )
        readings: dict[str, list[tuple[int, str]]] = defaultdict(list)
        # GRAPH ?graph ranges over the named graphs of the query's dataset: the report graphs,
        # named as such (a dataset of default graphs only has no named graphs on a server).
        named = None if self.dataset is None else self.reports
        for r in self.store.select(query, named_graphs=named):
            readings[r["node"]].append((-int(r["documents"]), r["printed"]))
        for node, texts in readings.items():
            self.add(URIRef(node), self.T("text"), Literal(min(texts)[1]))

    def link_authority_names(self) -> None:
        query = (
            _prefixes(self.uris)
            + """SELECT DISTINCT ?authority ?printed ?label WHERE {
            ?inspection ofsted:inspectedAuthority ?authority ; ofsted:authorityAsPrinted ?printed .
            OPTIONAL { ?authority <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } }"""
        )
        for row in self._select(query):
            if row["printed"] != row.get("label"):
                self.add(
                    URIRef(row["authority"]), SKOS.altLabel, Literal(row["printed"], lang="en")
                )

    def link_inspections(self) -> None:
        query = (
            _prefixes(self.uris)
            + """SELECT DISTINCT ?inspection ?authority ?start ?end WHERE {
            ?inspection a ofsted:Inspection ; ofsted:inspectedAuthority ?authority ;
                        schema:startDate ?start .
            OPTIONAL { ?inspection schema:endDate ?end } }"""
        )
        by_authority: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for r in self._select(query):
            by_authority[r["authority"]].append(
                (r["start"], r.get("end") or r["start"], r["inspection"])
            )
        for inspections in by_authority.values():
            inspections.sort()
            for (start, _, current), earlier in zip(inspections[1:], inspections, strict=False):
                if earlier[0] < start:
                    self.add(URIRef(current), self.T("previousInspection"), URIRef(earlier[2]))
        query = (
            _prefixes(self.uris)
            + """SELECT DISTINCT ?statement ?inspection ?authority ?when WHERE {
            ?inspection ofsted:hasPreviousInspectionStatement ?statement ;
                        ofsted:inspectedAuthority ?authority .
            ?statement ofsted:statedDate ?when }"""
        )
        for r in self._select(query):
            when = r["when"]  # YYYY-MM or YYYY: compare dates at the stated precision
            candidates = {
                other
                for start, end, other in by_authority.get(r["authority"], [])
                if other != r["inspection"] and start[: len(when)] <= when <= end[: len(when)]
            }
            if len(candidates) == 1:  # only an unambiguous match is a link
                self.add(URIRef(r["statement"]), self.T("refersTo"), URIRef(candidates.pop()))

    def link_legislation(self) -> None:
        query = (
            _prefixes(self.uris)
            + """SELECT DISTINCT ?provision ?title ?section WHERE {
            ?statement ofsted:provision ?provision ; ofsted:citedInstrument ?title .
            OPTIONAL { ?statement ofsted:citedSection ?section } }"""
        )
        kind = self.T("LegalProvision")
        for r in self._select(query):
            provision, title, section = URIRef(r["provision"]), r["title"], r.get("section")
            instrument = self.uris.legislation(title)
            self.add(instrument, RDF.type, kind)
            self.add(instrument, RDFS.label, Literal(title, lang="en"))
            if section:
                self.add(provision, RDF.type, kind)
                label = f"section {section} of the {title}"
                self.add(provision, RDFS.label, Literal(label, lang="en"))
                self.add(provision, self.T("sectionNumber"), Literal(section))
                self.add(provision, DCTERMS.isPartOf, instrument)


def link(
    store: Store,
    uris: Uris,
    reports: list[str],
    reviewed: ReviewedDecisions | None = None,
    *,
    union_without_linking: bool = False,
) -> Graph:
    """The linking graph over the report graphs `reports` in `store`, with the reviewed identity
    decisions overriding the rules. `union_without_linking`: the store's default graph is the
    union of its graphs, and they are the report graphs, their inferences, the ontology,
    reference and manifest graphs, and no linking graph (see `Linker`)."""
    linker = Linker(store, uris, reports, reviewed, read_union=union_without_linking)
    if not reports:
        return linker.graph
    linker.link_people()
    linker.link_texts()
    linker.link_authority_names()
    linker.link_inspections()
    linker.link_legislation()
    return linker.graph


def unresolved_people(
    store: Store, uris: Uris, reports: list[str], reviewed: ReviewedDecisions | None = None
) -> list[NearMatch]:
    """Near-matches of names in the report graphs `reports` that neither the rules nor the
    reviewed decisions settled.

    Read from the store's union default graph where it has one, linking graph and all: identity
    is resolved from the mentions, roles, authorities, dates and sources of the report graphs,
    the ontology and the reference data, and the linking graph and its inferences state none of
    these (persons, decisions, posts held, texts chosen, order of inspections: `link`), only
    types the report graphs state as well. The union's answers are the named graphs'
    (tests/test_build_corpus.py)."""
    union = store.has_union_default_graph(write_probe=False)
    resolved = Linker(store, uris, reports, reviewed, read_union=union).resolve_people()
    return [near for resolver, _ in resolved for near in resolver.near_matches]
