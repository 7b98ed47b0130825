"""Query results as plain Python: the rows of a SELECT, the answer of an ASK.

Every backend answers in SPARQL JSON results (the embedded store, a remote server, the web
server's query workers), so this is the one place those are read.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
# Virtuoso stores a boolean as an integer and answers "0"/"1", lexical forms of the same values:
# the canonical ones, which every other store answers, keep an export equal to the embedded one.
_BOOLEAN_CANONICAL = {"0": "false", "1": "true"}


class Term(str):
    """One RDF term of a result row: its text (an IRI, a literal's lexical form, a blank node's
    label) as a `str`, with what kind of term it is.

    A term compares and hashes as its text, as the build and linking read rows; where two
    terms of the same text must stay apart (an IRI and a literal, "x"@en and "x"), compare their
    `identity`."""

    is_uri: bool
    is_blank: bool
    lang: str | None
    datatype: str | None

    def __new__(
        cls,
        value: str,
        *,
        is_uri: bool = False,
        is_blank: bool = False,
        lang: str | None = None,
        datatype: str | None = None,
    ) -> Term:
        term = super().__new__(cls, value)
        term.is_uri, term.is_blank, term.lang, term.datatype = is_uri, is_blank, lang, datatype
        return term

    @property
    def value(self) -> str:
        return str.__str__(self)

    @property
    def identity(self) -> tuple[str, bool, bool, str | None, str | None]:
        """What makes the term this term: equal for two terms only when they are the same term."""
        return (self.value, self.is_uri, self.is_blank, self.lang, self.datatype)

    def __repr__(self) -> str:
        return f"Term({str.__repr__(self)})"

    @classmethod
    def from_json(cls, cell: dict[str, str]) -> Term:
        """A term of a SPARQL JSON result ({"type": ..., "value": ..., ...})."""
        kind, value = cell["type"], cell["value"]
        if cell.get("datatype") == XSD_BOOLEAN:
            value = _BOOLEAN_CANONICAL.get(value, value)
        return cls(
            value,
            is_uri=kind == "uri",
            is_blank=kind == "bnode",
            lang=cell.get("xml:lang"),
            datatype=cell.get("datatype"),
        )

    def as_oxigraph(self) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if self.is_uri:
            return ox.NamedNode(self.value)
        if self.is_blank:
            # A label as the server wrote it may hold characters N-Triples labels may not.
            return ox.BlankNode(re.sub(r"\W", "_", self.value))
        if self.lang:
            return ox.Literal(self.value, language=self.lang)
        if self.datatype:
            return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype))
        return ox.Literal(self.value)


Row = dict[str, Term]


class ResultsError(ValueError):
    """A body that is not the SPARQL JSON results it should be."""


def select_results(body: bytes) -> tuple[list[str], list[Row]]:
    """(variables, rows) of a SELECT answered in SPARQL JSON results (unbound variables are
    left out of their row)."""
    try:
        parsed = json.loads(body)
        variables, bindings = parsed["head"]["vars"], parsed["results"]["bindings"]
        rows = [{name: Term.from_json(cell) for name, cell in row.items()} for row in bindings]
    except (ValueError, KeyError, TypeError) as exc:
        raise ResultsError(f"not SPARQL JSON results of a SELECT ({exc})") from None
    return variables, rows


def ask_result(body: bytes) -> bool:
    """The answer of an ASK in SPARQL JSON results."""
    try:
        return bool(json.loads(body)["boolean"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ResultsError(f"not SPARQL JSON results of an ASK ({exc})") from None
