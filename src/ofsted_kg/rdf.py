"""One resolved report record -> the rdflib Graph of its named graph; triples and nothing else.

What the triples need beyond the record (its authority, the inspection's first day, the GSS code
on that day, whether an LSCB is spoken of) is decided before, in resolve.py, and the quotes'
context travels in their `Evidence`. Every fact node carries `prov:wasDerivedFrom` its source
document and `ofsted:evidence` a quoted passage: an `oa:SpecificResource` on the source with its
page and an `oa:TextQuoteSelector` (exact quote, with prefix and suffix when the quote was
located in the text). Triples are collected in a list and added in one go (rdflib's per-call
overhead dominates otherwise).
"""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from . import vocab
from .authorities import Authority, authorities, statistical_neighbours
from .families import family
from .ontology import OA, ORG, QB, SCHEMA, bind_prefixes
from .records import Evidence
from .resolve import ResolvedReport
from .uris import Uris, slug, statistical_geography

Triple = tuple[URIRef, URIRef, URIRef | Literal]


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


class ReportGraphBuilder:
    def __init__(self, resolved: ResolvedReport, uris: Uris) -> None:
        self.resolved = resolved
        self.report = resolved.report
        self.uris = uris
        self.T = uris.term
        self.source = uris.source(self.report.sha256)
        self.inspection = uris.inspection(resolved.authority_urn, resolved.start)
        self.triples: list[Triple] = []
        self._evidence_done: set[URIRef] = set()

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            self.triples.append((s, p, o))

    def fact(self, node: URIRef, cls: str, evidence: Evidence) -> None:
        """A fact node: its class, its source and its quoted evidence."""
        self.add(node, RDF.type, self.T(cls))
        self.add(node, PROV.wasDerivedFrom, self.source)
        self.add(node, self.T("evidence"), self.evidence(evidence))

    def evidence(self, evidence: Evidence) -> URIRef:
        node = self.uris.evidence(self.report.sha256, evidence.page, evidence.quote)
        if node in self._evidence_done:
            return node
        self._evidence_done.add(node)
        selector = URIRef(f"{node}/selector")
        self.add(node, RDF.type, self.T("Evidence"))
        self.add(node, OA.hasSource, self.source)
        self.add(node, self.T("page"), Literal(max(evidence.page, 1), datatype=XSD.integer))
        self.add(node, OA.hasSelector, selector)
        self.add(selector, RDF.type, OA.TextQuoteSelector)
        self.add(selector, OA.exact, Literal(evidence.quote))
        if evidence.prefix is not None:
            self.add(selector, OA.prefix, Literal(evidence.prefix))
        if evidence.suffix is not None:
            self.add(selector, OA.suffix, Literal(evidence.suffix))
        return node

    def part(self, name: str, key: str | int) -> URIRef:
        return self.uris.inspection_part(self.inspection, name, key)

    def build(self) -> list[Triple]:
        self.source_document()
        self.inspection_node()
        self.judgements()
        self.people()
        self.recommendations()
        self.findings()
        self.previous_inspections()
        self.statistics()
        self.legal_basis()
        return self.triples

    def source_document(self) -> None:
        r, s, T = self.report, self.source, self.T
        self.add(s, RDF.type, T("SourceDocument"))
        self.add(s, T("fileName"), Literal(r.doc))
        self.add(s, T("sha256"), Literal(r.sha256))
        self.add(s, DCTERMS["format"], Literal(r.format))
        self.add(s, T("pageCount"), Literal(r.page_count, datatype=XSD.integer))
        if r.publication_date:
            self.add(s, DCTERMS.issued, _date(r.publication_date.value))
        if r.letter_date:
            self.add(s, DCTERMS.date, _date(r.letter_date.value))
        for warning in r.warnings:
            self.add(s, T("extractionWarning"), Literal(warning))

    def inspection_node(self) -> None:
        r, i, T, uris = self.report, self.inspection, self.T, self.uris
        self.add(i, RDF.type, T("Inspection"))
        self.add(i, T("reportKind"), uris.concept("REPORT_KINDS", r.kind))
        self.add(i, T("reportedIn"), self.source)
        kind = family(r.kind)
        for inspectorate in kind.inspectorates:
            self.add(i, PROV.wasAssociatedWith, uris.organisation(inspectorate))
        where = r.local_authority.value if r.local_authority else "unknown authority"
        label = f"{kind.label}: {where}, {self.resolved.start}"
        self.add(i, RDFS.label, Literal(label, lang="en"))
        authority = self.resolved.authority
        if authority and r.local_authority:
            self.add(i, T("inspectedAuthority"), uris.authority(authority.urn))
            self.add(i, T("authorityAsPrinted"), Literal(r.local_authority.value))
            self.add(i, T("evidence"), self.evidence(r.local_authority.evidence))
            gss = self.resolved.gss_code
            if gss:
                self.add(i, T("laGssCode"), Literal(gss))
                self.add(i, T("inspectedArea"), statistical_geography(gss))
            if self.resolved.mentions_safeguarding_board:
                board = uris.safeguarding_board(authority.urn)
                self.add(uris.authority(authority.urn), T("safeguardingBoard"), board)
                self.add(board, RDF.type, T("SafeguardingBoard"))
                self.add(board, ORG.subOrganizationOf, uris.authority(authority.urn))
        if r.inspection_dates:
            self.add(i, SCHEMA.startDate, _date(min(p.start for p in r.inspection_dates)))
            self.add(i, SCHEMA.endDate, _date(max(p.end for p in r.inspection_dates)))
        for n, period in enumerate(sorted(r.inspection_dates, key=lambda p: p.start), 1):
            node = self.part("fieldwork", n)
            self.add(i, T("fieldwork"), node)
            self.add(node, RDF.type, T("FieldworkPeriod"))
            self.add(node, SCHEMA.startDate, _date(period.start))
            self.add(node, SCHEMA.endDate, _date(period.end))
            self.add(node, PROV.wasDerivedFrom, self.source)
            self.add(node, T("evidence"), self.evidence(period.evidence))

    def judgements(self) -> None:
        for j in self.report.judgements:
            node = self.part("judgement", j.area)
            self.fact(node, "Judgement", j.evidence)
            self.add(self.inspection, self.T("hasJudgement"), node)
            # A key outside vocab.AREAS gets a concept IRI all the same, for SHACL to refuse.
            self.add(node, self.T("judgementArea"), self.uris.concept("AREAS", j.area))
            self.add(node, self.T("grade"), self.uris.concept("GRADES", j.grade))

    def people(self) -> None:
        authority = self.resolved.authority
        for scheme, mentions in (
            ("INSPECTOR_ROLES", self.report.inspectors),
            ("OFFICIAL_ROLES", self.report.officials),
        ):
            for mention in mentions:
                node = self.part("participant", f"{slug(mention.name)}-{mention.role}")
                self.fact(node, "PersonMention", mention.evidence)
                self.add(self.inspection, PROV.qualifiedAssociation, node)
                self.add(node, self.T("nameAsPrinted"), Literal(mention.name))
                self.add(node, PROV.hadRole, self.uris.concept(scheme, mention.role))
                if mention.organisation:
                    self.add(node, self.T("organisationAsPrinted"), Literal(mention.organisation))
                if mention.role_as_printed:
                    self.add(node, self.T("roleAsPrinted"), Literal(mention.role_as_printed))
                if scheme == "OFFICIAL_ROLES" and authority and mention.role != "other":
                    post = self.uris.post(authority.urn, mention.role)
                    self.add(node, self.T("post"), post)
                    self.add(post, RDF.type, ORG.Post)
                    self.add(post, ORG.postIn, self.uris.authority(authority.urn))
                    self.add(post, ORG.role, self.uris.concept(scheme, mention.role))

    def recommendations(self) -> None:
        # Keyed by target and printed number (else the place in its target's list), not by the
        # place in the report: every document of one inspection (a text copy, the PDF) then
        # names the same recommendation with the same URI, even if one reads an item fewer.
        T = self.T
        places: Counter[str] = Counter()
        for n, rec in enumerate(self.report.recommendations, 1):
            places[rec.target] += 1
            key = rec.number if rec.number is not None else f"item-{places[rec.target]}"
            node = self.part("recommendation", f"{rec.target}-{key}")
            self.fact(node, "Recommendation", rec.evidence)
            self.add(self.inspection, T("hasRecommendation"), node)
            self.add(node, T("position"), Literal(n, datatype=XSD.integer))
            self.add(node, T("target"), self.uris.concept("RECOMMENDATION_TARGETS", rec.target))
            if rec.number is not None:
                self.add(node, T("printedNumber"), Literal(rec.number, datatype=XSD.integer))
            if rec.priority:
                self.add(node, T("priority"), Literal(rec.priority))
            if rec.theme:
                self.add(node, T("theme"), Literal(rec.theme))
            self.add(node, T("textAsPrinted"), Literal(rec.text))
            if rec.framework_reference:
                ref = self.uris.concept("NATIONAL_FRAMEWORK", rec.framework_reference)
                self.add(node, T("frameworkReference"), ref)

    def findings(self) -> None:
        for list_key in vocab.FINDING_LISTS:
            items = getattr(self.report, list_key) or []
            for n, item in enumerate(items, 1):
                node = self.part(list_key.replace("_", "-"), n)
                self.fact(node, "Finding", item.evidence)
                self.add(self.inspection, self.T("hasFinding"), node)
                self.add(node, self.T("findingList"), self.uris.concept("FINDING_LISTS", list_key))
                self.add(node, self.T("position"), Literal(n, datatype=XSD.integer))
                self.add(node, self.T("textAsPrinted"), Literal(item.text))

    def previous_inspections(self) -> None:
        for n, prev in enumerate(self.report.previous_inspection or [], 1):
            node = self.part("previous-inspection", n)
            self.fact(node, "PreviousInspectionStatement", prev.evidence)
            self.add(self.inspection, self.T("hasPreviousInspectionStatement"), node)
            self.add(node, self.T("position"), Literal(n, datatype=XSD.integer))
            precision = XSD.gYear if len(prev.date) == 4 else XSD.gYearMonth
            self.add(node, self.T("statedDate"), Literal(prev.date, datatype=precision))
            self.add(node, self.T("grade"), self.uris.concept("GRADES", prev.judgement))
            if prev.area:
                self.add(node, self.T("statedArea"), Literal(prev.area))

    def statistics(self) -> None:
        # Each an observation of the statistics data set (ontology: ofsted:statisticsStructure).
        T, resolved = self.T, self.resolved
        for n, stat in enumerate(self.report.statistics or [], 1):
            node = self.part("statistic", f"{n}-{stat.measure}")
            self.fact(node, "Statistic", stat.evidence)
            self.add(node, RDF.type, QB.Observation)
            self.add(node, QB.dataSet, self.uris.statistics_dataset())
            self.add(self.inspection, T("hasStatistic"), node)
            if resolved.authority:
                self.add(node, T("refArea"), self.uris.authority(resolved.authority.urn))
            if resolved.first_day:
                self.add(node, T("refPeriod"), _date(resolved.first_day))
            self.add(node, T("measure"), self.uris.concept("STATISTIC_MEASURES", stat.measure))
            self.add(node, T("unit"), self.uris.concept("STATISTIC_UNITS", stat.unit))
            self.add(node, T("value"), Literal(str(stat.value), datatype=XSD.decimal))
            if stat.as_of:
                self.add(node, T("asOf"), _date(stat.as_of))

    def legal_basis(self) -> None:
        # The provision itself is described once, in the linking graph: described here it would
        # be repeated in every report graph citing it (63 for section 136), and each repetition
        # multiplies the rows of a query over the union of the graphs.
        T = self.T
        for n, basis in enumerate(self.report.legal_basis, 1):
            node = self.part("legal-basis", n)
            self.fact(node, "LegalBasisStatement", basis.evidence)
            self.add(self.inspection, T("hasLegalBasisStatement"), node)
            self.add(node, T("position"), Literal(n, datatype=XSD.integer))
            self.add(node, T("statedScope"), Literal(basis.scope))
            self.add(node, T("provision"), self.uris.legislation(basis.instrument, basis.section))
            self.add(node, T("citedInstrument"), Literal(basis.instrument))
            if basis.section:
                self.add(node, T("citedSection"), Literal(basis.section))


def authority_triples(authority: Authority, uris: Uris) -> list[Triple]:
    """Reference facts of one authority: name, codes, and GSS codes with their validity."""
    T = uris.term
    node = uris.authority(authority.urn)
    triples: list[Triple] = [
        (node, RDF.type, T("LocalAuthority")),
        (node, SKOS.prefLabel, Literal(authority.name, lang="en")),
        (node, RDFS.label, Literal(authority.name, lang="en")),
        (node, T("ofstedUrn"), Literal(authority.urn)),
        (node, T("region"), Literal(authority.region)),
    ]
    if authority.dfe_code:
        triples.append((node, T("dfeCode"), Literal(authority.dfe_code)))
    for gss in authority.gss_codes:
        code = uris.authority_code(authority.urn, gss.code)
        triples += [
            (node, T("hasGssCode"), code),
            (code, RDF.type, T("GssCodeAssignment")),
            (code, T("gssCode"), Literal(gss.code)),
            (code, T("statisticalArea"), statistical_geography(gss.code)),
        ]
        if gss.valid_from:
            triples.append((code, SCHEMA.validFrom, _date(gss.valid_from)))
        if gss.valid_to:
            triples.append((code, SCHEMA.validThrough, _date(gss.valid_to)))
    return triples


def neighbour_triples(authority: Authority, peers: list[Authority], uris: Uris) -> list[Triple]:
    """The authority's DfE statistical neighbours. Only in the reference graph, not in the
    authority facts a report graph is validated with: there the neighbours are not described."""
    node, neighbour = uris.authority(authority.urn), uris.term("statisticalNeighbour")
    return [(node, neighbour, uris.authority(peer.urn)) for peer in peers]


def reference_graph(uris: Uris) -> Graph:
    """Every authority of the reference data, Ofsted itself, and the statistics data set."""
    graph = bind_prefixes(Graph(), uris)
    ofsted = uris.ofsted()
    graph.add((ofsted, RDF.type, ORG.Organization))
    graph.add((ofsted, SKOS.prefLabel, Literal("Ofsted", lang="en")))
    graph.add((ofsted, RDFS.label, Literal("Ofsted", lang="en")))
    dataset = uris.statistics_dataset()
    graph.add((dataset, RDF.type, QB.DataSet))
    graph.add((dataset, QB.structure, uris.term("statisticsStructure")))
    label = Literal("Figures Ofsted's reports give about local authorities' areas", lang="en")
    graph.add((dataset, RDFS.label, label))
    for authority in authorities().values():
        graph.addN((s, p, o, graph) for s, p, o in authority_triples(authority, uris))
        peers = statistical_neighbours(authority)
        graph.addN((s, p, o, graph) for s, p, o in neighbour_triples(authority, peers, uris))
    return graph


def report_triples(resolved: ResolvedReport, uris: Uris) -> list[Triple]:
    return ReportGraphBuilder(resolved, uris).build()


def report_graph(resolved: ResolvedReport, uris: Uris) -> Graph:
    """The graph of one report (not yet typed by inference; see reasoning.py)."""
    graph = bind_prefixes(Graph(), uris)
    graph.addN((s, p, o, graph) for s, p, o in report_triples(resolved, uris))
    return graph
