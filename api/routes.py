"""The API's routes: cases, the whole-case document, imports, the analysis and the agency network."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from causalmap.api.problems import from_error
from causalmap.web.app import get_settings, get_store
from flask import Blueprint, Response, jsonify, request

from causalmap.analysis.report import Parameters
from causalmap.case_analysis import analyse_case, case_network
from causalmap.errors import UsageError
from causalmap.store.cases import case_summary, list_cases

api = Blueprint("api", __name__, url_prefix="/api")


@api.errorhandler(Exception)
def _error(error: Exception) -> Response:
    return from_error(error)


@api.get("/cases")
def cases() -> Response:
    return jsonify(list_cases(get_store()))


@api.get("/cases/<case_id>")
def case(case_id: str) -> Response:
    return jsonify(case_summary(get_store(), case_id))


def analysis_parameters(args: Any) -> Parameters:
    """Query-string parameters, named as on the command line (response_days or response-days)."""
    values: dict[str, Any] = {}
    for f in fields(Parameters):
        raw = args.get(f.name, args.get(f.name.replace("_", "-")))
        if raw is None or raw == "":
            continue
        if f.type in ("int", "int | None"):
            try:
                values[f.name] = int(raw)
            except ValueError:
                raise UsageError(f"{f.name}={raw!r} is not a whole number") from None
        else:
            values[f.name] = raw
    return Parameters(**values)


@api.get("/cases/<case_id>/analysis")
def analysis(case_id: str) -> Response:
    which = request.args.get("which", "all")
    result = analyse_case(get_store(), case_id, which, analysis_parameters(request.args),
                          get_settings().rules_file)
    return jsonify(result)


@api.get("/cases/<case_id>/network")
def network(case_id: str) -> Response:
    return jsonify(case_network(get_store(), case_id))
