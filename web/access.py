"""Who may call which endpoint: one table and one hook below every route, so no route can forget.

Every request is classified by `permission_for` before its view runs: a small explicit table,
then rules (a `case_id` in the URL makes it a case endpoint: reads need READ_CASE, changes
EDIT_CASE, exports EXPORT_CASE; the analysts' queries need RUN_QUERIES). An endpoint no rule
covers is refused to everyone (DENIED), and a test checks that every registered route is
classified. A case the user is not on answers 404, exactly as a case that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, current_app, g, redirect, request, session, url_for
from werkzeug.routing import Rule

from causalmap.accounts import users
from causalmap.accounts.credentials import same
from causalmap.accounts.roles import Permission, is_case_permission
from causalmap.accounts.users import Account
from causalmap.errors import NotFound

__all__ = ["EXPLICIT", "Caller", "authorize", "current_account", "permission_for", "visible_cases"]

P = Permission
#: Endpoints whose permission no rule below gives.
EXPLICIT: dict[str, Permission] = {
    "static": P.PUBLIC, "pages.vendor": P.PUBLIC, "pages.favicon": P.PUBLIC, "api.openapi": P.PUBLIC,
    "auth.login": P.PUBLIC, "auth.login_link": P.PUBLIC, "auth.healthz": P.PUBLIC,
    "auth.logout": P.SIGNED_IN, "pages.cases": P.SIGNED_IN, "api.cases": P.SIGNED_IN,
    "api.create_case": P.ADMINISTER,
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def permission_for(rule: Rule | None, method: str) -> Permission:
    """The permission a request needs, from its URL rule and method."""
    if rule is None:  # no such URL (or method): signed-in users get the 404 or 405
        return P.SIGNED_IN
    if rule.endpoint in EXPLICIT:
        return EXPLICIT[rule.endpoint]
    path = rule.rule
    if path.startswith(("/api/queries", "/queries")):
        return P.RUN_QUERIES
    if path.startswith(("/admin", "/api/admin")):
        return P.ADMINISTER
    if "case_id" in rule.arguments:
        if "/layout" in path:  # where the nodes sit on the map: a reader's view, not the case's content
            return P.READ_CASE
        if "/export" in path or path.endswith("/document"):
            return P.EXPORT_CASE
        if "/redactions" in path and method not in SAFE_METHODS:  # what is hidden in the exports for publication
            return P.EXPORT_CASE
        return P.READ_CASE if method in SAFE_METHODS else P.EDIT_CASE
    return P.DENIED


@dataclass(frozen=True)
class Caller:
    """The account behind a request and how it proved itself ("token" or "session")."""

    account: Account
    via: str


def current_account() -> Account | None:
    caller: Caller | None = g.get("caller")
    return caller.account if caller else None


def visible_cases(rows: list[dict]) -> list[dict]:
    """The rows of a case list the caller may see (all for administrators)."""
    account = current_account()
    return [r for r in rows if account is not None and account.may(P.READ_CASE, r["id"])]


def _identify() -> Caller | None | Response:
    from causalmap.web.app import get_store

    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        account = users.authenticate_token(get_store(), token.strip()) if scheme.lower() == "bearer" else None
        if account is None:
            return _refuse(401, "Unauthorized", "the API token is unknown, expired or revoked; make a new one with "
                           "`causalmap user token NAME`")
        return Caller(account, "token")
    name, key = session.get("user"), session.get("key")
    if not name:
        return None
    account = users.signed_in_account(get_store(), name)
    if account is None or not same(account.session_key, key or ""):  # removed, or signed out everywhere
        session.pop("user", None)
        session.pop("key", None)
        return None
    return Caller(account, "session")


def csrf_token() -> str:
    """The session's CSRF token, made on first use; forms and the UI's fetches send it back."""
    import secrets

    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def _csrf_ok() -> bool:
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
    expected = session.get(CSRF_FIELD) or ""
    return bool(expected) and same(sent, expected)


def authorize() -> Response | None:
    """The before-request hook: identify the caller, check CSRF for browser writes, apply the table."""
    _ = request.host  # an untrusted Host header is refused (400) before anything else
    permission = permission_for(request.url_rule, request.method)
    g.permission = permission
    g.case_id = (request.view_args or {}).get("case_id")
    if permission is P.PUBLIC and request.method in SAFE_METHODS:
        g.caller = None  # static assets, the health check, the login page: no database needed
        return None
    caller = _identify()
    if isinstance(caller, Response):
        return caller
    g.caller = caller
    if caller is None and permission is not P.PUBLIC:
        if request.path.startswith("/api/") or request.method not in SAFE_METHODS:
            return _refuse(401, "Unauthorized", "sign in first: scripts send Authorization: Bearer TOKEN "
                           "(`causalmap user token NAME`), people use the login page")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if request.method not in SAFE_METHODS and (caller is None or caller.via == "session") and not _csrf_ok():
        return _refuse(403, "Forbidden", "this form or request lacks the session's CSRF token; reload the page "
                       "and try again")
    if permission is P.PUBLIC:
        return None
    account = caller.account
    if permission is P.DENIED:
        current_app.logger.error("refused %s %s: endpoint %s is not classified in web/access.py",
                                 request.method, request.path, request.endpoint)
        return _refuse(403, "Forbidden", "this address is not open to anyone yet")
    if is_case_permission(permission):
        if not account.is_on(g.case_id or ""):
            g.refused = True
            raise NotFound(f"no case {g.case_id!r}; `causalmap cases` lists the cases")
        if not account.may(permission, g.case_id):
            return _refuse(403, "Forbidden", f"as {_a(account.role)} you cannot {_VERBS[permission]} this case")
    elif not account.may(permission):
        return _refuse(403, "Forbidden", f"as {_a(account.role)} you cannot {_VERBS[permission]}")
    return None


def _a(role: str) -> str:
    words = role.replace("_", " ")
    return ("an " if words[0] in "aeiou" else "a ") + words


_VERBS = {P.READ_CASE: "read", P.EDIT_CASE: "change", P.EXPORT_CASE: "export",
          P.RUN_QUERIES: "run the cross-case queries", P.ADMINISTER: "do this (administrators only)",
          P.SIGNED_IN: "do this"}


def _refuse(status: int, title: str, detail: str) -> Response:
    from causalmap.api.problems import problem
    from causalmap.web.pages import error_page

    g.refused = True
    if request.path.startswith("/api/"):
        response = problem(status, title, detail)
    else:
        body, _ = error_page(status, title, detail)
        response = current_app.make_response((body, status))
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="causalmap"'
    return response
