"""The web application: the SPARQL endpoint, the Graph Store Protocol, named queries over HTTP
and the query page. `create_app(store, config)` is the app factory (app.py); `ofsted-kg serve` runs
it under waitress.

Flask is imported only when an app is made: the query and write workers (worker.py) live in this
package too, and each one starts faster without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import WebConfig

if TYPE_CHECKING:
    from flask import Flask

    from ..store.base import Store


def create_app(store: Store, config: WebConfig | None = None) -> Flask:
    from .app import create_app as make_app

    return make_app(store, config)


__all__ = ["create_app", "WebConfig"]
