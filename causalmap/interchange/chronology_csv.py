"""The integrated multi-agency chronology as a CSV file in the import format.

The columns are the chronology reader's own (chronology/check.py `COLUMNS`), and every
value is written the way the reader reads it back, so `causalmap import` of the file
gives the same events, agencies and decisions made at events. One row per event, in date
order across all agencies.

What the import format cannot hold is not written: a decision not made at an event, and
beyond the first recipient of a communication (the format names one `to_agency`).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from causalmap.chronology.check import COLUMNS
from causalmap.vocab import agency_id

__all__ = ["chronology_csv"]


def _agency_ref(agencies: dict[str, dict[str, Any]], ident: str | None) -> str:
    """The agency's name when the id rule turns it back into the same id; else the id itself."""
    if not ident:
        return ""
    name = str(agencies.get(ident, {}).get("name") or "")
    return name if name and agency_id(name) == ident else ident


def chronology_csv(doc: dict[str, Any]) -> str:
    """The case document's events as chronology rows, header first."""
    agencies = {a["id"]: a for a in doc["agencies"]}
    decisions = {d["made_at"]: d for d in sorted(doc["decisions"], key=lambda d: d["id"]) if d.get("made_at")}
    extras = sorted({k for e in doc["events"] for k in e if k.startswith("x_")})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(COLUMNS) + extras)
    events = sorted(doc["events"], key=lambda e: (e["date"], e.get("time") or "", e.get("agency") or "", e["id"]))
    for event in events:
        ref = _agency_ref
        decision = decisions.get(event["id"])
        row = {
            "date": event["date"], "agency": ref(agencies, event["agency"]), "kind": event["kind"],
            "description": event["description"], "event_id": event["id"], "time": event.get("time") or "",
            "source": "" if event.get("source") in (None, event["agency"]) else ref(agencies, event["source"]),
            "to_agency": ref(agencies, (event.get("to_agencies") or [None])[0]),
            "participants": ";".join(ref(agencies, a) for a in event.get("participants") or []),
            "responds_to": (event.get("responds_to") or [""])[0],
            "account_of": (event.get("account_of") or [""])[0],
            "decision": decision["description"] if decision else "",
            "decision_taken": "no" if decision and decision.get("taken") is False else "",
            "disputed": "yes" if event.get("disputed") else "",
            "concern": "yes" if event.get("concern") else "",
            "sector": agencies.get(event["agency"], {}).get("sector") or "",
            "notes": event.get("notes") or "",
        }
        writer.writerow([row[c] for c in COLUMNS] + [str(event.get(x) if event.get(x) is not None else "")
                                                     for x in extras])
    return out.getvalue()
