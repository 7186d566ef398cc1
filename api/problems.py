"""One JSON error shape for the whole API: RFC 9457 problem details. No traceback ever
reaches a client; unexpected errors are logged on the server and answered with a 500."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from werkzeug.exceptions import HTTPException

from causalmap.errors import CausalmapError, Conflict, DatabaseUnavailable, InvalidInput, NotFound, UsageError
from causalmap.named_queries import QueryTimeout

_STATUS = {NotFound: (404, "Not found"), Conflict: (409, "Conflict"), InvalidInput: (422, "Invalid input"),
           UsageError: (400, "Bad request"), DatabaseUnavailable: (503, "Database unavailable"),
           QueryTimeout: (503, "Query timed out")}


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def from_error(error: Exception) -> Response:
    if isinstance(error, InvalidInput):
        return problem(422, "Invalid input", error.summary, errors=[e.as_dict() for e in error.errors])
    if isinstance(error, CausalmapError):
        status, title = next((v for cls, v in _STATUS.items() if isinstance(error, cls)), (500, "Error"))
        return problem(status, title, str(error))
    if isinstance(error, (ServiceUnavailable, SessionExpired, TransientError)):
        return problem(503, "Database unavailable", "Neo4j cannot be reached just now; try again shortly.")
    if isinstance(error, HTTPException):
        return problem(error.code or 500, error.name, error.description or error.name)
    current_app.logger.exception("unexpected error")
    return problem(500, "Internal error", "Something went wrong on the server; it has been logged.")
