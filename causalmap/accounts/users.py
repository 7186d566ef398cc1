"""Accounts: adding and removing them, putting them on cases, issuing and checking tokens.

The CLI and the web layer both come here; the Cypher is in causalmap.store.users.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from causalmap.accounts import credentials, recent
from causalmap.accounts.roles import Permission, allows, check_role, takes_cases
from causalmap.errors import NotFound, UsageError
from causalmap.store import users as stored
from causalmap.store.connection import Store

__all__ = ["Account", "add_user", "authenticate_password", "authenticate_token", "check_name", "grant",
           "issue_api_token", "issue_login_token", "now", "revoke", "signed_in_account", "LOGIN_TOKEN_MINUTES"]

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
LOGIN_TOKEN_MINUTES = 15


@dataclass(frozen=True)
class Account:
    """Who is asking: the name, the role, and the cases they are on."""

    name: str
    role: str
    cases: frozenset[str]
    session_key: str = ""

    def may(self, permission: Permission, case_id: str | None = None) -> bool:
        if not allows(self.role, permission):
            return False
        return case_id is None or self.is_on(case_id)

    def is_on(self, case_id: str) -> bool:
        return self.role == "administrator" or case_id in self.cases

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Account:
        return cls(row["name"], row["role"], frozenset(row.get("cases") or ()), row.get("session_key") or "")


def now() -> str:
    """The current time as stored: UTC ISO 8601 to the microsecond (strings compare in time order)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name or ""):
        raise UsageError(f"{name!r} is not a user name; use up to 64 letters, digits, '.', '_', '@' or '-', "
                         "starting with a letter or digit")
    return name


def add_user(store: Store, name: str, role: str, password: str | None) -> dict[str, Any]:
    user = {"name": check_name(name), "role": check_role(role), "created_at": now(),
            "session_key": secrets.token_urlsafe(16)}
    if password is not None:
        user["password_hash"] = credentials.hash_password(password)
    stored.create_user(store, user)
    return {k: v for k, v in user.items() if k not in ("password_hash", "session_key")} | {
        "has_password": password is not None}


def end_sessions(store: Store, name: str) -> None:
    """Sign the account out everywhere: a stolen session cookie stops working too."""
    stored.set_session_key(store, name, secrets.token_urlsafe(16))


def get_account(store: Store, name: str) -> Account:
    return Account.from_row(stored.read_user(store, name))


def grant(store: Store, name: str, case_id: str) -> bool:
    user = stored.read_user(store, name)
    if not takes_cases(user["role"]):
        raise UsageError(f"{name} is an {user['role'].replace('_', ' ')}: " + (
            "administrators are on every case already" if user["role"] == "administrator"
            else "analysts see the named cross-case queries, never a case; make them a reviewer to read one"))
    return stored.assign(store, name, case_id)


def revoke(store: Store, name: str, case_id: str) -> bool:
    return stored.unassign(store, name, case_id)


def _expiry(days: float | None) -> str | None:
    if days is None:
        return None
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat(timespec="microseconds")


def issue_api_token(store: Store, name: str, expires_days: float | None) -> dict[str, Any]:
    """Make an API token; the token itself is returned once and only its digest is kept."""
    if expires_days is not None and expires_days <= 0:
        raise UsageError(f"--expires-days {expires_days:g}: use a number of days above 0")
    token = credentials.new_token()
    record = {"id": secrets.token_hex(4), "kind": "api", "digest": credentials.token_digest(token),
              "created_at": now(), "expires_at": _expiry(expires_days)}
    stored.add_token(store, name, record)
    return {"user": name, "id": record["id"], "expires_at": record["expires_at"], "token": token}


def issue_login_token(store: Store, name: str) -> str:
    """A one-time login token (for a link), valid for LOGIN_TOKEN_MINUTES."""
    token = credentials.new_token()
    stored.add_token(store, name, {"id": secrets.token_hex(4), "kind": "login",
                                   "digest": credentials.token_digest(token), "created_at": now(),
                                   "expires_at": _expiry(LOGIN_TOKEN_MINUTES / (24 * 60))})
    return token


def authenticate_token(store: Store, token: str) -> Account | None:
    """The account holding this unexpired API token; None when there is none. A token found is
    trusted for recent.SECONDS without reading it again, its expiry checked every time."""
    digest = credentials.token_digest(token)
    key = ("token", store.uri, store.database, digest)
    kept = recent.recall(key)
    if kept is None:
        row = stored.user_for_api_token(store, digest, now())
        if row is None:
            return None
        kept = (Account.from_row(row), row["expires_at"])
        recent.keep(key, kept)
    account, expires_at = kept
    return account if expires_at is None or expires_at > now() else None


def signed_in_account(store: Store, name: str) -> Account | None:
    """The account a session names, with its session key; None when it no longer exists.
    Trusted for recent.SECONDS without reading it again, like a token."""
    key = ("user", store.uri, store.database, name)
    kept = recent.recall(key)
    if kept is None:
        try:
            kept = Account.from_row(stored.read_user(store, name))
        except NotFound:
            return None
        recent.keep(key, kept)
    return kept


def use_login_token(store: Store, token: str) -> Account | None:
    name = stored.consume_login_token(store, credentials.token_digest(token), now())
    return get_account(store, name) if name else None


def authenticate_password(store: Store, name: str, password: str) -> Account | None:
    """The account when the password is right; None otherwise (unknown name included, in equal time)."""
    try:
        user = stored.read_user(store, name)
    except NotFound:
        credentials.check_password(None, password)
        return None
    if not credentials.check_password(user.get("password_hash"), password):
        return None
    return Account.from_row(user)
