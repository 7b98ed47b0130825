"""Reading a SPARQL 1.1 Protocol request: which operation, its text and its dataset.

Parameters are decoded strictly as UTF-8 (from the raw query string and body, not Flask's lenient
decoding) so a non-UTF-8 request is refused rather than silently mangled. A query over the
server's length limit is refused (413), unread when the request announces its length. HEAD is
answered as GET.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request, abort
from pyoxigraph import NamedNode

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


@dataclass(frozen=True)
class Operation:
    kind: str | None  # "query", "update", or None (no operation: a description was asked for)
    text: str
    params: dict[str, list[str]]

    def all(self, name: str) -> list[str]:
        return self.params.get(name, [])

    def one(self, name: str) -> str | None:
        values = self.all(name)
        if len(values) > 1:
            abort(400, f"the parameter {name!r} was given {len(values)} times; give it once")
        return values[0] if values else None


def parse_params(raw: bytes, where: str) -> dict[str, list[str]]:
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        abort(400, f"the {where} is not valid UTF-8 URL-encoded text")
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params


def _body_text(request: Request, media_type: str) -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        abort(415, f"{media_type} must be sent as UTF-8, not {charset}")
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, f"the {media_type} body is not valid UTF-8")


def read_operation(request: Request, max_query_bytes: int) -> Operation:
    """The operation of a request; a query over `max_query_bytes` bytes is refused (413), unread
    when its length is announced. Updates (only with the write token) are bounded by the body
    limit, and refused by the write worker if too complex; as a form, by the form limit."""
    op = _operation(request, max_query_bytes)
    if op.kind == "query":
        _refuse_longer(len(op.text.encode("utf-8")), max_query_bytes, "query")
    return op


def _refuse_longer(size: int, limit: int, what: str) -> None:
    if size > limit:
        abort(413, f"the {size}-byte {what} is longer than this server's limit of {limit} bytes")


def _operation(request: Request, max_query_bytes: int) -> Operation:
    params = parse_params(request.query_string, "query string")
    if request.method in ("GET", "HEAD"):
        if "update" in params:
            abort(400, "SPARQL Update must be sent by POST, never GET")
        op = Operation("query" if "query" in params else None, "", params)
        return Operation(op.kind, op.one("query") or "", params)
    media_type = request.mimetype
    if media_type == FORM:
        # Percent-encoding at most triples a text: a longer form cannot hold an allowed query,
        # and is refused before it is decoded (a large update is sent as sparql-update).
        _refuse_longer(request.content_length or 0, 3 * max_query_bytes + 4096, "form")
        for name, values in parse_params(request.get_data(cache=True), "form body").items():
            params.setdefault(name, []).extend(values)
        op = Operation(None, "", params)
        query, update = op.one("query"), op.one("update")
        if query is not None and update is not None:
            abort(400, "give either 'query' or 'update', not both")
        if query is None and update is None:
            abort(400, "the form has neither a 'query' nor an 'update' field")
        return Operation("query" if query is not None else "update", query or update or "", params)
    if media_type == QUERY_TYPE:
        _refuse_longer(request.content_length or 0, max_query_bytes, "query")
        return Operation("query", _body_text(request, media_type), params)
    if media_type == UPDATE_TYPE:
        return Operation("update", _body_text(request, media_type), params)
    if not media_type:
        abort(
            415,
            f"POST needs a Content-Type: {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}",
        )
    abort(415, f"unsupported Content-Type {media_type}; use {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}")


def checked_iris(values: list[str], name: str) -> list[str]:
    """IRIs from a request parameter, refused (400) unless each is a valid absolute IRI, so they
    can be written into SPARQL as <...> safely."""
    for value in values:
        try:
            NamedNode(value)
        except ValueError:
            abort(400, f"{name}: {value!r} is not a valid absolute IRI")
    return values
