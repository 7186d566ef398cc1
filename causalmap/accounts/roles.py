"""The roles and what each may do: the one table every access decision reads.

A permission on a case holds only for the cases a user is on (`user grant`), except for
administrators, who are on every case. Analysts are on no case: they see the named
cross-case queries, which return structured fields only.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ROLES", "ROLE_HELP", "Permission", "allows", "check_role", "is_case_permission", "takes_cases"]


class Permission(StrEnum):
    """What a request needs. The case permissions also need the user to be on the case."""

    PUBLIC = "public"                  # no account needed: login, static assets, health, the OpenAPI document
    SIGNED_IN = "signed_in"            # any account: the case list (filtered), logout
    READ_CASE = "read_case"            # a case's pages, summary, items, analysis, map and layout
    EDIT_CASE = "edit_case"            # change a case: items, links, metadata, imports
    EXPORT_CASE = "export_case"        # the whole-case document and other exports
    RUN_QUERIES = "run_queries"        # the analysts' named queries across cases
    ADMINISTER = "administer"          # users, the audit trail, creating cases
    DENIED = "denied"                  # an endpoint nobody classified: refused to everyone


ROLES = ("administrator", "panel_member", "reviewer", "analyst")
ROLE_HELP = {
    "administrator": "everything, on every case: users, audit trail, backups",
    "panel_member": "reads and edits the cases they are on",
    "reviewer": "reads and exports the cases they are on",
    "analyst": "runs the named cross-case queries (structured fields only); no case pages or documents",
}
_GRANTS: dict[str, frozenset[Permission]] = {
    "administrator": frozenset(Permission) - {Permission.DENIED},
    "panel_member": frozenset({Permission.SIGNED_IN, Permission.READ_CASE, Permission.EDIT_CASE}),
    "reviewer": frozenset({Permission.SIGNED_IN, Permission.READ_CASE, Permission.EXPORT_CASE}),
    "analyst": frozenset({Permission.SIGNED_IN, Permission.RUN_QUERIES}),
}
_CASE_PERMISSIONS = frozenset({Permission.READ_CASE, Permission.EDIT_CASE, Permission.EXPORT_CASE})


def check_role(role: str) -> str:
    from causalmap.errors import UsageError

    if role not in ROLES:
        raise UsageError(f"{role!r} is not a role; use one of {', '.join(ROLES)}")
    return role


def is_case_permission(permission: Permission) -> bool:
    return permission in _CASE_PERMISSIONS


def takes_cases(role: str) -> bool:
    """Whether `user grant` means anything for the role (administrators are on every case)."""
    return role in ("panel_member", "reviewer")


def allows(role: str, permission: Permission) -> bool:
    """Whether the role carries the permission (for a case permission: on the cases the user is on)."""
    if permission is Permission.PUBLIC:
        return True
    return permission in _GRANTS.get(role, frozenset())
