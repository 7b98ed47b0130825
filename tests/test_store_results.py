"""Store.select / ask / construct on a real embedded store: rows of Terms that read as their text
and keep what kind of term each is; the formats' names as the CLI and the downloads use them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ofsted_kg import formats
from ofsted_kg.store import EmbeddedStore

DATA = """INSERT DATA { GRAPH <http://example.org/g> {
  <http://example.org/s> <http://example.org/p> <http://example.org/o> ,
      "http://example.org/o" , "chat"@fr , "chat" , 7 .
} }"""


def test_select_rows_are_terms_that_read_as_text(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.update(DATA)
    rows = store.select("SELECT ?o ?missing WHERE { <http://example.org/s> ?p ?o }")
    assert all("missing" not in row for row in rows)  # unbound: left out
    objects = [row["o"] for row in rows]
    assert sorted(objects) == sorted(
        ["http://example.org/o", "http://example.org/o", "chat", "chat", "7"]
    )
    iri = next(o for o in objects if o.is_uri)
    text = next(o for o in objects if o == "http://example.org/o" and not o.is_uri)
    assert iri == text and iri.identity != text.identity  # the same text, not the same term
    french = next(o for o in objects if o.lang)
    plain = next(o for o in objects if o == "chat" and not o.lang)
    assert french.lang == "fr" and french == plain and french.identity != plain.identity
    assert len({o.identity for o in objects}) == 5
    number = next(o for o in objects if o == "7")
    assert number.datatype == "http://www.w3.org/2001/XMLSchema#integer" and int(number) == 7
    assert iri.as_oxigraph() == ox.NamedNode("http://example.org/o")
    assert french.as_oxigraph() == ox.Literal("chat", language="fr")


def test_ask_and_construct(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.update(DATA)
    assert store.ask('ASK { ?s ?p "chat"@fr }') is True
    assert store.ask('ASK { ?s ?p "chien" }') is False
    triples = store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o FILTER(isIRI(?o)) } }"
    )
    s, p, o = (ox.NamedNode(f"http://example.org/{x}") for x in "spo")
    assert triples == [ox.Triple(s, p, o)]


def test_format_keys_are_the_names_in_use() -> None:
    assert list(formats.EXPORT_FORMATS) == ["turtle", "ntriples", "nquads", "trig", "jsonld"]
    assert sorted(formats.QUERY_OUTPUTS) == ["csv", "json", "table", "tsv", "xml"]
    assert formats.SOLUTION_TYPES[0] == formats.SPARQL_JSON == "application/sparql-results+json"
    assert formats.CSV == "text/csv"  # pyoxigraph's media type carries a charset parameter
    assert formats.graph_format("text/turtle; charset=utf-8") == ox.RdfFormat.TURTLE
    assert formats.graph_format("text/n3") is None  # offered formats only
