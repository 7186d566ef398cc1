"""Signing in and out: passwords, one-time links, the session cookie, CSRF, the rate limit,
API tokens that expire or are revoked, and the session key kept owner-only."""

from __future__ import annotations

import os
import re
import stat
import time

import pytest

from causalmap.accounts.users import add_user, issue_api_token, issue_login_token
from causalmap.config import load_settings
from causalmap.store.users import delete_user, revoke_tokens

PASSWORD = "a long enough secret"


@pytest.fixture
def member(store, new_user):
    name = new_user("member")
    add_user(store, name, "panel_member", PASSWORD)
    return name


def login_form(client, next_path: str = "/"):
    page = client.get(f"/login?next={next_path}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return token


def sign_in(client, name: str, password: str, *, next_path: str = "/", ip: str = "127.0.0.1"):
    token = login_form(client, next_path)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token,
                                       "next": next_path}, environ_base={"REMOTE_ADDR": ip})


def test_a_password_signs_in_with_a_safe_session_cookie_and_sign_out_ends_it(app, member):
    browser = app.test_client()
    assert browser.get("/api/cases").status_code == 401
    answer = sign_in(browser, member, PASSWORD, next_path="/cases/x")
    assert (answer.status_code, answer.headers["Location"]) == (303, "/cases/x")
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("causalmap_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert browser.get("/api/cases").status_code == 200
    page = browser.get("/").get_data(as_text=True)
    assert f'<span id="signed-in-as">{member} (panel member)</span>' in page
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert browser.post("/logout").status_code == 403  # no CSRF token: a forged sign-out is refused
    elsewhere = app.test_client()
    assert sign_in(elsewhere, member, PASSWORD).status_code == 303
    copied = app.test_client()
    copied.set_cookie("causalmap_session", browser.get_cookie("causalmap_session").value)
    assert copied.get("/api/cases").status_code == 200
    out = browser.post("/logout", data={"csrf_token": csrf})
    assert (out.status_code, out.headers["Location"]) == (303, "/login")
    assert browser.get("/api/cases").status_code == 401
    assert copied.get("/api/cases").status_code == 401  # a copied cookie dies with the sign-out
    assert elsewhere.get("/api/cases").status_code == 401  # signing out ends every session of the account
    assert browser.get("/cases/x").headers["Location"] == "/login?next=/cases/x"


def test_the_session_cookie_is_secure_over_https(app, member):
    browser = app.test_client()
    token = login_form(browser)
    answer = browser.post("/login", base_url="https://localhost",
                          data={"name": member, "password": PASSWORD, "csrf_token": token})
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("causalmap_session="))
    assert "Secure" in cookie


def test_a_wrong_password_or_unknown_name_is_refused_alike(app, member):
    browser = app.test_client()
    wrong = sign_in(browser, member, PASSWORD + "!", ip="10.9.0.1")
    unknown = sign_in(browser, "nobody-here", PASSWORD, ip="10.9.0.1")
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert "That name and password do not match an account." in answer.get_data(as_text=True)
    assert browser.get("/api/cases").status_code == 401


def test_login_goes_only_to_paths_on_this_site(app, member):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = sign_in(app.test_client(), member, PASSWORD, next_path=target)
        assert answer.headers["Location"] == "/"


def test_five_failures_from_one_address_lock_that_name_for_the_window(app, member, new_user, store):
    other = new_user("other")
    add_user(store, other, "reviewer", PASSWORD)
    browser = app.test_client()
    ip = f"10.{os.getpid() % 250}.{int(time.time()) % 250}.7"
    for _ in range(5):
        assert sign_in(browser, member, "not the password", ip=ip).status_code == 401
    locked = sign_in(browser, member, PASSWORD, ip=ip)
    assert (locked.status_code, locked.headers["Retry-After"]) == (429, "900")
    assert "Too many failed sign-ins; wait 15 minutes and try again." in locked.get_data(as_text=True)
    assert sign_in(app.test_client(), member, PASSWORD, ip=ip + "1").status_code == 303  # another address
    assert sign_in(app.test_client(), other, PASSWORD, ip=ip).status_code == 303  # another name


def test_a_one_time_link_works_once(app, store, member):
    token = issue_login_token(store, member)
    first, second = app.test_client(), app.test_client()
    landed = first.get(f"/login/link?token={token}")
    assert (landed.status_code, landed.headers["Location"]) == (303, "/")
    assert first.get("/api/cases").status_code == 200
    again = second.get(f"/login/link?token={token}")
    assert again.status_code == 401
    assert "This login link has been used or has expired" in again.get_data(as_text=True)
    assert second.get("/api/cases").status_code == 401


def test_removing_an_account_ends_its_sessions_and_tokens(app, store, member):
    browser = app.test_client()
    browser.get(f"/login/link?token={issue_login_token(store, member)}")
    token = issue_api_token(store, member, None)["token"]
    script = {"Authorization": f"Bearer {token}"}
    assert browser.get("/api/cases").status_code == 200
    assert app.test_client().get("/api/cases", headers=script).status_code == 200
    delete_user(store, member)
    add_user(store, member, "panel_member", PASSWORD)  # the same name again is a new account
    assert browser.get("/api/cases").status_code == 401
    assert app.test_client().get("/api/cases", headers=script).status_code == 401


def test_bearer_tokens_expire_and_can_be_revoked(app, store, member):
    short = issue_api_token(store, member, 0.000002)["token"]
    kept = issue_api_token(store, member, 30)["token"]
    time.sleep(0.3)
    expired = app.test_client().get("/api/cases", headers={"Authorization": f"Bearer {short}"})
    assert (expired.status_code, expired.json["detail"]) == (
        401, "the API token is unknown, expired or revoked; make a new one with `causalmap user token NAME`")
    assert app.test_client().get("/cases/x", headers={"Authorization": f"Bearer {kept}"}).status_code == 404
    revoke_tokens(store, member, None)
    assert app.test_client().get("/api/cases", headers={"Authorization": f"Bearer {kept}"}).status_code == 401
    assert app.test_client().get("/api/cases", headers={"Authorization": "Basic eDp5"}).status_code == 401


def test_bearer_scripts_need_no_csrf_token_but_sessions_do(app, store, member, signed_in, case_id):
    token = issue_api_token(store, member, None)["token"]
    script = app.test_client().post("/api/cases", json={"id": case_id},
                                    headers={"Authorization": f"Bearer {token}"})
    assert script.status_code == 403  # a panel member may not create cases: past CSRF, refused by role
    admin = signed_in("administrator")
    forged = admin.post("/api/cases", json={"id": case_id}, headers={"X-Causalmap": "1"})
    assert (forged.status_code, forged.json["title"]) == (403, "Forbidden")
    made = admin.post("/api/cases", json={"id": case_id}, headers={"X-Causalmap": "1", "X-CSRF-Token": admin.csrf})
    assert made.status_code == 201


def test_the_session_key_is_generated_once_owner_only(tmp_path):
    from causalmap.accounts.session_key import session_secret

    settings = load_settings({"CAUSALMAP_DATA_DIR": str(tmp_path / "data")})
    old = os.umask(0o022)
    try:
        key = session_secret(settings)
    finally:
        os.umask(old)
    path = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 64 and session_secret(settings) == key
    assert session_secret(load_settings({"CAUSALMAP_DATA_DIR": str(tmp_path / "data"),
                                         "CAUSALMAP_SECRET_KEY": "k" * 40})) == "k" * 40


def test_the_health_check_and_openapi_need_no_account(app):
    anonymous = app.test_client()
    assert anonymous.get("/healthz").json == {"ok": True}
    assert anonymous.get("/api/openapi.json").status_code == 200


def test_the_overview_offers_the_export_only_to_those_who_may_export(signed_in, store, new_case_id):
    from causalmap.interchange.case_json import import_case
    from causalmap.samples import sample_document

    case_id = new_case_id()
    import_case(store, sample_document(), as_id=case_id)
    link = f'href="/api/cases/{case_id}/document"'
    assert link in signed_in("reviewer", (case_id,)).get(f"/cases/{case_id}").get_data(as_text=True)
    assert link not in signed_in("panel_member", (case_id,)).get(f"/cases/{case_id}").get_data(as_text=True)


def test_openapi_documents_the_bearer_token_and_the_refusals(client):
    document = client.get("/api/openapi.json").json
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert document["security"] == [{"bearer": []}]
    assert document["paths"]["/api/openapi.json"]["get"]["security"] == []
    operations = [op for path, ops in document["paths"].items() if path != "/api/openapi.json" for op in ops.values()]
    assert all({"401", "403"} <= set(op["responses"]) for op in operations)


def test_serve_prints_a_one_time_link_that_signs_in_an_administrator(app, store):
    from urllib.parse import urlsplit

    from causalmap.accounts.cli import serve_login_link
    from causalmap.store.users import administrator_names

    class Ctx:
        def store(self):
            return store

    had = administrator_names(store)
    link = urlsplit(serve_login_link(Ctx(), "0.0.0.0", 5102))
    try:
        assert (link.scheme, link.netloc, link.path) == ("http", "127.0.0.1:5102", "/login/link")
        browser = app.test_client()
        assert browser.get(f"{link.path}?{link.query}").status_code == 303
        page = browser.get("/").get_data(as_text=True)
        assert re.search(r'<span id="signed-in-as">[^<]+ \(administrator\)</span>', page)
        assert app.test_client().get(f"{link.path}?{link.query}").status_code == 401  # once only
        assert administrator_names(store) == (had or ["admin"])  # made only when there was none
    finally:
        if not had:
            delete_user(store, "admin")


def test_public_pages_answer_without_the_database_even_for_a_signed_in_browser(tmp_path):
    from causalmap.web import create_app
    from neo4j import GraphDatabase

    from causalmap.store.connection import Store

    unreachable = Store(GraphDatabase.driver("bolt://127.0.0.1:9", auth=("neo4j", "x")), "neo4j", "bolt://127.0.0.1:9")
    try:
        offline = create_app({"CAUSALMAP_DATA_DIR": str(tmp_path)}, store=unreachable)
        browser = offline.test_client()
        with browser.session_transaction() as session:
            session["user"], session["key"] = "someone", "their key"
        assert browser.get("/healthz").status_code == 200
        assert browser.get("/static/style.css").status_code == 200
        assert browser.get("/login").status_code == 200
    finally:
        unreachable.close()
