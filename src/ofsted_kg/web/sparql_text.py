"""A small SPARQL lexer: enough to see which keywords and IRIs a query or update uses, without
being fooled by the same words inside strings, IRIs, comments or prefixed names.

It does not parse SPARQL (the store's parser does that and reports syntax errors); it only finds
the operations that make a server reach out (SERVICE, LOAD), the dataset clauses (FROM, USING,
WITH), where protocol-given USING clauses go, and text that nests or chains deep enough to crash
the store's parser (`outline`). It runs in the query and write workers, under their deadline,
never on a request thread: lexing a large text costs seconds of CPU.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPENING, _CLOSING = "{([", "})]"
_DATA = "data"

# Order matters: comments, strings and IRIs are consumed whole before words are looked at.
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<word>[^\W\d][\w\-.]*(?::[\w\-.:%\\]*)?|:[\w\-.:%\\]*)
  | (?P<punct>[{}()\[\];,.])
  | (?P<other>\S)
    """,
    re.VERBOSE | re.UNICODE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # comment, string, iri, var, word, punct, other
    text: str
    start: int
    depth: int  # curly-brace depth before this token

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> list[Token]:
    """The significant tokens of a query or update (comments dropped), with their brace depth."""
    result: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "comment":
            continue
        value = match.group()
        if value == "}":
            depth = max(0, depth - 1)
        result.append(Token(kind, value, match.start(), depth))
        if value == "{":
            depth += 1
    return result


# What a client's query or update may ask of the store's parser and engine. Both recurse over the
# query's structure and crash (a stack overflow kills the worker) on deep enough input: about
# 2,500 levels of { }, or chains of a few thousand BINDs, MINUS, UNION, operators or path steps.
# Real queries use a handful of levels and a few dozen of those per path.
MAX_NESTING = 256
MAX_CHAIN = 1_000

# Tokens that add one node to the query's algebra tree where they stand: chained operators, the
# pattern keywords, and the separators between triple patterns (`,` only between objects, i.e.
# inside { } or [ ], not between the arguments of a function or an IN list).
_CHAIN_WORDS = frozenset(
    {"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "VALUES"}
)
_OPERATORS = frozenset("+-*/|^!=<>&")
_TARGETS = {"SERVICE": ("SILENT",), "LOAD": ("SILENT",), "FROM": ("NAMED",)}


class TooComplex(ValueError):
    """The text nests or chains deeper than the server accepts; the message says which and how far."""


@dataclass(frozen=True)
class Outline:
    """What the server checks in a client's query or update before the store parses it: the
    endpoints it would contact (SERVICE, LOAD) and the graphs it reads (FROM, FROM NAMED), each
    an IRI `<...>`, a prefixed name or a variable as written."""

    services: tuple[str, ...]
    loads: tuple[str, ...]
    from_graphs: tuple[str, ...]


def outline(text: str, max_nesting: int = MAX_NESTING, max_chain: int = MAX_CHAIN) -> Outline:
    """One pass over `text`: its SERVICE, LOAD and FROM targets, or TooComplex as soon as the
    brackets nest deeper than `max_nesting` or one path from the top of the query to a leaf
    crosses more than `max_chain` chaining tokens (see _CHAIN_WORDS) and groups. Data blocks
    (INSERT DATA, DELETE DATA, VALUES) are flat lists, not chains: nothing in them counts. Stopping
    early keeps a hostile text cheap to refuse."""
    targets: dict[str, list[str]] = {word: [] for word in _TARGETS}
    pending: str | None = None  # a SERVICE/LOAD/FROM keyword waiting for its target
    # One entry per open bracket (the root first): [bracket, own chain count, deepest child total];
    # the bracket is DATA for a data block and everything in it.
    groups: list[list] = [["{", 0, 0]]
    data_next = False  # after DATA or VALUES: the next { opens a data block
    on_path = 0  # own counts of the open groups, summed: a lower bound of the deepest path
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "comment":
            continue
        value = match.group()
        if pending is not None:
            if kind == "word" and value.upper() in _TARGETS[pending]:
                continue
            targets[pending].append(value)
            pending = None
        counts = False
        in_data = groups[-1][0] == _DATA
        if kind == "punct":
            if value in _OPENING:
                if not in_data:  # a group next to others is joined to them
                    groups[-1][1] += 1
                    on_path += 1
                opens_data = in_data or (data_next and value == "{")
                data_next = data_next and not opens_data
                groups.append([_DATA if opens_data else value, 0, 0])
                if len(groups) - 1 > max_nesting:
                    raise TooComplex(
                        f"the request nests brackets more than {max_nesting} levels deep; "
                        f"this server allows {max_nesting} levels of brackets"
                    )
            elif value in _CLOSING:
                if len(groups) > 1:
                    _, own, deepest = groups.pop()
                    on_path -= own
                    groups[-1][2] = max(groups[-1][2], own + deepest)
            else:  # . ; , (a comma only between objects, not between arguments)
                counts = not in_data and (value != "," or groups[-1][0] != "(")
        elif kind == "word":
            word = value.upper()
            counts = word in _CHAIN_WORDS and not in_data
            data_next = data_next or word in ("DATA", "VALUES")
            if word in _TARGETS:
                pending = word
        elif kind == "other":
            counts = value in _OPERATORS and not in_data
        if counts:
            groups[-1][1] += 1
            on_path += 1
        if on_path > max_chain:
            _too_long(max_chain)
    while len(groups) > 1:  # unclosed brackets: the parser will say so; count them as closed
        _, own, deepest = groups.pop()
        groups[-1][2] = max(groups[-1][2], own + deepest)
    if groups[0][1] + groups[0][2] > max_chain:
        _too_long(max_chain)
    return Outline(*(tuple(targets[word]) for word in _TARGETS))


def _too_long(max_chain: int) -> None:
    raise TooComplex(
        f"the request chains more than {max_chain} operators, patterns or groups along one path "
        f"(UNION, OPTIONAL, BIND, FILTER, path steps, + || ...); this server allows {max_chain} "
        "(a long list of alternatives fits in a VALUES block)"
    )


def has_dataset_clause(update: str) -> bool:
    """Whether an update names its own dataset (USING / USING NAMED / WITH)."""
    return any(t.depth == 0 and t.is_keyword("USING", "WITH") for t in tokens(update))


def add_using_clauses(update: str, using: list[str], using_named: list[str]) -> str:
    """Apply the protocol's using-graph-uri / using-named-graph-uri to every DELETE/INSERT ... WHERE
    operation of an update, as if each had written the USING clauses itself (SPARQL 1.1 Protocol
    2.2.3). Raises ValueError where that cannot be done (the DELETE WHERE short form)."""
    clause = "".join(f" USING <{g}>" for g in using) + "".join(
        f" USING NAMED <{g}>" for g in using_named
    )
    toks = tokens(update)
    insert_at = []
    for i, tok in enumerate(toks):
        if tok.depth == 0 and tok.is_keyword("WHERE"):
            previous = toks[i - 1] if i else None
            if previous is not None and previous.is_keyword("DELETE"):
                raise ValueError(
                    "using-graph-uri / using-named-graph-uri cannot apply to DELETE WHERE; "
                    "write DELETE { ... } WHERE { ... } instead"
                )
            insert_at.append(tok.start)
    for position in reversed(insert_at):
        update = f"{update[:position]}{clause} {update[position:]}"
    return update


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of these keywords (after the prologue)."""
    for tok in tokens(query):
        if tok.is_keyword("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return tok.text.upper()
    return None
