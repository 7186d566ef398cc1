"""Dates and kinds in the words panels read: a date as recorded, never a made-up day."""

from __future__ import annotations

import pytest

from causalmap.render.wording import date_in_words, kind_in_words


@pytest.mark.parametrize(("date", "words"), [
    ("2023-04-05", "5 April 2023"), ("1999-04", "April 1999"), ("1999", "1999"), (None, "no date"),
    ("2024-12-31", "31 December 2024")])
def test_a_date_is_said_to_the_precision_it_was_recorded(date, words):
    assert date_in_words(date) == words


def test_kinds_are_said_in_plain_words():
    assert kind_in_words("event", {"kind": "no_access_visit"}) == "no access visit"
    assert kind_in_words("decision", {"taken": False}) == "decision not taken"
    assert kind_in_words("decision", {"taken": True}) == "decision"
    assert kind_in_words("factor", {"category": "tools"}) == "contributory factor (tools)"
    assert kind_in_words("factor", {"category": None}) == "contributory factor"
