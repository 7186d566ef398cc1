"""Dates as the records give them: a day, a month or a year, never more precise.

A chronology often says only "April 1999". Read as 1 April it would let the analysis
report "answered 43 working days later" when the records allow anything from 20 to 43,
and put the April event before a 15 April event it answered. So every recorded date is
an interval of days, from its earliest to its latest possible day; an elapsed time
between two recorded dates is a range, and a rule asks whether it holds for every day
of the intervals ("certain"), for some ("possible") or for none.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

__all__ = ["RecordedDate", "recorded", "elapsed_range", "within", "chronological", "DateIndex", "CERTAIN", "POSSIBLE"]

CERTAIN, POSSIBLE = "certain", "possible"


@dataclass(frozen=True, order=True)
class RecordedDate:
    """One recorded date: its earliest and latest possible day, and the text as recorded
    (ISO at its precision: '1999-04-03', '1999-04' or '1999')."""

    earliest: dt.date
    latest: dt.date
    text: str
    precision: str  # day, month or year

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest

    def spoken(self) -> str:
        """As a panel reads it, no more precise than recorded: '3 April 1999', 'April 1999', '1999'."""
        return _spoken(self.earliest, self.precision)

    def on(self) -> str:
        """With its preposition: 'on 3 April 1999', 'in April 1999', 'in 1999'."""
        return ("on " if self.precision == "day" else "in ") + self.spoken()

    def overlaps(self, other: RecordedDate) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest

    def certainly_before(self, other: RecordedDate) -> bool:
        return self.latest < other.earliest


@functools.lru_cache(maxsize=4096)
def _spoken(earliest: dt.date, precision: str) -> str:
    """RecordedDate.spoken, cached: a chronology has a few thousand dates, said many times over."""
    if precision == "year":
        return str(earliest.year)
    if precision == "month":
        return f"{earliest:%B %Y}"
    return f"{earliest.day} {earliest:%B %Y}"


def recorded(date: str | None, precision: str | None = None) -> RecordedDate | None:
    """The interval of days a recorded ISO date stands for; `precision` defaults to what the
    text shows ('1999-04' is a month)."""
    if not date:
        return None
    parts = [int(p) for p in date.split("-")]
    if precision is None:
        precision = ("year", "month", "day")[len(parts) - 1]
    year = parts[0]
    if precision == "year" or len(parts) == 1:
        return RecordedDate(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year), "year")
    month = parts[1]
    if precision == "month" or len(parts) == 2:
        last = calendar.monthrange(year, month)[1]
        return RecordedDate(dt.date(year, month, 1), dt.date(year, month, last), f"{year:04d}-{month:02d}", "month")
    day = dt.date(year, month, parts[2])
    return RecordedDate(day, day, day.isoformat(), "day")


def of_day(day: dt.date) -> RecordedDate:
    """A day the analysis computed itself (a window's edge), exact by construction."""
    return RecordedDate(day, day, day.isoformat(), "day")


Count = Callable[[dt.date, dt.date], int]


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days


def elapsed_range(start: RecordedDate, end: RecordedDate, count: Count = _days) -> tuple[int, int]:
    """The fewest and the most days (as `count` counts them) from `start` to `end` that the
    records allow, when `end` is recorded as following `start` (never below 0)."""
    low = count(start.latest, end.earliest) if start.latest <= end.earliest else 0
    high = count(start.earliest, end.latest) if start.earliest <= end.latest else 0
    return low, high


def within(start: RecordedDate, end: RecordedDate, days: int, count: Count = _days) -> str | None:
    """Did `end` come on or after `start` and within `days` of it? CERTAIN for every day of
    both intervals, POSSIBLE for some, None for none."""
    if end.latest < start.earliest:
        return None
    low, high = elapsed_range(start, end, count)
    if low > days:
        return None
    if high <= days and end.earliest >= start.latest:
        return CERTAIN
    return POSSIBLE


def range_words(low: int, high: int, unit: str) -> str:
    """'8 days' or 'between 20 and 43 working days'."""
    if low == high:
        return f"{low} {unit if low != 1 else unit.rstrip('s')}"
    return f"between {low} and {high} {unit}"


def chronological(records: Iterable[dict[str, Any]], when: str = "when") -> list[dict[str, Any]]:
    """Records in the order the chronology allows: by earliest day, the more precise first
    on a tie, then by id; but never an event before one it is recorded as following (it
    responds to it, or gives another account of it and is no earlier)."""
    records = list(records)
    by_id = {r["id"]: r for r in records}

    def key(ident: str) -> tuple:
        date = by_id[ident].get(when)
        if date is None:
            return (dt.date.max, dt.date.max, ident)
        return (date.earliest, date.latest, ident)

    keys = {ident: key(ident) for ident in by_id}
    edges = [(earlier, record["id"]) for record in records for earlier in record.get("responds_to") or []
             if earlier in by_id and earlier != record["id"]]
    if all(keys[earlier] < keys[later] for earlier, later in edges):
        # Every response already follows what it answers by date: the smallest key is always
        # free to come next, so the lexicographic topological order is the sorted order.
        order = sorted(by_id, key=keys.__getitem__)
    else:
        graph = nx.DiGraph()
        graph.add_nodes_from(by_id)
        graph.add_edges_from(edges)
        try:
            order = list(nx.lexicographical_topological_sort(graph, key=keys.__getitem__))
        except nx.NetworkXUnfeasible:  # a cycle of responses: fall back to the dates alone
            order = sorted(by_id, key=keys.__getitem__)
    return [by_id[i] for i in order]


class DateIndex:
    """Records by their recorded date, to find those that may fall in a range of days without
    scanning a year of others for the sake of a few year-only dates: grouped by the length
    of their interval (a day, each month length, each year length), each group sorted by
    earliest day, so a record of length L overlaps [low, high] exactly when its earliest day
    lies in [low - L, high]: two bisections per group, nothing filtered afterwards.

    `marks` name predicates counted once per group (running totals), so that "does any
    record in this range carry the mark" is two look-ups, not a pass over the range: a
    meeting's absentee in a busy case has hundreds of records within a month of it."""

    def __init__(self, records: Iterable[dict[str, Any]], when: str = "when",
                 marks: dict[str, Callable[[dict[str, Any]], bool]] | None = None) -> None:
        groups: dict[dt.timedelta, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            date = record.get(when)
            if date is not None:
                groups[date.latest - date.earliest].append(record)
        self._groups: list[tuple[dt.timedelta, list[dt.date], list[dict[str, Any]]]] = []
        self._ids: list[list[str]] = []
        self._marks: dict[str, list[list[int]]] = {name: [] for name in marks or {}}
        for length, members in sorted(groups.items()):
            members.sort(key=lambda r: (r[when].earliest, r["id"]))
            self._groups.append((length, [r[when].earliest for r in members], members))
            self._ids.append([r["id"] for r in members])
            for name, marked in (marks or {}).items():
                self._marks[name].append([0, *itertools.accumulate(bool(marked(r)) for r in members)])

    def spans(self, low: dt.date, high: dt.date) -> list[tuple[int, int, int]]:
        """(group, start, stop) of the records whose interval shares a day with [low, high]."""
        out = []
        for group, (length, starts, _) in enumerate(self._groups):
            start, stop = bisect.bisect_left(starts, low - length), bisect.bisect_right(starts, high)
            if start < stop:
                out.append((group, start, stop))
        return out

    def overlapping(self, low: dt.date, high: dt.date) -> list[dict[str, Any]]:
        """The records whose interval shares a day with [low, high], by interval length then
        earliest day."""
        out: list[dict[str, Any]] = []
        for group, start, stop in self.spans(low, high):
            out.extend(self._groups[group][2][start:stop])
        return out

    @staticmethod
    def size(spans: list[tuple[int, int, int]]) -> int:
        return sum(stop - start for _, start, stop in spans)

    def ids(self, spans: list[tuple[int, int, int]]) -> list[str]:
        """The records' ids, sorted."""
        return sorted(itertools.chain.from_iterable(self._ids[g][start:stop] for g, start, stop in spans))

    def marked(self, spans: list[tuple[int, int, int]], mark: str) -> bool:
        """Whether any of the records carries the mark."""
        totals = self._marks[mark]
        return any(totals[g][stop] > totals[g][start] for g, start, stop in spans)

    def any_within(self, low: dt.date, high: dt.date) -> bool:
        """Whether some record lies wholly within [low, high] (every day it allows)."""
        for length, starts, _ in self._groups:
            start = bisect.bisect_left(starts, low)
            if start < len(starts) and starts[start] <= high - length:
                return True
        return False
