"""The audit trail: every read, change (before and after), export, query, sign-in and refusal,
with who, when, what and the outcome; append-only; `causalmap audit` and the administrators' page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from causalmap.accounts.users import add_user, grant, issue_api_token
from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document
from causalmap.store.audit import read_entries

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sample(store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    return case_id


@pytest.fixture
def script(app, store, new_user):
    """A client with an API token for a new account of a role, on the given cases."""
    def make(role: str, cases: tuple[str, ...] = ()):
        name = new_user(role)
        add_user(store, name, role, None)
        for case_id in cases:
            grant(store, name, case_id)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_api_token(store, name, None)['token']}"
        client.name = name
        return client

    return make


def entries(store, name):
    found = read_entries(store, user=name)
    for entry in found:
        moment = dt.datetime.fromisoformat(entry.pop("at"))
        assert dt.timedelta(0) <= dt.datetime.now(dt.UTC) - moment < dt.timedelta(minutes=5)
    return found


def entry(name, action, case_id, target, outcome, status, method, path, detail, before=None, after=None,
          via="token"):
    return {"user": name, "via": via, "action": action, "case": case_id, "target": target, "outcome": outcome,
            "status": status, "method": method, "path": path, "ip": "127.0.0.1", "detail": detail,
            "before": before, "after": after}


def test_reads_exports_and_refusals_are_recorded_exactly(store, script, sample):
    reviewer = script("reviewer", (sample,))
    assert reviewer.get(f"/api/cases/{sample}/factors/f-start-again").status_code == 200
    assert reviewer.get(f"/api/cases/{sample}/document").status_code == 200
    assert reviewer.put(f"/api/cases/{sample}/factors/f-start-again", json={}).status_code == 403
    assert reviewer.get("/api/cases/elsewhere").status_code == 404
    base = f"/api/cases/{sample}"
    assert entries(store, reviewer.name) == [
        entry(reviewer.name, "case.read", sample, "f-start-again", "ok", 200, "GET", f"{base}/factors/f-start-again",
              {"endpoint": "api.get_section_item"}),
        entry(reviewer.name, "case.export", sample, None, "ok", 200, "GET", f"{base}/document",
              {"endpoint": "api.document"}),
        entry(reviewer.name, "case.change", sample, "f-start-again", "refused", 403, "PUT",
              f"{base}/factors/f-start-again",
              {"endpoint": "api.update_item", "reason": "as a reviewer you cannot change this case"}),
        entry(reviewer.name, "case.read", "elsewhere", None, "refused", 404, "GET", "/api/cases/elsewhere",
              {"endpoint": "api.case", "reason": "no case 'elsewhere'; `causalmap cases` lists the cases"}),
    ]


def test_a_change_keeps_the_item_before_and_after(store, script, sample):
    member = script("panel_member", (sample,))
    before = member.get(f"/api/cases/{sample}/factors/f-start-again").json
    changed = member.put(f"/api/cases/{sample}/factors/f-start-again",
                         json={**before, "evidence": "Three social workers in six weeks"})
    assert changed.status_code == 200
    gone = member.delete(f"/api/cases/{sample}/factors/f-start-again?version={changed.json['version']}")
    assert gone.status_code == 200
    recorded = entries(store, member.name)
    assert [(e["action"], e["method"], e["outcome"]) for e in recorded] == [
        ("case.read", "GET", "ok"), ("case.change", "PUT", "ok"), ("case.change", "DELETE", "ok")]
    assert (recorded[1]["before"], recorded[1]["after"]) == (before, changed.json)
    assert changed.json["evidence"] == "Three social workers in six weeks" and before["version"] == 1
    assert (recorded[2]["before"], recorded[2]["after"]) == (changed.json, None)
    assert recorded[2]["detail"] == {"endpoint": "api.delete_section_item", "parameters": {"version": "2"}}


def test_queries_are_recorded_with_their_parameters(store, script):
    analyst = script("analyst")
    assert analyst.get("/api/queries/unanswered-referrals-by-sector?kinds=[\"referral\"]").status_code == 200
    assert entries(store, analyst.name) == [
        entry(analyst.name, "query", None, "unanswered-referrals-by-sector", "ok", 200, "GET",
              "/api/queries/unanswered-referrals-by-sector",
              {"endpoint": "api.query", "parameters": {"kinds": "[\"referral\"]"}})]


def test_sign_ins_failed_and_made_are_recorded(app, store, new_user):
    name = new_user("pw")
    add_user(store, name, "reviewer", "a long enough secret")
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    browser.post("/login", data={"name": name, "password": "wrong password!", "csrf_token": csrf})
    browser.post("/login", data={"name": name, "password": "a long enough secret", "csrf_token": csrf})
    tried = [e for e in read_entries(store, action="login") if e["target"] == name]
    assert [(e["user"], e["outcome"], e["status"], e["via"]) for e in tried] == [
        (None, "failed", 401, "session"), (name, "ok", 303, "session")]


def test_the_audit_command_filters_by_case_user_and_time(cli, store, script, sample):
    reviewer = script("reviewer", (sample,))
    reviewer.get(f"/api/cases/{sample}")
    reviewer.get(f"/api/cases/{sample}/agencies")
    rows = cli("audit", "--user", reviewer.name, "--format", "json").json()
    assert [(r["path"], r["case"]) for r in rows] == [(f"/api/cases/{sample}", sample),
                                                      (f"/api/cases/{sample}/agencies", sample)]
    by_case = cli("audit", "--case", sample, "--format", "json").json()
    assert {r["user"] for r in by_case} == {reviewer.name}
    assert cli("audit", "--user", reviewer.name, "--since", "2999-01-01").out == "No audit entries match.\n"
    text = cli("audit", "--user", reviewer.name, "--limit", "1").out.splitlines()
    assert len(text) == 1 and text[0].endswith(f"ok 200  GET /api/cases/{sample}/agencies")
    bad = cli("audit", "--since", "last tuesday")
    assert (bad.code, bad.err) == (2, "causalmap: error: --since 'last tuesday': use a date (2026-11-26) or a "
                                      "date and time (2026-11-26T09:30)\n")


def test_command_line_changes_are_recorded(cli, store, case_id):
    assert cli("sample", "load", "--as", case_id).code == 0
    assert cli("export", case_id, "-o", "/dev/null").code == 0
    recorded = [(e["action"], e["via"], e["detail"]) for e in read_entries(store, case_id=case_id)]
    assert recorded == [("case.change", "cli", {"command": "sample load"}),
                        ("case.export", "cli", {"command": "export", "format": "json", "redacted": False})]


def test_only_administrators_see_the_audit_page_and_text_in_it_is_escaped(script, sample):
    admin, member = script("administrator"), script("panel_member", (sample,))
    member.get(f"/cases/{sample}/<script>alert(1)</script>")
    assert member.get("/admin/audit").status_code == 403
    page = admin.get(f"/admin/audit?user={member.name}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<tr><td>") == 2  # the 404 page and the refused audit page, newest first


def test_no_code_changes_or_deletes_an_audit_entry():
    """Append-only: in every module that names AuditEntry, Cypher only creates and reads."""
    modules = [p for p in (ROOT / "causalmap").rglob("*.py") if "AuditEntry" in p.read_text()]
    assert sorted(p.name for p in modules) == ["audit.py", "schema.py"]
    for path in modules:
        cypher = " ".join(re.findall(r'"([^"\n]*)"', path.read_text()))
        assert re.findall(r"\b(DELETE|REMOVE|MERGE|DETACH)\b", cypher) == [], path
        assert set(re.findall(r"(\S+ \S+) SET\b", cypher)) <= {"CREATE (a:AuditEntry)"}, path


def test_a_change_of_the_case_details_keeps_them_before_and_after(store, script, sample):
    member = script("panel_member", (sample,))
    before = member.get(f"/api/cases/{sample}").json["case"]
    changed = member.put(f"/api/cases/{sample}", json={"version": before["version"], "board": "Westmarch SCP"})
    assert changed.status_code == 200, changed.json
    recorded = entries(store, member.name)[-1]
    assert (recorded["action"], recorded["before"], recorded["after"]) == ("case.change", before, changed.json)
    assert (recorded["before"]["board"], recorded["after"]["board"]) == (before["board"], "Westmarch SCP")
