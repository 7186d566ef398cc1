"""Concerns that never reached children's social care (`concern_not_referred`).

The failure reviews name most often leaves no trace in the other gap rules: a school
sees injuries and hunger, a nurse and a paediatrician see weight loss, and nobody refers
to children's social care, which closed its file months before. No handoff was made, so
none went unanswered; children's social care was not active, so no pair was silent. The
rule asks instead, by the who-knew-what reach rule (analysis.md 1b), whether what an
agency recorded as a concern reached children's social care within the rules file's
`concern_referral` window (Working Together: a referral, immediately).
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

from causalmap import vocab
from causalmap.analysis.dates import CERTAIN, POSSIBLE, RecordedDate
from causalmap.analysis.graphs import InformationFlow
from causalmap.analysis.items import Item, listed, quoted
from causalmap.analysis.rules import Rules
from causalmap.snapshot import CaseSnapshot

__all__ = ["concerns_not_referred", "is_concern", "harm_after", "harm_events"]

#: Kinds that are a concern about the child whoever records them: harm and medical findings.
CONCERN_EVENT_KINDS = ("incident", "medical")
HARM_DAYS = 90


def is_concern(event: dict[str, Any]) -> bool:
    """A concern about the child: an incident, a medical finding, or a row the chronology
    marks as a concern (the `concern` column)."""
    return bool(event.get("concern")) or event["kind"] in CONCERN_EVENT_KINDS


def harm_events(snapshot: CaseSnapshot) -> list[dict[str, Any]]:
    """Incidents and outcomes by earliest day, worked out once per snapshot."""
    if "harm" not in snapshot.derived:
        harm = sorted((e for e in snapshot.events.values() if e["kind"] in vocab.HARM_KINDS and e["when"]),
                      key=lambda e: (e["when"], e["id"]))
        snapshot.derived["harm"] = (harm, [e["when"].earliest for e in harm])
    return snapshot.derived["harm"][0]


def harm_after(snapshot: CaseSnapshot, when: RecordedDate | None, days: int = HARM_DAYS) -> list[dict[str, Any]]:
    """Incidents and the outcome recorded certainly after `when` and within `days` of it."""
    if when is None:
        return []
    harm_events(snapshot)
    harm, starts = snapshot.derived["harm"]
    limit = when.latest + dt.timedelta(days=days)
    return harm[bisect.bisect_right(starts, when.latest):bisect.bisect_right(starts, limit)]


class _SocialCareRecords:
    """Children's social care's events, ordered once so that each concern asks in log time
    which social care agency it was for (`agency_for`) and whether one had just closed its
    involvement (`closed_before`)."""

    def __init__(self, snapshot: CaseSnapshot, csc: list[str]) -> None:
        self.csc = csc
        events = sorted((e for e in snapshot.events.values() if e["agency"] in csc and e["when"]),
                        key=lambda e: (e["when"].earliest, e["when"], e["id"]))
        self._starts = [e["when"].earliest for e in events]
        # The latest (when, id) among the first i+1 events by earliest day.
        self._last: list[dict[str, Any]] = []
        for event in events:
            if not self._last or (event["when"], event["id"]) > (self._last[-1]["when"], self._last[-1]["id"]):
                self._last.append(event)
            else:
                self._last.append(self._last[-1])
        self._first = min(events, key=lambda e: (e["when"], e["id"])) if events else None
        by_agency: dict[str, list[dict[str, Any]]] = {c: [] for c in csc}
        for event in events:
            by_agency[event["agency"]].append(event)
        # Each agency's events by latest day, with the running latest (when, id) likewise.
        self._ends: dict[str, list[dt.date]] = {}
        self._last_ended: dict[str, list[dict[str, Any]]] = {}
        for agency, own in by_agency.items():
            own.sort(key=lambda e: (e["when"].latest, e["when"], e["id"]))
            self._ends[agency] = [e["when"].latest for e in own]
            running: list[dict[str, Any]] = []
            for event in own:
                if not running or (event["when"], event["id"]) > (running[-1]["when"], running[-1]["id"]):
                    running.append(event)
                else:
                    running.append(running[-1])
            self._last_ended[agency] = running

    def agency_for(self, when: RecordedDate) -> str:
        """The children's social care agency the concern was for: the one that last recorded
        anything on or before the concern, else the first to act after it."""
        index = bisect.bisect_right(self._starts, when.latest)
        if index:
            return self._last[index - 1]["agency"]
        return self._first["agency"] if self._first else self.csc[0]

    def closed_before(self, social_care: str, when: RecordedDate) -> dict[str, Any] | None:
        """Children's social care's closure, when its last record before the concern is one."""
        index = bisect.bisect_right(self._ends[social_care], when.earliest)
        last = self._last_ended[social_care][index - 1] if index else None
        return last if last and last["kind"] == "closure" else None


def _referred(flow: InformationFlow, rules: Rules, agency: str, when: RecordedDate, csc: list[str]) -> str | None:
    """Did the concern reach children's social care within the window? None: it did;
    CERTAIN: on no day the records allow; POSSIBLE: on some days only.

    The reach graph places each communication on its earliest day, so the concern is
    taken on its earliest day too; it reached "possibly late" when it reached only by the
    deadline of its latest day."""
    window = rules.concern_referral
    prompt = rules.deadline(when.earliest, window)
    if any(flow.reached(agency, when.earliest, c, prompt) for c in csc):
        return None
    generous = rules.deadline(when.latest, window)
    if any(flow.reached(agency, when.earliest, c, generous) for c in csc):
        return POSSIBLE
    return CERTAIN


def concerns_not_referred(snapshot: CaseSnapshot, rules: Rules, flow: InformationFlow | None = None) -> list[Item]:
    """An agency other than children's social care records concerns about the child that
    never reach children's social care within the rules file's `concern_referral` window.
    One item per agency and children's social care, with every such concern; high when
    harm follows within 90 days of one of them, medium otherwise, one step lower when the
    dates only allow that the concern was not passed on in time."""
    csc = sorted(a for a in snapshot.agencies if snapshot.sector(a) == "children_social_care")
    if not csc:
        return []
    flow = flow or InformationFlow(snapshot)
    window = rules.concern_referral
    found: dict[tuple[str, str], list[tuple[dict[str, Any], str]]] = {}
    records = _SocialCareRecords(snapshot, csc)  # once, not per concern
    for event in sorted(snapshot.events.values(), key=lambda e: (e["when"], e["id"])):
        if event["agency"] in csc or not event["when"] or not is_concern(event):
            continue
        certainty = _referred(flow, rules, event["agency"], event["when"], csc)
        if certainty:
            key = (event["agency"], records.agency_for(event["when"]))
            found.setdefault(key, []).append((event, certainty))
    items = []
    for (agency, social_care), concerns in sorted(found.items(), key=lambda kv: (kv[1][0][0]["when"], kv[0])):
        events = [e for e, _ in concerns]
        certain = any(c == CERTAIN for _, c in concerns)
        harm = [h for e in events for h in harm_after(snapshot, e["when"])]
        severity = ("high" if harm else "medium") if certain else ("medium" if harm else "low")
        closure = records.closed_before(social_care, events[0]["when"])
        shown = [f"{e['when'].on()} ({quoted(e['description'], 60)})" for e in events[:4]]
        more = [f"{len(events) - 4} more"] if len(events) > 4 else []
        recorded = (f"a concern about the child {shown[0]}" if len(events) == 1 else
                    f"{len(events)} concerns about the child: {listed(shown + more)}")
        closed = (f" {snapshot.agency_name(social_care)} had closed its involvement "
                  f"{closure['when'].on()}." if closure else "")
        doubt = ("" if certain else " The dates are recorded only to the month or year, so the records allow, "
                 "but do not show, that it was passed on in time.")
        items.append(Item(
            "concern_not_referred", severity, [agency, social_care],
            sorted({e["id"] for e in events} | ({closure["id"]} if closure else set())),
            events[0]["when"], events[-1]["when"],
            f"{snapshot.agency_name(agency)} recorded {recorded}; no referral or other communication brought "
            f"{'it' if len(events) == 1 else 'them'} to {snapshot.agency_name(social_care)} within "
            f"{window.describe()}.{closed}{doubt}",
            {"concerns": [e["id"] for e in events], "closure": closure["id"] if closure else None,
             "expected_within": window.days, "working_days": window.working_days},
            CERTAIN if certain else POSSIBLE))
    return items

