"""OWL-RL inference, bounded: owlrl closes the ontology once; its consequences for instance data
are applied per graph by a few fixed rules.

A full owlrl closure of a report graph plus the ontology costs about 0.7 s per report and grows
quickly with graph size (docs/graph.md has the measurements). The instance-level consequences our
ontology actually has are few: class hierarchy (rdfs:subClassOf), property hierarchy
(rdfs:subPropertyOf), owl:inverseOf, and rdfs:domain/rdfs:range typing. owlrl computes the
TBox closure once (the ontology alone is small); `infer` then applies exactly those four rules
to a data graph in one pass. tests/test_graph_reasoning.py checks that the result matches
owlrl's full closure on those rules for a real report graph.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path

import owlrl
import rdflib
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from .ontology import ONTOLOGY_FILES, ontology_graph
from .resources import ontology_file
from .uris import Uris

# Where the TBox rules are kept between builds (owlrl's closure of the ontology costs 0.7-1.1 s
# of CPU, in every build that has a file to build): $OFSTED_KG_CACHE, else $XDG_CACHE_HOME or
# ~/.cache, under ofsted-kg/.
CACHE_ENV = "OFSTED_KG_CACHE"

# Classes every resource belongs to under OWL-RL; stating them adds nothing.
_TRIVIAL = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}


@dataclass
class TBoxRules:
    superclasses: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    superproperties: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    domains: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))


def closed_ontology(base: str | None = None) -> Graph:
    """The ontology with its own OWL-RL closure (computed by owlrl; small: ~1 s once)."""
    closure = Graph()
    closure += ontology_graph(base)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    return closure


@cache
def tbox_rules(base: str | None = None) -> TBoxRules:
    """The rules of the ontology under `base`: read from the cache when a previous build made
    them from the same ontology files, base, owlrl, rdflib and this module; else made and kept."""
    path = _cache_folder() / f"tbox-{_tbox_key(base)}.json"
    try:
        return _rules_from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # not made yet, or unreadable: made again
    rules = _rules_of(closed_ontology(base))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(_rules_as_json(rules), encoding="utf-8")
        os.replace(temporary, path)  # whole or not at all, for builds running side by side
    except OSError:
        pass  # a cache that cannot be written costs time, never the build
    return rules


def _cache_folder() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ofsted-kg"


def _tbox_key(base: str | None) -> str:
    """What the rules depend on: the ontology's files, the base, the reasoner and this code."""
    digest = hashlib.sha256()
    for name in ONTOLOGY_FILES:
        digest.update(ontology_file(name).read_bytes())
    parts = (Uris(base).base, owlrl.__version__, rdflib.__version__)
    digest.update("\n".join(parts).encode("utf-8"))
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:32]


def _rules_as_json(rules: TBoxRules) -> str:
    return json.dumps(
        {
            f.name: {str(k): sorted(map(str, v)) for k, v in getattr(rules, f.name).items()}
            for f in fields(TBoxRules)
        }
    )


def _rules_from_json(text: str) -> TBoxRules:
    kept = json.loads(text)
    rules = TBoxRules()
    for f in fields(TBoxRules):
        table = getattr(rules, f.name)
        for key, values in kept[f.name].items():
            table[URIRef(key)].update(URIRef(v) for v in values)
    return rules


def _rules_of(closure: Graph) -> TBoxRules:
    rules = TBoxRules()

    def named(*terms: object) -> bool:
        return all(isinstance(t, URIRef) and not isinstance(t, BNode) for t in terms)

    for sub, sup in closure.subject_objects(RDFS.subClassOf):
        if named(sub, sup) and sub != sup and sup not in _TRIVIAL:
            rules.superclasses[sub].add(sup)
    for sub, sup in closure.subject_objects(RDFS.subPropertyOf):
        if named(sub, sup) and sub != sup:
            rules.superproperties[sub].add(sup)
    for p, q in closure.subject_objects(OWL.inverseOf):
        if named(p, q):
            rules.inverses[p].add(q)
            rules.inverses[q].add(p)
    for p, d in closure.subject_objects(RDFS.domain):
        if named(p, d) and d not in _TRIVIAL:
            rules.domains[p].add(d)
    for p, r in closure.subject_objects(RDFS.range):
        if named(p, r) and r not in _TRIVIAL:
            rules.ranges[p].add(r)
    return rules


def inferred_triples(
    data: Collection[tuple[Node, Node, Node]], base: str | None = None
) -> set[tuple[Node, Node, Node]]:
    """The triples the ontology entails for `data` that `data` does not state.

    `data` is anything that iterates its triples and answers `in`: a Graph, or the set of
    triples the build keeps (emit.py), where `in` is a hash look-up instead of a Graph query."""
    rules = tbox_rules(base)
    rdf_type = RDF.type  # each `RDF.type` runs rdflib's namespace __getattr__: once, not per triple
    inferred: set[tuple[Node, Node, Node]] = set()
    types: set[tuple[Node, Node]] = set()
    for s, p, o in data:
        if p == rdf_type:
            types.add((s, o))
            continue
        for q in rules.superproperties.get(p, ()):
            inferred.add((s, q, o))
        if isinstance(o, URIRef):
            for q in rules.inverses.get(p, ()):
                inferred.add((o, q, s))
            types.update((o, c) for c in rules.ranges.get(p, ()))
        types.update((s, c) for c in rules.domains.get(p, ()))
    for node, cls in list(types):
        types.update((node, sup) for sup in rules.superclasses.get(cls, ()))
    inferred.update((node, rdf_type, cls) for node, cls in types)
    return {triple for triple in inferred if triple not in data}


def infer(data: Graph, base: str | None = None) -> Graph:
    """The triples the ontology entails for `data` that `data` does not state (a new graph)."""
    out = Graph()
    for triple in inferred_triples(data, base):
        out.add(triple)
    return out
