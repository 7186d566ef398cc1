"""Generated chronologies of any size, deterministic for a seed, shaped like real ones.

A mix of practice events, communications (some answered, some late, some never),
meetings with participants and decisions, spread over agencies of several sectors.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from causalmap import vocab

HEADER = ["event_id", "date", "agency", "sector", "kind", "description", "to_agency", "participants",
          "responds_to", "decision", "decision_taken"]
_PRACTICE = ("contact", "home_visit", "no_access_visit", "assessment", "appointment", "missed_appointment",
             "medical", "plan", "case_opened", "closure")


def chronology_rows(events: int, agencies: int = 15, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    names = [f"Agency {i:02d}" for i in range(agencies)]
    sectors = [s for s in vocab.SECTORS if s != "other"]
    start = dt.date(2020, 1, 1)
    rows: list[list[str]] = []
    open_comms: list[tuple[str, str, str]] = []  # (event id, recipient, date)
    seen: set[str] = set()
    for i in range(events):
        date = (start + dt.timedelta(days=i * 1460 // events)).isoformat()
        agency = names[rng.randrange(agencies)]
        sector = sectors[names.index(agency) % len(sectors)] if agency not in seen else ""
        seen.add(agency)
        ident = f"g{i:06d}"
        roll = rng.random()
        kind, to, participants, responds, decision, taken = rng.choice(_PRACTICE), "", "", "", "", ""
        if roll < 0.3:
            kind = rng.choice(vocab.COMMUNICATION_KINDS)
            to = rng.choice([n for n in names if n != agency])
            open_comms.append((ident, to, date))
        elif roll < 0.4:
            kind = rng.choice(vocab.MEETING_KINDS)
            participants = ";".join(rng.sample([n for n in names if n != agency], 3))
        elif roll < 0.6 and open_comms:
            comm, recipient, _ = open_comms.pop(rng.randrange(len(open_comms)))
            agency, responds = recipient, comm
            sector = ""
        if rng.random() < 0.1:
            decision, taken = f"Decision at {ident}", rng.choice(["yes", "no"])
        rows.append([ident, date, agency, sector, kind, f"Generated event {i} ({kind})", to, participants,
                     responds, decision, taken])
    return rows


def write_chronology(path: Path, events: int, agencies: int = 15, seed: int = 7) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(chronology_rows(events, agencies, seed))
    return path
