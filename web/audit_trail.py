"""The audit trail of the web: every request that touches a case, a query or the administration
is recorded after it is answered (who, when, what, outcome), refusals included; a change also
keeps the item as it was before and as it is after. Administrators read it at /admin/audit.

Hooked in below the routes like the access table, so a new route is recorded without asking.
Sign-in and sign-out record themselves (web/auth.py), with the name that was tried.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, render_template, request

from causalmap.accounts.roles import Permission
from causalmap.errors import CausalmapError
from causalmap.store import audit

admin = Blueprint("admin", __name__)
PAGE_LIMIT = 500

_ACTIONS = {Permission.READ_CASE: "case.read", Permission.EXPORT_CASE: "case.export",
            Permission.RUN_QUERIES: "query", Permission.ADMINISTER: "admin", Permission.SIGNED_IN: "cases.list",
            Permission.DENIED: "denied"}
_CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def install(app: Flask) -> None:
    app.register_blueprint(admin)
    app.before_request(_keep_before)  # runs after the access hook, so only for allowed requests
    app.after_request(_record)


def _item_before() -> Any:
    """The item a change is about to alter, as the API shows it; None for a new item."""
    from causalmap.web.app import get_store

    from causalmap.store.items import get_item, get_link, kind_of_section

    args = request.view_args or {}
    case_id, section, item_id = args.get("case_id"), args.get("section"), args.get("item_id")
    try:
        if request.endpoint == "api.update_case":
            from causalmap.store.cases import get_case

            return get_case(get_store(), case_id)
        if item_id is None:
            return None
        if section == "links":
            return get_link(get_store(), case_id, item_id)
        return get_item(get_store(), case_id, kind_of_section(section), item_id)
    except CausalmapError:  # no such item or section: the view answers for it
        return None


def _keep_before() -> None:
    if request.method in _CHANGES and g.get("case_id"):
        g.audit_before = _item_before()


def _action() -> str:
    permission = g.get("permission")
    if g.get("case_id") and request.method in _CHANGES:
        return "case.change"
    return _ACTIONS.get(permission, "request")


def _record(response: Response) -> Response:
    permission = g.get("permission")
    refused = bool(g.get("refused"))
    if permission is None or (not refused and (permission is Permission.PUBLIC or request.blueprint == "auth")):
        return response
    caller = g.get("caller")
    args = request.view_args or {}
    changed = request.method in _CHANGES and g.get("case_id") and not refused
    after = None
    if changed and response.status_code < 400 and request.method != "DELETE" and response.is_json:
        after = response.get_json(silent=True)
    target = args.get("item_id") or args.get("name") or args.get("section")
    detail: dict[str, Any] = {"endpoint": request.endpoint}
    if request.args:
        detail["parameters"] = request.args.to_dict(flat=True)
    if refused and response.is_json:
        detail["reason"] = (response.get_json(silent=True) or {}).get("detail")
    outcome = "refused" if refused else ("ok" if response.status_code < 400 else "failed")
    try:
        from causalmap.web.app import get_store

        audit.record(get_store(), action=_action(), outcome=outcome, status=response.status_code,
                     user=caller.account.name if caller else None, via=caller.via if caller else None,
                     case_id=g.get("case_id"), target=target, method=request.method, path=request.path,
                     ip=request.remote_addr, detail=detail, before=g.get("audit_before") if changed else None,
                     after=after)
    except Exception:  # the database went away after answering: say so in the server log
        current_app.logger.exception("could not record %s %s in the audit trail", request.method, request.path)
    return response


@admin.get("/admin/audit")
def audit_page():  # type: ignore[no-untyped-def]
    """The newest entries, filtered as `causalmap audit` filters them."""
    from causalmap.web.app import get_store

    filters = {k: (request.args.get(k) or "").strip() or None for k in ("case", "user", "since", "action")}
    entries = audit.read_entries(get_store(), case_id=filters["case"], user=filters["user"],
                                 since=audit.parse_since(filters["since"]) if filters["since"] else None,
                                 action=filters["action"], limit=PAGE_LIMIT)
    return render_template("audit.html", entries=list(reversed(entries)), filters=filters, limit=PAGE_LIMIT)
