"""concern_not_referred: concerns an agency recorded that never reached children's social
care within the rules file's window; where it must fire and the near misses."""

from __future__ import annotations

import json

import pytest
from builder import brief, case, ev

from causalmap.analysis.concerns import concerns_not_referred
from causalmap.analysis.rules import load_rules
from causalmap.errors import InvalidInput

RULES = load_rules()


def test_a_school_whose_concerns_never_reach_social_care_after_it_closed_is_reported_with_the_closure():
    snap = case(ev("c1", "2023-01-10", "csc", "assessment"), ev("c2", "2023-02-01", "csc", "closure"),
                ev("s1", "2023-03-06", "school", concern=True), ev("s2", "2023-03-20", "school", concern=True),
                ev("s3", "2023-03-21", "school"),  # not a concern: not reported
                ev("o", "2023-04-10", "police", "outcome"))
    [item] = concerns_not_referred(snap, RULES)
    assert brief([item]) == [("concern_not_referred", "high", ["school", "csc"], ["c2", "s1", "s2"], "2023-03-06",
                              "2023-03-20")]
    assert (item.certainty, item.details) == ("certain", {"concerns": ["s1", "s2"], "closure": "c2",
                                                           "expected_within": 1, "working_days": True})
    assert item.explanation == (
        "SCHOOL recorded 2 concerns about the child: on 6 March 2023 ('contact s1') and on 20 March 2023 "
        "('contact s2'); no referral or other communication brought them to CSC within 1 working day. CSC had "
        "closed its involvement on 1 February 2023.")


def test_incidents_and_medical_findings_are_concerns_without_the_column_and_medium_without_harm_after():
    snap = case(ev("c1", "2023-01-10", "csc"), ev("g1", "2023-03-06", "gp", "medical"),
                ev("p1", "2023-03-08", "police", "incident"))
    items = concerns_not_referred(snap, RULES)
    assert brief(items) == [
        ("concern_not_referred", "high", ["gp", "csc"], ["g1"], "2023-03-06", "2023-03-06"),      # the incident follows
        ("concern_not_referred", "medium", ["police", "csc"], ["p1"], "2023-03-08", "2023-03-08")]


def test_a_referral_the_next_working_day_is_in_time_and_two_working_days_later_is_not():
    friday = "2023-03-17"
    monday = case(ev("c", "2023-01-02", "csc"), ev("s1", friday, "school", concern=True),
                  ev("r", "2023-03-20", "school", "referral", to=["csc"]))
    tuesday = case(ev("c", "2023-01-02", "csc"), ev("s1", friday, "school", concern=True),
                   ev("r", "2023-03-21", "school", "referral", to=["csc"]))
    assert concerns_not_referred(monday, RULES) == []
    assert brief(concerns_not_referred(tuesday, RULES))[0][:4] == (
        "concern_not_referred", "medium", ["school", "csc"], ["s1"])


def test_a_chain_through_another_agency_reaches_social_care_in_time():
    # The school tells the school nurse, who rings social care the same day (analysis.md 1b).
    snap = case(ev("c", "2023-01-02", "csc"), ev("s1", "2023-03-06", "school", concern=True),
                ev("i", "2023-03-06", "school", "information_sharing", to=["hv"]),
                ev("r", "2023-03-07", "hv", "referral", to=["csc"]))
    assert concerns_not_referred(snap, RULES) == []


def test_a_chain_that_stops_short_of_social_care_does_not_count():
    snap = case(ev("c", "2023-01-02", "csc"), ev("s1", "2023-03-06", "school", concern=True),
                ev("i", "2023-03-06", "school", "information_sharing", to=["hv"]),
                ev("g", "2023-03-07", "hv", "referral", to=["gp"]))
    assert [i.agencies for i in concerns_not_referred(snap, RULES)] == [["school", "csc"]]


def test_social_care_own_concerns_and_a_case_without_social_care_give_nothing():
    own = case(ev("c1", "2023-03-06", "csc", "incident"))
    none = case(ev("s1", "2023-03-06", "school", concern=True), ev("g", "2023-03-07", "gp", "medical"))
    assert concerns_not_referred(own, RULES) == concerns_not_referred(none, RULES) == []


def test_a_month_only_concern_answered_within_that_month_is_only_possible_and_lower():
    snap = case(ev("c", "2023-01-02", "csc"), ev("s1", "2023-03", "school", concern=True),
                ev("r", "2023-03-20", "school", "referral", to=["csc"]))
    [item] = concerns_not_referred(snap, RULES)
    assert (item.severity, item.certainty) == ("low", "possible")
    assert item.explanation.startswith("SCHOOL recorded a concern about the child in March 2023 ('contact s1')")
    assert "recorded only to the month or year" in item.explanation
    # The same month, but the referral on its first day: in time for some days only, and the
    # reach graph puts the referral on its recorded day, so it counts as in time.
    early = case(ev("c", "2023-01-02", "csc"), ev("s1", "2023-03", "school", concern=True),
                 ev("r", "2023-03", "school", "referral", to=["csc"]))
    assert concerns_not_referred(early, RULES) == []


def test_a_year_only_concern_never_passed_on_is_certain():
    snap = case(ev("c", "2021-01-04", "csc"), ev("s1", "2022", "school", concern=True))
    [item] = concerns_not_referred(snap, RULES)
    assert (item.certainty, item.start.text, item.explanation.split(";")[0]) == (
        "certain", "2022", "SCHOOL recorded a concern about the child in 2022 ('contact s1')")


def test_the_rules_file_sets_the_window(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"concern_referral": {"days": 10, "working_days": False}}), encoding="utf-8")
    snap = case(ev("c", "2023-01-02", "csc"), ev("s1", "2023-03-06", "school", concern=True),
                ev("r", "2023-03-16", "school", "referral", to=["csc"]))
    assert concerns_not_referred(snap, load_rules(path)) == []
    assert len(concerns_not_referred(snap, RULES)) == 1
    path.write_text(json.dumps({"concern_referral": {"days": -1}}), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_rules(path)
    assert [(e.column, e.value) for e in caught.value.errors] == [("concern_referral.days", -1)]


def test_the_shipped_window_is_working_together_s_immediate_referral():
    assert (RULES.concern_referral.days, RULES.concern_referral.working_days) == (1, True)
    assert "Working Together" in RULES.concern_referral.source
