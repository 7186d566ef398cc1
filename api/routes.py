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


CHANGE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@api.before_request
def _same_site_only() -> Response | None:
    """Changes need the X-Causalmap header. A browser sends a custom header across sites only
    after a CORS preflight, which this API never grants, so another site's page cannot import
    or edit anything through a user's browser (cross-site request forgery)."""
    if request.method in CHANGE_METHODS and request.headers.get("X-Causalmap") != "1":
        from causalmap.api.problems import problem

        return problem(403, "Forbidden", "changes must be sent with the header X-Causalmap: 1 (the web UI does this)")
    return None


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


# -- map, layout, document ---------------------------------------------------------------
@api.get("/cases/<case_id>/map")
def case_map(case_id: str) -> Response:
    from causalmap.render.map_model import map_model
    from causalmap.store.items import read_layout
    from causalmap.store.snapshot import read_snapshot

    store = get_store()
    return jsonify(map_model(read_snapshot(store, case_id), read_layout(store, case_id)))


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
                    headers={"Content-Disposition": f'attachment; filename="{case_id}.json"'})


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
    from causalmap.store.items import kind_of_section, list_items

    if section == "links":
        from causalmap.store.records import read_causal_links

        case_summary(get_store(), case_id)
        return jsonify(get_store().read_transaction(lambda tx: read_causal_links(tx, case_id)))
    return jsonify(list_items(get_store(), case_id, kind_of_section(section)))


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
    from causalmap.named_queries import load_queries

    return jsonify([{"name": q.name, "title": q.title, "description": q.description, "parameters": q.parameters}
                    for q in load_queries().values()])


@api.get("/queries/<name>")
def query(name: str) -> Response:
    from causalmap.named_queries import run_query

    return jsonify(run_query(get_store(), name, dict(request.args.items())))


@api.get("/openapi.json")
def openapi() -> Response:
    from causalmap.api.openapi import document as openapi_document

    return jsonify(openapi_document())
