"""The Flask application factory: the pages (web) and the JSON API (api) over one store.

Nothing is read at import time; `create_app` takes an optional settings mapping so tests
and deployments configure it the same way. One Neo4j driver per app, opened on first use.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import SecurityError

from causalmap.config import Settings, load_settings
from causalmap.store import Store, open_store


def create_app(environ: Mapping[str, str] | None = None, *, store: Store | None = None) -> Flask:
    settings = load_settings(environ)
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(MAX_CONTENT_LENGTH=32 * 1024 * 1024)
    app.json.sort_keys = False  # keep the documented key order of analysis results
    # Answer only to the configured host names: a page elsewhere cannot rebind its own name
    # to 127.0.0.1 and read cases through the user's browser (DNS rebinding).
    app.config["TRUSTED_HOSTS"] = list(settings.trusted_hosts)
    app.extensions["causalmap.settings"] = settings
    if store is not None:
        app.extensions["causalmap.store"] = store

    from causalmap.api import api
    from causalmap.web.pages import pages

    app.register_blueprint(api)
    app.register_blueprint(pages)
    from causalmap.web.auth import install as install_accounts

    install_accounts(app, settings)  # sign-in, the access table below every route, the audit trail
    app.register_error_handler(Exception, _handle_error)
    from causalmap.web.headers import add_security_headers

    app.after_request(add_security_headers)
    return app


def _handle_error(error: Exception):  # type: ignore[no-untyped-def]
    """Problem details under /api/, a friendly page elsewhere; never a traceback."""
    from causalmap.api.problems import from_error
    from causalmap.web.pages import error_page

    response = from_error(error)
    if request.path.startswith("/api/"):
        return response
    if isinstance(error, SecurityError):
        # An untrusted Host: no URL can be built for it, so no template can be drawn; plain text.
        return Response(f"{response.json['title']}: {response.json['detail']}\n", response.status_code,
                        mimetype="text/plain")
    return error_page(response.json["status"], response.json["title"], response.json["detail"])


def get_settings() -> Settings:
    return current_app.extensions["causalmap.settings"]


def get_store() -> Store:
    """The app's store, connected (and the local Neo4j started) on first use."""
    store = current_app.extensions.get("causalmap.store")
    if store is None:
        store = open_store(get_settings())
        current_app.extensions["causalmap.store"] = store
    return store
