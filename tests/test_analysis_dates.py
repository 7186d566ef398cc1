"""Recorded dates as intervals: no output more precise than the records, elapsed times as
ranges, rules that hold for every day or only for some, and an order the records allow."""

from __future__ import annotations

import datetime as dt

from causalmap.analysis.dates import CERTAIN, POSSIBLE, chronological, elapsed_range, range_words, recorded, within
from causalmap.analysis.rules import Rules, Window

WORKING = Window(1, True)


def working_days(start: dt.date, end: dt.date) -> int:
    return Rules().elapsed(start, end, WORKING)


def test_a_month_is_every_day_of_that_month_and_is_spoken_as_recorded():
    april = recorded("1999-04", "month")
    assert (april.earliest, april.latest) == (dt.date(1999, 4, 1), dt.date(1999, 4, 30))
    assert (april.spoken(), april.on(), april.text) == ("April 1999", "in April 1999", "1999-04")
    leap = recorded("2000-02")
    assert leap.latest == dt.date(2000, 2, 29)


def test_a_year_and_a_day():
    year = recorded("1999", "year")
    assert (year.earliest, year.latest, year.on()) == (dt.date(1999, 1, 1), dt.date(1999, 12, 31), "in 1999")
    day = recorded("1999-04-03", "day")
    assert (day.exact, day.on(), day.text) == (True, "on 3 April 1999", "1999-04-03")
    assert recorded(None) is None


def test_a_referral_in_april_answered_on_3_june_is_a_range_of_working_days():
    # Not "45 working days", which only 1 April would give.
    low, high = elapsed_range(recorded("1999-04"), recorded("1999-06-03"), working_days)
    assert (low, high) == (24, 45)
    assert range_words(low, high, "working days") == "between 24 and 45 working days"
    assert range_words(8, 8, "days") == "8 days"
    assert range_words(1, 1, "working days") == "1 working day"


def test_within_is_certain_only_for_every_day_of_both_intervals():
    incident = recorded("2023-03-10")
    assert within(incident, recorded("2023-03-11"), 2) == CERTAIN
    assert within(incident, recorded("2023-03-13"), 2) is None           # 3 days: too late
    assert within(incident, recorded("2023-03-09"), 2) is None           # before it
    assert within(incident, recorded("2023-03"), 2) == POSSIBLE          # some day of March fits
    assert within(recorded("2023-03"), recorded("2023-05-20"), 2) is None  # every day of March is too early
    assert within(recorded("2023"), recorded("2023-05-20"), 400) == POSSIBLE


def test_an_imprecise_event_never_comes_before_the_event_it_answers():
    events = [
        {"id": "answer", "when": recorded("1999-04"), "responds_to": ["referral"]},
        {"id": "referral", "when": recorded("1999-04-15"), "responds_to": []},
        {"id": "visit", "when": recorded("1999-04-02"), "responds_to": []},
        {"id": "later", "when": recorded("1999-05-01"), "responds_to": []},
    ]
    assert [e["id"] for e in chronological(events)] == ["visit", "referral", "answer", "later"]


def test_without_a_recorded_relation_a_month_sorts_at_its_earliest_day_the_precise_first():
    events = [{"id": "m", "when": recorded("1999-04")}, {"id": "d", "when": recorded("1999-04-01")},
              {"id": "y", "when": recorded("1999")}]
    assert [e["id"] for e in chronological(events)] == ["y", "d", "m"]
