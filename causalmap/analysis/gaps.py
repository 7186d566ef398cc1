"""Inter-agency interaction gaps (analysis.md section 1): where communication did not happen,
happened late, or where agencies' accounts disagree."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import networkx as nx

from causalmap import vocab
from causalmap.analysis.dates import CERTAIN, POSSIBLE, DateIndex, RecordedDate, elapsed_range, of_day, range_words
from causalmap.analysis.graphs import active_agencies, communication_graph, contacts, interaction_graph
from causalmap.analysis.items import LOWER, Item, days_word, listed, on, quoted, spoken
from causalmap.analysis.rules import Rules
from causalmap.snapshot import CaseSnapshot

__all__ = ["unanswered_handoffs", "late_responses", "silent_pairs", "absent_from_meetings",
           "discrepant_accounts", "one_way_flows", "broker_dependencies"]

HANDOFF_KINDS = ("referral", "information_sharing", "request", "escalation")
CONCERN_KINDS = ("referral", "escalation", "incident", "medical", "strategy_discussion")
_ARTICLE = {"information_sharing": "a piece of information sharing", "escalation": "an escalation",
            "incident": "an incident"}


def concern_event(event: dict) -> bool:
    """A concern event: one of CONCERN_KINDS, or a row the chronology marks as a concern."""
    return event["kind"] in CONCERN_KINDS or bool(event.get("concern"))


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def a_kind(kind: str) -> str:
    return _ARTICLE.get(kind, "a " + kind.replace("_", " "))


def _responses(snapshot: CaseSnapshot) -> dict[str, list[dict]]:
    """The events answering each event, by its id (worked out once per snapshot)."""
    if "responses" not in snapshot.derived:
        by_target: dict[str, list[dict]] = defaultdict(list)
        for event in snapshot.events.values():
            for target in event["responds_to"]:
                by_target[target].append(event)
        snapshot.derived["responses"] = by_target
    return snapshot.derived["responses"]


def _handoff_severity(kind: str) -> str:
    return "high" if kind in ("referral", "escalation") else "medium"


def unanswered_handoffs(snapshot: CaseSnapshot) -> list[Item]:
    """A referral, information sharing, request or escalation from A to B with no event by B
    that responds to it."""
    responses = _responses(snapshot)
    items = []
    for event in snapshot.events.values():
        if event["kind"] not in HANDOFF_KINDS:
            continue
        for recipient in event["to_agencies"]:
            if any(r["agency"] == recipient for r in responses[event["id"]]):
                continue
            sender = snapshot.agency_name(event["agency"])
            items.append(Item(
                "unanswered_handoff", _handoff_severity(event["kind"]), [event["agency"], recipient], [event["id"]],
                event["when"], event["when"],
                f"{capital(on(event['when']))} {sender} sent {snapshot.agency_name(recipient)} "
                f"{a_kind(event['kind'])} ({quoted(event['description'])}); no response by "
                f"{snapshot.agency_name(recipient)} is recorded.",
                {"kind": event["kind"]}))
    return items


def late_responses(snapshot: CaseSnapshot, rules: Rules, response_days: int = 7) -> list[Item]:
    """The first response by the recipient came later than the protocol's window for that
    kind of communication (the rules file), or `response_days` where no window applies."""
    responses = _responses(snapshot)
    items = []
    for event in snapshot.events.values():
        if event["kind"] not in vocab.COMMUNICATION_KINDS:
            continue
        for recipient in event["to_agencies"]:
            answers = sorted((r for r in responses[event["id"]] if r["agency"] == recipient),
                             key=lambda r: (r["when"].earliest, r["when"].latest, r["id"]))
            if not answers:
                continue
            first = answers[0]
            window = rules.window_for(event["kind"], snapshot.sector(recipient), response_days)
            low, high = elapsed_range(event["when"], first["when"],
                                      lambda a, b, w=window: rules.elapsed(a, b, w))
            if high <= window.days:
                continue
            certain = low > window.days
            unit = "working days" if window.working_days else "days"
            doubt = ("" if certain else "; the dates are recorded only to the month or year, so it may have "
                     "been on time")
            items.append(Item(
                "late_response", _handoff_severity(event["kind"]) if certain else
                LOWER[_handoff_severity(event["kind"])], [event["agency"], recipient],
                [event["id"], first["id"]], event["when"], first["when"],
                f"{snapshot.agency_name(event['agency'])} sent {snapshot.agency_name(recipient)} "
                f"{a_kind(event['kind'])} {on(event['when'])}; the first response came "
                f"{on(first['when'])}, {range_words(low, high, unit)} later (expected within "
                f"{window.describe()}){doubt}.",
                {"kind": event["kind"], "elapsed": low, "expected_within": window.days,
                 "working_days": window.working_days, **({} if low == high else {"elapsed_most": high})},
                CERTAIN if certain else POSSIBLE))
    return items


def _windows(snapshot: CaseSnapshot, window_days: int) -> list[tuple[dt.date, dt.date]]:
    dated = [e["when"] for e in snapshot.events.values() if e["when"]]
    if not dated:
        return []
    start, end = min(d.earliest for d in dated), max(d.latest for d in dated)
    out = []
    while start <= end:
        out.append((start, start + dt.timedelta(days=window_days - 1)))
        start += dt.timedelta(days=window_days)
    return out


def _window_span(when: RecordedDate, first: dt.date, window_days: int, count: int) -> range:
    """The windows a recorded date may fall in (one, unless the date is imprecise)."""
    low = (when.earliest - first).days // window_days
    high = min((when.latest - first).days // window_days, count - 1)
    return range(low, high + 1)


def silent_pairs(snapshot: CaseSnapshot, window_days: int = 90) -> list[Item]:
    """Two agencies both active in a window who never communicate in it (nor meet);
    consecutive silent windows of one pair make one gap. A month- or year-only date may
    fall in more than one window: the pair is certainly silent in a window when both
    certainly acted in it and no contact between them can have fallen in it, possibly
    silent when both may have acted in it and no contact certainly fell in it."""
    windows = _windows(snapshot, window_days)
    if not windows:
        return []
    first = windows[0][0]
    acts: dict[tuple[str, int], list[dict]] = defaultdict(list)
    surely: set[tuple[str, int]] = set()
    for event in snapshot.events.values():
        span = _window_span(event["when"], first, window_days, len(windows))
        for index in span:
            acts[(event["agency"], index)].append(event)
        if len(span) == 1:
            surely.add((event["agency"], span.start))
    maybe_talked: set[tuple[str, str, int]] = set()
    talked: set[tuple[str, str, int]] = set()
    for c in contacts(snapshot):
        pair = tuple(sorted((c.sender, c.recipient)))
        span = _window_span(snapshot.events[c.event_id]["when"], first, window_days, len(windows))
        maybe_talked.update((*pair, i) for i in span)
        if len(span) == 1:
            talked.add((*pair, span.start))
    agencies = sorted(active_agencies(snapshot))
    items = []
    for a, b in itertools.combinations(agencies, 2):
        run: list[int] = []
        certain = True
        for index in range(len(windows) + 1):
            silent = (index < len(windows) and acts.get((a, index)) and acts.get((b, index))
                      and (a, b, index) not in talked)
            if silent:
                run.append(index)
                certain = certain and ((a, index) in surely and (b, index) in surely
                                       and (a, b, index) not in maybe_talked)
                continue
            if run:
                items.append(_silent_item(snapshot, a, b, run, windows, acts, certain))
                run, certain = [], True
    return items


def reason_to_talk(snapshot: CaseSnapshot, a: str, a_events: list[dict], b: str, b_events: list[dict]) -> str | None:
    """Had the pair a reason to talk? "social_care": one of them recorded a concern event and
    the other is children's social care, where every concern about a child should arrive;
    "both_concerned": both recorded concern events; None: neither."""
    csc = "children_social_care"
    a_concern, b_concern = any(map(concern_event, a_events)), any(map(concern_event, b_events))
    if (a_concern and snapshot.sector(b) == csc) or (b_concern and snapshot.sector(a) == csc):
        return "social_care"
    return "both_concerned" if a_concern and b_concern else None


def _silent_item(snapshot: CaseSnapshot, a: str, b: str, run: list[int], windows: list[tuple[dt.date, dt.date]],
                 acts: dict[tuple[str, int], list[dict]], certain: bool) -> Item:
    a_events = list({e["id"]: e for i in run for e in acts[(a, i)]}.values())
    b_events = list({e["id"]: e for i in run for e in acts[(b, i)]}.values())
    start, end = windows[run[0]][0], windows[run[-1]][1]

    def surely_in(events: list[dict]) -> int:
        return sum(start <= e["when"].earliest and e["when"].latest <= end for e in events)

    both_twice = surely_in(a_events) >= 2 and surely_in(b_events) >= 2
    reason = reason_to_talk(snapshot, a, a_events, b, b_events)
    # High: two agencies both worried about the child, both busy, never in touch. A concern on
    # one side only is medium here: whether it reached children's social care at all is
    # concern_not_referred's finding, high there, so one failure is not counted high twice.
    both_concerned = any(map(concern_event, a_events)) and any(map(concern_event, b_events))
    severity = "high" if both_concerned and both_twice else "medium" if reason else "low"
    if not certain:
        severity = LOWER[severity]
    events = sorted(e["id"] for e in a_events + b_events)
    doubt = ("" if certain else " Some of these dates are recorded only to the month or year, so the records allow, "
             "but do not show, this silence.")
    why = "" if reason else " Neither recorded a concern the other needed to hear, so they had no evident reason to."
    return Item(
        "silent_pair", severity, [a, b], events, of_day(start), of_day(end),
        f"From {spoken(start)} to {spoken(end)} {snapshot.agency_name(a)} recorded {len(a_events)} event"
        f"{'s' if len(a_events) != 1 else ''} and {snapshot.agency_name(b)} {len(b_events)}, but neither "
        f"communicated with the other nor met it.{why}{doubt}",
        {"windows": len(run), "reason_to_talk": reason is not None}, CERTAIN if certain else POSSIBLE)


def _by_agency_dates(snapshot: CaseSnapshot) -> dict[str, DateIndex]:
    """Each agency's events indexed by their recorded dates, marking its concerns and its
    referrals or escalations."""
    out: dict[str, list[dict]] = defaultdict(list)
    for event in snapshot.events.values():
        out[event["agency"]].append(event)
    marks = {"concern": concern_event, "referral": lambda e: e["kind"] in ("referral", "escalation")}
    return {agency: DateIndex(events, marks=marks) for agency, events in out.items()}


#: Who a strategy discussion or case conference involves (Working Together: children's
#: social care, the police, health, the school, and the referring agency). Another agency
#: is medium when it recorded a concern, low when it recorded none.
_MEETING_PARTNERS = ("children_social_care", "police", "health_primary", "health_acute", "health_community",
                     "mental_health", "education")

def absent_from_meetings(snapshot: CaseSnapshot, meeting_days: int = 30) -> list[Item]:
    """An agency active within `meeting_days` of a meeting that neither held it nor attended it.
    Certain when one of its events falls within `meeting_days` for every day the recorded
    dates allow; possible (one step lower) when only some days do."""
    by_agency = _by_agency_dates(snapshot)  # built once, not per meeting
    span = dt.timedelta(days=meeting_days)
    items = []
    for meeting in snapshot.events.values():
        if meeting["kind"] not in vocab.MEETING_KINDS:
            continue
        when = meeting["when"]
        present = {meeting["agency"], *meeting["participants"]}
        low, high = when.earliest - span, when.latest + span
        for agency, dated in by_agency.items():
            if agency in present:
                continue
            nearby = dated.spans(low, high)
            if not nearby:
                continue
            certain = dated.any_within(when.latest - span, when.earliest + span)
            concerned = dated.marked(nearby, "concern")
            if meeting["kind"] in ("strategy_discussion", "case_conference"):
                partner = snapshot.sector(agency) in _MEETING_PARTNERS or dated.marked(nearby, "referral")
                severity = ("high" if concerned else "medium") if partner else ("medium" if concerned else "low")
            else:
                severity = "medium" if meeting["kind"] == "core_group" else "low"
            doubt = ("" if certain else " Its dates are recorded only to the month or year, so the records allow, "
                     "but do not show, that it was active then.")
            count = DateIndex.size(nearby)
            items.append(Item(
                "absent_from_meeting", severity if certain else LOWER[severity], [agency, meeting["agency"]],
                [meeting["id"], *dated.ids(nearby)], when, when,
                f"{snapshot.agency_name(agency)} was not at the {meeting['kind'].replace('_', ' ')} held by "
                f"{snapshot.agency_name(meeting['agency'])} {on(when)}, though it recorded "
                f"{count} event{'s' if count != 1 else ''} within {days_word(meeting_days)} of it"
                f"{' (including a concern)' if concerned else ''}.{doubt}",
                {"meeting_kind": meeting["kind"]}, CERTAIN if certain else POSSIBLE))
    return items


def discrepant_accounts(snapshot: CaseSnapshot) -> list[Item]:
    """Two accounts of one occurrence from different sources that differ in date or
    participants, or where one is disputed."""
    items = []
    for event in snapshot.events.values():
        for other_id in event["account_of"]:
            other = snapshot.events.get(other_id)
            if other is None or other["source"] == event["source"]:
                continue
            differing = []
            if not event["when"].overlaps(other["when"]):
                differing.append("date")  # a month and a day in it do not contradict each other
            present = {event["agency"], *event["participants"]}
            other_present = {other["agency"], *other["participants"]}
            if (event["participants"] or other["participants"]) and present != other_present:
                differing.append("participants")
            if event.get("disputed") or other.get("disputed"):
                differing.append("disputed")
            if not differing:
                continue
            parts = []
            if "date" in differing:
                parts.append(f"dates differ ({spoken(other['when'])} and {spoken(event['when'])})")
            if "participants" in differing:
                only = sorted(snapshot.agency_name(a) for a in present ^ other_present)
                parts.append(f"participants differ ({listed(only)} in one account only)")
            if "disputed" in differing:
                disputer = event if event.get("disputed") else other
                parts.append(f"{snapshot.agency_name(disputer['source'])} disputes the other account")
            items.append(Item(
                "discrepant_accounts", "high", sorted({event["source"], other["source"]}),
                sorted([event["id"], other["id"]]), min(event["when"], other["when"]),
                max(event["when"], other["when"], key=lambda w: (w.latest, w.earliest)),
                f"{snapshot.agency_name(other['source'])} and {snapshot.agency_name(event['source'])} give different "
                f"accounts of one {other['kind'].replace('_', ' ')}: {'; '.join(parts)}.",
                {"differing": differing}))
    return items


def one_way_flows(snapshot: CaseSnapshot, minimum: int = 2) -> list[Item]:
    """A sent B at least `minimum` communications and B never sent A any."""
    graph = communication_graph(snapshot)
    items = []
    for a, b in sorted({(u, v) for u, v in graph.edges()}):
        sent = sorted(graph.get_edge_data(a, b).values(),
                      key=lambda d: (snapshot.events[d["event_id"]]["when"], d["event_id"]))
        first, last = snapshot.events[sent[0]["event_id"]]["when"], snapshot.events[sent[-1]["event_id"]]["when"]
        if len(sent) < minimum or graph.has_edge(b, a):
            continue
        referrals = [d for d in sent if d["kind"] == "referral"]
        # Medium even for referrals: a referrer never answered is referral_without_feedback's
        # finding, high there, so one failure is not counted high twice (issue 10).
        items.append(Item(
            "one_way_flow", "medium", [a, b], [d["event_id"] for d in sent],
            first, last,
            f"{snapshot.agency_name(a)} sent {snapshot.agency_name(b)} {len(sent)} communications between "
            f"{spoken(first)} and {spoken(last)}"
            f"{f' ({len(referrals)} of them referrals)' if referrals else ''}; "
            f"{snapshot.agency_name(b)} never sent {snapshot.agency_name(a)} any.",
            {"count": len(sent)}))
    return items


def broker_dependencies(snapshot: CaseSnapshot) -> list[Item]:
    """An agency whose removal cuts active agencies off from each other (an articulation point
    of the undirected interaction graph), with the groups it separates."""
    graph = interaction_graph(snapshot)
    start, end = snapshot.recorded_period()
    items = []
    for broker in sorted(nx.articulation_points(graph)):
        rest = graph.copy()
        rest.remove_node(broker)
        groups = sorted((sorted(c) for c in nx.connected_components(rest)), key=lambda g: (-len(g), g))
        named = "; ".join(listed([snapshot.agency_name(a) for a in g]) for g in groups)
        items.append(Item(
            "broker_dependency", "medium", [broker, *sorted(a for g in groups for a in g)], [], start, end,
            f"Every exchange between these groups of agencies passes through {snapshot.agency_name(broker)}: "
            f"{named}. Without it they would not have been in touch at all.",
            {"broker": broker, "groups": groups}))
    return items
