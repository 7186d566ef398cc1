"""The API described as OpenAPI 3.1, served at /api/openapi.json. A test checks that every
route of the API is here, so the document stays true."""

from __future__ import annotations

from typing import Any

from causalmap import __version__

SECTIONS = ["agencies", "events", "decisions", "factors", "episodes", "findings", "recommendations", "links"]
PROBLEM = {"description": "A problem (RFC 9457 problem details)",
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _ok(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema or {"type": "object"}}}}


def _case_param() -> dict[str, Any]:
    return {"name": "case_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _op(summary: str, ok: dict[str, Any], *, params: list[dict[str, Any]] | None = None,
        body: dict[str, Any] | None = None, status: str = "200") -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "parameters": params or [],
                          "responses": {status: ok, "400": PROBLEM, "401": PROBLEM, "403": PROBLEM, "404": PROBLEM,
                                        "409": PROBLEM, "422": PROBLEM, "503": PROBLEM}}
    if body:
        op["requestBody"] = {"required": True, "content": body}
    return op


EXPORT_TYPES = {
    "application/json": "format=json: the whole-case document", "text/csv": "format=csv: the chronology, import format",
    "application/graphml+xml": "format=graphml", "application/gexf+xml": "format=gexf",
    "image/svg+xml": "format=svg", "image/png": "format=png",
    "application/pdf": "format=pdf (the diagram on A3 pages) or format=report (the review report)",
    "text/html": "format=html: the interactive map, one offline file",
}


def _export_op(case: list[dict[str, Any]]) -> dict[str, Any]:
    def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    params = case + [
        query("format", {"type": "string", "enum": ["json", "csv", "graphml", "gexf", "svg", "png", "pdf", "html",
                                                    "report"], "default": "json"}, "the file to make"),
        query("view", {"type": "string", "enum": ["map", "timeline"], "default": "map"},
              "svg, png, pdf: which diagram"),
        query("agency", {"type": "array", "items": {"type": "string"}}, "only these agencies (repeat the parameter)"),
        query("from", {"type": "string", "format": "date"}, "only from this day"),
        query("to", {"type": "string", "format": "date"}, "only up to this day"),
        query("episode", {"type": "string"}, "only this key practice episode"),
        query("hide_low", {"type": "integer", "enum": [0, 1]}, "leave low-severity gaps out of the report"),
        query("redact", {"type": "integer", "enum": [0, 1]}, "redact with the case's redaction list and the "
              "e-mail, phone, postcode and NHS number patterns; X-Causalmap-Replacements counts what was replaced"),
    ]
    ok = {"description": "The file, as an attachment named CASE-VIEW-YYYY-MM-DD.EXT",
          "content": {t: {"schema": {"type": "string", "format": "binary"}, "example": d}
                      for t, d in EXPORT_TYPES.items()}}
    return _op("Export the case: interchange files, diagrams, the standalone map, the review report", ok,
               params=params)


def document() -> dict[str, Any]:
    case = [_case_param()]
    section = {"name": "section", "in": "path", "required": True, "schema": {"type": "string", "enum": SECTIONS}}
    item = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}}
    json_body = {"application/json": {"schema": {"type": "object"}}}
    analysis_params = [{"name": n, "in": "query", "required": False, "schema": {"type": t}} for n, t in (
        ("which", "string"), ("response_days", "integer"), ("window_days", "integer"), ("meeting_days", "integer"),
        ("silence_days", "integer"), ("strategy_days", "integer"), ("closures", "integer"),
        ("missed_days", "integer"), ("max_chain_length", "integer"), ("max_chains", "integer"),
        ("target", "string"), ("agency", "string"), ("date", "string"))]
    return {
        "openapi": "3.1.0",
        "info": {"title": "causalmap API", "version": __version__,
                 "description": "Case graphs of child-safeguarding reviews: chronologies, the causal map, analysis. "
                                "Errors are problem details. Updates and deletes carry the item's version; a stale "
                                "version is refused with 409. Every operation but this document needs an account: "
                                "send `Authorization: Bearer TOKEN` (`causalmap user token NAME`); without one the "
                                "answer is 401, without the role's permission 403, and a case you are not on answers "
                                "404 as if it did not exist."},
        "security": [{"bearer": []}],
        "paths": {
            "/api/cases": {"get": _op("List the cases", _ok("Cases", {"type": "array"})),
                           "post": _op("Create a case ({id, title})", _ok("The new case"), body=json_body,
                                       status="201")},
            "/api/cases/{case_id}": {
                "get": _op("The case: metadata, counts, period, agencies", _ok("Case summary"), params=case),
                "put": _op("Change metadata, trigger decision and methodology (send version)", _ok("The case"),
                           params=case, body=json_body)},
            "/api/cases/{case_id}/analysis": {"get": _op("The analysis (see docs/analysts.md)", _ok("Analysis"),
                                                         params=case + analysis_params)},
            "/api/cases/{case_id}/network": {"get": _op("The agency network", _ok("Network"), params=case)},
            "/api/cases/{case_id}/map": {"get": _op("The causal map's nodes and edges for vis-network",
                                                    _ok("Map model"), params=case)},
            "/api/cases/{case_id}/layout": {"put": _op("Keep node positions ({positions: {key: {x, y}}})",
                                                       _ok("Saved"), params=case, body=json_body)},
            "/api/cases/{case_id}/document": {"get": _op("The whole-case JSON document", _ok("Case document"),
                                                         params=case)},
            "/api/cases/{case_id}/export": {"get": _export_op(case)},
            "/api/cases/{case_id}/redactions": {
                "get": _op("The case's redaction list", _ok("{case_id, terms: [{term, replacement}]}"), params=case),
                "put": _op("Replace the redaction list ({terms: [{term, replacement}]})", _ok("The saved list"),
                           params=case, body=json_body)},
            "/api/cases/{case_id}/chronology": {"post": _op(
                "Import an agency chronology (multipart field file; optional sheet, title)", _ok("Import report"),
                params=case, body={"multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "string", "format": "binary"}, "sheet": {"type": "string"},
                    "title": {"type": "string"}}}}})},
            "/api/cases/{case_id}/{section}": {
                "get": _op("List the items of one kind", _ok("Items", {"type": "array"}), params=case + [section]),
                "post": _op("Create an item", _ok("The item"), params=case + [section], body=json_body,
                            status="201")},
            "/api/cases/{case_id}/{section}/{item_id}": {
                "get": _op("One item", _ok("The item"), params=case + [section, item]),
                "put": _op("Update an item (send the version you loaded)", _ok("The item"),
                           params=case + [section, item], body=json_body),
                "delete": _op("Delete an item (?version=N)", _ok("Deleted"), params=case + [section, item, {
                    "name": "version", "in": "query", "required": True, "schema": {"type": "integer"}}])},
            "/api/queries": {"get": _op("The analysts' named queries", _ok("Queries", {"type": "array"}))},
            "/api/queries/{name}": {"get": _op("Run a named query across cases; its parameters and the case filters "
                                               "(cases, board, region, review_kind, from_year, to_year) as query "
                                               "arguments; format=csv answers text/csv",
                                               _ok("Columns and rows (or CSV)"),
                                               params=[{"name": "name", "in": "path", "required": True,
                                                        "schema": {"type": "string"}},
                                                       {"name": "format", "in": "query", "required": False,
                                                        "schema": {"type": "string", "enum": ["json", "csv"]}}])},
            "/api/openapi.json": {"get": {"summary": "This document (no account needed)", "security": [],
                                          "responses": {"200": _ok("OpenAPI")}}},
        },
        "components": {"securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "An API token from `causalmap user token NAME`; the web UI signs in with a session "
                           "cookie and sends its CSRF token in X-CSRF-Token on changes."}},
                       "schemas": {"Problem": {"type": "object", "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "row": {"type": ["integer", "null"]}, "column": {"type": ["string", "null"]}, "value": {},
                "message": {"type": "string"}}}}}}}},
    }
