"""Signing in and out: the login page, one-time login links, logout, the health check, and the
session set-up (signed cookie, HttpOnly, SameSite=Lax, Secure over HTTPS).

Failed logins are counted from the audit trail itself, so the limit holds across workers:
after FAILURES_PER_NAME failures for one name from one address, or FAILURES_PER_ADDRESS
from one address, within WINDOW, the login page answers 429 until the window has passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from causalmap.accounts import users
from causalmap.accounts.session_key import session_secret
from causalmap.config import Settings
from causalmap.store.audit import count_failed_logins, record

auth = Blueprint("auth", __name__)

WINDOW = dt.timedelta(minutes=15)
FAILURES_PER_NAME = 5
FAILURES_PER_ADDRESS = 20
SESSION_HOURS = 12


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def install(app: Flask, settings: Settings) -> None:
    """Sessions, the login pages and the access hook, wired into the app (called by create_app)."""
    from causalmap.web.access import authorize, csrf_token, current_account
    from causalmap.web.audit_trail import install as install_audit

    app.config.update(SECRET_KEY=session_secret(settings), SESSION_COOKIE_NAME="causalmap_session",
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS))
    app.session_interface = _Sessions()
    if settings.proxies:
        n = settings.proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.register_blueprint(auth)
    app.before_request(authorize)
    install_audit(app)
    app.context_processor(lambda: {"csrf_token": csrf_token, "account": current_account()})


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("pages.cases")


def _sign_in(account: users.Account) -> None:
    session.clear()
    session.permanent = True
    session["user"] = account.name
    session["key"] = account.session_key


def _audit(action: str, outcome: str, status: int, *, user: str | None, target: str | None,
           detail: dict[str, Any] | None = None) -> None:
    from causalmap.web.app import get_store

    record(get_store(), action=action, outcome=outcome, status=status, user=user, via="session", target=target,
           method=request.method, path=request.path, ip=request.remote_addr, detail=detail)


def _too_many(name: str) -> bool:
    from causalmap.web.app import get_store

    since = (dt.datetime.now(dt.UTC) - WINDOW).isoformat(timespec="microseconds")
    store, ip = get_store(), request.remote_addr
    return (count_failed_logins(store, user=name, ip=ip, since=since) >= FAILURES_PER_NAME
            or count_failed_logins(store, user=None, ip=ip, since=since) >= FAILURES_PER_ADDRESS)


@auth.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    from causalmap.web.app import get_store

    next_path = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_path, message=None, name="")
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    if not name or not password:
        return render_template("login.html", next=next_path, name=name,
                               message="Enter your name and your password."), 400
    if _too_many(name):
        _audit("login", "refused", 429, user=None, target=name, detail={"reason": "too many failed logins"})
        response = render_template("login.html", next=next_path, name=name,
                                   message="Too many failed sign-ins; wait 15 minutes and try again."), 429
        return response[0], 429, {"Retry-After": str(int(WINDOW.total_seconds()))}
    account = users.authenticate_password(get_store(), name, password)
    if account is None:
        _audit("login", "failed", 401, user=None, target=name)
        return render_template("login.html", next=next_path, name=name,
                               message="That name and password do not match an account."), 401
    _sign_in(account)
    _audit("login", "ok", 303, user=account.name, target=account.name)
    return redirect(next_path, code=303)


@auth.get("/login/link")
def login_link():  # type: ignore[no-untyped-def]
    """A one-time login link (`causalmap serve`, `causalmap user link`): works once, then redirects
    to the case list so the token leaves the address bar."""
    from causalmap.web.app import get_store

    account = users.use_login_token(get_store(), request.args.get("token", ""))
    if account is None:
        _audit("login.link", "failed", 401, user=None, target=None, detail={"reason": "used or expired"})
        return render_template("login.html", next=url_for("pages.cases"), name="",
                               message="This login link has been used or has expired; ask for a new one "
                                       "(causalmap user link NAME)."), 401
    _sign_in(account)
    _audit("login.link", "ok", 303, user=account.name, target=account.name)
    return redirect(url_for("pages.cases"), code=303)


@auth.post("/logout")
def logout() -> Response:
    """Sign out: ends this account's sessions everywhere (a signed cookie kept elsewhere, or
    copied, would otherwise stay valid until it expires)."""
    from causalmap.web.access import current_account
    from causalmap.web.app import get_store

    account = current_account()
    session.clear()
    if account is not None:
        users.end_sessions(get_store(), account.name)  # every session of the account ends, a copied cookie too
        _audit("logout", "ok", 303, user=account.name, target=account.name)
    return redirect(url_for("auth.login"), code=303)


@auth.get("/healthz")
def healthz() -> Response:
    """For load balancers and container health checks: the web process answers."""
    return jsonify({"ok": True})
