"""The linking graph: identity and order across all report graphs in the store.

- Person mentions -> persons. Inspectors are Ofsted staff, so mentions with the same normalised
  name are one person across all reports (rule `same_name`). Nickname variants (Andy/Andrew with
  the same surname) are merged only when both variants inspected with a same colleague; the rule
  `nickname_with_evidence` and that evidence are recorded on the person. Officials are merged by
  name within their own authority only (`same_name_same_authority`), and hold its posts.
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

from collections import Counter, defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from .extract.names import clean_person_name
from .ontology import ORG, SCHEMA, bind_prefixes
from .store import Store, StoreError
from .uris import Uris, slug

# First-name variants that may name the same person. Merging on them needs evidence (see above).
NICKNAMES: dict[str, tuple[str, ...]] = {
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
}


@dataclass(frozen=True)
class Mention:
    node: str
    name: str
    role: str
    inspection: str
    authority: str | None
    post: str | None

    @property
    def is_inspector(self) -> bool:
        return "/inspector-role/" in self.role


def _prefixes(uris: Uris) -> str:
    return f"PREFIX ofsted: <{uris.DEF}>\nPREFIX prov: <{PROV}>\nPREFIX schema: <{SCHEMA}>\n"


def name_key(name: str) -> str:
    """Normalised name: titles removed, then case, accents and punctuation ignored."""
    return slug(clean_person_name(name))


class Linker:
    def __init__(self, store: Store, uris: Uris, reports: list[str]) -> None:
        self.store = store
        self.uris = uris
        self.reports = reports
        # Every query names its graphs: the report graphs with their inferences, and the
        # ontology and reference data; never the store's default graph, which not every server
        # makes the union of its graphs, nor the linking graph being replaced.
        self.dataset = [
            *(g for report in reports for g in (report, f"{report}/inferred")),
            str(uris.graph("ontology")),
            str(uris.graph("reference")),
        ]
        self.T = uris.term
        self.graph = bind_prefixes(Graph(), uris)

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.graph.add((s, p, o))

    def mentions(self) -> list[Mention]:
        query = (
            _prefixes(self.uris)
            + """SELECT DISTINCT ?mention ?name ?role ?inspection ?authority ?post WHERE {
            ?inspection prov:qualifiedAssociation ?mention .
            ?mention ofsted:nameAsPrinted ?name ; prov:hadRole ?role .
            OPTIONAL { ?inspection ofsted:inspectedAuthority ?authority }
            OPTIONAL { ?mention ofsted:post ?post } }"""
        )
        return sorted(
            (
                Mention(
                    r["mention"],
                    r["name"],
                    r["role"],
                    r["inspection"],
                    r.get("authority"),
                    r.get("post"),
                )
                for r in self.store.select(query, default_graphs=self.dataset)
            ),
            key=lambda m: m.node,
        )

    def link_people(self) -> None:
        mentions = self.mentions()
        if not mentions:  # every report names its inspectors: the store answered nothing
            raise StoreError(
                f"the store returned no person mentions from {len(self.reports)} report "
                "graph(s): the linking graph was not written"
            )
        self.link_inspectors([m for m in mentions if m.is_inspector])
        self.link_officials([m for m in mentions if not m.is_inspector and m.authority])

    def link_inspectors(self, mentions: list[Mention]) -> None:
        clusters: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            clusters[name_key(m.name)].append(m)
        merged_into, evidence = self._nickname_merges(clusters)
        persons: dict[str, list[Mention]] = defaultdict(list)
        for key, group in clusters.items():
            persons[merged_into.get(key, key)].extend(group)
        for key, group in sorted(persons.items()):
            display = _display_name([m for m in group if name_key(m.name) == key] or group)
            person = self.uris.inspector(display)
            rules = ["same_name"] + (["nickname_with_evidence"] if key in evidence else [])
            self._person(person, display, group, rules)
            for note in evidence.get(key, []):
                self.add(person, self.T("identityEvidence"), Literal(note))

    def _nickname_merges(
        self, clusters: dict[str, list[Mention]]
    ) -> tuple[dict[str, str], dict[str, list[str]]]:
        """Nickname clusters merged into their formal-name cluster, with the evidence for each."""
        teams: dict[str, set[str]] = defaultdict(set)  # inspection -> name keys
        for key, group in clusters.items():
            for m in group:
                teams[m.inspection].add(key)
        colleagues = {
            key: set().union(*(teams[m.inspection] for m in group)) - {key}
            for key, group in clusters.items()
        }
        merged_into: dict[str, str] = {}
        evidence: dict[str, list[str]] = defaultdict(list)
        for key in sorted(clusters):
            first, _, surname = key.partition("-")
            for formal in NICKNAMES.get(first, ()):
                target = f"{formal}-{surname}"
                if target not in clusters or key in merged_into:
                    continue
                shared = sorted(colleagues[key] & colleagues[target])
                if shared:
                    merged_into[key] = target
                    nick = _display_name(clusters[key])
                    full = _display_name(clusters[target])
                    evidence[target].append(
                        f"'{nick}' and '{full}' both inspected with {_display_name(clusters[shared[0]])}"
                    )
        return merged_into, evidence

    def link_officials(self, mentions: list[Mention]) -> None:
        clusters: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for m in mentions:
            clusters[(m.authority or "", name_key(m.name))].append(m)
        for (authority, _), group in sorted(clusters.items()):
            display = _display_name(group)
            urn = authority.rsplit("/", 1)[-1]
            person = self.uris.official(urn, display)
            self._person(person, display, group, ["same_name_same_authority"])
            for role in sorted({m.role for m in group if m.post}):
                post = URIRef(next(m.post for m in group if m.role == role and m.post))
                membership = self.uris.membership(urn, role.rsplit("/", 1)[-1], slug(display))
                self.add(person, ORG.holds, post)
                self.add(membership, RDF.type, ORG.Membership)
                self.add(membership, ORG.member, person)
                self.add(membership, ORG.organization, URIRef(authority))
                self.add(membership, ORG.role, URIRef(role))

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

    def link_authority_names(self) -> None:
        query = (
            _prefixes(self.uris)
            + """SELECT DISTINCT ?authority ?printed ?label WHERE {
            ?inspection ofsted:inspectedAuthority ?authority ; ofsted:authorityAsPrinted ?printed .
            OPTIONAL { ?authority <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } }"""
        )
        for row in self.store.select(query, default_graphs=self.dataset):
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
        for r in self.store.select(query, default_graphs=self.dataset):
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
        for r in self.store.select(query, default_graphs=self.dataset):
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
        for r in self.store.select(query, default_graphs=self.dataset):
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


def _display_name(group: list[Mention]) -> str:
    """The most often printed form of a name (ties: alphabetical), without titles."""
    counts = Counter(clean_person_name(m.name) for m in group)
    return min(counts, key=lambda name: (-counts[name], name))


def link(store: Store, uris: Uris, reports: list[str]) -> Graph:
    """The linking graph over the report graphs `reports` in `store`."""
    linker = Linker(store, uris, reports)
    if not reports:
        return linker.graph
    linker.link_people()
    linker.link_authority_names()
    linker.link_inspections()
    linker.link_legislation()
    return linker.graph
