"""Accounts in the graph: `User` nodes (no case_id: they belong to no case), the `Token`s they
hold, and `ASSIGNED_TO` relationships to the cases they are on.

Only digests of tokens and scrypt hashes of passwords are stored. Deleting a case removes its
assignments with it, so a later case of the same id does not inherit them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError

from causalmap.accounts import recent
from causalmap.errors import Conflict, NotFound
from causalmap.store.connection import Store

USER = "User"
TOKEN = "Token"
_USER_FIELDS = "u {.name, .role, .created_at, .session_key, has_password: u.password_hash IS NOT NULL}"


F = TypeVar("F", bound=Callable[..., Any])


def _changes_accounts(change: F) -> F:
    """Once `change` is done, this process's recently looked-up accounts (accounts/recent.py)
    are forgotten, so no copy in memory outlives a change made here."""
    @functools.wraps(change)
    def changed(*args: Any, **kwargs: Any) -> Any:
        try:
            return change(*args, **kwargs)
        finally:
            recent.forget_all()

    return changed  # type: ignore[return-value]


def _missing(name: str) -> NotFound:
    return NotFound(f"no user {name!r}; `causalmap user list` lists the accounts")


@_changes_accounts
def create_user(store: Store, user: dict[str, Any]) -> None:
    def work(tx: ManagedTransaction) -> None:
        if tx.run("MATCH (u:User {name: $name}) RETURN 1", name=user["name"]).single():
            raise Conflict(f"user {user['name']!r} exists already; remove it first or choose another name")
        tx.run("CREATE (u:User) SET u = $props", props=user).consume()

    try:
        store.write_transaction(work)
    except ConstraintError:
        raise Conflict(f"user {user['name']!r} exists already; remove it first or choose another name") from None


def read_user(store: Store, name: str) -> dict[str, Any]:
    """The account with the ids of the cases it is on; NotFound when there is none."""
    rows = store.read(f"MATCH (u:User {{name: $name}}) OPTIONAL MATCH (u)-[:ASSIGNED_TO]->(c:Case) "
                      f"WITH u, c ORDER BY c.id RETURN {_USER_FIELDS} AS user, u.password_hash AS password_hash, "
                      "collect(c.id) AS cases", name=name)
    if not rows:
        raise _missing(name)
    return {**rows[0]["user"], "password_hash": rows[0]["password_hash"], "cases": rows[0]["cases"]}


def list_users(store: Store, now: str) -> list[dict[str, Any]]:
    return store.read(
        f"MATCH (u:User) CALL (u) {{ OPTIONAL MATCH (u)-[:ASSIGNED_TO]->(c:Case) WITH c ORDER BY c.id "
        "RETURN collect(c.id) AS cases } "
        "CALL (u) { OPTIONAL MATCH (u)-[:HOLDS]->(t:Token {kind: 'api'}) "
        "WHERE t.expires_at IS NULL OR t.expires_at > $now RETURN count(t) AS tokens } "
        f"WITH {_USER_FIELDS} AS user, cases, tokens ORDER BY user.name "
        "RETURN user.name AS name, user.role AS role, user.has_password AS has_password, "
        "user.created_at AS created_at, cases, tokens", now=now)


def administrator_names(store: Store) -> list[str]:
    return [r["name"] for r in store.read("MATCH (u:User {role: 'administrator'}) RETURN u.name AS name "
                                          "ORDER BY name")]


@_changes_accounts
def delete_user(store: Store, name: str) -> int:
    """Delete the account and every token it holds; returns the number of tokens removed."""
    def work(tx: ManagedTransaction) -> int:
        row = tx.run("MATCH (u:User {name: $name}) OPTIONAL MATCH (u)-[:HOLDS]->(t:Token) "
                     "WITH u, collect(t) AS tokens FOREACH (t IN tokens | DETACH DELETE t) DETACH DELETE u "
                     "RETURN size(tokens) AS n", name=name).single()
        if row is None:
            raise _missing(name)
        return row["n"]

    return store.write_transaction(work)


@_changes_accounts
def set_session_key(store: Store, name: str, key: str) -> None:
    """A new session key ends every session signed with the old one (signing out everywhere)."""
    store.write("MATCH (u:User {name: $name}) SET u.session_key = $key", name=name, key=key)


@_changes_accounts
def assign(store: Store, name: str, case_id: str) -> bool:
    """Put the user on the case; False when they were on it already."""
    def work(tx: ManagedTransaction) -> bool:
        row = tx.run("OPTIONAL MATCH (u:User {name: $name}) OPTIONAL MATCH (c:Case {id: $case_id}) "
                     "RETURN u IS NOT NULL AS user, c IS NOT NULL AS case", name=name, case_id=case_id).single()
        if not row["user"]:
            raise _missing(name)
        if not row["case"]:
            raise NotFound(f"no case {case_id!r}; `causalmap cases` lists the cases")
        created = tx.run("MATCH (u:User {name: $name}), (c:Case {id: $case_id}) "
                         "OPTIONAL MATCH (u)-[old:ASSIGNED_TO]->(c) WITH u, c, old "
                         "MERGE (u)-[:ASSIGNED_TO]->(c) RETURN old IS NULL AS created",
                         name=name, case_id=case_id).single()
        return created["created"]

    return store.write_transaction(work)


@_changes_accounts
def unassign(store: Store, name: str, case_id: str) -> bool:
    """Take the user off the case; False when they were not on it."""
    def work(tx: ManagedTransaction) -> bool:
        if not tx.run("MATCH (u:User {name: $name}) RETURN 1", name=name).single():
            raise _missing(name)
        row = tx.run("MATCH (:User {name: $name})-[r:ASSIGNED_TO]->(:Case {id: $case_id}) DELETE r "
                     "RETURN count(*) AS n", name=name, case_id=case_id).single()
        return row["n"] > 0

    return store.write_transaction(work)


@_changes_accounts
def add_token(store: Store, name: str, token: dict[str, Any]) -> None:
    def work(tx: ManagedTransaction) -> None:
        row = tx.run("MATCH (u:User {name: $name}) CREATE (u)-[:HOLDS]->(t:Token) SET t = $props RETURN 1",
                     name=name, props=token).single()
        if row is None:
            raise _missing(name)

    store.write_transaction(work)


def user_for_api_token(store: Store, digest: str, now: str) -> dict[str, Any] | None:
    """The account holding this unexpired API token, with its cases and the token's expiry
    (`expires_at`, None for none); None when there is none."""
    rows = store.read(
        "MATCH (u:User)-[:HOLDS]->(t:Token {digest: $digest, kind: 'api'}) "
        "WHERE t.expires_at IS NULL OR t.expires_at > $now "
        "OPTIONAL MATCH (u)-[:ASSIGNED_TO]->(c:Case) WITH u, t, c ORDER BY c.id "
        f"RETURN {_USER_FIELDS} AS user, t.expires_at AS expires_at, collect(c.id) AS cases", digest=digest, now=now)
    return {**rows[0]["user"], "cases": rows[0]["cases"], "expires_at": rows[0]["expires_at"]} if rows else None


def consume_login_token(store: Store, digest: str, now: str) -> str | None:
    """Use a one-time login token: it is deleted in the same transaction that finds it, so it
    works once. Returns the user's name, or None when the token is unknown, used or expired."""
    def work(tx: ManagedTransaction) -> str | None:
        row = tx.run("MATCH (u:User)-[:HOLDS]->(t:Token {digest: $digest, kind: 'login'}) "
                     "WITH u, t, t.expires_at > $now AS fresh DETACH DELETE t "
                     "RETURN u.name AS name, fresh", digest=digest, now=now).single()
        return row["name"] if row and row["fresh"] else None

    return store.write_transaction(work)


@_changes_accounts
def revoke_tokens(store: Store, name: str, token_id: str | None) -> int:
    """Delete one API token of the user (by id), or all of them (None); returns how many."""
    def work(tx: ManagedTransaction) -> int:
        if not tx.run("MATCH (u:User {name: $name}) RETURN 1", name=name).single():
            raise _missing(name)
        row = tx.run("MATCH (:User {name: $name})-[:HOLDS]->(t:Token) WHERE $id IS NULL OR t.id = $id "
                     "DETACH DELETE t RETURN count(*) AS n", name=name, id=token_id).single()
        return row["n"]

    return store.write_transaction(work)


def list_tokens(store: Store, name: str) -> list[dict[str, Any]]:
    read_user(store, name)
    return store.read("MATCH (:User {name: $name})-[:HOLDS]->(t:Token {kind: 'api'}) "
                      "RETURN t.id AS id, t.created_at AS created_at, t.expires_at AS expires_at "
                      "ORDER BY created_at, id", name=name)


def export_accounts(store: Store) -> list[dict[str, Any]]:
    """Every account as stored (hashes and token digests, never a secret in clear), for backups."""
    return store.read(
        "MATCH (u:User) CALL (u) { OPTIONAL MATCH (u)-[:ASSIGNED_TO]->(c:Case) WITH c ORDER BY c.id "
        "RETURN collect(c.id) AS cases } "
        "CALL (u) { OPTIONAL MATCH (u)-[:HOLDS]->(t:Token) WITH t ORDER BY t.id RETURN collect(properties(t)) "
        "AS tokens } RETURN properties(u) AS user, cases, tokens ORDER BY u.name")


@_changes_accounts
def replace_accounts_tx(tx: ManagedTransaction, accounts: list[dict[str, Any]]) -> None:
    """Replace every account with those of a backup (cases must be restored first)."""
    tx.run("MATCH (u:User) OPTIONAL MATCH (u)-[:HOLDS]->(t:Token) DETACH DELETE u, t").consume()
    for account in accounts:
        tx.run("CREATE (u:User) SET u = $user WITH u "
               "UNWIND $tokens AS token CREATE (u)-[:HOLDS]->(t:Token) SET t = token",
               user=account["user"], tokens=account["tokens"]).consume()
        tx.run("MATCH (u:User {name: $name}) UNWIND $cases AS case_id MATCH (c:Case {id: case_id}) "
               "MERGE (u)-[:ASSIGNED_TO]->(c)", name=account["user"]["name"], cases=account["cases"]).consume()
