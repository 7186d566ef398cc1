"""Every gap detector: a case where it must fire (exact items) and a near miss where it must not."""

from __future__ import annotations

import datetime as dt

from builder import brief, case, decision, ev, link

from causalmap.analysis import gaps
from causalmap.analysis.knowledge import information_not_reached, knowledge
from causalmap.analysis.rules import Rules, Window, load_rules

RULES = load_rules()


# -- unanswered_handoff ----------------------------------------------------------------
def test_a_referral_nobody_answers_is_an_unanswered_handoff():
    snap = case(ev("r1", "2023-03-16", "nursery", "referral", to=["csc"]),
                ev("x", "2023-03-17", "gp", "contact", responds_to=["r1"]))
    items = gaps.unanswered_handoffs(snap)
    assert brief(items) == [("unanswered_handoff", "high", ["nursery", "csc"], ["r1"], "2023-03-16", "2023-03-16")]
    assert items[0].explanation == ("On 16 March 2023 NURSERY sent CSC a referral ('referral r1'); no response by "
                                    "CSC is recorded.")


def test_an_answered_handoff_or_a_notification_is_not_flagged():
    answered = case(ev("r1", "2023-03-16", "nursery", "request", to=["csc"]),
                    ev("a1", "2023-05-01", "csc", "contact", responds_to=["r1"]))
    notice = case(ev("n1", "2023-03-16", "police", "notification", to=["csc"]))
    assert gaps.unanswered_handoffs(answered) == gaps.unanswered_handoffs(notice) == []


def test_information_sharing_unanswered_is_medium():
    snap = case(ev("i1", "2023-03-16", "housing", "information_sharing", to=["hv"]))
    assert brief(gaps.unanswered_handoffs(snap))[0][1] == "medium"


# -- late_response -----------------------------------------------------------------------
def test_a_response_on_day_7_is_on_time_and_on_day_8_late():
    on_time = case(ev("s", "2023-01-02", "nursery", "information_sharing", to=["hv"]),
                   ev("a", "2023-01-09", "hv", "home_visit", responds_to=["s"]))
    late = case(ev("s", "2023-01-02", "nursery", "information_sharing", to=["hv"]),
                ev("a", "2023-01-10", "hv", "home_visit", responds_to=["s"]))
    assert gaps.late_responses(on_time, RULES) == []
    items = gaps.late_responses(late, RULES)
    assert brief(items) == [("late_response", "medium", ["nursery", "hv"], ["s", "a"], "2023-01-02", "2023-01-10")]
    assert items[0].explanation == ("NURSERY sent HV a piece of information sharing on 2 January 2023; the first "
                                    "response came on 10 January 2023, 8 days later (expected within 7 days).")


def test_response_days_changes_the_default_window():
    late = case(ev("s", "2023-01-02", "nursery", "request", to=["hv"]),
                ev("a", "2023-01-10", "hv", "home_visit", responds_to=["s"]))
    assert gaps.late_responses(late, RULES, response_days=8) == []


def test_the_rules_file_sets_one_working_day_for_referrals_to_social_care():
    friday = "2023-03-17"
    monday = case(ev("r", friday, "nursery", "referral", to=["csc"]),
                  ev("a", "2023-03-20", "csc", "case_opened", responds_to=["r"]))
    tuesday = case(ev("r", friday, "nursery", "referral", to=["csc"]),
                   ev("a", "2023-03-21", "csc", "case_opened", responds_to=["r"]))
    assert gaps.late_responses(monday, RULES) == []
    items = gaps.late_responses(tuesday, RULES)
    assert brief(items) == [("late_response", "high", ["nursery", "csc"], ["r", "a"], "2023-03-17", "2023-03-21")]
    assert items[0].details == {"kind": "referral", "elapsed": 2, "expected_within": 1, "working_days": True}


def test_a_referral_to_another_sector_uses_the_default_window():
    snap = case(ev("r", "2023-03-17", "gp", "referral", to=["hv"]),
                ev("a", "2023-03-21", "hv", "home_visit", responds_to=["r"]))
    assert gaps.late_responses(snap, RULES) == []


def test_holidays_in_the_rules_do_not_count_as_working_days():
    rules = Rules((Window(1, True, "referral", None),), holidays=frozenset({dt.date(2023, 3, 20)}))
    snap = case(ev("r", "2023-03-17", "nursery", "referral", to=["csc"]),
                ev("a", "2023-03-21", "csc", "case_opened", responds_to=["r"]))
    assert gaps.late_responses(snap, rules) == []


# -- silent_pair ---------------------------------------------------------------------------
def test_two_active_agencies_that_never_talk_form_one_silent_gap_over_consecutive_windows():
    snap = case(ev("a1", "2023-01-01", "gp", "medical"), ev("b1", "2023-01-05", "csc", "incident"),
                ev("a2", "2023-04-10", "gp"), ev("b2", "2023-04-20", "csc"))
    items = gaps.silent_pairs(snap, window_days=90)
    assert brief(items) == [
        ("silent_pair", "high", ["csc", "gp"], ["a1", "a2", "b1", "b2"], "2023-01-01", "2023-06-29")]
    assert items[0].details == {"windows": 2, "reason_to_talk": True}


def test_a_pair_that_communicates_in_the_window_is_not_silent():
    snap = case(ev("a1", "2023-01-01", "gp"), ev("b1", "2023-01-05", "school"),
                ev("c", "2023-01-09", "gp", "information_sharing", to=["school"]))
    assert gaps.silent_pairs(snap, window_days=90) == []


def test_a_concern_on_one_side_and_social_care_on_the_other_is_medium():
    # Whether that concern reached social care at all is concern_not_referred's (high there).
    busy = case(ev("a1", "2023-01-01", "csc"), ev("a2", "2023-01-03", "csc"),
                ev("b1", "2023-01-05", "school", "incident"), ev("b2", "2023-01-06", "school"))
    quiet = case(ev("a1", "2023-01-01", "csc"), ev("b1", "2023-01-05", "school", "incident"))
    assert [i.severity for i in gaps.silent_pairs(busy) + gaps.silent_pairs(quiet)] == ["medium", "medium"]
    assert gaps.silent_pairs(busy)[0].details["reason_to_talk"] is True


def test_concerns_on_both_sides_and_two_acts_each_are_high_and_one_act_medium():
    both = case(ev("a1", "2023-01-01", "gp", "medical"), ev("a2", "2023-01-03", "gp"),
                ev("b1", "2023-01-05", "school", concern=True), ev("b2", "2023-01-06", "school"))
    once = case(ev("a1", "2023-01-01", "gp", "medical"), ev("b1", "2023-01-05", "school", concern=True),
                ev("b2", "2023-01-06", "school"))
    assert [i.severity for i in gaps.silent_pairs(both) + gaps.silent_pairs(once)] == ["high", "medium"]


def test_a_pair_with_no_reason_to_talk_is_low_and_says_so():
    # Child protection on one side but no concern anywhere; or a concern that is neither
    # the other's business (housing) nor shared (the other records none).
    no_concern = case(ev("a1", "2023-01-01", "csc"), ev("a2", "2023-01-03", "csc"),
                      ev("b1", "2023-01-05", "school"), ev("b2", "2023-01-06", "school"))
    housing = case(ev("a1", "2023-01-01", "gp", "medical"), ev("a2", "2023-01-03", "gp"),
                   ev("b1", "2023-01-05", "housing"), ev("b2", "2023-01-06", "housing"))
    for snap in (no_concern, housing):
        [item] = gaps.silent_pairs(snap)
        assert (item.severity, item.details["reason_to_talk"]) == ("low", False)
        assert item.explanation.endswith("Neither recorded a concern the other needed to hear, so they had no "
                                         "evident reason to.")


# -- absent_from_meeting --------------------------------------------------------------------
def test_an_agency_active_within_30_days_but_not_at_a_strategy_discussion_is_absent():
    snap = case(ev("r", "2023-02-01", "school", "referral", to=["csc"]),
                ev("m", "2023-03-03", "csc", "strategy_discussion", participants=["police"]))
    items = gaps.absent_from_meetings(snap, meeting_days=30)
    assert brief(items) == [("absent_from_meeting", "high", ["school", "csc"], ["m", "r"], "2023-03-03",
                             "2023-03-03")]


def test_activity_31_days_away_or_attendance_is_not_absence():
    far = case(ev("r", "2023-01-31", "school", "referral", to=["csc"]),
               ev("m", "2023-03-03", "csc", "strategy_discussion", participants=["police"]))
    there = case(ev("r", "2023-02-01", "school", "referral", to=["csc"]),
                 ev("m", "2023-03-03", "csc", "strategy_discussion", participants=["police", "school"]))
    assert gaps.absent_from_meetings(far, 30) == gaps.absent_from_meetings(there, 30) == []


def test_absence_from_a_plain_meeting_is_low():
    snap = case(ev("v", "2023-03-01", "gp"), ev("m", "2023-03-03", "csc", "meeting", participants=["hv"]))
    assert brief(gaps.absent_from_meetings(snap))[0][:2] == ("absent_from_meeting", "low")


# -- discrepant_accounts ----------------------------------------------------------------------
def test_two_accounts_that_differ_in_date_and_participants_are_discrepant():
    snap = case(ev("m1", "2024-01-30", "hv", "meeting", participants=["nursery"]),
                ev("m2", "2024-01-31", "nursery", "meeting", participants=["hv", "housing"], account_of=["m1"],
                   disputed=True))
    items = gaps.discrepant_accounts(snap)
    assert brief(items) == [("discrepant_accounts", "high", ["hv", "nursery"], ["m1", "m2"], "2024-01-30",
                             "2024-01-31")]
    assert items[0].details == {"differing": ["date", "participants", "disputed"]}


def test_matching_accounts_or_one_source_are_not_discrepant():
    matching = case(ev("m1", "2024-01-30", "hv", "meeting", participants=["nursery"]),
                    ev("m2", "2024-01-30", "nursery", "meeting", participants=["hv"], account_of=["m1"]))
    same_source = case(ev("e1", "2024-01-30", "hv"), ev("e2", "2024-02-02", "hv", account_of=["e1"]))
    assert gaps.discrepant_accounts(matching) == gaps.discrepant_accounts(same_source) == []


# -- one_way_flow ---------------------------------------------------------------------------------
def test_two_referrals_never_returned_are_a_one_way_flow_medium_as_referral_without_feedback_is_high():
    snap = case(ev("r1", "2023-01-01", "nursery", "referral", to=["csc"]),
                ev("r2", "2023-05-01", "nursery", "request", to=["csc"]))
    assert brief(gaps.one_way_flows(snap)) == [("one_way_flow", "medium", ["nursery", "csc"], ["r1", "r2"],
                                                "2023-01-01", "2023-05-01")]


def test_one_message_or_any_message_back_is_not_a_one_way_flow():
    once = case(ev("r1", "2023-01-01", "nursery", "request", to=["csc"]))
    answered = case(ev("r1", "2023-01-01", "nursery", "request", to=["csc"]),
                    ev("r2", "2023-05-01", "nursery", "request", to=["csc"]),
                    ev("b", "2023-06-01", "csc", "notification", to=["nursery"]))
    assert gaps.one_way_flows(once) == gaps.one_way_flows(answered) == []


# -- broker_dependency -------------------------------------------------------------------------------
def test_an_agency_everyone_talks_through_is_a_broker():
    snap = case(ev("a", "2023-01-01", "gp", "information_sharing", to=["csc"]),
                ev("b", "2023-01-02", "csc", "information_sharing", to=["school"]))
    items = gaps.broker_dependencies(snap)
    assert brief(items) == [("broker_dependency", "medium", ["csc", "gp", "school"], [], "2023-01-01", "2023-01-02")]
    assert items[0].details == {"broker": "csc", "groups": [["gp"], ["school"]]}


def test_a_triangle_has_no_broker():
    snap = case(ev("a", "2023-01-01", "gp", "information_sharing", to=["csc"]),
                ev("b", "2023-01-02", "csc", "information_sharing", to=["school"]),
                ev("c", "2023-01-03", "school", "information_sharing", to=["gp"]))
    assert gaps.broker_dependencies(snap) == []


# -- information_not_reached and knowledge -------------------------------------------------------------
def _probation_case(*extra):
    return case(ev("p", "2024-01-11", "police", "contact"), ev("v", "2024-02-20", "hv", "home_visit"), *extra,
                decisions=[decision("d", "2024-02-20", "hv", "v")], links=[link("l1", "event:p", "decision:d")])


def test_a_cause_whose_information_never_reached_the_deciding_agency_is_flagged():
    items = information_not_reached(_probation_case())
    assert brief(items) == [("information_not_reached", "high", ["police", "hv"], ["p", "v"], "2024-01-11",
                             "2024-02-20")]


def test_a_time_respecting_chain_through_a_third_agency_counts_as_reached():
    reached = _probation_case(ev("s1", "2024-01-12", "police", "information_sharing", to=["csc"]),
                              ev("s2", "2024-02-01", "csc", "information_sharing", to=["hv"]))
    assert information_not_reached(reached) == []


def test_a_chain_in_the_wrong_order_in_time_does_not_count():
    backwards = _probation_case(ev("s2", "2024-01-05", "csc", "information_sharing", to=["hv"]),
                                ev("s1", "2024-01-12", "police", "information_sharing", to=["csc"]))
    assert len(information_not_reached(backwards)) == 1


def test_knowledge_marks_each_event_known_or_not_on_a_day():
    snap = case(ev("a", "2024-01-01", "police"), ev("b", "2024-01-05", "police", "information_sharing", to=["hv"]),
                ev("c", "2024-01-10", "police"), ev("d", "2024-01-04", "hv"))
    view = knowledge(snap, "hv", dt.date(2024, 1, 6))
    assert [(e["id"], e["known"]) for e in view["events"]] == [("a", True), ("d", True), ("b", True),
                                                               ("c", False)]
    assert (view["known"], view["not_known"]) == (3, 1)
    before = knowledge(snap, "hv", dt.date(2024, 1, 4))
    assert [(e["id"], e["known"]) for e in before["events"]] == [("a", False), ("d", True), ("b", False),
                                                                 ("c", False)]
