"""Backups of the whole service in one JSON file: every case (its whole-case document, with the
map's positions and the redaction list kept beside it), the accounts and the audit trail.

Accounts are kept as stored: scrypt hashes and token digests, never a secret in clear. The
file is still the most sensitive thing there is, so it is written owner-only (0600).

Restore checks the whole file before it writes anything, then replaces each case of the
backup (each in its own transaction: a case is whole or absent), replaces the accounts in
one transaction, and adds the backup's audit entries that are missing (the trail is
append-only: nothing in it is removed or changed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from causalmap.errors import InvalidInput, RowError
from causalmap.interchange.case_json import export_case, import_case
from causalmap.interchange.validate import check_document
from causalmap.render.redact import Term
from causalmap.store import audit
from causalmap.store import users as stored_users
from causalmap.store.cases import case_exists, delete_case, list_cases
from causalmap.store.connection import Store
from causalmap.store.items import read_layout, save_layout
from causalmap.store.redactions import read_redactions, save_redactions

__all__ = ["FORMAT", "make_backup", "check_backup", "restore_backup"]

FORMAT = "causalmap-backup"
FORMAT_VERSION = 1


def make_backup(store: Store) -> dict[str, Any]:
    cases = []
    for row in list_cases(store):
        case_id = row["id"]
        cases.append({"document": export_case(store, case_id), "layout": read_layout(store, case_id),
                      "redactions": [t.as_dict() for t in read_redactions(store, case_id)]})
    return {"format": FORMAT, "format_version": FORMAT_VERSION,
            "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "cases": cases, "accounts": stored_users.export_accounts(store), "audit": audit.export_entries(store)}


def check_backup(doc: Any) -> list[RowError]:
    """Every problem of a backup, before anything is written; [] when it can be restored."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return [RowError(None, "format", doc.get("format") if isinstance(doc, dict) else None,
                         f"not a causalmap backup (its format must be {FORMAT!r}; make one with causalmap backup)")]
    if doc.get("format_version") != FORMAT_VERSION:
        return [RowError(None, "format_version", doc.get("format_version"),
                         f"this causalmap restores format version {FORMAT_VERSION}")]
    errors: list[RowError] = []
    for name in ("cases", "accounts", "audit"):
        if not isinstance(doc.get(name), list):
            errors.append(RowError(None, name, None, "missing: a list is expected"))
    if errors:
        return errors
    for n, case in enumerate(doc["cases"], start=1):
        if not isinstance(case, dict) or not isinstance(case.get("layout"), dict) \
                or not isinstance(case.get("redactions"), list):
            errors.append(RowError(n, "cases", None, "each case needs its document, layout and redactions"))
            continue
        for problem in check_document(case.get("document")):
            errors.append(RowError(n, f"cases[{n}].{problem.column or 'document'}", problem.value, problem.message))
    for n, account in enumerate(doc["accounts"], start=1):
        if not isinstance(account, dict) or not isinstance(account.get("user"), dict) \
                or not isinstance(account["user"].get("name"), str):
            errors.append(RowError(n, "accounts", None, "each account needs its user with a name"))
    for n, entry in enumerate(doc["audit"], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not isinstance(entry.get("at"), str):
            errors.append(RowError(n, "audit", None, "each audit entry needs its id and time"))
    return errors


def restore_backup(store: Store, doc: Any) -> dict[str, Any]:
    """Restore a checked backup; returns what was replaced and added."""
    errors = check_backup(doc)
    if errors:
        raise InvalidInput(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the backup; nothing was "
                           "restored", errors)
    replaced, created = [], []
    for case in doc["cases"]:
        case_id = case["document"]["case"]["id"]
        if case_exists(store, case_id):
            delete_case(store, case_id)
            replaced.append(case_id)
        else:
            created.append(case_id)
        import_case(store, case["document"])
        if case["layout"]:
            save_layout(store, case_id, {k: {"x": v[0], "y": v[1]} for k, v in case["layout"].items()})
        if case["redactions"]:
            save_redactions(store, case_id, [Term(t["term"], t["replacement"]) for t in case["redactions"]])
    store.write_transaction(lambda tx: stored_users.replace_accounts_tx(tx, doc["accounts"]))
    added = audit.add_missing_entries(store, doc["audit"])
    return {"ok": True, "cases_replaced": replaced, "cases_created": created,
            "accounts": len(doc["accounts"]), "audit_entries_added": added}
