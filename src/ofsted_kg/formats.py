"""The formats the project reads and writes: RDF (pyoxigraph's `RdfFormat`) and SPARQL query
results (`QueryResultsFormat`). Media types, file extensions and names come from pyoxigraph;
this module only says which of them each use offers, in the server's order of preference.

The names the CLI and the downloads use (`turtle`, `nquads`, `json`, `csv`, ...) are derived
from pyoxigraph's names too (see `format_key`), so a format is added here once.
"""

from __future__ import annotations

import pyoxigraph as ox

RdfFormat = ox.RdfFormat
ResultsFormat = ox.QueryResultsFormat


def media_type_of(fmt: RdfFormat | ResultsFormat) -> str:
    """The format's media type without parameters (pyoxigraph adds `; charset=utf-8` to CSV)."""
    return fmt.media_type.split(";")[0].strip()


def format_key(fmt: RdfFormat | ResultsFormat) -> str:
    """The short name of a format: 'N-Quads' -> 'nquads', 'SPARQL Results in JSON' -> 'json'."""
    name = fmt.name.removeprefix("SPARQL Results in ")
    return "".join(c for c in name.lower() if c.isalnum())


# Results of SELECT (all four) and ASK (CSV and TSV have no boolean), preferred first.
RESULTS_FORMATS = (ResultsFormat.JSON, ResultsFormat.XML, ResultsFormat.CSV, ResultsFormat.TSV)
BOOLEAN_FORMATS = RESULTS_FORMATS[:2]
# Results of CONSTRUCT and DESCRIBE, preferred first.
GRAPH_FORMATS = (
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.JSON_LD,
    RdfFormat.RDF_XML,
    RdfFormat.N_QUADS,
    RdfFormat.TRIG,
)
# A resource's document on the site (/doc/...), preferred first.
PAGE_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSON_LD, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML)
# The whole dataset: `ofsted-kg export --format KEY` and the site's downloads (by extension).
EXPORT_FORMATS = {
    format_key(fmt): fmt
    for fmt in (
        RdfFormat.TURTLE,
        RdfFormat.N_TRIPLES,
        RdfFormat.N_QUADS,
        RdfFormat.TRIG,
        RdfFormat.JSON_LD,
    )
}

SPARQL_JSON = media_type_of(ResultsFormat.JSON)
SPARQL_XML = media_type_of(ResultsFormat.XML)
CSV = media_type_of(ResultsFormat.CSV)
TSV = media_type_of(ResultsFormat.TSV)
TURTLE = media_type_of(RdfFormat.TURTLE)
NTRIPLES = media_type_of(RdfFormat.N_TRIPLES)
JSONLD = media_type_of(RdfFormat.JSON_LD)
RDFXML = media_type_of(RdfFormat.RDF_XML)
NQUADS = media_type_of(RdfFormat.N_QUADS)
TRIG = media_type_of(RdfFormat.TRIG)
HTML = "text/html"

SOLUTION_TYPES = tuple(media_type_of(fmt) for fmt in RESULTS_FORMATS)
BOOLEAN_TYPES = tuple(media_type_of(fmt) for fmt in BOOLEAN_FORMATS)
GRAPH_TYPES = tuple(media_type_of(fmt) for fmt in GRAPH_FORMATS)
# `ofsted-kg query --format KEY` and the named queries' `format`: json, xml, csv, tsv.
RESULTS_KEYS = {format_key(fmt): media_type_of(fmt) for fmt in RESULTS_FORMATS}
TABLE = "table"  # a named query's rows as an aligned plain-text table, for a terminal
QUERY_OUTPUTS = (*RESULTS_KEYS, TABLE)  # what `ofsted-kg query --format` takes

_RESULTS_BY_TYPE = {media_type_of(fmt): fmt for fmt in RESULTS_FORMATS}
_GRAPH_BY_TYPE = {media_type_of(fmt): fmt for fmt in GRAPH_FORMATS}


def results_format(media: str) -> ResultsFormat | None:
    """The results format of a media type this project offers (parameters ignored), else None."""
    return _RESULTS_BY_TYPE.get(media.split(";")[0].strip().lower())


def graph_format(media: str) -> RdfFormat | None:
    """The RDF format of a media type this project offers (parameters ignored), else None."""
    return _GRAPH_BY_TYPE.get(media.split(";")[0].strip().lower())


def is_xml(fmt: RdfFormat | ResultsFormat) -> bool:
    return fmt in (ResultsFormat.XML, RdfFormat.RDF_XML)
