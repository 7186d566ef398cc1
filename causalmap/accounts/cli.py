"""`causalmap user ...`: accounts from the command line. Whoever runs the CLI on the server is
its local administrator (they can read the database's password file anyway)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from causalmap.accounts import users
from causalmap.accounts.roles import ROLE_HELP, ROLES
from causalmap.asking import confirm
from causalmap.errors import UsageError
from causalmap.store import users as stored

if TYPE_CHECKING:
    from causalmap.cli import Context

# causalmap.cli imports this module to add the group, so its helpers are looked up when called.
FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                      help="text for people, json for scripts")


def emit(fmt: str, data: Any, text: str) -> None:
    from causalmap.cli import emit as cli_emit

    cli_emit(fmt, data, text)


def _read_password(from_stdin: bool) -> str | None:
    """The new account's password: one line of standard input with --password-stdin; asked for
    at a terminal (empty for none); never asked for when standard input is not a terminal."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("--password-stdin: standard input held no password; send it as one line")
        return line
    if not sys.stdin.isatty():
        return None
    password = click.prompt("Password (empty: sign in by token or login link only)", default="",
                            hide_input=True, show_default=False)
    if not password:
        return None
    if click.prompt("Repeat it", hide_input=True) != password:
        raise UsageError("the two passwords differ; nothing was changed")
    return password


def login_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/login/link?token={token}"


def audit_cli(ctx: Context, action: str, *, case_id: str | None = None, target: str | None = None,
              detail: dict | None = None) -> None:
    """Record a CLI change in the audit trail, as done by the local administrator."""
    from causalmap.store.audit import record_cli

    record_cli(ctx.store(), action, case_id=case_id, target=target, detail=detail)


@click.group("user")
def user_group() -> None:
    """Accounts and roles: administrator, panel_member, reviewer, analyst."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES),
              help="; ".join(f"{role}: {text}" for role, text in ROLE_HELP.items()))
@click.option("--password-stdin", is_flag=True, help="read the password from one line of standard input")
@FORMAT
@click.pass_obj
def user_add(ctx: Context, name: str, role: str, password_stdin: bool, fmt: str) -> None:
    """Add an account. Without a password it signs in by API token or login link only."""
    users.check_name(name)
    password = _read_password(password_stdin)
    user = users.add_user(ctx.store(), name, role, password)
    audit_cli(ctx, "user.add", target=name, detail={"role": role, "has_password": password is not None})
    how = "with a password" if password else "without a password (`causalmap user token` or `user link`)"
    emit(fmt, user, f"Added {role.replace('_', ' ')} {name} {how}.")


@user_group.command("list")
@FORMAT
@click.pass_obj
def user_list(ctx: Context, fmt: str) -> None:
    """List the accounts, their roles, the cases they are on and their live API tokens."""
    rows = stored.list_users(ctx.store(), users.now())
    text = "\n".join(f"{r['name']:<24} {r['role']:<14} {'password' if r['has_password'] else 'no password':<12} "
                     f"{r['tokens']} token{'s' if r['tokens'] != 1 else ''}  "
                     f"{', '.join(r['cases']) or ('every case' if r['role'] == 'administrator' else '-')}"
                     for r in rows) or "No accounts yet; add one with `causalmap user add NAME --role ROLE`."
    emit(fmt, rows, text)


@user_group.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@FORMAT
@click.pass_obj
def user_remove(ctx: Context, name: str, yes: bool, fmt: str) -> None:
    """Remove an account, its API tokens and its sessions (asks first unless --yes)."""
    store = ctx.store()
    stored.read_user(store, name)
    confirm(yes, f"Remove user {name!r} and revoke their tokens?",
            f"removing user {name!r} needs confirmation; add --yes")
    tokens = stored.delete_user(store, name)
    audit_cli(ctx, "user.remove", target=name, detail={"tokens_revoked": tokens})
    emit(fmt, {"ok": True, "user": name, "tokens_revoked": tokens},
         f"Removed user {name} and revoked {tokens} token{'s' if tokens != 1 else ''}.")


@user_group.command("grant")
@click.argument("name")
@click.argument("case_id")
@FORMAT
@click.pass_obj
def user_grant(ctx: Context, name: str, case_id: str, fmt: str) -> None:
    """Put a panel member or reviewer on a case."""
    created = users.grant(ctx.store(), name, case_id)
    audit_cli(ctx, "user.grant", case_id=case_id, target=name)
    emit(fmt, {"ok": True, "user": name, "case_id": case_id, "changed": created},
         f"{name} is {'now' if created else 'already'} on case {case_id}.")


@user_group.command("revoke")
@click.argument("name")
@click.argument("case_id")
@FORMAT
@click.pass_obj
def user_revoke(ctx: Context, name: str, case_id: str, fmt: str) -> None:
    """Take a user off a case."""
    removed = users.revoke(ctx.store(), name, case_id)
    audit_cli(ctx, "user.revoke", case_id=case_id, target=name)
    emit(fmt, {"ok": True, "user": name, "case_id": case_id, "changed": removed},
         f"{name} is {'no longer' if removed else 'not'} on case {case_id}.")


@user_group.command("token")
@click.argument("name")
@click.option("--expires-days", type=float, help="days until the token stops working (default: never)")
@click.option("--revoke", "revoke_id", metavar="ID|all", help="revoke the API token of this id, or all of them")
@click.option("--list", "list_only", is_flag=True, help="list the user's API tokens (ids and expiry, never the token)")
@FORMAT
@click.pass_obj
def user_token(ctx: Context, name: str, expires_days: float | None, revoke_id: str | None, list_only: bool,
               fmt: str) -> None:
    """Make an API token for scripts (`Authorization: Bearer TOKEN`); printed once, alone on the last line.

    Only its digest is kept: a lost token cannot be shown again, only revoked and replaced.
    """
    store = ctx.store()
    if list_only:
        rows = stored.list_tokens(store, name)
        emit(fmt, rows, "\n".join(f"{r['id']}  made {r['created_at'][:19]}  expires "
                                  f"{(r['expires_at'] or 'never')[:19]}" for r in rows) or f"{name} has no API tokens.")
        return
    if revoke_id is not None:
        n = stored.revoke_tokens(store, name, None if revoke_id == "all" else revoke_id)
        if n == 0 and revoke_id != "all":
            raise UsageError(f"{name} has no token {revoke_id!r}; `causalmap user token {name} --list` lists them")
        audit_cli(ctx, "user.token.revoke", target=name, detail={"token": revoke_id, "revoked": n})
        emit(fmt, {"ok": True, "user": name, "revoked": n}, f"Revoked {n} token{'s' if n != 1 else ''} of {name}.")
        return
    issued = users.issue_api_token(store, name, expires_days)
    audit_cli(ctx, "user.token", target=name, detail={"token": issued["id"], "expires_at": issued["expires_at"]})
    expiry = f"expires {issued['expires_at'][:19]} UTC" if issued["expires_at"] else "never expires"
    emit(fmt, issued, f"API token {issued['id']} for {name} ({expiry}); revoke it with "
                      f"`causalmap user token {name} --revoke {issued['id']}`. It is shown only now:\n"
                      f"{issued['token']}")


@user_group.command("link")
@click.argument("name")
@click.option("--base-url", help="where the web UI is reached (default: http://CAUSALMAP_HOST:CAUSALMAP_PORT)")
@click.pass_obj
def user_link(ctx: Context, name: str, base_url: str | None) -> None:
    """Print a one-time login link for NAME (works once, for 15 minutes)."""
    stored.read_user(ctx.store(), name)
    token = users.issue_login_token(ctx.store(), name)
    audit_cli(ctx, "user.link", target=name)
    click.echo(login_link(base_url or local_base_url(ctx.settings.host, ctx.settings.port), token))


def local_base_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def serve_login_link(ctx: Context, host: str, port: int) -> str:
    """For `causalmap serve`: a one-time login link for the local administrator, made when no
    administrator exists yet (named `admin`, no password), so the first visit needs no password."""
    store = ctx.store()
    admins = stored.administrator_names(store)
    if not admins:
        users.add_user(store, "admin", "administrator", None)
        audit_cli(ctx, "user.add", target="admin", detail={"role": "administrator", "has_password": False})
        admins = ["admin"]
    name = "admin" if "admin" in admins else admins[0]
    token = users.issue_login_token(store, name)
    audit_cli(ctx, "user.link", target=name)
    return login_link(local_base_url(host, port), token)


@click.command("audit")
@click.option("--case", "case_id", help="only entries about this case")
@click.option("--user", "user", help="only entries by this account (cli:NAME for the command line)")
@click.option("--since", help="only entries from this date (YYYY-MM-DD) or moment (YYYY-MM-DDTHH:MM), UTC")
@click.option("--action", help="only this action: case.read, case.change, case.export, query, login, user.add, ...")
@click.option("--limit", type=click.IntRange(min=1), help="only the newest N entries")
@FORMAT
@click.pass_obj
def audit_command(ctx: Context, case_id: str | None, user: str | None, since: str | None, action: str | None,
                  limit: int | None, fmt: str) -> None:
    """The audit trail, oldest first: who read, changed, exported or queried what, and who was refused."""
    from causalmap.store.audit import parse_since, read_entries

    entries = read_entries(ctx.store(), case_id=case_id, user=user, since=parse_since(since) if since else None,
                           action=action, limit=limit)
    lines = [f"{e['at'][:19]}Z  {e['user'] or '-':<20} {e['action']:<12} {e['case'] or '-':<20} "
             f"{e['target'] or '-':<20} {e['outcome']}{' ' + str(e['status']) if e['status'] else ''}"
             f"{'  ' + e['method'] + ' ' + e['path'] if e['method'] else ''}" for e in entries]
    emit(fmt, entries, "\n".join(lines) or "No audit entries match.")


@click.command("backup")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="the backup file to write (readable by you only)")
@FORMAT
@click.pass_obj
def backup_command(ctx: Context, output: Path, fmt: str) -> None:
    """Write every case, the accounts and the audit trail to one file (owner-only, 0600).

    Passwords and tokens are in it only as hashes and digests; it is still as sensitive as the
    cases themselves: keep it on encrypted storage.
    """
    from causalmap.backup import make_backup
    from causalmap.export import write_owner_only

    doc = make_backup(ctx.store())
    write_owner_only(output, (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode())
    summary = {"ok": True, "file": str(output), "cases": len(doc["cases"]), "accounts": len(doc["accounts"]),
               "audit_entries": len(doc["audit"])}
    audit_cli(ctx, "backup", detail={k: v for k, v in summary.items() if k != "ok"})
    emit(fmt, summary, f"Wrote {summary['cases']} cases, {summary['accounts']} accounts and "
                       f"{summary['audit_entries']} audit entries to {output} (readable by you only).")


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@FORMAT
@click.pass_obj
def restore_command(ctx: Context, file: Path, yes: bool, fmt: str) -> None:
    """Restore a backup: its cases replace those of the same id, its accounts replace every account,
    its audit entries join the trail. Checks the whole file first; asks unless --yes."""
    from causalmap.backup import check_backup, restore_backup
    from causalmap.errors import InvalidInput

    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"{file}: cannot read it ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{file}: not valid JSON: {exc}") from None
    errors = check_backup(doc)
    if errors:
        raise InvalidInput(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in {file}; nothing was "
                           "restored", errors)
    confirm(yes, f"Restore {len(doc['cases'])} cases and replace every account with the {len(doc['accounts'])} "
                 f"of {file}?",
            f"restoring {file} replaces cases and every account; it needs confirmation: add --yes")
    result = restore_backup(ctx.store(), doc)
    audit_cli(ctx, "restore", detail={k: v for k, v in result.items() if k != "ok"} | {"file": str(file)})
    emit(fmt, result, f"Restored {len(doc['cases'])} cases ({len(result['cases_replaced'])} replaced), "
                      f"{result['accounts']} accounts, and added {result['audit_entries_added']} audit entries.")


#: The administrators' commands, added to the `causalmap` group.
COMMANDS = (user_group, audit_command, backup_command, restore_command)
