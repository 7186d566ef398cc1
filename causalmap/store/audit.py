"""The audit trail: who did what, when, to which case, and how it ended. Append-only.

Entries are `AuditEntry` nodes. This module only ever creates them: there is no code path
that changes or deletes one (a restore adds the backup's entries that are missing, by id).
An entry names its case in `case`, never `case_id`, so deleting a case keeps its history.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import threading
import uuid
import weakref
from typing import Any

from causalmap.errors import UsageError
from causalmap.store.connection import Store
from causalmap.store.group_commit import GroupCommit

__all__ = ["record", "record_cli", "read_entries", "parse_since", "FIELDS"]

#: Every field of an entry, in the order shown.
FIELDS = ("at", "user", "via", "action", "case", "target", "outcome", "status", "method", "path", "ip",
          "detail", "before", "after")
_JSON_FIELDS = ("detail", "before", "after")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def record(store: Store, *, action: str, outcome: str, user: str | None = None, via: str | None = None,
           case_id: str | None = None, target: str | None = None, status: int | None = None,
           method: str | None = None, path: str | None = None, ip: str | None = None,
           detail: Any = None, before: Any = None, after: Any = None) -> dict[str, Any]:
    """Append one entry; the structured parts (detail, before, after) are kept as JSON text."""
    entry: dict[str, Any] = {"id": uuid.uuid4().hex, "at": _now(), "user": user, "via": via, "action": action,
                             "case": case_id, "target": target, "outcome": outcome, "status": status,
                             "method": method, "path": path, "ip": ip}
    for name, value in (("detail", detail), ("before", before), ("after", after)):
        entry[name] = None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    _appender(store).submit({k: v for k, v in entry.items() if v is not None})
    return entry


#: One group commit per store (per process): concurrent requests' entries share a transaction.
_APPENDERS: weakref.WeakKeyDictionary[Store, GroupCommit[dict[str, Any]]] = weakref.WeakKeyDictionary()
_APPENDERS_LOCK = threading.Lock()


def _appender(store: Store) -> GroupCommit[dict[str, Any]]:
    """The store's audit appender: `record` returns once its entry is committed, never before
    (store/group_commit.py), so an answered request's entry is never lost."""
    with _APPENDERS_LOCK:
        appender = _APPENDERS.get(store)
        if appender is None:
            owner = weakref.ref(store)  # not the store itself: the table must not keep it alive

            def append(entries: list[dict[str, Any]]) -> None:
                store = owner()
                assert store is not None, "an entry is appended only while its store is in use"
                store.write("UNWIND $entries AS entry CREATE (a:AuditEntry) SET a = entry", entries=entries)

            appender = _APPENDERS[store] = GroupCommit(append)
        return appender


def record_cli(store: Store, action: str, *, case_id: str | None = None, target: str | None = None,
               detail: Any = None, outcome: str = "ok") -> dict[str, Any]:
    """An entry for a change made from the command line, by the operating-system user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return record(store, action=action, outcome=outcome, user=f"cli:{who}", via="cli", case_id=case_id,
                  target=target, detail=detail)


def parse_since(text: str) -> str:
    """--since: a date (YYYY-MM-DD) or a date and time, read as UTC; the stored form back."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since {text!r}: use a date (2026-11-26) or a date and time (2026-11-26T09:30)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    out = {name: row.get(name) for name in FIELDS}
    for name in _JSON_FIELDS:
        if out[name] is not None:
            out[name] = json.loads(out[name])
    return out


def read_entries(store: Store, *, case_id: str | None = None, user: str | None = None, since: str | None = None,
                 action: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Entries oldest first, filtered by case, user, time and action; the newest `limit` when given."""
    rows = store.read(
        "MATCH (a:AuditEntry) WHERE ($case IS NULL OR a.case = $case) AND ($user IS NULL OR a.user = $user) "
        "AND ($since IS NULL OR a.at >= $since) AND ($action IS NULL OR a.action = $action) "
        "WITH a ORDER BY a.at DESC, a.id DESC LIMIT $limit RETURN properties(a) AS a ORDER BY a.at, a.id",
        case=case_id, user=user, since=since, action=action, limit=limit if limit is not None else 2**62)
    return [_decode(r["a"]) for r in rows]


def count_failed_logins(store: Store, *, user: str | None, ip: str | None, since: str) -> int:
    """Failed logins since a moment, for one name from one address (or from one address only)."""
    return store.read("MATCH (a:AuditEntry {action: 'login'}) WHERE a.at >= $since AND a.outcome = 'failed' "
                      "AND ($ip IS NULL OR a.ip = $ip) AND ($user IS NULL OR a.target = $user) "
                      "RETURN count(a) AS n", since=since, ip=ip, user=user)[0]["n"]


def export_entries(store: Store) -> list[dict[str, Any]]:
    """Every entry as stored (JSON fields as text), oldest first, for backups."""
    return [r["a"] for r in store.read("MATCH (a:AuditEntry) RETURN properties(a) AS a ORDER BY a.at, a.id")]


def add_missing_entries(store: Store, entries: list[dict[str, Any]]) -> int:
    """Add the backup's entries that are not here (matched by id); existing ones stay untouched."""
    rows = store.read("UNWIND $entries AS e OPTIONAL MATCH (a:AuditEntry {id: e.id}) "
                      "WITH e WHERE a IS NULL RETURN e", entries=entries)
    missing = [r["e"] for r in rows]
    if missing:
        store.write("UNWIND $entries AS e CREATE (a:AuditEntry) SET a = e", entries=missing)
    return len(missing)
