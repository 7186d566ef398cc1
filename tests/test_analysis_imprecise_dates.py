"""Every detector on month- and year-only dates: it fires only when its rule holds for every
day the records allow, or says "possible" one step lower; it speaks dates as recorded; and a
near miss where the imprecise date leaves the rule unmet (dates.py, issue 10)."""

from __future__ import annotations

import datetime as dt

from builder import brief, case, ev, link

from causalmap.analysis import checks, gaps, patterns
from causalmap.analysis.causes import causal_chains
from causalmap.analysis.knowledge import information_not_reached, knowledge
from causalmap.analysis.rules import load_rules

RULES = load_rules()


def only(items):
    assert len(items) == 1, items
    return items[0]


# -- gaps ----------------------------------------------------------------------------------------
def test_unanswered_handoff_speaks_the_month_and_keeps_it_in_the_period():
    item = only(gaps.unanswered_handoffs(case(ev("r", "1999-04", "nursery", "referral", to=["csc"]))))
    assert item.explanation.startswith("In April 1999 NURSERY sent CSC a referral")
    assert item.as_dict()["period"] == {"start": "1999-04", "end": "1999-04", "earliest": "1999-04-01",
                                        "latest": "1999-04-30"}


def test_late_response_is_a_range_certain_when_every_day_is_late():
    snap = case(ev("r", "1999-04", "nursery", "referral", to=["csc"]),
                ev("a", "1999-06-03", "csc", "case_opened", responds_to=["r"]))
    item = only(gaps.late_responses(snap, RULES))
    assert (item.severity, item.certainty, item.details["elapsed"], item.details["elapsed_most"]) == (
        "high", "certain", 24, 45)
    assert "in April 1999; the first response came on 3 June 1999, between 24 and 45 working days later" in \
        item.explanation


def test_late_response_in_the_same_month_is_only_possible_and_lower():
    snap = case(ev("r", "1999-04", "nursery", "referral", to=["csc"]),
                ev("a", "1999-04-20", "csc", "case_opened", responds_to=["r"]))
    item = only(gaps.late_responses(snap, RULES))
    assert (item.severity, item.certainty, item.details["elapsed"]) == ("medium", "possible", 0)
    assert item.explanation.endswith("so it may have been on time.")


def test_late_response_near_miss_a_year_answered_the_same_year_within_the_window_cannot_be_late():
    snap = case(ev("r", "1999", "nursery", "request", to=["hv"]), ev("a", "1999", "hv", responds_to=["r"]))
    assert only(gaps.late_responses(snap, RULES)).certainty == "possible"
    precise = case(ev("r", "1999-04-01", "nursery", "request", to=["hv"]),
                   ev("a", "1999-04-08", "hv", responds_to=["r"]))
    assert gaps.late_responses(precise, RULES) == []


def test_silent_pair_over_a_month_that_straddles_two_windows_is_possible():
    # Windows from 1 January: 90 days to 31 March. A March event is certainly in the first.
    certain = case(ev("a1", "2023-01-02", "gp", "medical"), ev("a2", "2023-03", "gp"),
                   ev("b1", "2023-01-05", "school", concern=True), ev("b2", "2023-02", "school"))
    assert (only(gaps.silent_pairs(certain)).severity, only(gaps.silent_pairs(certain)).certainty) == (
        "high", "certain")
    # Year-only events on both sides may fall in any later window: the run over the whole
    # year is only possible, one step lower.
    possible = case(ev("a1", "2023-01-02", "gp", "medical"), ev("a2", "2023", "gp"),
                    ev("b1", "2023-01-05", "school", concern=True), ev("b2", "2023", "school"))
    item = only(gaps.silent_pairs(possible))
    assert (item.certainty, item.severity, item.details["windows"]) == ("possible", "medium", 5)
    assert item.explanation.endswith("so the records allow, but do not show, this silence.")


def test_silent_pair_near_miss_a_month_contact_in_the_window_may_have_been_a_contact():
    snap = case(ev("a1", "2023-01-02", "gp"), ev("b1", "2023-01-05", "school"),
                ev("c", "2023-01", "gp", "information_sharing", to=["school"]))
    assert gaps.silent_pairs(snap) == []


def test_absent_from_meeting_is_possible_when_the_month_only_may_fall_near_it():
    snap = case(ev("r", "2023-02", "school", "referral", to=["csc"]),
                ev("m", "2023-03-20", "csc", "strategy_discussion", participants=["police"]))
    item = only(gaps.absent_from_meetings(snap, 30))
    assert (item.severity, item.certainty) == ("medium", "possible")
    assert "recorded only to the month or year" in item.explanation
    near_miss = case(ev("r", "2023-01", "school", "referral", to=["csc"]),
                     ev("m", "2023-03-20", "csc", "strategy_discussion", participants=["police"]))
    assert gaps.absent_from_meetings(near_miss, 30) == []


def test_discrepant_accounts_a_month_and_a_day_in_it_agree_but_two_months_do_not():
    agree = case(ev("e1", "2024-01", "hv", "meeting", participants=["nursery"]),
                 ev("e2", "2024-01-30", "nursery", "meeting", participants=["hv"], account_of=["e1"]))
    differ = case(ev("e1", "2024-01", "hv", "meeting", participants=["nursery"]),
                  ev("e2", "2024-02", "nursery", "meeting", participants=["hv"], account_of=["e1"]))
    assert gaps.discrepant_accounts(agree) == []
    item = only(gaps.discrepant_accounts(differ))
    assert item.explanation.endswith("dates differ (January 2024 and February 2024).")


def test_one_way_flow_and_broker_speak_the_recorded_dates():
    snap = case(ev("r1", "2023", "nursery", "request", to=["csc"]),
                ev("r2", "2024-05", "nursery", "request", to=["csc"]),
                ev("c", "2024-06-01", "csc", "information_sharing", to=["police"]))
    flow = only(gaps.one_way_flows(snap))
    assert "between 2023 and May 2024" in flow.explanation
    broker = only(gaps.broker_dependencies(snap))
    assert broker.as_dict()["period"]["start"] == "2023"


def test_information_not_reached_is_possible_when_the_effect_month_leaves_time_for_it_to_arrive():
    snap = case(ev("p", "2024-01-10", "police", "incident"), ev("s", "2024-01-20", "police", "information_sharing",
                                                                to=["hv"]),
                ev("h", "2024-01", "hv", "home_visit"), links=[link("l1", "event:p", "event:h")])
    item = only(information_not_reached(snap))
    assert (item.severity, item.certainty) == ("medium", "possible")
    assert "The date of what HV did is recorded only to the month or year" in item.explanation
    never = case(ev("p", "2024-01-10", "police", "incident"), ev("h", "2024-01", "hv", "home_visit"),
                 links=[link("l1", "event:p", "event:h")])
    assert (only(information_not_reached(never)).severity, only(information_not_reached(never)).certainty) == (
        "high", "certain")


def test_knowledge_never_lists_a_reply_before_what_it_answers():
    snap = case(ev("r", "1999-04-15", "nursery", "referral", to=["csc"]),
                ev("a", "1999-04", "csc", "contact", responds_to=["r"]), ev("v", "1999-04-02", "gp"))
    assert [e["id"] for e in knowledge(snap, "csc", dt.date(1999, 5, 1))["events"]] == ["v", "r", "a"]


# -- checks and causes ----------------------------------------------------------------------------
def test_temporal_contradiction_only_when_every_day_of_the_cause_is_after_the_effect():
    overlap = case(ev("a", "2023-04", "gp"), ev("b", "2023-04-03", "hv"), links=[link("l", "event:a", "event:b",
                                                                                      sources=["gp", "hv"])])
    after = case(ev("a", "2023-05", "gp"), ev("b", "2023-04-03", "hv"), links=[link("l", "event:a", "event:b",
                                                                                    sources=["gp", "hv"])])
    assert checks.temporal_contradictions(overlap) == []
    item = only(checks.temporal_contradictions(after))
    assert "(May 2023) contributed to" in item.explanation and "earlier (3 April 2023)" in item.explanation


def test_single_source_and_chains_keep_the_recorded_precision():
    snap = case(ev("a", "2023", "gp"), ev("o", "2023-06-02", "hv", "outcome"),
                factors=[{"id": "f", "description": "factor f", "category": "tools"}],
                links=[link("l1", "factor:f", "event:a", sources=["gp"]), link("l2", "event:a", "event:o",
                                                                                 sources=["gp"])])
    assert checks.single_sources(snap)[0].as_dict()["period"]["start"] == "2023"
    chain = causal_chains(snap)[0]
    assert "(GP, 2023) led to" in chain["explanation"] and chain["period"]["start"] == "2023"


# -- patterns -------------------------------------------------------------------------------------
def test_start_again_lists_closures_as_recorded():
    snap = case(ev("c1", "2020", "csc", "closure"), ev("c2", "2021-03", "csc", "closure"),
                ev("c3", "2021-06-01", "csc", "closure"))
    assert "(2020, March 2021 and 1 June 2021)" in only(patterns.start_again(snap)).explanation


def test_referral_without_feedback_is_possible_when_a_reply_may_be_before_or_after():
    maybe = case(ev("r", "2023-03-10", "nursery", "referral", to=["csc"]),
                 ev("b", "2023-03", "csc", "information_sharing", to=["nursery"]))
    item = only(patterns.referral_without_feedback(maybe))
    assert (item.severity, item.certainty) == ("medium", "possible")
    answered = case(ev("r", "2023-03", "nursery", "referral", to=["csc"]),
                    ev("b", "2023-04", "csc", "information_sharing", to=["nursery"]))
    assert patterns.referral_without_feedback(answered) == []


def test_no_strategy_discussion_possible_when_a_month_only_discussion_may_fall_within_two_days():
    snap = case(ev("i", "2023-03-10", "police", "incident"), ev("s", "2023-03", "csc", "strategy_discussion"),
                ev("z", "2023-05-01", "gp"))
    item = only(patterns.no_strategy_discussion(snap, RULES))
    assert (item.severity, item.certainty) == ("medium", "possible")
    certain = case(ev("i", "2023-03", "police", "incident"), ev("z", "2023-06-01", "gp"))
    assert only(patterns.no_strategy_discussion(certain, RULES)).explanation.startswith(
        "POLICE recorded an incident in March 2023;")


def test_agency_silent_is_a_range_and_possible_when_only_the_widest_reading_is_long_enough():
    snap = case(ev("a1", "2023-01", "gp"), ev("b1", "2023-02-15", "school"), ev("a2", "2023-04", "gp"),
                ev("z", "2023-04-20", "school"))
    item = only(patterns.agency_silent(snap, 60))
    assert (item.severity, item.certainty, item.details) == ("low", "possible", {"days": 60, "days_most": 119})
    assert "recorded nothing for between 60 and 119 days, from January 2023 to April 2023" in item.explanation


def test_disagreement_possible_when_the_escalation_month_may_be_before_or_after():
    snap = case(ev("e1", "2024-01-30", "hv"), ev("e2", "2024-01-31", "nursery", account_of=["e1"], disputed=True),
                ev("x", "2024-01", "nursery", "escalation", to=["csc"]))
    item = only(patterns.disagreement_without_escalation(snap))
    assert (item.severity, item.certainty) == ("low", "possible")


def test_repeated_missed_appointments_possible_when_the_span_may_exceed_the_window():
    snap = case(ev("m1", "2023-01", "hv", "missed_appointment"), ev("m2", "2023-03", "hv", "missed_appointment"),
                ev("m3", "2023-07", "hv", "missed_appointment"))
    item = only(patterns.repeated_missed_appointments(snap, 180))
    assert (item.severity, item.certainty) == ("medium", "possible")
    assert "(January 2023, March 2023 and July 2023)" in item.explanation
    far = case(ev("m1", "2023-01", "hv", "missed_appointment"), ev("m2", "2023-03", "hv", "missed_appointment"),
               ev("m3", "2023-09", "hv", "missed_appointment"))
    assert patterns.repeated_missed_appointments(far, 180) == []
    assert brief(patterns.repeated_missed_appointments(snap, 400))[0][1] == "high"
