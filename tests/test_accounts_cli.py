"""Accounts from the command line: add, list, grant, revoke, tokens, remove."""

from __future__ import annotations

import io
import time

import pytest

from causalmap.accounts.users import authenticate_password, authenticate_token
from causalmap.store.cases import create_case_tx, new_case

PASSWORD = "correct horse battery"


@pytest.fixture
def stdin(monkeypatch):
    def feed(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    feed("")
    return feed


@pytest.fixture
def empty_case(store, case_id):
    store.write_transaction(lambda tx: create_case_tx(tx, new_case(case_id, None)))
    return case_id


def listed(cli, name):
    return {row["name"]: row for row in cli("user", "list", "--format", "json").json()}[name]


def test_an_account_with_a_password_from_stdin_signs_in_with_it_only(cli, store, stdin, new_user):
    name = new_user()
    stdin(PASSWORD + "\n")
    ran = cli("user", "add", name, "--role", "panel_member", "--password-stdin")
    assert (ran.code, ran.out) == (0, f"Added panel member {name} with a password.\n")
    row = listed(cli, name)
    assert (row["role"], row["has_password"], row["cases"], row["tokens"]) == ("panel_member", True, [], 0)
    assert authenticate_password(store, name, PASSWORD).role == "panel_member"
    assert authenticate_password(store, name, PASSWORD + "x") is None
    stored = store.read("MATCH (u:User {name: $n}) RETURN u.password_hash AS h", n=name)[0]["h"]
    assert stored.startswith("scrypt:32768:8:1$") and PASSWORD not in stored


def test_without_a_terminal_no_password_is_asked_and_none_signs_in(cli, store, stdin, new_user):
    name = new_user()
    ran = cli("user", "add", name, "--role", "reviewer")
    assert (ran.code, ran.out) == (0, f"Added reviewer {name} without a password "
                                      "(`causalmap user token` or `user link`).\n")
    assert listed(cli, name)["has_password"] is False
    assert authenticate_password(store, name, "") is None
    assert authenticate_password(store, name, PASSWORD) is None


def test_bad_accounts_are_refused_with_one_line(cli, stdin, new_user):
    name = new_user()
    assert cli("user", "add", name, "--role", "analyst").code == 0
    again = cli("user", "add", name, "--role", "analyst")
    assert (again.code, again.err) == (1, f"causalmap: error: user {name!r} exists already; remove it first or "
                                          "choose another name\n")
    assert cli("user", "add", "x", "--role", "boss").code == 2
    bad = cli("user", "add", "no spaces", "--role", "analyst")
    assert (bad.code, bad.err) == (2, "causalmap: error: 'no spaces' is not a user name; use up to 64 letters, "
                                      "digits, '.', '_', '@' or '-', starting with a letter or digit\n")
    stdin("short\n")
    weak = cli("user", "add", new_user(), "--role", "analyst", "--password-stdin")
    assert (weak.code, weak.err) == (2, "causalmap: error: the password has 5 characters; use at least 12\n")


def test_grant_and_revoke_put_reviewers_on_cases_and_refuse_roles_without_cases(cli, stdin, new_user, empty_case):
    reviewer, analyst = new_user(), new_user()
    cli("user", "add", reviewer, "--role", "reviewer")
    cli("user", "add", analyst, "--role", "analyst")
    assert cli("user", "grant", reviewer, empty_case).out == f"{reviewer} is now on case {empty_case}.\n"
    assert cli("user", "grant", reviewer, empty_case).out == f"{reviewer} is already on case {empty_case}.\n"
    assert listed(cli, reviewer)["cases"] == [empty_case]
    missing = cli("user", "grant", reviewer, "no-such-case")
    assert (missing.code, missing.err) == (1, "causalmap: error: no case 'no-such-case'; `causalmap cases` lists "
                                              "the cases\n")
    refused = cli("user", "grant", analyst, empty_case)
    assert (refused.code, refused.err) == (2, f"causalmap: error: {analyst} is an analyst: analysts see the named "
                                              "cross-case queries, never a case; make them a reviewer to read one\n")
    assert cli("user", "revoke", reviewer, empty_case).out == f"{reviewer} is no longer on case {empty_case}.\n"
    assert cli("user", "revoke", reviewer, empty_case).out == f"{reviewer} is not on case {empty_case}.\n"
    assert listed(cli, reviewer)["cases"] == []


def test_an_api_token_is_printed_once_kept_as_a_digest_and_revocable(cli, store, stdin, new_user):
    name = new_user()
    cli("user", "add", name, "--role", "analyst")
    ran = cli("user", "token", name)
    *head, token = ran.out.rstrip("\n").split("\n")
    assert token.startswith("cm_") and len(token) == 46
    assert head[0].startswith("API token ") and "never expires" in head[0]
    assert authenticate_token(store, token).name == name
    assert store.read("MATCH (t:Token) WHERE t.digest = $t OR t.id = $t RETURN t", t=token) == []
    second = cli("user", "token", name, "--format", "json").json()
    first_id = head[0].split()[2]
    assert {t["id"] for t in cli("user", "token", name, "--list", "--format", "json").json()} == {
        first_id, second["id"]}
    revoked = cli("user", "token", name, "--revoke", second["id"])
    assert revoked.out == f"Revoked 1 token of {name}.\n"
    assert authenticate_token(store, second["token"]) is None
    assert authenticate_token(store, token).name == name
    unknown = cli("user", "token", name, "--revoke", "nothere")
    assert unknown.code == 2
    assert cli("user", "token", name, "--revoke", "all").out == f"Revoked 1 token of {name}.\n"
    assert authenticate_token(store, token) is None


def test_an_expired_token_no_longer_works(cli, store, stdin, new_user):
    name = new_user()
    cli("user", "add", name, "--role", "analyst")
    token = cli("user", "token", name, "--expires-days", "0.000002").out.rstrip("\n").split("\n")[-1]
    fresh = cli("user", "token", name, "--expires-days", "1").out.rstrip("\n").split("\n")[-1]
    time.sleep(0.3)
    assert authenticate_token(store, token) is None
    assert authenticate_token(store, fresh).name == name
    assert cli("user", "token", name, "--expires-days", "0").code == 2


def test_removing_an_account_asks_first_and_revokes_its_tokens(cli, store, stdin, new_user):
    name = new_user()
    cli("user", "add", name, "--role", "panel_member")
    token = cli("user", "token", name).out.rstrip("\n").split("\n")[-1]
    asked = cli("user", "remove", name)
    assert (asked.code, asked.err) == (2, f"causalmap: error: removing user {name!r} needs confirmation; add --yes\n")
    assert cli("user", "remove", name, "--yes").out == f"Removed user {name} and revoked 1 token.\n"
    assert authenticate_token(store, token) is None
    assert store.read("MATCH (t:Token) WHERE NOT (t)<-[:HOLDS]-() RETURN count(t) AS n") == [{"n": 0}]
    assert cli("user", "remove", name, "--yes").code == 1
