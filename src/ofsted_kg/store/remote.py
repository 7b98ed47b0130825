"""A remote SPARQL 1.1 store (Oxigraph server, Virtuoso, Fuseki, QLever, GraphDB, or another
ofsted-kg server), spoken to over HTTP with the SPARQL 1.1 Protocol and the Graph Store Protocol.

It never passes on a silent failure of the server:
- a result cut by the server (`X-SPARQL-MaxRows`, or fewer rows than a COUNT of the same query)
  is an error from `query`; `select`, used by the build, validation, export and linking, counts
  and pages with ORDER BY/LIMIT/OFFSET instead, with pages as large as the server answered;
- a graph is written with one Graph Store `PUT` (atomic on the server) when a Graph Store URL is
  set, otherwise with SPARQL Update in chunks: the first chunk drops the graph, and a chunk the
  server refuses is halved until it is accepted (the size is then kept for the next graphs), so
  the size comes from the server's answers, not from a guess;
- `has_union_default_graph` checks, by a query (on an empty store by writing and dropping one
  probe triple), whether the server's default graph is the union of the named graphs;
- a 502/503/504 answer or a failed connection is retried with exponential backoff until a
  deadline, a 500 twice (mostly the request's own fault); 401/403 is an error at once that
  names the settings to check.

Settings beyond the query URL come from the environment (see docs/web.md):
OFSTED_KG_UPDATE_URL (default: the query URL), OFSTED_KG_GRAPH_STORE_URL (default: none, so
graphs go by SPARQL Update), OFSTED_KG_STORE_TOKEN (a bearer token), OFSTED_KG_STORE_USER and
OFSTED_KG_STORE_PASSWORD (Basic or Digest, as the server asks; default: the netrc entry of the
server's host, from $NETRC or ~/.netrc).
"""

from __future__ import annotations

import http.client
import json
import netrc
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message

import pyoxigraph as ox

from .base import Store, StoreError, ntriples_as_nquads
from .embedded import to_oxigraph_term

UPDATE_URL_ENV = "OFSTED_KG_UPDATE_URL"
GRAPH_STORE_URL_ENV = "OFSTED_KG_GRAPH_STORE_URL"
TOKEN_ENV = "OFSTED_KG_STORE_TOKEN"
USER_ENV = "OFSTED_KG_STORE_USER"
PASSWORD_ENV = "OFSTED_KG_STORE_PASSWORD"
TIMEOUT = 120  # seconds per HTTP request
RETRY_SECONDS = 60.0  # how long a request is retried after 5xx answers or failed connections
RETRY_STATUSES = frozenset({502, 503, 504})  # retried until the deadline
SERVER_ERROR_RETRIES = 2  # a 500 is retried twice only: mostly it is the request's own fault
# Answers to an update that may mean "too large" (Virtuoso: 500 "SP031: generated SQL text has
# exceeded 10000 lines"; others 413 or 400): the chunk is halved and sent again.
TOO_LARGE_STATUSES = frozenset({400, 413, 500})
JSON_RESULTS = "application/sparql-results+json"
# The prologue of a query: comments, BASE and PREFIX declarations, before the query form.
PROLOGUE = re.compile(
    r"\A(?:\s+|#[^\n]*(?:\n|\Z)|BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>)*", re.I
)


def values_clause(bindings: Mapping[str, object]) -> str:
    """Bindings as a trailing VALUES block: each value written as an RDF term in N-Triples syntax
    (escaped by the term writer), so a value can never change the query's structure."""
    names = list(bindings)
    terms = " ".join(str(to_oxigraph_term(bindings[name])) for name in names)
    variables = " ".join(f"?{name}" for name in names)
    return f"\nVALUES ({variables}) {{ ({terms}) }}"


def json_term(binding: Mapping[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term of a SPARQL JSON result as a pyoxigraph term."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(re.sub(r"\W", "_", value))
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        if binding["datatype"] == XSD_BOOLEAN:
            value = _BOOLEAN_CANONICAL.get(value, value)
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
# Virtuoso stores a boolean as an integer and answers "0"/"1", lexical forms of the same values:
# the canonical ones, which every other store answers, keep an export equal to the embedded one.
_BOOLEAN_CANONICAL = {"0": "false", "1": "true"}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def reason(self) -> str:
        text = self.body.decode("utf-8", "replace")
        return f"{self.status} " + " ".join(text.split())[:300]


class RemoteStore(Store):
    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        token: str | None = None,
        user: str | None = None,
        password: str | None = None,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or os.environ.get(UPDATE_URL_ENV) or query_url
        self.graph_store_url = graph_store_url or os.environ.get(GRAPH_STORE_URL_ENV) or None
        self.token = token or os.environ.get(TOKEN_ENV) or None
        self.retry_seconds = retry_seconds
        self.chunk_triples: int | None = None  # the largest INSERT DATA the server took, once cut
        self._opener = self._make_opener(
            user or os.environ.get(USER_ENV), password or os.environ.get(PASSWORD_ENV)
        )

    def _make_opener(self, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
        """An opener that answers Basic and Digest challenges with the configured credentials."""
        urls = {u for u in (self.query_url, self.update_url, self.graph_store_url) if u}
        if not user:
            for url in urls:
                found = _netrc_login(urllib.parse.urlsplit(url).hostname or "")
                if found:
                    user, password = found
                    break
        if not user:
            return urllib.request.build_opener()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in urls:
            passwords.add_password(None, url, user, password or "")
        return urllib.request.build_opener(
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        )

    # ------------------------------------------------------------------ HTTP

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: Mapping[str, str],
        *,
        server_error_retries: int = SERVER_ERROR_RETRIES,
    ) -> Answer:
        """One request, retried with backoff after a 502/503/504 answer or a failed connection
        until `retry_seconds` have passed, after a 500 `server_error_retries` times; 401/403
        raise StoreError, other answers are returned."""
        started = time.monotonic()
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
            if self.token:
                request.add_header("Authorization", f"Bearer {self.token}")
            try:
                with self._opener.open(request, timeout=TIMEOUT) as response:
                    answer = Answer(response.status, response.headers, response.read())
            except urllib.error.HTTPError as exc:
                answer = Answer(exc.code, exc.headers, exc.read())
            except ValueError as exc:  # urllib meets a challenge it cannot answer (e.g. Bearer)
                raise StoreError(f"{method} {url}: {_credentials_hint(str(exc))}") from None
            except (OSError, http.client.HTTPException) as exc:
                answer = None
                reason = " ".join(str(getattr(exc, "reason", exc) or type(exc).__name__).split())
            if answer is not None:
                if answer.status in (401, 403):
                    raise StoreError(f"{method} {url}: {_credentials_hint(answer.reason())}")
                if answer.status == 500 and attempt >= server_error_retries:
                    return answer
                if answer.status != 500 and answer.status not in RETRY_STATUSES:
                    return answer
                reason = answer.reason()
            delay = min(0.25 * 2**attempt, 8.0)
            if time.monotonic() - started + delay > self.retry_seconds:
                if answer is not None:
                    return answer
                raise StoreError(
                    f"{method} {url} failed after {attempt + 1} attempt(s) in "
                    f"{time.monotonic() - started:.0f} s: {reason}"
                )
            time.sleep(delay)
            attempt += 1

    def _post_form(self, url: str, form: list[tuple[str, str]], accept: str) -> Answer:
        return self._send(
            "POST",
            url,
            urllib.parse.urlencode(form).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )

    # ------------------------------------------------------------------ queries

    def query(
        self,
        sparql: str,
        *,
        result_format: str,
        bindings: Mapping[str, object] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        union_default_graph: bool = True,
    ) -> tuple[bytes, str]:
        # union_default_graph is the remote store's own setting (see has_union_default_graph).
        form = [("query", sparql + values_clause(bindings) if bindings else sparql)]
        form += [("default-graph-uri", graph) for graph in default_graphs or ()]
        form += [("named-graph-uri", graph) for graph in named_graphs or ()]
        answer = self._post_form(self.query_url, form, result_format)
        if not answer.ok:
            raise StoreError(f"query to {self.query_url} failed: {answer.reason()}")
        cap = answer.headers.get("X-SPARQL-MaxRows")
        if cap:
            raise StoreError(
                f"{self.query_url} cut the result at {cap} rows (X-SPARQL-MaxRows): raise the "
                "server's result limit (Virtuoso: ResultSetMaxRows) or narrow the query"
            )
        media_type = answer.headers.get("Content-Type", result_format).split(";")[0].strip()
        if media_type == JSON_RESULTS:
            return _ask_as_boolean(answer.body), media_type
        return answer.body, media_type

    def _bindings(
        self, sparql: str, default_graphs: list[str] | None, named_graphs: list[str] | None
    ) -> tuple[list[str], list[dict[str, dict[str, str]]]]:
        """(variables, rows) of one SELECT, as the server answered (select_terms checks them)."""
        form = [("query", sparql)] + [("default-graph-uri", g) for g in default_graphs or ()]
        form += [("named-graph-uri", g) for g in named_graphs or ()]
        answer = self._post_form(self.query_url, form, JSON_RESULTS)
        if not answer.ok:
            raise StoreError(f"query to {self.query_url} failed: {answer.reason()}")
        try:
            results = json.loads(answer.body)
            variables, rows = results["head"]["vars"], results["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise StoreError(
                f"{self.query_url} did not answer SPARQL JSON results: {answer.reason()}"
            ) from None
        return variables, rows

    def select_terms(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> list[dict[str, dict[str, str]]]:
        """Every row of a SELECT as SPARQL JSON bindings, never a cut result: the rows are
        counted first, and a result with fewer rows is read again in pages ordered by all its
        variables, each page as large as the server answered."""
        prologue = PROLOGUE.match(sparql).group(0)  # type: ignore[union-attr] # always matches
        body = sparql[len(prologue) :]
        _, counted = self._bindings(
            f"{prologue}SELECT (COUNT(*) AS ?rows) WHERE {{ {{ {body}\n}} }}",
            default_graphs,
            named_graphs,
        )
        expected = int(counted[0]["rows"]["value"]) if counted else 0
        variables, rows = self._bindings(sparql, default_graphs, named_graphs)
        if len(rows) == expected:
            return rows
        if len(rows) > expected or not rows:
            raise StoreError(
                f"{self.query_url} answered {len(rows)} rows where its COUNT of the same query "
                f"says {expected}: see docs/web.md for the engine's known bugs"
            )
        page, order = len(rows), " ".join(f"?{v}" for v in variables)
        rows = []
        while len(rows) < expected:
            _, part = self._bindings(
                f"{prologue}SELECT * WHERE {{ {{ {body}\n}} }} ORDER BY {order} "
                f"LIMIT {page} OFFSET {len(rows)}",
                default_graphs,
                named_graphs,
            )
            if not part:
                break
            rows += part
        if len(rows) != expected:
            raise StoreError(
                f"{self.query_url} answered {len(rows)} rows in pages of {page} where its COUNT "
                f"says {expected}"
            )
        return rows

    def select(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> list[dict[str, str]]:
        rows = self.select_terms(sparql, default_graphs=default_graphs, named_graphs=named_graphs)
        return [{name: term["value"] for name, term in row.items()} for row in rows]

    def named_graphs(self) -> list[str]:
        # `GRAPH ?g {}` lists nothing on Virtuoso; a graph with a triple is listed everywhere.
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"] for row in rows)

    def graph_ntriples(self, graph: str) -> bytes:
        # Not a Graph Store GET: Virtuoso cuts that at its row limit too, without saying so.
        rows = self.select_terms(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        lines = (f"{json_term(r['s'])} {json_term(r['p'])} {json_term(r['o'])} .\n" for r in rows)
        return "".join(lines).encode("utf-8")

    def dump(self, media_type: str) -> bytes:
        if media_type != "application/n-quads":
            raise StoreError(f"a remote store dumps as application/n-quads only, not {media_type}")
        graphs = self.named_graphs()
        return b"".join(ntriples_as_nquads(self.graph_ntriples(g), g) for g in graphs)

    def has_union_default_graph(self, *, write_probe: bool = True) -> bool:
        found = self.select(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) } } LIMIT 1"
        )
        if found:
            return self._in_default_graph(found[0]["s"], found[0]["p"], found[0]["o"])
        if not write_probe:
            return True
        probe = "urn:ofsted-kg:union-default-graph-probe"
        self.update(f"INSERT DATA {{ GRAPH <{probe}> {{ <{probe}> <{probe}> <{probe}> }} }}")
        try:
            return self._in_default_graph(probe, probe, probe)
        finally:
            self.drop_graph(probe)

    def _in_default_graph(self, s: str, p: str, o: str) -> bool:
        # A SELECT, not an ASK: Virtuoso answers an ASK sent by POST as a SELECT of 0 or 1.
        return bool(self.select(f"SELECT ?o WHERE {{ <{s}> <{p}> ?o FILTER(?o = <{o}>) }}"))

    # ------------------------------------------------------------------ writes

    def _post_update(self, sparql: str, server_error_retries: int = SERVER_ERROR_RETRIES) -> Answer:
        return self._send(
            "POST",
            self.update_url,
            sparql.encode("utf-8"),
            {"Content-Type": "application/sparql-update; charset=utf-8", "Accept": "*/*"},
            server_error_retries=server_error_retries,
        )

    def update(self, sparql: str) -> None:
        answer = self._post_update(sparql)
        if not answer.ok:
            raise StoreError(f"update at {self.update_url} failed: {answer.reason()}")

    def _graph_store_put(self, graph: str, ntriples: bytes) -> bool:
        """PUT the graph through the Graph Store Protocol; False if the store has no such endpoint."""
        if not self.graph_store_url:
            return False
        url = f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"
        answer = self._send("PUT", url, ntriples, {"Content-Type": "application/n-triples"})
        if answer.ok:
            return True
        if answer.status in (404, 405, 413, 415, 501):
            return False  # no Graph Store there, or not for a graph this large: SPARQL Update
        raise StoreError(f"PUT {url} failed: {answer.reason()}")

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        if not ntriples.strip():
            self.drop_graph(graph)
        elif not self._graph_store_put(graph, ntriples):
            self._insert_in_chunks(graph, ntriples.decode("utf-8").splitlines())

    def _insert_in_chunks(self, graph: str, lines: list[str]) -> None:
        """DROP and INSERT DATA in chunks of triples the server accepts (report graphs hold no
        blank nodes, which a split between two INSERT DATA requests would make two)."""
        lines = [line for line in lines if line.strip()]
        size = min(self.chunk_triples or len(lines), len(lines))
        done = 0
        while done < len(lines):
            chunk = lines[done : done + size]
            drop = f"DROP SILENT GRAPH <{graph}> ;\n" if done == 0 else ""
            body = "\n".join(chunk)
            # A 500 here is most likely the chunk's size: halved at once rather than retried.
            retries = SERVER_ERROR_RETRIES if len(chunk) == 1 else 0
            answer = self._post_update(
                f"{drop}INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}", retries
            )
            if answer.ok:
                done += len(chunk)
            elif len(chunk) > 1 and answer.status in TOO_LARGE_STATUSES:
                size = self.chunk_triples = len(chunk) // 2
            else:
                raise StoreError(f"update at {self.update_url} failed: {answer.reason()}")

    def replace_graphs(self, graphs: Mapping[str, bytes], then: str = "") -> None:
        for graph, ntriples in graphs.items():
            self.replace_graph(graph, ntriples)
        if then:
            self.update(then)

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")


def _ask_as_boolean(body: bytes) -> bytes:
    """Virtuoso answers an ASK sent by POST as a SELECT of one variable `__ASK_RETVAL` (one row
    of 1 for true, no row for false): the boolean result the protocol specifies instead. Any
    other result is returned as it is."""
    if b"__ASK_RETVAL" not in body[:200]:
        return body
    try:
        results = json.loads(body)
        if results["head"]["vars"] != ["__ASK_RETVAL"]:
            return body
        values = [row["__ASK_RETVAL"]["value"] for row in results["results"]["bindings"]]
    except (ValueError, KeyError, TypeError):
        return body
    answer = any(value not in ("0", "false") for value in values)
    return json.dumps({"head": {}, "boolean": answer}).encode("utf-8")


def _netrc_login(host: str) -> tuple[str, str] | None:
    try:
        found = netrc.netrc(os.environ.get("NETRC")).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None
    return (found[0], found[2] or "") if found and found[0] else None


def _credentials_hint(reason: str) -> str:
    return (
        f"the server refused the credentials ({reason}): check {USER_ENV}/{PASSWORD_ENV} "
        f"(or the netrc entry for the host) and {TOKEN_ENV}"
    )
