"""Known patterns from national analyses of serious case reviews (analysis.md section 4).

Each detector is a named rule over the chronology; none of them proves the pattern, each
tells the panel where to look.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from causalmap import vocab
from causalmap.analysis.gaps import a_kind
from causalmap.analysis.items import Item, days_word, listed, spoken
from causalmap.analysis.rules import Rules
from causalmap.snapshot import CaseSnapshot

__all__ = ["start_again", "referral_without_feedback", "no_strategy_discussion", "agency_silent",
           "disagreement_without_escalation", "repeated_missed_appointments"]


def _events_by_agency(snapshot: CaseSnapshot) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for event in sorted(snapshot.events.values(), key=lambda e: (e["day"], e["id"])):
        out[event["agency"]].append(event)
    return out


def start_again(snapshot: CaseSnapshot, closures: int = 3) -> list[Item]:
    """One agency opened and closed the case again and again (`closures` or more closures)."""
    items = []
    for agency, events in sorted(_events_by_agency(snapshot).items()):
        closed = [e for e in events if e["kind"] == "closure"]
        if len(closed) < closures:
            continue
        episodes = [e for e in events if e["kind"] in ("case_opened", "closure")]
        items.append(Item(
            "start_again", "high" if snapshot.sector(agency) in vocab.CHILD_PROTECTION_SECTORS else "medium",
            [agency], [e["id"] for e in episodes], episodes[0]["day"], episodes[-1]["day"],
            f"{snapshot.agency_name(agency)} closed the case {len(closed)} times "
            f"({listed([spoken(e['day']) for e in closed])}). "
            "Check whether each new contact was judged with the earlier history in view (start-again syndrome).",
            {"closures": len(closed)}))
    return items


def referral_without_feedback(snapshot: CaseSnapshot) -> list[Item]:
    """A referrer never told the outcome: after A's first referral to B, B never sent A any
    communication."""
    referrals: dict[tuple[str, str], list[dict]] = defaultdict(list)
    replies: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for event in snapshot.events.values():
        for to in event["to_agencies"]:
            if event["kind"] == "referral":
                referrals[(event["agency"], to)].append(event)
            replies[(event["agency"], to)].append(event["day"])
    items = []
    for (a, b), sent in sorted(referrals.items()):
        sent.sort(key=lambda e: (e["day"], e["id"]))
        if any(d >= sent[0]["day"] for d in replies.get((b, a), [])):
            continue
        items.append(Item(
            "referral_without_feedback", "high", [a, b], [e["id"] for e in sent], sent[0]["day"], sent[-1]["day"],
            f"{snapshot.agency_name(a)} referred to {snapshot.agency_name(b)} "
            f"{'once' if len(sent) == 1 else f'{len(sent)} times'} ({listed([spoken(e['day']) for e in sent])}) "
            "and was never sent "
            "anything back: no record shows it was told the outcome.",
            {"referrals": len(sent)}))
    return items


def no_strategy_discussion(snapshot: CaseSnapshot, rules: Rules, strategy_days: int | None = None) -> list[Item]:
    """An incident of harm with no strategy discussion within the window (rules file, or
    `strategy_days`)."""
    window = rules.strategy if strategy_days is None else type(rules.strategy)(strategy_days)
    discussions = sorted(e["day"] for e in snapshot.events.values() if e["kind"] == "strategy_discussion")
    items = []
    for incident in sorted((e for e in snapshot.events.values() if e["kind"] == "incident"),
                           key=lambda e: (e["day"], e["id"])):
        following = bisect.bisect_left(discussions, incident["day"])  # elapsed grows with the day: the first decides
        if following < len(discussions) and rules.elapsed(incident["day"], discussions[following],
                                                          window) <= window.days:
            continue
        items.append(Item(
            "no_strategy_discussion", "high", [incident["agency"]], [incident["id"]], incident["day"],
            incident["day"] + dt.timedelta(days=window.days),
            f"{snapshot.agency_name(incident['agency'])} recorded {a_kind('incident')} on {spoken(incident['day'])}; "
            f"no strategy discussion followed within {window.describe()}.", {}))
    return items


def agency_silent(snapshot: CaseSnapshot, silence_days: int = 90) -> list[Item]:
    """An agency that had been active records nothing for more than `silence_days` while
    other agencies go on recording."""
    by_agency = _events_by_agency(snapshot)
    _, case_end = snapshot.period()
    everyone = sorted(e["day"] for e in snapshot.events.values())
    items = []
    for agency, events in sorted(by_agency.items()):
        own = [e["day"] for e in events]
        days = own + [case_end]
        for before, after in zip(days, days[1:], strict=False):
            if (after - before).days <= silence_days:
                continue
            # events strictly between the two days, less the agency's own (none: it was silent)
            others = bisect.bisect_left(everyone, after) - bisect.bisect_right(everyone, before)
            others -= bisect.bisect_left(own, after) - bisect.bisect_right(own, before)
            if not others:
                continue
            last = events[bisect.bisect_left(own, before)]
            items.append(Item(
                "agency_silent", "medium", [agency], [last["id"]], before, after,
                f"{snapshot.agency_name(agency)} recorded nothing for {days_word((after - before).days)}, from "
                f"{spoken(before)} to {spoken(after)}, while other agencies recorded {others} events.",
                {"days": (after - before).days}))
    return items


def disagreement_without_escalation(snapshot: CaseSnapshot) -> list[Item]:
    """A disputed account with no escalation by the disputing agency afterwards."""
    last_escalation: dict[str, dt.date] = {}
    for e in snapshot.events.values():
        if e["kind"] == "escalation" and e["day"] > last_escalation.get(e["agency"], dt.date.min):
            last_escalation[e["agency"]] = e["day"]
    items = []
    for event in sorted(snapshot.events.values(), key=lambda e: (e["day"], e["id"])):
        if not event.get("disputed"):
            continue
        disputer = event["source"]
        if last_escalation.get(disputer, dt.date.min) >= event["day"]:
            continue
        items.append(Item(
            "disagreement_without_escalation", "medium", [disputer], [event["id"], *event["account_of"]],
            event["day"], event["day"],
            f"{snapshot.agency_name(disputer)} disputed another account on {spoken(event['day'])} but never escalated "
            "the disagreement.", {}))
    return items


def repeated_missed_appointments(snapshot: CaseSnapshot, missed_days: int = 180, count: int = 3) -> list[Item]:
    """`count` or more missed appointments or no-access visits of one agency within
    `missed_days`, with no communication from that agency to another within `missed_days`
    after the last of them."""
    items = []
    for agency, events in sorted(_events_by_agency(snapshot).items()):
        missed = [e for e in events if e["kind"] in ("missed_appointment", "no_access_visit")]
        sent = [e["day"] for e in events if e["kind"] in vocab.COMMUNICATION_KINDS]
        reported_until = None
        for i in range(len(missed) - count + 1):
            run = missed[i:i + count]
            if (run[-1]["day"] - run[0]["day"]).days > missed_days:
                continue
            if reported_until and run[0]["day"] <= reported_until:
                continue
            limit = run[-1]["day"] + dt.timedelta(days=missed_days)
            if bisect.bisect_right(sent, limit) > bisect.bisect_left(sent, run[-1]["day"]):
                continue  # told another agency within the window
            reported_until = run[-1]["day"]
            items.append(Item(
                "repeated_missed_appointments", "high", [agency], [e["id"] for e in run], run[0]["day"],
                run[-1]["day"],
                f"{snapshot.agency_name(agency)} recorded {count} missed appointments or no-access visits "
                f"({listed([spoken(e['day']) for e in run])}) and told no other agency within "
                f"{days_word(missed_days)} of the last.", {}))
    return items
