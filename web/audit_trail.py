"""The audit trail of web requests (filled in by the next step)."""

from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """Record every request in the audit trail."""
