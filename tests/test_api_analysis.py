"""The analysis and the agency network over the JSON API, and its one error shape."""

from __future__ import annotations

from collections import Counter

from builder import document_snapshot
from reference_analysis import Reference
from test_analysis_pinned import SAMPLE_COUNTS

from causalmap.analysis.rules import load_rules
from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document


def test_analysis_over_the_api_takes_its_parameters(client, store, case_id):
    """With 40 days to answer, only the two answers that took longer stay late (worked out
    from the chronology: 18 and 9 days are late only under the one-working-day referral rule,
    the rest are under 40); every other gap of the sample is unchanged."""
    import_case(store, sample_document(), as_id=case_id)
    response = client.get(f"/api/cases/{case_id}/analysis?which=gaps&response_days=40")
    assert response.status_code == 200
    result = response.json
    assert list(result) == ["case_id", "parameters", "gaps", "stories"]
    assert (result["case_id"], result["parameters"]["response_days"], result["parameters"]["window_days"]) == (
        case_id, 40, 90)
    late = {tuple(g["event_ids"]) for g in result["gaps"] if g["type"] == "late_response"}
    assert late == {("pol-20230803", "csc-20230821"), ("nur-20240305", "csc-20240314")}
    expected = {k: v for k, v in SAMPLE_COUNTS["gaps"].items() if k[0] != "late_response"}
    expected[("late_response", "high")] = 2
    assert Counter((g["type"], g["severity"]) for g in result["gaps"]) == expected


def test_the_network_has_directions_betweenness_and_brokers(client, store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    network = client.get(f"/api/cases/{case_id}/network").json
    nursery_to_csc = [c for c in network["communications"]
                      if (c["from"], c["to"]) == ("little-oaks-nursery", "ashdown-social-care")]
    assert nursery_to_csc == [{"from": "little-oaks-nursery", "to": "ashdown-social-care", "count": 3,
                               "kinds": {"referral": 3}}]
    assert network["articulation_points"] == []
    assert {a["id"]: a["events"] for a in network["agencies"]}["westmarch-probation"] == 18
    reference = Reference(document_snapshot(sample_document()), rules=load_rules()).betweenness()
    assert {a["id"]: a["betweenness"] for a in network["agencies"]} == reference
    assert not any(a["articulation_point"] for a in network["agencies"])


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
