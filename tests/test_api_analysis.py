"""The analysis and the agency network over the JSON API, and its one error shape."""

from __future__ import annotations

from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document


def test_analysis_over_the_api_matches_the_command_line(client, cli, store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    response = client.get(f"/api/cases/{case_id}/analysis?which=gaps&response_days=40")
    assert response.status_code == 200
    assert response.json == cli("analyse", case_id, "gaps", "--format", "json", "--response-days", "40").json()


def test_the_network_has_directions_betweenness_and_brokers(client, store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    network = client.get(f"/api/cases/{case_id}/network").json
    nursery_to_csc = [c for c in network["communications"]
                      if (c["from"], c["to"]) == ("little-oaks-nursery", "ashdown-social-care")]
    assert nursery_to_csc == [{"from": "little-oaks-nursery", "to": "ashdown-social-care", "count": 3,
                               "kinds": {"referral": 3}}]
    assert network["articulation_points"] == []
    assert {a["id"]: a["events"] for a in network["agencies"]}["westmarch-probation"] == 18


def test_errors_are_problem_details_without_tracebacks(client, store, case_id):
    missing = client.get("/api/cases/no-such-case/analysis")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert missing.json == {"type": "about:blank", "title": "Not found", "status": 404,
                            "detail": "no case 'no-such-case'; `causalmap cases` lists the cases"}
    import_case(store, sample_document(), as_id=case_id)
    bad = client.get(f"/api/cases/{case_id}/analysis?window_days=0")
    assert (bad.status_code, bad.json["detail"]) == (400, "window-days must be 1 or more, not 0")
    nowhere = client.get("/api/nowhere")
    assert (nowhere.status_code, nowhere.json["title"]) == (404, "Not Found")
