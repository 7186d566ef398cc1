"""Accounts looked up are trusted for a few seconds (causalmap/accounts/recent.py): a change made
by another process (the CLI) takes effect within recent.SECONDS; one made through this process
at once; an expired token never works."""

from __future__ import annotations

import pytest

from causalmap.accounts import recent
from causalmap.accounts import users as accounts
from causalmap.accounts.users import add_user, grant, issue_api_token
from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document
from causalmap.store.users import revoke_tokens, unassign


class Clock:
    """recent's clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    made = Clock()
    monkeypatch.setattr(recent, "_clock", made)
    recent.forget_all()
    yield made
    recent.forget_all()


@pytest.fixture
def sample(store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    return case_id


@pytest.fixture
def member(app, store, new_user, sample):
    name = new_user("member")
    add_user(store, name, "panel_member", None)
    grant(store, name, sample)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_api_token(store, name, None)['token']}"
    client.name = name
    return client


def elsewhere(store, query: str, **params) -> None:
    """A change as another process (`causalmap user ...`) makes it: straight to Neo4j."""
    store.driver.execute_query(query, params, database_=store.database)


def test_a_token_revoked_by_another_process_is_refused_once_the_memory_has_expired(store, clock, member, sample):
    assert member.get("/api/cases").status_code == 200
    elsewhere(store, "MATCH (:User {name: $name})-[:HOLDS]->(t:Token) DETACH DELETE t", name=member.name)
    clock.now += recent.SECONDS - 0.5
    assert member.get("/api/cases").status_code == 200  # the documented window
    clock.now += 0.5
    refused = member.get("/api/cases")
    assert refused.status_code == 401
    assert "unknown, expired or revoked" in refused.json["detail"]


def test_a_token_revoked_through_this_process_is_refused_at_once(store, clock, member):
    assert member.get("/api/cases").status_code == 200
    revoke_tokens(store, member.name, None)
    assert member.get("/api/cases").status_code == 401


def test_a_grant_revoked_by_another_process_ends_within_the_window(store, clock, member, sample):
    assert member.get(f"/api/cases/{sample}").status_code == 200
    elsewhere(store, "MATCH (:User {name: $name})-[r:ASSIGNED_TO]->(:Case {id: $id}) DELETE r",
              name=member.name, id=sample)
    clock.now += recent.SECONDS
    assert member.get(f"/api/cases/{sample}").status_code == 404
    assert sample not in [c["id"] for c in member.get("/api/cases").json]


def test_a_grant_revoked_through_this_process_ends_at_once(store, clock, member, sample):
    assert member.get(f"/api/cases/{sample}").status_code == 200
    unassign(store, member.name, sample)
    assert member.get(f"/api/cases/{sample}").status_code == 404


def test_a_new_token_works_at_once_and_an_unknown_one_is_never_remembered(store, clock, member, app):
    stranger = app.test_client()
    stranger.environ_base["HTTP_AUTHORIZATION"] = "Bearer cm_not-a-token"
    assert stranger.get("/api/cases").status_code == 401
    fresh = app.test_client()
    fresh.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_api_token(store, member.name, None)['token']}"
    assert fresh.get("/api/cases").status_code == 200


def test_a_remembered_token_stops_at_its_expiry(store, clock, member, monkeypatch):
    token = issue_api_token(store, member.name, 1)
    assert accounts.authenticate_token(store, token["token"]).name == member.name
    monkeypatch.setattr(accounts, "now", lambda: token["expires_at"])  # the moment it expires
    assert accounts.authenticate_token(store, token["token"]) is None


def test_signing_out_elsewhere_ends_a_session_within_the_window(store, clock, signed_in, sample):
    browser = signed_in("panel_member", (sample,))
    assert browser.get("/").status_code == 200
    elsewhere(store, "MATCH (u:User {name: $name}) SET u.session_key = 'rotated'", name=browser.name)
    clock.now += recent.SECONDS
    answer = browser.get("/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login")


def test_the_administrators_guide_states_the_window_the_code_uses():
    from pathlib import Path

    guide = (Path(__file__).resolve().parent.parent / "docs" / "administrators.md").read_text()
    assert f"within {recent.SECONDS:g} seconds" in guide
    assert f"for at most {recent.SECONDS:g} seconds" in guide
