"""Boundaries of the detectors that the reference comparison and the day-dated cases leave
open (found by `make mutation`): each rule at the edge where it must fire and its near miss."""

from __future__ import annotations

from builder import brief, case, ev

from causalmap.analysis import gaps, patterns
from causalmap.analysis.concerns import concerns_not_referred
from causalmap.analysis.rules import load_rules

RULES = load_rules()


def _request_answered(on: str):
    return case(ev("r", "1999-04", "school", "request", to=["gp"]),
                ev("a", on, "gp", "information_sharing", to=["school"], responds_to=["r"]))


def test_a_month_only_request_is_certainly_late_only_when_even_its_last_day_leaves_more_than_the_window():
    [late] = gaps.late_responses(_request_answered("1999-05-08"), RULES)  # 8 days after 30 April
    assert (late.severity, late.certainty, late.details["elapsed"], late.details["elapsed_most"]) == (
        "medium", "certain", 8, 37)
    [edge] = gaps.late_responses(_request_answered("1999-05-07"), RULES)  # exactly the 7-day window
    assert (edge.severity, edge.certainty, edge.details["elapsed"], edge.details["elapsed_most"]) == (
        "low", "possible", 7, 36)


def test_missed_appointments_are_reported_in_runs_that_do_not_share_an_appointment():
    snap = case(*[ev(f"m{i}", f"2023-03-{1 + 5 * i:02d}", "gp", "missed_appointment") for i in range(1, 7)])
    assert [i.event_ids for i in patterns.repeated_missed_appointments(snap)] == [["m1", "m2", "m3"],
                                                                                  ["m4", "m5", "m6"]]


def test_a_run_too_spread_out_is_passed_over_and_the_next_run_still_found():
    snap = case(ev("m1", "2023-01-01", "gp", "missed_appointment"), ev("m2", "2023-05-01", "gp", "missed_appointment"),
                ev("m3", "2023-07-25", "gp", "missed_appointment"), ev("m4", "2023-08-01", "gp", "missed_appointment"))
    assert brief(patterns.repeated_missed_appointments(snap)) == [
        ("repeated_missed_appointments", "high", ["gp"], ["m2", "m3", "m4"], "2023-05-01", "2023-08-01")]


def test_a_referrer_outside_the_agencies_unanswered_is_medium_and_an_agency_high():
    def referred_by(who: str):
        return brief(patterns.referral_without_feedback(
            case(ev("r", "2023-03-01", who, "referral", to=["csc"]), ev("x", "2023-03-02", "csc", "assessment"))))

    assert referred_by("public") == [("referral_without_feedback", "medium", ["public", "csc"], ["r"], "2023-03-01",
                                      "2023-03-01")]
    assert referred_by("school") == [("referral_without_feedback", "high", ["school", "csc"], ["r"], "2023-03-01",
                                      "2023-03-01")]


def test_with_two_social_care_agencies_each_concern_is_for_the_one_active_then_or_the_first_to_act():
    snap = case(ev("c1", "2023-01-10", "csc", "assessment"), ev("c2", "2023-02-01", "csc", "closure"),
                ev("b1", "2023-03-01", "brent", "assessment"), ev("b2", "2023-05-01", "brent", "assessment"),
                ev("g0", "2022-12-01", "gp", "medical"),                  # before either: the first to act, csc
                ev("s1", "2023-02-10", "school", concern=True),           # csc had acted last, and closed
                ev("s2", "2023-03-15", "school", concern=True))           # brent had acted last
    snap.agencies["brent"]["sector"] = "children_social_care"          # listed first: brent, csc
    items = concerns_not_referred(snap, RULES)
    assert [(i.agencies, i.details["concerns"], i.details["closure"]) for i in items] == [
        (["gp", "csc"], ["g0"], None), (["school", "csc"], ["s1"], "c2"), (["school", "brent"], ["s2"], None)]


def test_a_closure_is_named_only_when_it_is_social_care_s_last_record_before_the_concern():
    def closure(closed: str):
        snap = case(ev("c1", "2023-02-10", "csc", "assessment"), ev("c2", closed, "csc", "closure"),
                    ev("s1", "2023-03-06", "school", concern=True))
        [item] = concerns_not_referred(snap, RULES)
        return item.details["closure"]

    assert closure("2023-02-20") == "c2"
    assert closure("2023-02") is None   # the month's closure may come before the assessment of 10 February


def test_with_no_chain_to_the_outcome_there_is_nothing_to_cut_and_it_says_so():
    from causalmap.analysis.causes import leverage_points

    snap = case(ev("e1", "2023-01-02", "gp"), ev("o", "2023-02-01", "police", "outcome"))
    assert leverage_points(snap) == {
        "cut": [], "chains": 0, "scores": [],
        "explanation": "No chain links a contributory factor to the target, so there is nothing to cut."}
