"""Security headers: a strict CSP with no inline script, no framing, nosniff, no caching of
case data, and no server versions in the Server header (the development server included)."""

from __future__ import annotations

import re
import threading
import urllib.request
from pathlib import Path

import pytest
from causalmap.web.headers import CONTENT_SECURITY_POLICY, QuietRequestHandler

from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"


@pytest.fixture
def sample(store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    return case_id


def test_the_policy_allows_only_the_apps_own_scripts_and_no_framing():
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY.split("; ")
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY.split("; ")
    assert "unsafe-inline" not in next(d for d in CONTENT_SECURITY_POLICY.split("; ") if d.startswith("script-src"))


@pytest.mark.parametrize("path", ["/", "/cases/{case}", "/cases/{case}/map", "/cases/{case}/records",
                                  "/api/cases/{case}", "/api/cases/{case}/document", "/cases/no-such-case"])
def test_pages_and_case_data_carry_every_header_and_are_never_cached(client, sample, path):
    response = client.get(path.format(case=sample))
    assert response.status_code in (200, 404)
    assert {name: response.headers.get(name) for name in (
        "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control")
    } == {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Frame-Options": "DENY",
          "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def test_the_apps_own_scripts_may_be_cached(client):
    response = client.get("/static/common.js")
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_no_template_has_inline_script_or_event_handlers(template):
    html = (TEMPLATES / template).read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>", html)
    inline = [attrs for attrs in scripts if "src=" not in attrs and 'type="application/json"' not in attrs]
    handlers = re.findall(r"\son[a-z]+\s*=", html)
    assert (inline, handlers) == ([], [])


def test_the_development_server_names_no_versions(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/static/common.js") as response:
            assert response.headers.get_all("Server") == ["causalmap"]
    finally:
        server.shutdown()
        thread.join()
