"""A read-only picture of one case, handed by the store to the analysis.

The analysis never talks to Neo4j: it gets this snapshot (read in one case-scoped read
transaction) and builds its NetworkX graphs from it, so the graph database stays the
only copy of the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from causalmap.analysis.dates import chronological, recorded


def day(date: str | None) -> dt.date | None:
    """The first day of an ISO date at any precision: '2023' -> 2023-01-01."""
    if not date:
        return None
    parts = date.split("-")
    return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)


#: What __post_init__ adds to each event and decision record; not part of a record as stored.
DERIVED_FIELDS = ("day", "when")


@dataclass
class CaseSnapshot:
    case_id: str
    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    factors: dict[str, dict[str, Any]] = field(default_factory=dict)
    episodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: dict[str, dict[str, Any]] = field(default_factory=dict)
    recommendations: dict[str, dict[str, Any]] = field(default_factory=dict)
    causal_links: list[dict[str, Any]] = field(default_factory=list)
    #: What the analysis derives from the records once and several detectors share (the
    #: contacts, the responses): the snapshot is read-only once built, so it never goes stale.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for record in list(self.events.values()) + list(self.decisions.values()):
            record["day"] = day(record.get("date"))
            # The date as recorded, an interval of days (analysis/dates.py); `day` is its
            # earliest day, kept for the algorithms that order by one day.
            record["when"] = recorded(record.get("date"), record.get("date_precision"))

    def records(self, section: str) -> list[dict[str, Any]]:
        """One section's records (`events`, `factors`, ..., `causal_links`) as the store gives
        them (store/items.list_items: sorted by id, without DERIVED_FIELDS), so that the web
        server lists a section from the snapshot it keeps instead of reading the case again."""
        if section == "causal_links":
            return list(self.causal_links)
        found: dict[str, dict[str, Any]] = getattr(self, section)
        return [{k: v for k, v in record.items() if k not in DERIVED_FIELDS} for record in found.values()]

    def in_order(self) -> list[dict[str, Any]]:
        """The events in the order the records allow (dates.chronological), computed once."""
        if "in_order" not in self.derived:
            self.derived["in_order"] = chronological(self.events.values())
        return self.derived["in_order"]

    def node(self, ref: dict[str, str]) -> dict[str, Any] | None:
        """The record a {node, id} reference names."""
        table = {"event": self.events, "decision": self.decisions, "factor": self.factors,
                 "episode": self.episodes, "finding": self.findings}.get(ref["node"], {})
        return table.get(ref["id"])

    def agency_name(self, agency_id: str | None) -> str:
        if agency_id is None:
            return "an unknown agency"
        return str(self.agencies.get(agency_id, {}).get("name") or agency_id)

    def sector(self, agency_id: str) -> str:
        return str(self.agencies.get(agency_id, {}).get("sector") or "other")

    def recorded_period(self) -> tuple[Any, Any]:
        """The first and the last recorded dates (RecordedDate), as precise as recorded."""
        dated = [e["when"] for e in self.events.values() if e.get("when")]
        if not dated:
            return None, None
        return min(dated), max(dated, key=lambda w: (w.latest, w.earliest))

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        days = [e["day"] for e in self.events.values() if e["day"]]
        return (min(days), max(days)) if days else (None, None)
