"""A remote SPARQL 1.1 store (Fuseki, Oxigraph server, GraphDB, Virtuoso, QLever, or another
ofsted-kg server): queries through SPARQLWrapper, graphs loaded with the Graph Store HTTP Protocol
(PUT ?graph=) and SPARQL Update where the store has no Graph Store endpoint.

Settings beyond the query URL come from the environment (see docs/web.md):
OFSTED_KG_UPDATE_URL (default: the query URL), OFSTED_KG_GRAPH_STORE_URL (default: none, so
graphs are written by SPARQL Update) and OFSTED_KG_STORE_TOKEN (a bearer token sent with every
request).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
from SPARQLWrapper.Wrapper import INSERT

from .base import Store, StoreError
from .embedded import to_oxigraph_term

UPDATE_URL_ENV = "OFSTED_KG_UPDATE_URL"
GRAPH_STORE_URL_ENV = "OFSTED_KG_GRAPH_STORE_URL"
TOKEN_ENV = "OFSTED_KG_STORE_TOKEN"
TIMEOUT = 60  # seconds per HTTP request


def values_clause(bindings: Mapping[str, object]) -> str:
    """Bindings as a trailing VALUES block: each value written as an RDF term in N-Triples syntax
    (escaped by the term writer), so a value can never change the query's structure."""
    names = list(bindings)
    terms = " ".join(str(to_oxigraph_term(bindings[name])) for name in names)
    variables = " ".join(f"?{name}" for name in names)
    return f"\nVALUES ({variables}) {{ ({terms}) }}"


class RemoteStore(Store):
    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        token: str | None = None,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or os.environ.get(UPDATE_URL_ENV) or query_url
        self.graph_store_url = graph_store_url or os.environ.get(GRAPH_STORE_URL_ENV) or None
        self.token = token or os.environ.get(TOKEN_ENV) or None

    def _client(self, accept: str) -> SPARQLWrapper:
        client = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url)
        client.setMethod(POST)
        client.setOnlyConneg(True)  # the format goes in Accept only, as the protocol says
        client.setTimeout(TIMEOUT)
        client.addCustomHttpHeader("Accept", accept)
        if self.token:
            client.addCustomHttpHeader("Authorization", f"Bearer {self.token}")
        return client

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
        # union_default_graph is the remote store's own setting (see docs/web.md).
        client = self._client(result_format)
        client.setQuery(sparql + values_clause(bindings) if bindings else sparql)
        for graph in default_graphs or ():
            client.addDefaultGraph(graph)
        for graph in named_graphs or ():
            client.addNamedGraph(graph)
        try:
            response = client.query().response
            body = response.read()
        except (SPARQLWrapperException, urllib.error.URLError, OSError) as exc:
            raise StoreError(f"query to {self.query_url} failed: {_reason(exc)}") from None
        media_type = response.headers.get("Content-Type", result_format).split(";")[0].strip()
        return body, media_type

    def update(self, sparql: str) -> None:
        client = self._client("*/*")
        client.setRequestMethod(POSTDIRECTLY)
        client.setQuery(sparql)
        client.queryType = INSERT  # send as an update whatever its first keyword (BASE, WITH...)
        try:
            client.query().response.read()
        except (SPARQLWrapperException, urllib.error.URLError, OSError) as exc:
            raise StoreError(f"update at {self.update_url} failed: {_reason(exc)}") from None

    def named_graphs(self) -> list[str]:
        body, _ = self.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
            result_format="text/tab-separated-values",
        )
        lines = body.decode("utf-8").splitlines()[1:]
        return sorted(line.strip()[1:-1] for line in lines if line.startswith("<"))

    def _graph_store_put(self, graph: str, ntriples: bytes) -> bool:
        """PUT the graph through the Graph Store Protocol; False if the store has no such endpoint."""
        if not self.graph_store_url:
            return False
        url = f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"
        request = urllib.request.Request(url, data=ntriples, method="PUT")
        request.add_header("Content-Type", "application/n-triples")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 405, 415, 501):
                return False
            raise StoreError(f"PUT {url} failed: {exc.code} {exc.read()[:300]!r}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"PUT {url} failed: {_reason(exc)}") from None
        return True

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        if not self._graph_store_put(graph, ntriples):
            # One update request: DROP and INSERT together, atomic on stores with transactions.
            body = ntriples.decode("utf-8")
            self.update(
                f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"
            )

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def graph_ntriples(self, graph: str) -> bytes:
        body, _ = self.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
            result_format="application/n-triples",
        )
        return body

    def dump(self, media_type: str) -> bytes:
        if media_type != "application/n-quads":
            raise StoreError(f"a remote store dumps as application/n-quads only, not {media_type}")
        lines = []
        for graph in self.named_graphs():
            for line in self.graph_ntriples(graph).decode("utf-8").splitlines():
                if line.rstrip().endswith("."):
                    lines.append(f"{line.rstrip()[:-1].rstrip()} <{graph}> .\n")
        return "".join(lines).encode("utf-8")


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]
