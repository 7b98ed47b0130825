"""A small SPARQL lexer: enough to see which keywords and IRIs a query or update uses, without
being fooled by the same words inside strings, IRIs, comments or prefixed names.

It does not parse SPARQL (the store's parser does that and reports syntax errors); it only finds
the operations that make a server reach out (SERVICE, LOAD), the dataset clauses (FROM, USING,
WITH), and where protocol-given USING clauses go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def _target_after(toks: list[Token], index: int, skip: tuple[str, ...]) -> str | None:
    """The IRI (or variable) that follows keyword `index`, skipping modifier keywords."""
    for tok in toks[index + 1 :]:
        if tok.is_keyword(*skip):
            continue
        if tok.kind in ("iri", "var"):
            return tok.text
        return tok.text  # a prefixed name: returned as written
    return None


def service_targets(text: str) -> list[str]:
    """Every endpoint named by SERVICE (an IRI `<...>`, a prefixed name or a variable)."""
    toks = tokens(text)
    found = []
    for i, tok in enumerate(toks):
        if tok.is_keyword("SERVICE"):
            target = _target_after(toks, i, ("SILENT",))
            found.append(target or "")
    return found


def load_sources(text: str) -> list[str]:
    """Every document named by LOAD in an update."""
    toks = tokens(text)
    return [
        _target_after(toks, i, ("SILENT",)) or ""
        for i, t in enumerate(toks)
        if t.is_keyword("LOAD")
    ]


def from_graphs(text: str) -> list[str]:
    """Graphs named by FROM / FROM NAMED clauses of a query."""
    toks = tokens(text)
    return [
        _target_after(toks, i, ("NAMED",)) or "" for i, t in enumerate(toks) if t.is_keyword("FROM")
    ]


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


_OPENING, _CLOSING = "{([", "})]"


def nesting_depth(text: str) -> int:
    """The deepest nesting of braces, parentheses and brackets outside strings, IRIs, comments."""
    depth = deepest = 0
    for token in tokens(text):
        if token.kind != "punct":
            continue
        if token.text in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token.text in _CLOSING:
            depth = max(0, depth - 1)
    return deepest
