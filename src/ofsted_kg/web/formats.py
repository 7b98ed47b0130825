"""Content negotiation: which result format to send, from Accept (with q-values, wildcards and
several types) or from an explicit `format` / `output` parameter, which wins. The formats
themselves, in the server's order of preference, are ofsted_kg.formats'."""

from __future__ import annotations

from dataclasses import dataclass

from ..formats import (
    BOOLEAN_TYPES,
    CSV,
    GRAPH_TYPES,
    HTML,
    JSONLD,
    NQUADS,
    NTRIPLES,
    RDFXML,
    SOLUTION_TYPES,
    SPARQL_JSON,
    SPARQL_XML,
    TRIG,
    TSV,
    TURTLE,
)

# The media types are ofsted_kg.formats'; the request handlers take them from here with the
# negotiation that picks one.
__all__ = [
    "BOOLEAN_TYPES",
    "GRAPH_TYPES",
    "HTML",
    "JSONLD",
    "NQUADS",
    "NTRIPLES",
    "RDFXML",
    "SOLUTION_TYPES",
    "SPARQL_JSON",
    "TRIG",
    "TURTLE",
    "UnknownFormat",
    "choose",
    "result_formats",
]

# Other names clients use for the same formats.
MEDIA_ALIASES = {
    "application/json": (SPARQL_JSON, JSONLD),
    "application/xml": (SPARQL_XML, RDFXML),
    "text/xml": (SPARQL_XML, RDFXML),
    "application/x-turtle": (None, TURTLE),
    "text/n3": (None, TURTLE),
    "text/plain": (None, NTRIPLES),
}

# Values of the `format` parameter (SPARQLWrapper sends json, xml, csv, tsv, turtle, n3, rdf+xml, json-ld).
FORMAT_NAMES = {
    "json": (SPARQL_JSON, JSONLD),
    "xml": (SPARQL_XML, RDFXML),
    "csv": (CSV, None),
    "tsv": (TSV, None),
    "turtle": (None, TURTLE),
    "ttl": (None, TURTLE),
    "n3": (None, TURTLE),
    "nt": (None, NTRIPLES),
    "ntriples": (None, NTRIPLES),
    "n-triples": (None, NTRIPLES),
    "jsonld": (None, JSONLD),
    "json-ld": (None, JSONLD),
    "rdf": (None, RDFXML),
    "rdfxml": (None, RDFXML),
    "rdf+xml": (None, RDFXML),
    "nquads": (None, NQUADS),
    "n-quads": (None, NQUADS),
    "trig": (None, TRIG),
}


class UnknownFormat(ValueError):
    """A `format` parameter this server does not know."""


@dataclass(frozen=True)
class MediaRange:
    type: str  # "text/turtle", "text/*" or "*/*"
    q: float

    def specificity(self, media_type: str) -> int:
        """How closely this range matches `media_type`: 2 exact, 1 type/*, 0 */*, -1 no match."""
        if self.type == media_type:
            return 2
        if self.type.endswith("/*") and media_type.startswith(self.type[:-1]):
            return 1
        return 0 if self.type == "*/*" else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    ranges = []
    for item in (header or "").split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if not media_type:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(media_type.lower(), q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q-value Accept gives `media_type` (by its most specific matching range)."""
    best = (-1, 0.0)
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > best[0]:
            best = (specificity, media_range.q)
    return best[1]


def _expand(ranges: list[MediaRange]) -> list[MediaRange]:
    """Accept with the aliases (application/json, text/xml, ...) added as their real types."""
    expanded = list(ranges)
    for media_range in ranges:
        for real in MEDIA_ALIASES.get(media_range.type, ()):
            if real:
                expanded.append(MediaRange(real, media_range.q))
    return expanded


def choose(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered type Accept likes best (ties: the server's order); None if it accepts none.
    An absent Accept header accepts anything."""
    if not accept:
        return offered[0]
    ranges = _expand(parse_accept(accept))
    scored = [(quality(ranges, media_type), -i, media_type) for i, media_type in enumerate(offered)]
    q, _, media_type = max(scored)
    return media_type if q > 0 else None


def _named_format(value: str) -> tuple[str | None, str | None] | None:
    key = value.strip().lower()
    named = FORMAT_NAMES.get(key) or MEDIA_ALIASES.get(key)
    if named is None and key in SOLUTION_TYPES:
        named = (key, None)
    if named is None and key in GRAPH_TYPES:
        named = (None, key)
    return named


def result_formats(accept: str | None, format_params: list[str]) -> tuple[str, str, str]:
    """(solutions, boolean, graph media types) for a query whose kind is not yet known.

    `format_params` are the values of `format` / `output`; the first known one wins (clients such
    as SPARQLWrapper send a name and a media type together)."""
    if format_params:
        known = [named for value in format_params if (named := _named_format(value))]
        if not known:
            raise UnknownFormat(
                f"unknown format {format_params[0]!r}; use one of "
                f"{', '.join(sorted(FORMAT_NAMES))} or a media type"
            )
        solutions, graph = known[0][0] or SOLUTION_TYPES[0], known[0][1] or GRAPH_TYPES[0]
        return solutions, solutions if solutions in BOOLEAN_TYPES else SPARQL_JSON, graph
    # A client that accepts none of our types still gets an answer, in the default format
    # (RFC 9110 allows ignoring Accept rather than answering 406).
    return (
        choose(accept, SOLUTION_TYPES) or SOLUTION_TYPES[0],
        choose(accept, BOOLEAN_TYPES) or SPARQL_JSON,
        choose(accept, GRAPH_TYPES) or GRAPH_TYPES[0],
    )
