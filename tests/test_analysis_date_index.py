"""dates.DateIndex finds exactly the records whose recorded interval shares a day with a range,
however imprecise their dates (absent_from_meetings and repeated_missed_appointments rely on it)."""

from __future__ import annotations

import datetime as dt

from causalmap.analysis.dates import DateIndex, recorded


def _record(ident: str, date: str) -> dict:
    return {"id": ident, "when": recorded(date)}


RECORDS = [
    _record("year-before", "1998"),      # 1998-01-01 .. 1998-12-31: ends the day before the range
    _record("year-overlaps", "1999"),    # starts months before the range, reaches into it
    _record("month-before", "1999-03"),  # ends 31 March: the day before the range
    _record("month-overlaps", "1999-04"),
    _record("day-first", "1999-04-01"),
    _record("day-last", "1999-04-30"),
    _record("day-after", "1999-05-01"),  # the day after the range
    {"id": "undated", "when": None},
]


def test_a_year_only_date_months_before_the_range_is_found_and_the_one_ending_the_day_before_is_not():
    found = DateIndex(RECORDS).overlapping(dt.date(1999, 4, 1), dt.date(1999, 4, 30))
    assert sorted(r["id"] for r in found) == ["day-first", "day-last", "month-overlaps", "year-overlaps"]


def test_a_single_day_range_finds_only_what_may_fall_on_it():
    found = DateIndex(RECORDS).overlapping(dt.date(1999, 5, 1), dt.date(1999, 5, 1))
    assert sorted(r["id"] for r in found) == ["day-after", "year-overlaps"]


def _concern(record: dict) -> bool:
    return record["id"] in ("year-before", "day-after")


def test_the_ids_in_a_range_come_sorted_and_counted_without_the_records():
    index = DateIndex(RECORDS)
    spans = index.spans(dt.date(1999, 4, 1), dt.date(1999, 4, 30))
    assert index.ids(spans) == ["day-first", "day-last", "month-overlaps", "year-overlaps"]
    assert DateIndex.size(spans) == 4


def test_a_mark_is_found_in_the_range_that_holds_it_and_not_in_the_range_beside_it():
    index = DateIndex(RECORDS, marks={"concern": _concern})
    assert index.marked(index.spans(dt.date(1999, 5, 1), dt.date(1999, 5, 1)), "concern") is True   # day-after
    assert index.marked(index.spans(dt.date(1999, 4, 1), dt.date(1999, 4, 30)), "concern") is False  # the day before it
    assert index.marked(index.spans(dt.date(1998, 12, 31), dt.date(1998, 12, 31)), "concern") is True  # year-before


def test_a_record_wholly_within_a_range_is_told_apart_from_one_that_only_overlaps_it():
    index = DateIndex(RECORDS)
    assert index.any_within(dt.date(1999, 4, 1), dt.date(1999, 4, 30)) is True       # month-overlaps, its days
    only_overlapping = DateIndex([_record("year-overlaps", "1999"), _record("month-overlaps", "1999-04")])
    assert only_overlapping.any_within(dt.date(1999, 4, 2), dt.date(1999, 4, 30)) is False  # April starts the 1st
    assert only_overlapping.any_within(dt.date(1999, 1, 1), dt.date(1999, 12, 31)) is True
    assert index.any_within(dt.date(2000, 1, 1), dt.date(1999, 12, 1)) is False         # an empty range
