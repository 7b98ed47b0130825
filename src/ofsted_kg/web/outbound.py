"""No query makes the server reach out, unless the operator says so.

SERVICE (federated query) and LOAD (fetch a document into the store) are the two SPARQL operations
that open connections. Both are refused unless the endpoint is on the operator's allow-list; even
then an endpoint whose host resolves to a private, loopback, link-local or otherwise non-public
address is refused unless the operator explicitly allows private addresses (a query must not be a
way to probe the server's own network). The check runs before any connection is made.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from . import sparql_text


class OutboundRefused(Exception):
    """A query or update would make the server contact another host; the message says why."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def check_endpoint(iri: str, allowed: Iterable[str], allow_private: bool, operation: str) -> None:
    """Raise OutboundRefused unless `iri` may be contacted."""
    allowed = tuple(allowed)
    if not allowed:
        raise OutboundRefused(
            f"{operation} is disabled: this endpoint does not contact other servers "
            "(the operator can allow-list endpoints with --allow-service)"
        )
    if not (iri.startswith("<") and iri.endswith(">")):
        raise OutboundRefused(
            f"{operation} {iri}: the target must be written as a full IRI <...> so it can be checked"
        )
    url = iri[1:-1]
    if url not in allowed:
        raise OutboundRefused(f"{operation} <{url}>: not on this server's allow-list")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundRefused(f"{operation} <{url}>: only http(s) URLs with a host are allowed")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise OutboundRefused(
            f"{operation} <{url}>: cannot resolve {parts.hostname}: {exc}"
        ) from None
    for info in infos:
        address = str(info[4][0])
        if not _is_public(address):
            raise OutboundRefused(
                f"{operation} <{url}>: {parts.hostname} resolves to the non-public address "
                f"{address}, which is refused"
            )


def check_outline(
    outline: sparql_text.Outline, allowed: Iterable[str], allow_private: bool
) -> None:
    """Every SERVICE and LOAD target of a query or update (from sparql_text.outline)."""
    for target in outline.services:
        check_endpoint(target, allowed, allow_private, "SERVICE")
    for source in outline.loads:
        check_endpoint(source, allowed, allow_private, "LOAD")
