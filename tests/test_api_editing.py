"""Building the map through the API: every kind of item, checked, version-guarded, all or nothing."""

from __future__ import annotations

import io

import pytest

from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document

ITEMS = {
    "agencies": {"id": "a-school", "name": "Ashdown Primary", "sector": "education"},
    "events": {"id": "e-new", "date": "2024-03-01", "kind": "referral", "description": "School refers",
               "agency": "a-school", "to_agencies": ["ashdown-social-care"]},
    "decisions": {"id": "d-new", "description": "Not to visit", "taken": False, "agency": "ashdown-social-care",
                  "made_at": "csc-20240314"},
    "factors": {"id": "f-new", "description": "Staff turnover", "category": "management_systems",
                "valence": "unsafe", "level": "organisation"},
    "episodes": {"id": "kpe-new", "title": "March 2024", "rating": "problematic",
                 "members": [{"node": "event", "id": "csc-20240314"}, {"node": "factor", "id": "f-start-again"}]},
    "findings": {"id": "fd-new", "statement": "Turnover hides history", "category": "management_systems",
                 "valence": "unsafe", "questions_for_board": ["How stable is the front door?"],
                 "evidenced_by": [{"node": "factor", "id": "f-start-again"}]},
    "recommendations": {"id": "rec-new", "text": "Stabilise the team", "type": 2, "owner": "Director",
                        "status": "proposed", "addresses": ["fd-1"]},
}


@pytest.fixture
def sample(store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    return case_id


@pytest.mark.parametrize("section", list(ITEMS))
def test_each_kind_can_be_created_read_updated_and_deleted(client, sample, section):
    base = f"/api/cases/{sample}/{section}"
    if section in ("events",):
        client.post(f"/api/cases/{sample}/agencies", json=ITEMS["agencies"])
    created = client.post(base, json=ITEMS[section])
    assert created.status_code == 201, created.json
    assert created.json["version"] == 1
    item_id = ITEMS[section]["id"]
    changed = {**created.json, "version": 1}
    text_field = {"agencies": "name", "events": "description", "decisions": "description", "factors": "description",
                  "episodes": "title", "findings": "statement", "recommendations": "text"}[section]
    changed[text_field] = "Changed"
    updated = client.put(f"{base}/{item_id}", json=changed)
    assert (updated.status_code, updated.json[text_field], updated.json["version"]) == (200, "Changed", 2)
    assert client.get(f"{base}/{item_id}").json == updated.json
    if section == "agencies":
        return
    deleted = client.delete(f"{base}/{item_id}?version=2")
    assert deleted.json == {"ok": True, "deleted": item_id, "also_removed": {"causal_links": 0}}
    assert client.get(f"{base}/{item_id}").status_code == 404


def test_recommendation_types_are_stored_by_name(client, sample):
    made = client.post(f"/api/cases/{sample}/recommendations", json=ITEMS["recommendations"]).json
    assert made["type"] == "management_judgement"


def test_a_second_editor_with_a_stale_version_is_refused_clearly(client, sample):
    url = f"/api/cases/{sample}/factors/f-start-again"
    loaded = client.get(url).json
    first = client.put(url, json={**loaded, "description": "First editor"})
    assert first.status_code == 200
    second = client.put(url, json={**loaded, "description": "Second editor"})
    assert second.status_code == 409
    assert second.json["detail"] == (
        "the factor 'f-start-again' was changed by someone else since you opened it (it is now at version 2, yours "
        "was 1); reload it to see their change, then make yours again")
    assert client.get(url).json["description"] == "First editor"
    assert client.delete(f"{url}?version=1").status_code == 409


def test_bad_fields_are_all_named_and_nothing_is_saved(client, sample):
    bad = {"id": "f-bad", "description": "", "category": "blame", "valence": "good", "colour": "red"}
    response = client.post(f"/api/cases/{sample}/factors", json=bad)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"row": None, "column": "factor.description", "value": None, "message": "description is required"},
        {"row": None, "column": "factor.category", "value": "blame",
         "message": "use one of: incidents_crises, longer_term_work, family_professional, human_reasoning, tools, "
                    "management_systems"},
        {"row": None, "column": "factor.valence", "value": "good", "message": "use one of: constructive, unsafe"},
        {"row": None, "column": "factor.colour", "value": None,
         "message": "unknown field; start your own fields with x_"},
    ]
    assert client.get(f"/api/cases/{sample}/factors/f-bad").status_code == 404


def test_a_communication_needs_a_recipient_and_references_must_exist(client, sample):
    response = client.post(f"/api/cases/{sample}/events", json={
        "id": "e-x", "date": "2024-01-01", "kind": "referral", "description": "x", "agency": "ashdown-social-care",
        "responds_to": ["nowhere"]})
    assert [(e["column"], e["message"]) for e in response.json["errors"]] == [
        ("responds_to", "names no event in this case"), ("to_agencies", "a referral needs its recipient agency")]


def test_causal_links_are_added_checked_and_version_guarded(client, sample):
    base = f"/api/cases/{sample}/links"
    link = {"id": "cl-new", "cause": {"node": "factor", "id": "f-optimism"},
            "effect": {"node": "event", "id": "hv-20240221"}, "mechanism": "Reassurance", "strength": "weak",
            "confidence": "low", "sources": ["ashdown-health-visiting"]}
    made = client.post(base, json=link)
    assert (made.status_code, made.json["version"], made.json["cause"]) == (201, 1, link["cause"])
    assert client.post(base, json=link).status_code == 409
    broken = client.post(base, json={**link, "id": "cl-bad", "effect": {"node": "event", "id": "ghost"},
                                     "sources": ["nobody"]})
    assert [(e["column"], e["message"]) for e in broken.json["errors"]] == [
        ("effect", "name an event, decision or factor of this case"), ("sources", "names no agency in this case")]
    updated = client.put(f"{base}/cl-new", json={**link, "strength": "strong", "version": 1})
    assert (updated.json["strength"], updated.json["version"]) == ("strong", 2)
    assert client.delete(f"{base}/cl-new?version=1").status_code == 409
    assert client.delete(f"{base}/cl-new?version=2").status_code == 200


def test_the_trigger_decision_and_methodology_can_be_edited(client, sample):
    case = client.get(f"/api/cases/{sample}").json["case"]
    changed = client.put(f"/api/cases/{sample}", json={
        "version": case["version"], "status": "published",
        "trigger": {"criteria": "Serious harm\nAgencies' joint working", "decided_on": "2024-05-02"},
        "methodology": {"justification": "Because"}})
    assert changed.status_code == 200, changed.json
    assert changed.json["status"] == "published"
    assert changed.json["trigger"]["criteria"] == ["Serious harm", "Agencies' joint working"]
    assert changed.json["trigger"]["decided_by"] == case["trigger"]["decided_by"]
    assert changed.json["methodology"] == {**case["methodology"], "justification": "Because"}
    stale = client.put(f"/api/cases/{sample}", json={"version": case["version"], "status": "draft"})
    assert stale.status_code == 409
    bad = client.put(f"/api/cases/{sample}", json={"version": changed.json["version"], "status": "finished"})
    assert bad.json["errors"][0]["column"] == "case.status"


def test_a_bad_chronology_upload_shows_row_errors_and_writes_nothing(client, sample, store):
    before = store.read("MATCH (e:Event {case_id: $c}) RETURN count(e) AS n", c=sample)
    csv = b"date,agency,kind,description\n2024-01-01,School,visit,Seen\n31/02/2024,School,contact,Seen\n"
    response = client.post(f"/api/cases/{sample}/chronology", data={"file": (io.BytesIO(csv), "school.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json["errors"]] == [(2, "kind"), (3, "date")]
    assert store.read("MATCH (e:Event {case_id: $c}) RETURN count(e) AS n", c=sample) == before
    good = b"date,agency,kind,description\n2024-01-01,School,contact,Seen\n"
    ok = client.post(f"/api/cases/{sample}/chronology", data={"file": (io.BytesIO(good), "school.csv")},
                     content_type="multipart/form-data")
    assert ok.json["created"] == {"agency": 1, "event": 1, "decision": 0}


def test_positions_set_on_the_map_are_kept(client, sample):
    assert client.put(f"/api/cases/{sample}/layout", json={"positions": {"event:hv-20220906": {"x": 10, "y": -4.25}}}
                      ).json == {"ok": True, "saved": 1}
    nodes = {n["id"]: n for n in client.get(f"/api/cases/{sample}/map").json["nodes"]}
    assert (nodes["event:hv-20220906"]["x"], nodes["event:hv-20220906"]["y"]) == (10.0, -4.2)
    case = client.get(f"/api/cases/{sample}").json["case"]
    client.put(f"/api/cases/{sample}", json={"version": case["version"], "board": "B"})
    assert client.get(f"/api/cases/{sample}/map").json["layout_saved"] is True


def test_user_text_is_escaped_in_pages(client, sample):
    evil = "<script>alert('x')</script>"
    case = client.get(f"/api/cases/{sample}").json["case"]
    client.put(f"/api/cases/{sample}", json={"version": case["version"], "title": evil})
    page = client.get(f"/cases/{sample}").get_data(as_text=True)
    assert evil not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert evil not in client.get(f"/cases/{sample}/map").get_data(as_text=True)


def test_every_api_route_is_in_the_openapi_document(app, client):
    paths = client.get("/api/openapi.json").json["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        templated = rule.rule.replace("<", "{").replace(">", "}")
        assert templated in paths, templated
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[templated], (templated, method)


def test_assets_are_served_locally(client):
    assert client.get("/vendor/vis-network.min.js").status_code == 200
    assert client.get("/vendor/other.js").status_code == 404


def test_browser_changes_need_the_csrf_token_and_the_causalmap_header(signed_in, sample):
    browser = signed_in("administrator")
    refused = browser.post(f"/api/cases/{sample}/factors", json=ITEMS["factors"],
                           headers={"X-CSRF-Token": browser.csrf})
    assert (refused.status_code, refused.json["detail"]) == (
        403, "changes must be sent with the header X-Causalmap: 1 (the web UI does this)")
    forged = browser.post(f"/api/cases/{sample}/factors", json=ITEMS["factors"], headers={"X-Causalmap": "1"})
    assert (forged.status_code, forged.json["detail"]) == (
        403, "this form or request lacks the session's CSRF token; reload the page and try again")
    assert browser.get(f"/api/cases/{sample}/factors/f-new").status_code == 404
    assert browser.get(f"/api/cases/{sample}").status_code == 200
    made = browser.post(f"/api/cases/{sample}/factors", json=ITEMS["factors"],
                        headers={"X-Causalmap": "1", "X-CSRF-Token": browser.csrf})
    assert made.status_code == 201


def test_unknown_host_names_are_refused(app, sample):
    rebound = app.test_client().get(f"/api/cases/{sample}", headers={"Host": "evil.example"})
    assert rebound.status_code == 400


def test_deleting_an_event_says_which_causal_links_went_with_it(client, sample):
    event = client.get(f"/api/cases/{sample}/events/hv-20240221").json
    gone = client.delete(f"/api/cases/{sample}/events/hv-20240221?version={event['version']}")
    assert gone.json == {"ok": True, "deleted": "hv-20240221", "also_removed": {"causal_links": 2}}
    assert all("hv-20240221" not in (link["cause"]["id"], link["effect"]["id"])
               for link in client.get(f"/api/cases/{sample}/links").json)


def test_event_edits_follow_the_chronology_rules(client, sample):
    response = client.post(f"/api/cases/{sample}/events", json={
        "id": "e-y", "date": "2024-01-01", "kind": "home_visit", "description": "Visit",
        "agency": "ashdown-health-visiting", "to_agencies": ["ashdown-health-visiting"],
        "participants": ["little-oaks-nursery"]})
    assert [(e["column"], e["message"]) for e in response.json["errors"]] == [
        ("to_agencies", "only communications have recipients, not a home_visit"),
        ("to_agencies", "an agency cannot communicate with itself"),
        ("participants", "only meetings have participants, not a home_visit")]


def test_a_new_agency_without_an_id_is_named_as_a_chronology_would_name_it(client, sample):
    made = client.post(f"/api/cases/{sample}/agencies", json={"name": "St Mary's School", "sector": "education"})
    assert (made.status_code, made.json["id"]) == (201, "st-mary-s-school")
    # Near miss: any other kind still needs its id (the forms make one).
    event = client.post(f"/api/cases/{sample}/events", json={"date": "2024-01-02", "kind": "contact",
                                                             "description": "Seen", "agency": "st-mary-s-school"})
    assert (event.status_code, event.json["errors"][0]["column"]) == (422, "id")
