"""Between this server's paths and the URIs minted under the configured base.

The base (`$OFSTED_KG_BASE`, default https://ofsted-kg.example/) need not be this server's address:
the server answers for the base's paths, so `/id/x` here means `{base}id/x` whatever the host.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from flask import request

from ...formats import HTML, PAGE_FORMATS, media_type_of
from .data import uris

# Extensions a /doc/ or /def/ path may end with, and the media type each asks for.
EXTENSIONS = {f".{fmt.file_extension}": media_type_of(fmt) for fmt in PAGE_FORMATS}
EXTENSIONS[".html"] = HTML


def split_extension(path: str) -> tuple[str, str | None]:
    """('doc/x', 'text/turtle') for 'doc/x.ttl'; (path, None) without a known extension."""
    for extension, media_type in EXTENSIONS.items():
        if path.endswith(extension):
            return path[: -len(extension)], media_type
    return path, None


def canonical(path: str) -> str:
    """A decoded request path re-encoded the way uris.py mints it (each segment quoted)."""
    return "/".join(quote(unquote(segment), safe="") for segment in path.split("/"))


def uri_of(path: str) -> str:
    """The URI a local path such as 'id/person/x' stands for."""
    return uris().base + canonical(path)


def document_of(thing: str) -> str:
    """The document URI (/doc/...) that describes a thing URI (/id/...)."""
    base = uris().base
    if thing.startswith(base + "id/"):
        return base + "doc/" + thing[len(base) + 3 :]
    return thing


def topic_of(document_path: str) -> str:
    """The URI a /doc/ path describes: its /id/ thing when it is minted so, else the document."""
    base = uris().base
    if document_path.startswith(("doc/graph/", "doc/source-file/")) or document_path == "doc":
        return base + canonical(document_path)
    return base + "id/" + canonical(document_path[len("doc/") :])


def href(uri: str) -> str:
    """Where a link to `uri` goes: its page on this server when it is under the base (a thing's
    /doc/ page directly, saving the 303), else the URI itself."""
    base = uris().base
    if not uri.startswith(base):
        return uri
    local = document_of(uri)[len(base) :]
    return f"{request.script_root}/{local}"
