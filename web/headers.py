"""Security headers on every response, and a development server that does not name its versions.

The pages load only their own scripts (no inline script anywhere in the templates), so the
Content-Security-Policy can forbid everything else; no site may frame a page (the records
page has Delete buttons); case data is never kept in a browser or proxy cache.
"""

from __future__ import annotations

from flask import Response, request
from werkzeug.serving import WSGIRequestHandler

#: Inline styles stay allowed: vis-network positions its tooltip and canvas with them.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

#: Paths whose answers hold no case data and may be cached (the app's own scripts and styles).
CACHEABLE = ("/static/", "/vendor/")


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if not request.path.startswith(CACHEABLE):
        headers["Cache-Control"] = "no-store"
    return response


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without `Werkzeug/x Python/y` in the Server header."""

    server_version = "causalmap"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version


def attachment(filename: str) -> str:
    """A Content-Disposition for a download named `filename`, which may hold any letters (case
    ids do): an ASCII fallback for old clients, the exact name in RFC 6266's filename*."""
    from urllib.parse import quote

    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
