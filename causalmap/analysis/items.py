"""The one shape every analysis result takes, and plain-English helpers for explanations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from causalmap.analysis.dates import RecordedDate

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
#: One step lower: where a rule only possibly holds on the recorded dates.
LOWER = {"high": "medium", "medium": "low", "low": "low"}


@dataclass
class Item:
    """One finding of the analysis, traceable to the agencies and events it rests on."""

    type: str
    severity: str
    agencies: list[str]
    event_ids: list[str]
    start: dt.date | RecordedDate | None  # a RecordedDate keeps the precision the records give
    end: dt.date | RecordedDate | None
    explanation: str
    details: dict[str, Any] = field(default_factory=dict)
    #: "certain" when the rule holds for every day the recorded dates allow; "possible"
    #: when it holds for some of them only (a month- or year-only date), at lower severity.
    certainty: str = "certain"

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "severity": self.severity,
            "agencies": self.agencies,
            "event_ids": self.event_ids,
            "period": {"start": as_text(self.start), "end": as_text(self.end),
                       "earliest": earliest(self.start), "latest": latest(self.end)},
            "explanation": self.explanation,
            "certainty": self.certainty,
            **self.details,
        }


def as_text(date: dt.date | RecordedDate | None) -> str | None:
    """ISO at the precision recorded: '2023-06-01', '2023-06' or '2023'."""
    if date is None:
        return None
    return date.text if isinstance(date, RecordedDate) else date.isoformat()


def earliest(date: dt.date | RecordedDate | None) -> str | None:
    """The first day the date can be (for sorting by machine)."""
    if date is None:
        return None
    return (date.earliest if isinstance(date, RecordedDate) else date).isoformat()


def latest(date: dt.date | RecordedDate | None) -> str | None:
    if date is None:
        return None
    return (date.latest if isinstance(date, RecordedDate) else date).isoformat()


def ordered(items: list[Item]) -> list[dict[str, Any]]:
    """Most serious first, then by date, then by type: what a panel should read first."""
    items = sorted(items, key=lambda i: (SEVERITY_ORDER[i.severity], earliest(i.start) or "9999", i.type,
                                         i.agencies, i.event_ids))
    return [i.as_dict() for i in items]


def spoken(date: dt.date | RecordedDate | None) -> str:
    """A date as a panel reads it, no more precise than recorded: 1 June 2023, June 2023."""
    if isinstance(date, RecordedDate):
        return date.spoken()
    return f"{date.day} {date:%B %Y}" if date else "an unknown date"


def on(date: dt.date | RecordedDate | None) -> str:
    """With its preposition: 'on 1 June 2023', 'in June 2023'."""
    if isinstance(date, RecordedDate):
        return date.on()
    return f"on {spoken(date)}"


def quoted(text: str | None, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit - 1].rstrip()}…'"


def listed(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def days_word(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"
