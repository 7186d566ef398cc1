"""The rules file a board edits: what is read from it, and every mistake named with its place
and the fix (in memory: no database)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from causalmap import vocab
from causalmap.analysis.rules import Rules, Window, load_rules
from causalmap.errors import InvalidInput


def written(tmp_path, content) -> object:
    path = tmp_path / "rules.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_the_shipped_rules():
    rules = load_rules()
    assert rules.path == "shipped"
    assert [(w.kind, w.to_sector, w.days, w.working_days) for w in rules.windows] == [
        ("referral", "children_social_care", 1, True)]
    assert (rules.strategy.days, rules.strategy.working_days) == (2, False)
    assert (rules.concern_referral.days, rules.concern_referral.working_days) == (1, True)
    assert rules.holidays == frozenset()


def test_a_boards_own_file_is_read_in_full(tmp_path):
    path = written(tmp_path, {
        "response_windows": [{"kind": "request", "days": 3, "working_days": True, "source": "local"},
                             {"kind": "referral", "to_sector": "police", "days": 0}],
        "strategy_discussion_after_incident": {"days": 5, "working_days": True},
        "concern_referral": {"days": 4},
        "holidays": ["2024-12-25", "2024-12-26"]})
    rules = load_rules(path)
    assert rules == Rules((Window(3, True, "request", None, "local"), Window(0, False, "referral", "police", "")),
                          Window(5, True, None, None, ""), frozenset({dt.date(2024, 12, 25), dt.date(2024, 12, 26)}),
                          str(path), Window(4, False, None, None, ""))


def test_missing_sections_take_the_defaults(tmp_path):
    rules = load_rules(written(tmp_path, {}))
    assert (rules.windows, rules.strategy, rules.concern_referral, rules.holidays) == (
        (), Window(2), Window(1, True), frozenset())


def test_every_mistake_is_named_with_its_place(tmp_path):
    path = written(tmp_path, {
        "response_windows": [[1], {"kind": "referral", "days": -1}, {"kind": "referral", "days": True},
                             {"kind": "referal", "days": 2}, {"kind": "referral", "days": 2, "to_sector": "nhs"},
                             {"kind": "referral", "days": "2"}],
        "strategy_discussion_after_incident": {"days": 1.5},
        "concern_referral": "soon",
        "holidays": ["25/12/2024", 2024]})
    with pytest.raises(InvalidInput) as caught:
        load_rules(path)
    assert str(caught.value) == f"{path}: the rules file has 10 problem(s)"
    kinds, sectors = ", ".join(vocab.COMMUNICATION_KINDS), ", ".join(vocab.SECTORS)
    assert [(e.row, e.column, e.value, e.message) for e in caught.value.errors] == [
        (None, "response_windows[0]", [1], "use an object with days (and kind, to_sector, working_days)"),
        (None, "response_windows[1].days", -1, "use a whole number of days, 0 or more"),
        (None, "response_windows[2].days", True, "use a whole number of days, 0 or more"),
        (None, "response_windows[3].kind", "referal", f"use one of: {kinds}"),
        (None, "response_windows[4].to_sector", "nhs", f"use one of: {sectors}"),
        (None, "response_windows[5].days", "2", "use a whole number of days, 0 or more"),
        (None, "strategy_discussion_after_incident.days", 1.5, "use a whole number of days, 0 or more"),
        (None, "concern_referral", "soon", "use an object with days (and kind, to_sector, working_days)"),
        (None, "holidays[0]", "25/12/2024", "use an ISO date, YYYY-MM-DD"),
        (None, "holidays[1]", 2024, "use an ISO date, YYYY-MM-DD"),
    ]


def test_an_unreadable_or_broken_file(tmp_path):
    with pytest.raises(InvalidInput) as missing:
        load_rules(tmp_path / "nowhere.json")
    assert str(missing.value) == f"{tmp_path / 'nowhere.json'}: cannot read the rules file (No such file or directory)"
    path = written(tmp_path, "{not json")
    with pytest.raises(InvalidInput) as broken:
        load_rules(path)
    assert str(broken.value) == (f"{path}: the rules file is not valid JSON: Expecting property name enclosed in "
                                 "double quotes: line 1 column 2 (char 1)")


def test_working_days_skip_weekends_and_holidays():
    rules = Rules(holidays=frozenset({dt.date(2024, 12, 25)}))
    friday, monday = dt.date(2024, 3, 15), dt.date(2024, 3, 18)
    assert rules.elapsed(friday, monday, Window(1, True)) == 1
    assert rules.elapsed(friday, monday, Window(1)) == 3
    assert rules.elapsed(dt.date(2024, 12, 24), dt.date(2024, 12, 27), Window(1, True)) == 2
    assert rules.elapsed(friday, friday, Window(1, True)) == 0
    assert Window(1, True).describe() == "1 working day" and Window(3).describe() == "3 days"


def test_the_first_matching_window_applies():
    rules = Rules((Window(3, False, "referral", "police"), Window(5, False, "referral", None)))
    assert rules.window_for("referral", "police", 7) == Window(3, False, "referral", "police")
    assert rules.window_for("referral", "housing", 7) == Window(5, False, "referral", None)
    assert rules.window_for("request", "police", 7) == Window(7)
