"""Causal structure, review quality checks and national patterns: fire and near miss, exact items."""

from __future__ import annotations

from builder import brief, case, decision, ev, factor, link

from causalmap.analysis import causes, checks, patterns
from causalmap.analysis.rules import load_rules

RULES = load_rules()


def _causal_case(*links, extra_factors=()):
    return case(ev("e1", "2024-01-01", "csc"), ev("e2", "2024-01-05", "hv"), ev("e3", "2024-01-06", "gp"),
                ev("out", "2024-02-01", "hospital", "outcome"),
                factors=[factor("f1"), factor("f2"), *extra_factors], links=list(links))


# -- causes ---------------------------------------------------------------------------------
def test_chains_run_from_factors_to_the_outcome_strongest_first():
    snap = _causal_case(link("l1", "factor:f1", "event:e1"), link("l2", "event:e1", "event:out", strength="weak"),
                        link("l3", "factor:f2", "event:e2"), link("l4", "event:e2", "event:out"))
    chains = causes.causal_chains(snap)
    assert [[n["id"] for n in c["nodes"]] for c in chains] == [["f2", "e2", "out"], ["f1", "e1", "out"]]
    assert [c["weakest_strength"] for c in chains] == ["strong", "weak"]


def test_chains_longer_than_the_limit_are_left_out():
    snap = _causal_case(link("l1", "factor:f1", "event:e1"), link("l2", "event:e1", "event:e2"),
                        link("l3", "event:e2", "event:out"))
    assert len(causes.causal_chains(snap, max_length=3)) == 1
    assert causes.causal_chains(snap, max_length=2) == []


def test_the_leverage_cut_is_the_smallest_set_of_events_breaking_every_chain():
    snap = _causal_case(link("l1", "factor:f1", "event:e1"), link("l2", "factor:f2", "event:e1"),
                        link("l3", "event:e1", "event:e2"), link("l4", "event:e1", "event:e3"),
                        link("l5", "event:e2", "event:out"), link("l6", "event:e3", "event:out"))
    leverage = causes.leverage_points(snap)
    assert leverage["cut"] == [{"node": "event", "id": "e1"}]
    assert leverage["chains"] == 4
    assert leverage["scores"][0] == {"node": "event", "id": "e1", "chains": 4}


def test_a_factor_linked_straight_to_the_outcome_cannot_be_cut():
    snap = _causal_case(link("l1", "factor:f1", "event:out"))
    assert causes.leverage_points(snap)["cut"] == []
    assert causes.leverage_points(snap)["explanation"].startswith("A factor links straight to the target")


def test_loops_are_found_once_and_a_chain_is_not_a_loop():
    looped = _causal_case(link("l1", "factor:f1", "factor:f2"), link("l2", "factor:f2", "factor:f3"),
                          link("l3", "factor:f3", "factor:f1"), extra_factors=[factor("f3")])
    assert [[n["id"] for n in loop["nodes"]] for loop in causes.causal_loops(looped)] == [["f1", "f2", "f3"]]
    straight = _causal_case(link("l1", "factor:f1", "factor:f2"))
    assert causes.causal_loops(straight) == []


# -- checks -----------------------------------------------------------------------------------
def test_a_cause_dated_after_its_effect_is_a_temporal_contradiction():
    snap = _causal_case(link("l1", "event:e3", "event:e1", sources=["csc", "gp"]))
    assert brief(checks.temporal_contradictions(snap)) == [
        ("temporal_contradiction", "high", ["csc", "gp"], ["e1", "e3"], "2024-01-01", "2024-01-06")]
    forwards = _causal_case(link("l1", "event:e1", "event:e3", sources=["csc", "gp"]))
    assert checks.temporal_contradictions(forwards) == []


def test_single_source_is_high_when_the_agency_explains_its_own_practice():
    own = _causal_case(link("l1", "event:e1", "event:e2", sources=["hv"]))
    other = _causal_case(link("l1", "event:e1", "event:e2", sources=["school"]))
    two = _causal_case(link("l1", "event:e1", "event:e2", sources=["csc", "hv"]))
    assert brief(checks.single_sources(own))[0][:3] == ("single_source", "high", ["csc", "hv"])
    assert brief(checks.single_sources(other))[0][:3] == ("single_source", "medium", ["csc", "hv", "school"])
    assert checks.single_sources(two) == []


def test_structure_checks_name_each_gap_in_the_panels_work():
    snap = case(ev("e1", "2024-01-01", "csc"),
                factors=[factor("lonely"), factor("nameless", category=None)],
                findings=[{"id": "fd1", "statement": "A finding", "category": None, "evidenced_by": []}],
                recommendations=[{"id": "r1", "text": "Do better", "addresses": []}],
                episodes=[{"id": "k1", "title": "Visit", "appraisal": None,
                           "members": [{"node": "event", "id": "e1"}, {"node": "factor", "id": "nameless"}]}])
    assert sorted((i.type, i.details.get("id") or next(iter(i.details.values()))) for i in
                  checks.structure_checks(snap)) == [
        ("episode_without_appraisal", "k1"), ("orphan_factor", "lonely"), ("recommendation_without_finding", "r1"),
        ("uncategorised", "fd1"), ("uncategorised", "nameless"), ("unsupported_finding", "fd1")]


def test_complete_work_passes_the_structure_checks():
    snap = case(ev("e1", "2024-01-01", "csc"), factors=[factor("f1")],
                findings=[{"id": "fd1", "statement": "A finding", "category": "tools",
                           "evidenced_by": [{"node": "factor", "id": "f1"}]}],
                recommendations=[{"id": "r1", "text": "Do better", "addresses": ["fd1"]}],
                episodes=[{"id": "k1", "title": "Visit", "appraisal": "Reasonable at the time",
                           "members": [{"node": "event", "id": "e1"}]}])
    assert checks.structure_checks(snap) == []


# -- patterns -------------------------------------------------------------------------------------
def test_three_closures_by_one_agency_are_start_again_and_two_are_not():
    events = [ev(f"c{i}", f"2023-0{i}-01", "csc", "closure") for i in range(1, 4)]
    assert brief(patterns.start_again(case(*events))) == [
        ("start_again", "high", ["csc"], ["c1", "c2", "c3"], "2023-01-01", "2023-03-01")]
    assert patterns.start_again(case(*events[:2])) == []


def test_a_referrer_never_written_back_to_is_without_feedback():
    snap = case(ev("r", "2023-01-01", "nursery", "referral", to=["csc"]))
    assert brief(patterns.referral_without_feedback(snap)) == [
        ("referral_without_feedback", "high", ["nursery", "csc"], ["r"], "2023-01-01", "2023-01-01")]
    told = case(ev("r", "2023-01-01", "nursery", "referral", to=["csc"]),
                ev("o", "2023-01-04", "csc", "information_sharing", to=["nursery"]))
    earlier = case(ev("o", "2022-12-01", "csc", "information_sharing", to=["nursery"]),
                   ev("r", "2023-01-01", "nursery", "referral", to=["csc"]))
    assert patterns.referral_without_feedback(told) == []
    assert len(patterns.referral_without_feedback(earlier)) == 1


def test_a_strategy_discussion_on_day_2_after_an_incident_is_in_time_and_day_3_is_not():
    on_time = case(ev("i", "2023-05-01", "police", "incident"),
                   ev("s", "2023-05-03", "csc", "strategy_discussion", participants=["police"]))
    late = case(ev("i", "2023-05-01", "police", "incident"),
                ev("s", "2023-05-04", "csc", "strategy_discussion", participants=["police"]))
    assert patterns.no_strategy_discussion(on_time, RULES) == []
    assert brief(patterns.no_strategy_discussion(late, RULES)) == [
        ("no_strategy_discussion", "high", ["police"], ["i"], "2023-05-01", "2023-05-03")]
    assert patterns.no_strategy_discussion(late, RULES, strategy_days=3) == []


def test_an_agency_silent_for_91_days_while_others_act_is_flagged_and_90_is_not():
    def snap(gap_end):
        return case(ev("a1", "2023-01-01", "gp"), ev("o", "2023-02-01", "school"), ev("a2", gap_end, "gp"))

    assert brief(patterns.agency_silent(snap("2023-04-02"))) == [
        ("agency_silent", "medium", ["gp"], ["a1"], "2023-01-01", "2023-04-02")]
    assert patterns.agency_silent(snap("2023-04-01")) == []


def test_silence_while_nobody_else_acts_is_not_flagged():
    assert patterns.agency_silent(case(ev("a1", "2023-01-01", "gp"), ev("a2", "2023-09-01", "gp"))) == []


def test_a_dispute_without_a_later_escalation_is_flagged():
    base = [ev("m1", "2024-01-30", "hv", "meeting", participants=["nursery"]),
            ev("m2", "2024-01-31", "nursery", "meeting", participants=["hv"], account_of=["m1"], disputed=True)]
    assert brief(patterns.disagreement_without_escalation(case(*base))) == [
        ("disagreement_without_escalation", "medium", ["nursery"], ["m2", "m1"], "2024-01-31", "2024-01-31")]
    escalated = case(*base, ev("x", "2024-02-07", "nursery", "escalation", to=["hv"]))
    assert patterns.disagreement_without_escalation(escalated) == []


def test_three_missed_appointments_without_telling_anyone_are_flagged():
    missed = [ev("m1", "2023-12-05", "gp", "missed_appointment"), ev("m2", "2024-01-09", "gp", "missed_appointment"),
              ev("m3", "2024-02-06", "gp", "no_access_visit")]
    assert brief(patterns.repeated_missed_appointments(case(*missed))) == [
        ("repeated_missed_appointments", "high", ["gp"], ["m1", "m2", "m3"], "2023-12-05", "2024-02-06")]
    told = case(*missed, ev("t", "2024-02-07", "gp", "information_sharing", to=["hv"]))
    assert patterns.repeated_missed_appointments(told) == []
    spread = [ev("m1", "2023-06-01", "gp", "missed_appointment"), *missed[1:]]
    assert patterns.repeated_missed_appointments(case(*spread)) == []


def test_decisions_are_dated_for_the_checks():
    snap = case(ev("e1", "2024-01-01", "csc"), decisions=[decision("d1", "2023-12-01", "csc", "e1")],
                links=[link("l1", "event:e1", "decision:d1", sources=["csc", "hv"])])
    assert brief(checks.temporal_contradictions(snap))[0][3] == ["e1"]
