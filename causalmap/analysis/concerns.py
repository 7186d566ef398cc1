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
    """Incidents and outcomes by earliest day: build once, pass to harm_after."""
    return sorted((e for e in snapshot.events.values() if e["kind"] in vocab.HARM_KINDS and e["when"]),
                  key=lambda e: (e["when"], e["id"]))


def harm_after(snapshot: CaseSnapshot, when: RecordedDate | None, days: int = HARM_DAYS,
               harm: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Incidents and the outcome recorded certainly after `when` and within `days` of it
    (`harm`: harm_events(snapshot), when asked many times)."""
    if when is None:
        return []
    harm = harm_events(snapshot) if harm is None else harm
    starts = [e["when"].earliest for e in harm]
    limit = when.latest + dt.timedelta(days=days)
    return harm[bisect.bisect_right(starts, when.latest):bisect.bisect_right(starts, limit)]


def _csc_of(snapshot: CaseSnapshot, csc: list[str], when: RecordedDate,
            csc_events: list[dict[str, Any]] | None = None) -> str:
    """The children's social care agency the concern was for: the one that last recorded
    anything on or before the concern, else the first to act after it (`csc_events`: the
    social care agencies' events, when asked many times)."""
    if csc_events is None:
        csc_events = [e for e in snapshot.events.values() if e["agency"] in csc]
    before = [e for e in csc_events if e["when"].earliest <= when.latest]
    if before:
        return max(before, key=lambda e: (e["when"], e["id"]))["agency"]
    after = csc_events
    return min(after, key=lambda e: (e["when"], e["id"]))["agency"] if after else csc[0]


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
    harm_list = harm_events(snapshot)
    csc_events = [e for e in snapshot.events.values() if e["agency"] in csc]  # once, not per concern
    for event in sorted(snapshot.events.values(), key=lambda e: (e["when"], e["id"])):
        if event["agency"] in csc or not event["when"] or not is_concern(event):
            continue
        certainty = _referred(flow, rules, event["agency"], event["when"], csc)
        if certainty:
            key = (event["agency"], _csc_of(snapshot, csc, event["when"], csc_events))
            found.setdefault(key, []).append((event, certainty))
    items = []
    for (agency, social_care), concerns in sorted(found.items(), key=lambda kv: (kv[1][0][0]["when"], kv[0])):
        events = [e for e, _ in concerns]
        certain = any(c == CERTAIN for _, c in concerns)
        harm = [h for e in events for h in harm_after(snapshot, e["when"], harm=harm_list)]
        severity = ("high" if harm else "medium") if certain else ("medium" if harm else "low")
        closure = _closed_before(snapshot, social_care, events[0]["when"])
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


def _closed_before(snapshot: CaseSnapshot, social_care: str, when: RecordedDate) -> dict[str, Any] | None:
    """Children's social care's closure, when its last record before the concern is one."""
    before = sorted((e for e in snapshot.events.values()
                     if e["agency"] == social_care and e["when"].latest <= when.earliest),
                    key=lambda e: (e["when"], e["id"]))
    return before[-1] if before and before[-1]["kind"] == "closure" else None
