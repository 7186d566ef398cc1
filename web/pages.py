"""The pages: placeholders until the web UI issue lands."""

from __future__ import annotations

from flask import Blueprint

pages = Blueprint("pages", __name__)


def error_page(status: int, title: str, detail: str) -> tuple[str, int]:
    from flask import render_template

    return render_template("error.html", status=status, title=title, detail=detail), status
