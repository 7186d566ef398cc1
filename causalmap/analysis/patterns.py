"""Known patterns from national analyses of serious case reviews (analysis.md section 4).

Each detector is a named rule over the chronology; none of them proves the pattern, each
tells the panel where to look.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from causalmap import vocab
from causalmap.analysis.dates import (
    CERTAIN,
    POSSIBLE,
    DateIndex,
    RecordedDate,
    chronological,
    elapsed_range,
    of_day,
    within,
)
from causalmap.analysis.gaps import a_kind
from causalmap.analysis.items import LOWER, Item, days_word, listed, on, spoken
from causalmap.analysis.rules import Rules
from causalmap.snapshot import CaseSnapshot

__all__ = ["start_again", "referral_without_feedback", "no_strategy_discussion", "agency_silent",
           "disagreement_without_escalation", "repeated_missed_appointments"]


_LONGEST_DATE = dt.timedelta(days=366)  # a year-only date spans at most this


def _events_by_agency(snapshot: CaseSnapshot) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for event in snapshot.in_order():
        out[event["agency"]].append(event)
    return out


def _last(dates: list[RecordedDate]) -> RecordedDate:
    return max(dates, key=lambda w: (w.latest, w.earliest))


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
            [agency], [e["id"] for e in episodes], episodes[0]["when"], _last([e["when"] for e in episodes]),
            f"{snapshot.agency_name(agency)} closed the case {len(closed)} times "
            f"({listed([spoken(e['when']) for e in closed])}). "
            "Check whether each new contact was judged with the earlier history in view (start-again syndrome).",
            {"closures": len(closed)}))
    return items


def _after(first: RecordedDate, later: list[RecordedDate]) -> str | None:
    """Did anything in `later` come on or after `first`? CERTAIN (one did, on every day the
    records allow), POSSIBLE (one may have) or None."""
    if any(w.earliest >= first.latest for w in later):
        return CERTAIN
    if any(w.latest >= first.earliest for w in later):
        return POSSIBLE
    return None


def referral_without_feedback(snapshot: CaseSnapshot) -> list[Item]:
    """A referrer never told the outcome: after A's first referral to B, B never sent A any
    communication (possibly, one step lower, when a reply's date may fall before or after)."""
    referrals: dict[tuple[str, str], list[dict]] = defaultdict(list)
    replies: dict[tuple[str, str], list[RecordedDate]] = defaultdict(list)
    for event in snapshot.events.values():
        for to in event["to_agencies"]:
            if event["kind"] == "referral":
                referrals[(event["agency"], to)].append(event)
            replies[(event["agency"], to)].append(event["when"])
    items = []
    for (a, b), sent in sorted(referrals.items()):
        sent = chronological(sent)
        answered = _after(sent[0]["when"], replies.get((b, a), []))
        if answered == CERTAIN:
            continue
        doubt = "" if answered is None else (f" {snapshot.agency_name(b)} did write to it, but the dates do not show "
                                             "whether before or after the referral.")
        # A referrer outside the agencies (sector other: often a member of the public, perhaps
        # anonymous) is not owed the outcome as an agency is: medium.
        severity = "high" if snapshot.sector(a) != "other" else "medium"
        items.append(Item(
            "referral_without_feedback", severity if answered is None else LOWER[severity], [a, b],
            [e["id"] for e in sent],
            sent[0]["when"], _last([e["when"] for e in sent]),
            f"{snapshot.agency_name(a)} referred to {snapshot.agency_name(b)} "
            f"{'once' if len(sent) == 1 else f'{len(sent)} times'} ({listed([spoken(e['when']) for e in sent])}) "
            "and was never sent "
            f"anything back: no record shows it was told the outcome.{doubt}",
            {"referrals": len(sent)}, CERTAIN if answered is None else POSSIBLE))
    return items


def no_strategy_discussion(snapshot: CaseSnapshot, rules: Rules, strategy_days: int | None = None) -> list[Item]:
    """An incident of harm with no strategy discussion within the window (rules file, or
    `strategy_days`); possible, one step lower, when a discussion may have fallen within it."""
    window = rules.strategy if strategy_days is None else type(rules.strategy)(strategy_days)
    discussions = sorted(e["when"] for e in snapshot.events.values() if e["kind"] == "strategy_discussion")
    starts = [d.earliest for d in discussions]
    _, records_end = snapshot.period()  # the last day some record certainly reaches
    items = []
    for incident in chronological(e for e in snapshot.events.values() if e["kind"] == "incident"):
        when = incident["when"]
        deadline = rules.deadline(when.latest, window)
        # Only discussions that can fall in the window (sorted by earliest day: a bisect).
        near = discussions[bisect.bisect_left(starts, when.earliest - _LONGEST_DATE):bisect.bisect_right(starts,
                                                                                                          deadline)]
        held = {within(when, d, window.days, lambda a, b: rules.elapsed(a, b, window)) for d in near}
        if CERTAIN in held:
            continue
        if records_end < rules.deadline(when.latest, window):
            continue  # the records end before the window does: they cannot show it was missed
        possible = POSSIBLE in held
        doubt = (" The dates are recorded only to the month or year, so one may have been held in time."
                 if possible else "")
        items.append(Item(
            "no_strategy_discussion", "medium" if possible else "high", [incident["agency"]], [incident["id"]],
            when, of_day(when.latest + dt.timedelta(days=window.days)),
            f"{snapshot.agency_name(incident['agency'])} recorded {a_kind('incident')} {on(when)}; "
            f"no strategy discussion followed within {window.describe()}.{doubt}", {},
            POSSIBLE if possible else CERTAIN))
    return items


def agency_silent(snapshot: CaseSnapshot, silence_days: int = 90) -> list[Item]:
    """An agency that had been active records nothing for more than `silence_days` while
    other agencies go on recording (possibly, one step lower, when only the imprecise
    dates' widest reading makes the silence that long)."""
    by_agency = _events_by_agency(snapshot)
    _, case_end = snapshot.recorded_period()
    everyone = sorted((e["when"].earliest, e["when"].latest, e["agency"]) for e in snapshot.events.values())
    starts = [first for first, _, _ in everyone]
    items = []
    for agency, events in sorted(by_agency.items()):
        dates = [e["when"] for e in events] + [case_end]
        first_on: dict[RecordedDate, int] = {}  # the first of the agency's events on each date
        for index, date in enumerate(dates):
            first_on.setdefault(date, index)
        for before, after in zip(dates, dates[1:], strict=False):
            low, high = elapsed_range(before, after)
            if high <= silence_days:
                continue
            # others' events certainly between the two (a bisect on the earliest day, then
            # the few candidates checked for their latest day)
            between = everyone[bisect.bisect_right(starts, before.latest):bisect.bisect_left(starts, after.earliest)]
            others = sum(1 for _, last, who in between if who != agency and last < after.earliest)
            if not others:
                continue
            certain = low > silence_days
            length = days_word(low) if low == high else f"between {low} and {high} days"
            items.append(Item(
                "agency_silent", "medium" if certain else "low", [agency], [events[first_on[before]]["id"]],
                before, after,
                f"{snapshot.agency_name(agency)} recorded nothing for {length}, from "
                f"{spoken(before)} to {spoken(after)}, while other agencies recorded {others} events.",
                {"days": low, **({} if low == high else {"days_most": high})}, CERTAIN if certain else POSSIBLE))
    return items


def disagreement_without_escalation(snapshot: CaseSnapshot) -> list[Item]:
    """A disputed account with no escalation by the disputing agency afterwards."""
    every: dict[str, list[RecordedDate]] = defaultdict(list)
    for e in snapshot.events.values():
        if e["kind"] == "escalation":
            every[e["agency"]].append(e["when"])
    # _after looks only at the latest "earliest" and the latest "latest": keep those two.
    escalations = {a: [max(ws), max(ws, key=lambda w: w.latest)] for a, ws in every.items()}
    items = []
    for event in snapshot.in_order():
        if not event.get("disputed"):
            continue
        disputer = event["source"]
        escalated = _after(event["when"], escalations.get(disputer, []))
        if escalated == CERTAIN:
            continue
        items.append(Item(
            "disagreement_without_escalation", "medium" if escalated is None else "low", [disputer],
            [event["id"], *event["account_of"]], event["when"], event["when"],
            f"{snapshot.agency_name(disputer)} disputed another account {on(event['when'])} but never escalated "
            "the disagreement." + ("" if escalated is None else " It escalated once, but the dates do not show "
                                   "whether before or after."), {}, CERTAIN if escalated is None else POSSIBLE))
    return items


def repeated_missed_appointments(snapshot: CaseSnapshot, missed_days: int = 180, count: int = 3) -> list[Item]:
    """`count` or more missed appointments or no-access visits of one agency within
    `missed_days`, with no communication from that agency to another within `missed_days`
    after the last of them. Possible (one step lower) when the imprecise dates allow but do
    not show either condition."""
    items = []
    for agency, events in sorted(_events_by_agency(snapshot).items()):
        missed = [e for e in events if e["kind"] in ("missed_appointment", "no_access_visit")]
        sent = DateIndex(e for e in events if e["kind"] in vocab.COMMUNICATION_KINDS)
        reported_until = None
        for i in range(len(missed) - count + 1):
            run = missed[i:i + count]
            first, last = run[0]["when"], run[-1]["when"]
            shortest, longest = elapsed_range(first, last)
            if shortest > missed_days:
                continue
            if reported_until and first.earliest <= reported_until:
                continue
            # the agency's communications that can fall within missed_days of the last (within
            # says None of every other one)
            near = sent.overlapping(last.earliest, last.latest + dt.timedelta(days=missed_days))
            told = set()
            for sent_event in near:  # one certain communication settles it
                told.add(within(last, sent_event["when"], missed_days))
                if CERTAIN in told:
                    break
            if CERTAIN in told:
                continue
            certain = longest <= missed_days and POSSIBLE not in told
            reported_until = last.latest
            items.append(Item(
                "repeated_missed_appointments", "high" if certain else "medium", [agency], [e["id"] for e in run],
                first, last,
                f"{snapshot.agency_name(agency)} recorded {count} missed appointments or no-access visits "
                f"({listed([spoken(e['when']) for e in run])}) and told no other agency within "
                f"{days_word(missed_days)} of the last." + ("" if certain else " Some dates are recorded only to "
                                                           "the month or year, so this may not hold."), {},
                CERTAIN if certain else POSSIBLE))
    return items
