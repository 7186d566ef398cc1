"""The sample case's gaps and patterns, written down by hand from its story, are all found,
end to end: loaded into Neo4j, read back, analysed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from builder import document_snapshot
from reference_analysis import Reference, as_tuple

from causalmap.analysis.report import Parameters, analyse
from causalmap.analysis.rules import load_rules
from causalmap.case_analysis import analyse_case
from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document

CSC, HV, NUR, PROB = "ashdown-social-care", "ashdown-health-visiting", "little-oaks-nursery", "westmarch-probation"
POL, GP, MHT, HOU, ED = ("westmarch-police", "millbrook-surgery", "ashdown-mental-health-team", "ashdown-housing",
                         "st-annes-hospital")

# From the story: who was never answered, who was answered late, where accounts differ.
EXPECTED_GAPS = {
    ("unanswered_handoff", "high", (NUR, CSC), ("nur-20230808",)),      # the scratch referral, never answered
    ("unanswered_handoff", "medium", (POL, PROB), ("pol-20230530",)),
    ("unanswered_handoff", "medium", (PROB, CSC), ("prob-20230601",)),  # is there a child at the address?
    ("unanswered_handoff", "medium", (HOU, HV), ("hou-20230703",)),     # neighbours hear a child crying
    ("unanswered_handoff", "medium", (GP, CSC), ("gp-20230908",)),
    ("unanswered_handoff", "medium", (MHT, CSC), ("mht-20230914",)),
    ("unanswered_handoff", "medium", (HV, CSC), ("hv-20230920",)),
    ("unanswered_handoff", "medium", (PROB, CSC), ("prob-20240111",)),  # Mr T has moved in
    ("unanswered_handoff", "medium", (MHT, GP), ("mht-20240410",)),
    ("late_response", "high", (GP, MHT), ("gp-20220920b", "mht-20221025")),
    ("late_response", "high", (POL, CSC), ("pol-20230803", "csc-20230821")),
    ("late_response", "high", (NUR, HV), ("nur-20240207", "hv-20240220")),
    ("late_response", "high", (NUR, CSC), ("nur-20240305", "csc-20240314")),
    ("late_response", "high", (GP, MHT), ("gp-20240320b", "mht-20240410")),
    ("late_response", "medium", (PROB, POL), ("prob-20230420", "pol-20230530")),
    ("late_response", "medium", (CSC, HV), ("csc-20230906", "hv-20230920")),
    ("late_response", "medium", (NUR, HV), ("nur-20231108", "hv-20231122")),
    ("discrepant_accounts", "high", (HV, NUR), ("hv-20240130", "nur-20240131")),
    ("one_way_flow", "medium", (NUR, CSC), ("nur-20230316", "nur-20230808", "nur-20240305")),
    ("one_way_flow", "medium", (POL, CSC), ("pol-20221003", "pol-20230803")),
    ("one_way_flow", "medium", (PROB, CSC), ("prob-20230601", "prob-20240111")),
    ("information_not_reached", "high", (PROB, HV), ("hv-20240220", "prob-20240111")),
    ("absent_from_meeting", "high", (NUR, CSC), ("csc-20240403", "nur-20240304", "nur-20240305")),
    ("absent_from_meeting", "high", (GP, CSC), ("csc-20240403", "gp-20240320", "gp-20240320b")),
}
EXPECTED_PATTERNS = {
    ("start_again", "high", (CSC,)),
    ("referral_without_feedback", "high", (NUR, CSC)),
    ("referral_without_feedback", "high", (POL, CSC)),
    ("referral_without_feedback", "high", (ED, CSC)),
    ("no_strategy_discussion", "high", (POL,)),  # 2 October 2022 and 2 August 2023
    ("agency_silent", "medium", (MHT,)),
}


@pytest.fixture(scope="module")
def sample_analysis(store):
    import uuid

    case_id = f"sample-{uuid.uuid4().hex[:8]}"
    import_case(store, sample_document(), as_id=case_id)
    try:
        yield analyse_case(store, case_id, "all", Parameters(agency=HV, date="2024-02-20"))
    finally:
        store.driver.execute_query("MATCH (n {case_id: $c}) DETACH DELETE n", c=case_id)
        store.driver.execute_query("MATCH (n:Case {id: $c}) DETACH DELETE n", c=case_id)


def test_the_whole_analysis_read_from_neo4j_is_pinned(sample_analysis):
    """Through the real store: every item of every family equals the reference's, and the
    object equals the analysis of the case document in memory (so the fast tests speak for
    the stored case too)."""
    snapshot = document_snapshot(sample_document())
    reference = Reference(snapshot, rules=load_rules())
    for family, expected in (("gaps", reference.gaps()), ("checks", reference.checks()),
                             ("patterns", reference.patterns())):
        assert sorted(as_tuple(i) for i in sample_analysis[family]) == sorted(expected), family
    assert [as_tuple(c) for c in sample_analysis["causes"]["chains"]] == reference.chains()
    assert [as_tuple(c) for c in sample_analysis["causes"]["loops"]] == reference.loops()
    assert [(e["id"], e["known"]) for e in sample_analysis["knowledge"]["events"]] == reference.knowledge(
        HV, dt.date(2024, 2, 20))
    in_memory = analyse(snapshot, Parameters(agency=HV, date="2024-02-20"), load_rules(),
                        ("gaps", "causes", "checks", "patterns", "knowledge"))
    assert {**in_memory, "case_id": None} == {**sample_analysis, "case_id": None}


def test_every_gap_the_story_tells_is_found(sample_analysis):
    found = {(g["type"], g["severity"], tuple(g["agencies"]), tuple(g["event_ids"])) for g in sample_analysis["gaps"]}
    assert EXPECTED_GAPS - found == set()


def test_the_sample_has_no_handoff_gaps_beyond_the_story(sample_analysis):
    told = {g for g in EXPECTED_GAPS if g[0] in ("unanswered_handoff", "late_response", "discrepant_accounts",
                                                 "one_way_flow", "information_not_reached")}
    found = {(g["type"], g["severity"], tuple(g["agencies"]), tuple(g["event_ids"])) for g in sample_analysis["gaps"]
             if g["type"] in ("unanswered_handoff", "late_response", "discrepant_accounts", "one_way_flow",
                              "information_not_reached")}
    assert found == told


def test_the_patterns_the_story_tells_are_found(sample_analysis):
    found = [(p["type"], p["severity"], tuple(p["agencies"])) for p in sample_analysis["patterns"]]
    assert EXPECTED_PATTERNS - set(found) == set()
    assert found.count(("no_strategy_discussion", "high", (POL,))) == 2
    assert not any(p["type"] == "disagreement_without_escalation" for p in sample_analysis["patterns"])


def test_the_sample_causes_have_a_loop_and_a_two_point_leverage_cut(sample_analysis):
    causes = sample_analysis["causes"]
    assert causes["leverage"]["cut"] == [{"node": "decision", "id": "csc-20240314-decision"},
                                         {"node": "event", "id": "hv-20240221"}]
    assert [[n["id"] for n in loop["nodes"]] for loop in causes["loops"]] == [
        ["f-disguised-compliance", "f-optimism", "f-reduced-scrutiny"]]
    assert all(chain["nodes"][-1] == {"node": "event", "id": "ed-20240405"} for chain in causes["chains"])


def test_the_health_visitor_did_not_know_mr_t_had_moved_in(sample_analysis):
    known = {e["id"]: e["known"] for e in sample_analysis["knowledge"]["events"]}
    assert known["prob-20240111"] is False
    assert known["nur-20240207"] is True
    assert known["ed-20240402"] is False


def test_every_item_carries_the_documented_fields(sample_analysis):
    items = sample_analysis["gaps"] + sample_analysis["checks"] + sample_analysis["patterns"]
    for item in items:
        assert {"type", "severity", "agencies", "event_ids", "period", "explanation", "certainty", "score",
                "reasons", "story"} <= set(item)
        assert item["severity"] in ("high", "medium", "low")
        assert item["story"] in {s["id"] for s in sample_analysis["stories"]}
    scores = [i["score"] for i in sample_analysis["gaps"]]  # issue 10: ordered by the ranking's score
    assert scores == sorted(scores, reverse=True)
    json.dumps(sample_analysis)


def test_analyse_from_the_command_line(cli, store, case_id, tmp_path):
    import_case(store, sample_document(), as_id=case_id)
    ran = cli("analyse", case_id, "gaps", "--format", "json", "--response-days", "40")
    assert ran.code == 0
    result = ran.json()
    assert list(result) == ["case_id", "parameters", "gaps", "stories"]
    assert result["parameters"]["response_days"] == 40
    late = {tuple(g["event_ids"]) for g in result["gaps"] if g["type"] == "late_response"}
    assert late == {("pol-20230803", "csc-20230821"), ("nur-20240305", "csc-20240314")}
    table = cli("analyse", case_id, "patterns", "--hide-low")
    assert table.out.startswith(f"Analysis of case {case_id}\n\nRead these first, by score (")
    assert "\nPatterns (" in table.out
    assert cli("analyse", case_id, "knowledge").err == ("causalmap: error: knowledge needs --agency AGENCY_ID and "
                                                        "--date YYYY-MM-DD\n")


def test_a_board_can_set_its_own_rules_file(cli, store, case_id, tmp_path):
    import_case(store, sample_document(), as_id=case_id)
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"response_windows": [{"kind": "referral", "days": 60}]}))
    ran = cli("analyse", case_id, "gaps", "--format", "json", "--rules", str(rules))
    late = {tuple(g["event_ids"]) for g in ran.json()["gaps"] if g["type"] == "late_response"}
    assert ("nur-20240305", "csc-20240314") not in late
    rules.write_text(json.dumps({"response_windows": [{"kind": "referal", "days": -1}]}))
    ran = cli("analyse", case_id, "gaps", "--rules", str(rules))
    assert ran.code == 2
    assert "response_windows[0].days: -1: use a whole number of days, 0 or more" in ran.err
