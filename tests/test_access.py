"""Every route x every role, with the exact answer; and the rules behind the table.

Roles sign in with API tokens here (sessions and CSRF are tested in test_sign_in.py). Changes
are sent with bodies the view itself refuses (400/422), so an answer from the view shows the
request got past the access check without changing the sample case.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from causalmap.web.access import permission_for
from werkzeug.routing import Map, Rule

from causalmap.accounts.roles import Permission
from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document

ROLES = ("anonymous", "administrator", "panel_member", "reviewer", "analyst")
ON = "{on}"  # the sample case, which the panel member and the reviewer are on

#: (method, rule, concrete path, body) -> statuses for anonymous, administrator, panel member, reviewer, analyst.
#: The analyst is on no case, so every case endpoint answers 404 to them, as for a case that does not exist.
TABLE: dict[tuple[str, str], tuple[str, object, tuple[int, int, int, int, int]]] = {
    ("GET", "/"): ("/", None, (302, 200, 200, 200, 200)),
    ("GET", "/admin/audit"): ("/admin/audit?action=login", None, (302, 200, 403, 403, 403)),
    ("GET", "/api/cases"): ("/api/cases", None, (401, 200, 200, 200, 200)),
    ("POST", "/api/cases"): ("/api/cases", {}, (401, 400, 403, 403, 403)),
    ("GET", "/api/cases/<case_id>"): (f"/api/cases/{ON}", None, (401, 200, 200, 200, 404)),
    ("PUT", "/api/cases/<case_id>"): (f"/api/cases/{ON}", {}, (401, 400, 400, 403, 404)),
    ("GET", "/api/cases/<case_id>/<section>"): (f"/api/cases/{ON}/factors", None, (401, 200, 200, 200, 404)),
    ("POST", "/api/cases/<case_id>/<section>"): (f"/api/cases/{ON}/factors", {}, (401, 422, 422, 403, 404)),
    ("GET", "/api/cases/<case_id>/<section>/<item_id>"): (f"/api/cases/{ON}/factors/f-start-again", None,
                                                         (401, 200, 200, 200, 404)),
    ("PUT", "/api/cases/<case_id>/<section>/<item_id>"): (f"/api/cases/{ON}/factors/f-start-again", {},
                                                         (401, 422, 422, 403, 404)),
    ("DELETE", "/api/cases/<case_id>/<section>/<item_id>"): (f"/api/cases/{ON}/factors/f-start-again", None,
                                                            (401, 400, 400, 403, 404)),
    ("GET", "/api/cases/<case_id>/analysis"): (f"/api/cases/{ON}/analysis?which=checks", None,
                                               (401, 200, 200, 200, 404)),
    ("POST", "/api/cases/<case_id>/chronology"): (f"/api/cases/{ON}/chronology", {}, (401, 400, 400, 403, 404)),
    ("GET", "/api/cases/<case_id>/document"): (f"/api/cases/{ON}/document", None, (401, 200, 403, 200, 404)),
    ("GET", "/api/cases/<case_id>/export"): (f"/api/cases/{ON}/export?format=json", None, (401, 200, 403, 200, 404)),
    ("GET", "/api/cases/<case_id>/redactions"): (f"/api/cases/{ON}/redactions", None, (401, 200, 200, 200, 404)),
    # The redaction list decides what exports for publication hide: it is theirs who export.
    ("PUT", "/api/cases/<case_id>/redactions"): (f"/api/cases/{ON}/redactions", {}, (401, 400, 403, 400, 404)),
    ("PUT", "/api/cases/<case_id>/layout"): (f"/api/cases/{ON}/layout", [], (401, 400, 400, 400, 404)),
    ("GET", "/api/cases/<case_id>/map"): (f"/api/cases/{ON}/map", None, (401, 200, 200, 200, 404)),
    ("GET", "/api/cases/<case_id>/network"): (f"/api/cases/{ON}/network", None, (401, 200, 200, 200, 404)),
    ("GET", "/api/openapi.json"): ("/api/openapi.json", None, (200, 200, 200, 200, 200)),
    ("GET", "/api/queries"): ("/api/queries", None, (401, 200, 403, 403, 200)),
    ("GET", "/queries"): ("/queries", None, (302, 200, 403, 403, 200)),
    ("GET", "/queries/<name>"): ("/queries/factor-categories", None, (302, 200, 403, 403, 200)),
    ("GET", "/api/queries/<name>"): ("/api/queries/factor-categories", None, (401, 200, 403, 403, 200)),
    ("GET", "/cases/<case_id>"): (f"/cases/{ON}", None, (302, 200, 200, 200, 404)),
    ("GET", "/cases/<case_id>/map"): (f"/cases/{ON}/map", None, (302, 200, 200, 200, 404)),
    ("GET", "/cases/<case_id>/records"): (f"/cases/{ON}/records", None, (302, 200, 200, 200, 404)),
    ("GET", "/favicon.ico"): ("/favicon.ico", None, (204, 204, 204, 204, 204)),
    ("GET", "/healthz"): ("/healthz", None, (200, 200, 200, 200, 200)),
    ("GET", "/login"): ("/login", None, (200, 200, 200, 200, 200)),
    # Anonymous has no CSRF token; a script with a token gets the view's "enter your name and password".
    ("POST", "/login"): ("/login", None, (403, 400, 400, 400, 400)),
    ("GET", "/login/link"): ("/login/link", None, (401, 401, 401, 401, 401)),
    ("POST", "/logout"): ("/logout", None, (401, 303, 303, 303, 303)),
    ("GET", "/static/<path:filename>"): ("/static/style.css", None, (200, 200, 200, 200, 200)),
    ("GET", "/vendor/<name>"): ("/vendor/vis-network.css", None, (200, 200, 200, 200, 200)),
}


def routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


@pytest.fixture(scope="module")
def on_case(store):
    import uuid

    case_id = f"access-{uuid.uuid4().hex[:8]}"
    import_case(store, sample_document(), as_id=case_id)
    yield case_id
    store.driver.execute_query("MATCH (n {case_id: $c}) DETACH DELETE n", c=case_id)
    store.driver.execute_query("MATCH (n:Case {id: $c}) DETACH DELETE n", c=case_id)


@pytest.fixture(scope="module")
def clients(app, account_token, on_case):
    made = {"anonymous": app.test_client()}
    for role in ROLES[1:]:
        test_client = app.test_client()
        cases = (on_case,) if role in ("panel_member", "reviewer") else ()
        test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {account_token(role, cases)}"
        made[role] = test_client
    return made


def test_the_table_covers_every_route_and_every_route_is_classified(app):
    assert routes(app) == set(TABLE)
    unclassified = [(m, r.rule) for r in app.url_map.iter_rules() for m in r.methods
                    if permission_for(r, m) is Permission.DENIED]
    assert unclassified == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(TABLE), ids=lambda r: f"{r[0]} {r[1]}")
def test_every_route_answers_every_role_exactly(clients, on_case, route, role):
    path, body, statuses = TABLE[route]
    method = route[0]
    response = clients[role].open(path.replace(ON, on_case), method=method, json=body)
    assert response.status_code == statuses[ROLES.index(role)], response.get_data(as_text=True)[:300]
    if response.status_code == 401 and path.startswith("/api/"):
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="causalmap"'
    if response.status_code == 302:
        location = urlsplit(response.headers["Location"])
        assert (location.path, parse_qs(location.query)) == ("/login", {"next": [path.replace(ON, on_case)]})


CASE_ROUTES = sorted(r for r in TABLE if "<case_id>" in r[1])


@pytest.mark.parametrize("role", ["panel_member", "reviewer", "analyst"])
@pytest.mark.parametrize("route", CASE_ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_a_case_the_user_is_not_on_answers_as_if_it_did_not_exist(clients, store, route, role, new_case_id):
    off = new_case_id("off")
    import_case(store, sample_document(), as_id=off)
    path, body, _ = TABLE[route]
    client = clients[role]
    hidden = client.open(path.replace(ON, off), method=route[0], json=body)
    missing = client.open(path.replace(ON, "no-such-case"), method=route[0], json=body)
    assert (hidden.status_code, hidden.get_data()) == (404, missing.get_data().replace(b"no-such-case", off.encode()))


def test_case_lists_show_only_the_cases_a_user_is_on(clients, store, on_case, new_case_id):
    off = new_case_id("off")
    import_case(store, sample_document(), as_id=off)
    listed = {role: {c["id"] for c in clients[role].get("/api/cases").json} for role in ROLES[1:]}
    assert {on_case, off} <= listed["administrator"]
    assert (listed["panel_member"], listed["reviewer"], listed["analyst"]) == ({on_case}, {on_case}, set())
    page = clients["reviewer"].get("/").get_data(as_text=True)
    assert on_case in page and off not in page
    analyst_page = clients["analyst"].get("/").get_data(as_text=True)
    assert "You are on no case yet: an administrator puts you on one" in analyst_page
    assert 'href="/queries">Queries</a>' in analyst_page and 'href="/queries"' not in page  # only who may run them


def test_rules_classify_routes_other_work_will_add():
    def rule(path: str, endpoint: str) -> Rule:
        bound = Rule(path, endpoint=endpoint)
        Map([bound])
        return bound

    assert permission_for(rule("/api/cases/<case_id>/export", "api.export"), "GET") is Permission.EXPORT_CASE
    assert permission_for(rule("/api/cases/<case_id>/export/<fmt>", "api.x"), "GET") is Permission.EXPORT_CASE
    assert permission_for(rule("/api/cases/<case_id>/layout/<name>", "api.y"), "PUT") is Permission.READ_CASE
    assert permission_for(rule("/api/cases/<case_id>/notes", "api.z"), "POST") is Permission.EDIT_CASE
    assert permission_for(rule("/api/cases/<case_id>/redactions", "api.r"), "PUT") is Permission.EXPORT_CASE
    assert permission_for(rule("/api/cases/<case_id>/redactions", "api.r"), "GET") is Permission.READ_CASE
    assert permission_for(rule("/api/cases/<case_id>/notes", "api.z"), "GET") is Permission.READ_CASE
    assert permission_for(rule("/queries", "pages.queries"), "GET") is Permission.RUN_QUERIES
    assert permission_for(rule("/api/queries/<name>/csv", "api.q"), "GET") is Permission.RUN_QUERIES
    assert permission_for(rule("/admin/audit", "admin.audit"), "GET") is Permission.ADMINISTER
    # Near misses: a case-like path without the case_id argument, an unknown top-level page.
    assert permission_for(rule("/api/cases-summary", "api.s"), "GET") is Permission.DENIED
    assert permission_for(rule("/reports", "pages.reports"), "GET") is Permission.DENIED


def test_an_unclassified_endpoint_is_refused_even_to_administrators(store, admin_token, tmp_path):
    from causalmap.web import create_app

    fresh = create_app({"CAUSALMAP_DATA_DIR": str(tmp_path)}, store=store)
    fresh.add_url_rule("/reports", "reports", lambda: "every case, unguarded")
    answer = fresh.test_client().get("/reports", headers={"Authorization": f"Bearer {admin_token}"})
    assert answer.status_code == 403
    assert "unguarded" not in answer.get_data(as_text=True)


def test_refusals_say_which_role_cannot_do_what(clients, on_case):
    assert clients["analyst"].post("/api/cases", json={}).json["detail"] == (
        "as an analyst you cannot do this (administrators only)")
    assert clients["panel_member"].get("/api/queries").json["detail"] == (
        "as a panel member you cannot run the cross-case queries")
    assert clients["panel_member"].get(f"/api/cases/{on_case}/document").json["detail"] == (
        "as a panel member you cannot export this case")
