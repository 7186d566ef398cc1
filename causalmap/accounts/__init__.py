"""Accounts and roles: who may read, edit, export or query what (see docs/administrators.md)."""
