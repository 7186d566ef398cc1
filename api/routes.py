"""The API's routes: cases, the whole-case document, imports, the analysis and the agency network."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from causalmap.api.problems import from_error
from causalmap.web.app import get_settings, get_store
from causalmap.web.case_memory import (
    cached_snapshot,
    cached_summary,
    remembered,
    remembered_analysis,
    snapshot_at_hand,
)
from causalmap.web.headers import attachment
from flask import Blueprint, Response, jsonify, request

from causalmap.analysis.report import Parameters
from causalmap.case_analysis import analysis_key_for, case_network
from causalmap.errors import UsageError
from causalmap.store.cases import case_summary, list_cases

api = Blueprint("api", __name__, url_prefix="/api")


CHANGE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@api.before_request
def _same_site_only() -> Response | None:
    """Changes need the X-Causalmap header. A browser sends a custom header across sites only
    after a CORS preflight, which this API never grants, so another site's page cannot import
    or edit anything through a user's browser (cross-site request forgery). Scripts signing in
    with a bearer token need not send it: a browser never adds that header by itself."""
    from flask import g

    if g.get("caller") is not None and g.caller.via == "token":
        return None
    if request.method in CHANGE_METHODS and request.headers.get("X-Causalmap") != "1":
        from causalmap.api.problems import problem

        return problem(403, "Forbidden", "changes must be sent with the header X-Causalmap: 1 (the web UI does this)")
    return None


@api.errorhandler(Exception)
def _error(error: Exception) -> Response:
    return from_error(error)


@api.get("/cases")
def cases() -> Response:
    from causalmap.web.access import visible_cases

    return jsonify(visible_cases(list_cases(get_store())))


@api.get("/cases/<case_id>")
def case(case_id: str) -> Response:
    return jsonify(cached_summary(get_store(), case_id))


def _json(body: bytes) -> Response:
    """A JSON answer from its bytes (kept in web/case_memory.py between requests)."""
    return Response(body, mimetype="application/json")


def _json_bytes(value: Any) -> bytes:
    return jsonify(value).get_data()


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
    parameters, rules_file, store = analysis_parameters(request.args), get_settings().rules_file, get_store()
    key = analysis_key_for(which, parameters, rules_file)
    return _json(remembered(store, case_id, ("analysis-json", key), lambda: _json_bytes(
        remembered_analysis(store, case_id, which, parameters, rules_file))))


@api.get("/cases/<case_id>/network")
def network(case_id: str) -> Response:
    store = get_store()
    return _json(remembered(store, case_id, "network",
                            lambda: _json_bytes(case_network(store, case_id, cached_snapshot))))


# -- map, layout, document ---------------------------------------------------------------
@api.get("/cases/<case_id>/map")
def case_map(case_id: str) -> Response:
    from causalmap.render.map_model import map_model
    from causalmap.store.items import read_layout

    store = get_store()
    return _json(remembered(store, case_id, "map", lambda: _json_bytes(
        map_model(cached_snapshot(store, case_id), read_layout(store, case_id))), layout=True))


@api.put("/cases/<case_id>/layout")
def layout(case_id: str) -> Response:
    from causalmap.store.items import save_layout

    body = _json_body()
    return jsonify({"ok": True, "saved": save_layout(get_store(), case_id, body.get("positions") or {})})


@api.get("/cases/<case_id>/document")
def document(case_id: str) -> Response:
    from causalmap.interchange.case_json import dumps, export_case

    text = dumps(export_case(get_store(), case_id))
    return Response(text, mimetype="application/json",
                    headers={"Content-Disposition": attachment(f"{case_id}.json")})


@api.get("/cases/<case_id>/export")
def export(case_id: str) -> Response:
    """The case in one format (?format=), view (?view=) and the map's filters; ?redact=1 redacts it
    with the case's redaction list. Downloads are named CASE-VIEW-YYYY-MM-DD.EXT."""
    from causalmap.export import export_case
    from causalmap.store.redactions import read_redactions
    from causalmap.view import ViewFilter

    args = request.args
    known = {"format", "view", "agency", "from", "to", "episode", "hide_low", "redact"}
    unknown = sorted(set(args) - known)
    if unknown:
        raise UsageError(f"unknown export parameter {unknown[0]!r}; use: {', '.join(sorted(known))}")
    flags = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False, "": False}
    for flag in ("hide_low", "redact"):
        if args.get(flag, "").lower() not in flags:
            raise UsageError(f"{flag}={args[flag]!r}: use 1 or 0")
    filters = ViewFilter.parse(args.getlist("agency"), args.get("from"), args.get("to"), args.get("episode"),
                               flags[args.get("hide_low", "").lower()])
    store = get_store()
    redaction = read_redactions(store, case_id) if flags[args.get("redact", "").lower()] else None
    result = export_case(store, case_id, args.get("format", "json"), view=args.get("view", "map"), filters=filters,
                         redaction=redaction, rules_file=get_settings().rules_file)
    headers = {"Content-Disposition": attachment(result.filename), "Cache-Control": "no-store",
               "X-Content-Type-Options": "nosniff"}
    if result.replacements is not None:
        headers["X-Causalmap-Replacements"] = str(result.replaced)
    return Response(result.content, content_type=result.format.content_type, headers=headers)


@api.get("/cases/<case_id>/redactions")
def redactions(case_id: str) -> Response:
    from causalmap.store.redactions import read_redactions

    return jsonify({"case_id": case_id, "terms": [t.as_dict() for t in read_redactions(get_store(), case_id)]})


@api.put("/cases/<case_id>/redactions")
def save_redaction_list(case_id: str) -> Response:
    """Replace the case's redaction list: {"terms": [{"term", "replacement"}]}. Changing it needs the
    export permission (web/access.py): reviewers, who publish, keep the list."""
    from causalmap.render.redact import Term
    from causalmap.store.redactions import save_redactions

    body = _json_body()
    terms = body.get("terms")
    if not isinstance(terms, list) or not all(isinstance(t, dict) and isinstance(t.get("term"), str)
                                              and isinstance(t.get("replacement"), str) for t in terms):
        raise UsageError('send {"terms": [{"term": "...", "replacement": "..."}]}')
    saved = save_redactions(get_store(), case_id, [Term(t["term"], t["replacement"]) for t in terms])
    return jsonify({"case_id": case_id, "terms": [t.as_dict() for t in saved]})


# -- cases ---------------------------------------------------------------------------------
def _json_body() -> dict[str, Any]:
    """The request's JSON object; a bad body (not JSON, not UTF-8, nested too deep) is a 400."""
    from causalmap import limits
    from causalmap.errors import InvalidInput

    wanted = "send a JSON object in the request body (Content-Type: application/json)"
    if not request.is_json:
        raise UsageError(wanted)
    try:
        body = limits.loads(request.get_data().decode("utf-8"), "the request body")
    except UnicodeDecodeError:
        raise UsageError(f"the request body is not UTF-8; {wanted}") from None
    except InvalidInput as error:
        raise UsageError(str(error)) from None
    if not isinstance(body, dict):
        raise UsageError(wanted)
    return body


@api.post("/cases")
def create_case() -> tuple[Response, int]:
    from causalmap.store.cases import check_case_id, create_case_tx, new_case

    body = _json_body()
    case_id = check_case_id(str(body.get("id") or ""))
    title = str(body.get("title") or "").strip() or None
    get_store().write_transaction(lambda tx: create_case_tx(tx, new_case(case_id, title)))
    return jsonify(case_summary(get_store(), case_id)), 201


@api.put("/cases/<case_id>")
def update_case(case_id: str) -> Response:
    from causalmap.store.items import update_case as update

    return jsonify(update(get_store(), case_id, _json_body()))


@api.post("/cases/<case_id>/chronology")
def import_chronology_file(case_id: str) -> Response:
    """Upload an agency chronology (multipart field `file`); nothing is written if any row is bad."""
    import tempfile
    from pathlib import Path

    from causalmap.chronology import read_table
    from causalmap.store.chronology import import_chronology

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UsageError("choose a chronology file (.csv, .xlsx or .json) to upload in the field 'file'")
    suffix = Path(upload.filename).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        upload.save(path)
        table = read_table(path, request.form.get("sheet") or None, name=Path(upload.filename).name)
    report = import_chronology(get_store(), case_id, table, title=request.form.get("title") or None)
    return jsonify(report.as_dict())


# -- items and causal links ---------------------------------------------------------------------
@api.get("/cases/<case_id>/<section>")
def list_section(case_id: str, section: str) -> Response:
    """One section's records: from the snapshot this worker keeps for the case when it keeps one
    (the same records store.items.list_items reads; tests/test_case_memory.py compares them),
    else read alone."""
    from causalmap.store.items import kind_of_section, list_items
    from causalmap.store.records import read_causal_links

    store = get_store()
    kind = kind_of_section(section) if section != "links" else None  # unknown: a 404 naming the known ones

    def listed() -> list[dict[str, Any]]:
        if snapshot_at_hand(store, case_id):
            return cached_snapshot(store, case_id).records("causal_links" if kind is None else section)
        if kind is None:
            return store.read_transaction(lambda tx: read_causal_links(tx, case_id))
        return list_items(store, case_id, kind)

    return _json(remembered(store, case_id, ("section", section), lambda: _json_bytes(listed())))


@api.get("/cases/<case_id>/<section>/<item_id>")
def get_section_item(case_id: str, section: str, item_id: str) -> Response:
    from causalmap.store.items import get_item, get_link, kind_of_section

    if section == "links":
        return jsonify(get_link(get_store(), case_id, item_id))
    return jsonify(get_item(get_store(), case_id, kind_of_section(section), item_id))


@api.post("/cases/<case_id>/<section>")
def create_item(case_id: str, section: str) -> tuple[Response, int]:
    from causalmap.store.items import kind_of_section, save_item, save_link

    body = _json_body()
    if section == "links":
        return jsonify(save_link(get_store(), case_id, body, create=True)), 201
    return jsonify(save_item(get_store(), case_id, kind_of_section(section), body, create=True)), 201


@api.put("/cases/<case_id>/<section>/<item_id>")
def update_item(case_id: str, section: str, item_id: str) -> Response:
    from causalmap.store.items import kind_of_section, save_item, save_link

    body = {**_json_body(), "id": item_id}
    if section == "links":
        return jsonify(save_link(get_store(), case_id, body, create=False))
    return jsonify(save_item(get_store(), case_id, kind_of_section(section), body, create=False))


@api.delete("/cases/<case_id>/<section>/<item_id>")
def delete_section_item(case_id: str, section: str, item_id: str) -> Response:
    from causalmap.store.items import delete_item, delete_link, kind_of_section

    version = request.args.get("version")
    if section == "links":
        delete_link(get_store(), case_id, item_id, version)
        return jsonify({"ok": True, "deleted": item_id, "also_removed": {"causal_links": 0}})
    removed = delete_item(get_store(), case_id, kind_of_section(section), item_id, version)
    return jsonify({"ok": True, "deleted": item_id, "also_removed": removed})


@api.get("/queries")
def queries() -> Response:
    """Every named query with its typed parameters (the case filters included) and columns."""
    from causalmap.named_queries import load_queries

    return jsonify([q.as_dict() for q in load_queries().values()])


@api.get("/queries/<name>")
def query(name: str) -> Response:
    """Run a named query: its parameters as query arguments (a list as a,b or repeated), format json or csv."""
    from causalmap.named_queries import csv_text, get_query, parse_value, run_query

    get_query(name)
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise UsageError(f"format={fmt!r}: use json or csv")
    given: dict[str, Any] = {}
    for key in request.args:
        if key == "format":
            continue
        values = request.args.getlist(key)
        given[key] = [parse_value(v) for v in values] if len(values) > 1 else parse_value(values[0])
    settings = get_settings()
    store = get_store()
    def default_analysis(case_id: str) -> dict[str, Any]:
        return remembered_analysis(store, case_id, rules_file=settings.rules_file)

    result = run_query(store, name, given, timeout=settings.query_timeout, rules_file=settings.rules_file,
                       default_analysis=default_analysis)
    if fmt == "csv":
        return Response(csv_text(result), mimetype="text/csv",
                        headers={"Content-Disposition": attachment(f"{name}.csv")})
    return jsonify(result)


@api.get("/openapi.json")
def openapi() -> Response:
    from causalmap.api.openapi import document as openapi_document

    return jsonify(openapi_document())
