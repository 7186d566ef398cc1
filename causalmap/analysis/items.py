"""The one shape every analysis result takes, and plain-English helpers for explanations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Item:
    """One finding of the analysis, traceable to the agencies and events it rests on."""

    type: str
    severity: str
    agencies: list[str]
    event_ids: list[str]
    start: dt.date | None
    end: dt.date | None
    explanation: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "severity": self.severity,
            "agencies": self.agencies,
            "event_ids": self.event_ids,
            "period": {"start": self.start.isoformat() if self.start else None,
                       "end": self.end.isoformat() if self.end else None},
            "explanation": self.explanation,
            **self.details,
        }


def ordered(items: list[Item]) -> list[dict[str, Any]]:
    """Most serious first, then by date, then by type: what a panel should read first."""
    items = sorted(items, key=lambda i: (SEVERITY_ORDER[i.severity], i.start or dt.date.max, i.type,
                                         i.agencies, i.event_ids))
    return [i.as_dict() for i in items]


def spoken(date: dt.date | None) -> str:
    """A date as a panel reads it: 1 June 2023."""
    return f"{date.day} {date:%B %Y}" if date else "an unknown date"


def quoted(text: str | None, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit - 1].rstrip()}…'"


def listed(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def days_word(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"
