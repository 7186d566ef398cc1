"""Backups: every case, the accounts and the audit trail out to one owner-only file and back."""

from __future__ import annotations

import json
import os
import stat

from causalmap.accounts.users import add_user, authenticate_token, grant, issue_api_token
from causalmap.interchange.case_json import dumps, export_case, import_case
from causalmap.render.redact import Term
from causalmap.samples import sample_document
from causalmap.store.audit import read_entries
from causalmap.store.cases import list_cases
from causalmap.store.items import delete_item, read_layout, save_layout
from causalmap.store.redactions import read_redactions, save_redactions
from causalmap.store.users import read_user


def snapshot(store, case_id):
    return dumps(export_case(store, case_id)), read_layout(store, case_id), read_redactions(store, case_id)


def test_a_backup_restores_every_case_account_and_audit_entry_exactly(cli, store, new_case_id, new_user, tmp_path):
    first, second = new_case_id("bk"), new_case_id("bk")
    import_case(store, sample_document(), as_id=first)
    import_case(store, sample_document(), as_id=second)
    save_layout(store, first, {"event:nur-20230808": {"x": 10.5, "y": -3}})
    save_redactions(store, first, [Term("Child K", "the child")])
    reviewer = new_user("bk")
    add_user(store, reviewer, "reviewer", "a long enough secret")
    grant(store, reviewer, first)
    token = issue_api_token(store, reviewer, None)["token"]
    before = {case_id: snapshot(store, case_id) for case_id in (first, second)}
    account = read_user(store, reviewer)
    audit_before = read_entries(store)

    path = tmp_path / "causalmap.backup.json"
    old = os.umask(0o022)
    try:
        made = cli("backup", "-o", str(path), "--format", "json")
    finally:
        os.umask(old)
    assert made.code == 0, made.err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert token not in text and "a long enough secret" not in text
    assert made.json()["cases"] == len(list_cases(store))

    delete_item(store, first, "factor", "f-start-again", 1)
    assert cli("case", "delete", second, "--yes").code == 0
    assert cli("user", "remove", reviewer, "--yes").code == 0
    assert authenticate_token(store, token) is None

    asked = cli("restore", str(path))
    assert (asked.code, asked.err) == (2, f"causalmap: error: restoring {path} replaces cases and every account; "
                                          "it needs confirmation: add --yes\n")
    restored = cli("restore", str(path), "--yes", "--format", "json").json()
    assert first in restored["cases_replaced"] and second in restored["cases_created"]
    assert restored["audit_entries_added"] == 0  # nothing in the trail was lost, so nothing comes back
    assert {case_id: snapshot(store, case_id) for case_id in (first, second)} == before
    assert read_user(store, reviewer) == account
    assert authenticate_token(store, token).cases == frozenset({first})
    assert read_entries(store)[:len(audit_before)] == audit_before
    assert [e["action"] for e in read_entries(store, action="restore")][-1:] == ["restore"]


def test_a_damaged_backup_restores_nothing(cli, store, case_id, tmp_path):
    import_case(store, sample_document(), as_id=case_id)
    before = dumps(export_case(store, case_id))
    path = tmp_path / "bad.json"
    cli("backup", "-o", str(path))
    doc = json.loads(path.read_text())
    mine = next(c for c in doc["cases"] if c["document"]["case"]["id"] == case_id)
    mine["document"]["events"][0]["date"] = "13/13/2024"
    mine["document"]["events"][1]["kind"] = "rumour"
    path.write_text(json.dumps(doc))
    ran = cli("restore", str(path), "--yes")
    assert ran.code == 2
    assert ran.err.startswith(f"causalmap: error: 2 problems in {path}; nothing was restored\n")
    assert dumps(export_case(store, case_id)) == before
    path.write_text('{"format": "causalmap-case"}')
    other = cli("restore", str(path), "--yes")
    assert (other.code, other.err.splitlines()[1]) == (
        2, "  column format: 'causalmap-case': not a causalmap backup (its format must be 'causalmap-backup'; make "
           "one with causalmap backup)")
