"""Inter-agency interaction gaps (analysis.md section 1): where communication did not happen,
happened late, or where agencies' accounts disagree."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import defaultdict

import networkx as nx

from causalmap import vocab
from causalmap.analysis.graphs import active_agencies, communication_graph, contacts, interaction_graph
from causalmap.analysis.items import Item, days_word, listed, quoted, spoken
from causalmap.analysis.rules import Rules
from causalmap.snapshot import CaseSnapshot

__all__ = ["unanswered_handoffs", "late_responses", "silent_pairs", "absent_from_meetings",
           "discrepant_accounts", "one_way_flows", "broker_dependencies"]

HANDOFF_KINDS = ("referral", "information_sharing", "request", "escalation")
CONCERN_KINDS = ("referral", "escalation", "incident", "medical", "strategy_discussion")
_ARTICLE = {"information_sharing": "a piece of information sharing", "escalation": "an escalation",
            "incident": "an incident"}


def a_kind(kind: str) -> str:
    return _ARTICLE.get(kind, "a " + kind.replace("_", " "))


def _responses(snapshot: CaseSnapshot) -> dict[str, list[dict]]:
    by_target: dict[str, list[dict]] = defaultdict(list)
    for event in snapshot.events.values():
        for target in event["responds_to"]:
            by_target[target].append(event)
    return by_target


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
                event["day"], event["day"],
                f"On {spoken(event['day'])} {sender} sent {snapshot.agency_name(recipient)} "
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
                             key=lambda r: (r["day"], r["id"]))
            if not answers:
                continue
            first = answers[0]
            window = rules.window_for(event["kind"], snapshot.sector(recipient), response_days)
            elapsed = rules.elapsed(event["day"], first["day"], window)
            if elapsed <= window.days:
                continue
            unit = "working days" if window.working_days else "days"
            items.append(Item(
                "late_response", _handoff_severity(event["kind"]), [event["agency"], recipient],
                [event["id"], first["id"]], event["day"], first["day"],
                f"{snapshot.agency_name(event['agency'])} sent {snapshot.agency_name(recipient)} "
                f"{a_kind(event['kind'])} on {spoken(event['day'])}; the first response came on "
                f"{spoken(first['day'])}, {elapsed} {unit} later (expected within {window.describe()}).",
                {"kind": event["kind"], "elapsed": elapsed, "expected_within": window.days,
                 "working_days": window.working_days}))
    return items


def _windows(snapshot: CaseSnapshot, window_days: int) -> list[tuple[dt.date, dt.date]]:
    start, end = snapshot.period()
    if start is None or end is None:
        return []
    out = []
    while start <= end:
        out.append((start, start + dt.timedelta(days=window_days - 1)))
        start += dt.timedelta(days=window_days)
    return out


def silent_pairs(snapshot: CaseSnapshot, window_days: int = 90) -> list[Item]:
    """Two agencies both active in a window who never communicate in it (nor meet);
    consecutive silent windows of one pair make one gap."""
    windows = _windows(snapshot, window_days)
    acts: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for event in snapshot.events.values():
        acts[(event["agency"], (event["day"] - windows[0][0]).days // window_days)].append(event)
    talked: set[tuple[str, str, int]] = set()
    for c in contacts(snapshot):
        talked.add((*sorted((c.sender, c.recipient)), (c.day - windows[0][0]).days // window_days))
    agencies = sorted(active_agencies(snapshot))
    items = []
    for a, b in itertools.combinations(agencies, 2):
        run: list[int] = []
        for index in range(len(windows) + 1):
            silent = (index < len(windows) and acts.get((a, index)) and acts.get((b, index))
                      and (a, b, index) not in talked)
            if silent:
                run.append(index)
                continue
            if run:
                items.append(_silent_item(snapshot, a, b, run, windows, acts))
                run = []
    return items


def _silent_item(snapshot: CaseSnapshot, a: str, b: str, run: list[int], windows: list[tuple[dt.date, dt.date]],
                 acts: dict[tuple[str, int], list[dict]]) -> Item:
    a_events = [e for i in run for e in acts[(a, i)]]
    b_events = [e for i in run for e in acts[(b, i)]]
    start, end = windows[run[0]][0], windows[run[-1]][1]
    both_twice = len(a_events) >= 2 and len(b_events) >= 2
    concern = any(e["kind"] in CONCERN_KINDS for e in a_events + b_events)
    protective = {snapshot.sector(a), snapshot.sector(b)} & set(vocab.CHILD_PROTECTION_SECTORS)
    severity = "high" if both_twice and (protective or concern) else "medium" if both_twice else "low"
    events = sorted(e["id"] for e in a_events + b_events)
    return Item(
        "silent_pair", severity, [a, b], events, start, end,
        f"From {spoken(start)} to {spoken(end)} {snapshot.agency_name(a)} recorded {len(a_events)} event"
        f"{'s' if len(a_events) != 1 else ''} and {snapshot.agency_name(b)} {len(b_events)}, but neither "
        "communicated with the other nor met it.",
        {"windows": len(run)})


def _by_agency_days(snapshot: CaseSnapshot) -> dict[str, list[tuple[dt.date, dict]]]:
    out: dict[str, list[tuple[dt.date, dict]]] = defaultdict(list)
    for event in snapshot.events.values():
        out[event["agency"]].append((event["day"], event))
    for values in out.values():
        values.sort(key=lambda pair: (pair[0], pair[1]["id"]))
    return out


def absent_from_meetings(snapshot: CaseSnapshot, meeting_days: int = 30) -> list[Item]:
    """An agency active within `meeting_days` of a meeting that neither held it nor attended it."""
    by_agency = _by_agency_days(snapshot)
    days_of = {agency: [d for d, _ in dated] for agency, dated in by_agency.items()}  # built once, not per meeting
    items = []
    for meeting in snapshot.events.values():
        if meeting["kind"] not in vocab.MEETING_KINDS:
            continue
        present = {meeting["agency"], *meeting["participants"]}
        low, high = meeting["day"] - dt.timedelta(days=meeting_days), meeting["day"] + dt.timedelta(days=meeting_days)
        for agency, dated in by_agency.items():
            if agency in present:
                continue
            days = days_of[agency]
            nearby = [e for _, e in dated[bisect.bisect_left(days, low):bisect.bisect_right(days, high)]]
            if not nearby:
                continue
            concerned = any(e["kind"] in CONCERN_KINDS or e["kind"] in vocab.COMMUNICATION_KINDS for e in nearby)
            if meeting["kind"] in ("strategy_discussion", "case_conference"):
                severity = "high" if concerned else "medium"
            else:
                severity = "medium" if meeting["kind"] == "core_group" else "low"
            items.append(Item(
                "absent_from_meeting", severity, [agency, meeting["agency"]],
                [meeting["id"], *sorted(e["id"] for e in nearby)], meeting["day"], meeting["day"],
                f"{snapshot.agency_name(agency)} was not at the {meeting['kind'].replace('_', ' ')} held by "
                f"{snapshot.agency_name(meeting['agency'])} on {spoken(meeting['day'])}, though it recorded "
                f"{len(nearby)} event{'s' if len(nearby) != 1 else ''} within {days_word(meeting_days)} of it"
                f"{' (including a concern or a communication)' if concerned else ''}.",
                {"meeting_kind": meeting["kind"]}))
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
            if event["date"] != other["date"]:
                differing.append("date")
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
                parts.append(f"dates differ ({spoken(other['day'])} and {spoken(event['day'])})")
            if "participants" in differing:
                only = sorted(snapshot.agency_name(a) for a in present ^ other_present)
                parts.append(f"participants differ ({listed(only)} in one account only)")
            if "disputed" in differing:
                disputer = event if event.get("disputed") else other
                parts.append(f"{snapshot.agency_name(disputer['source'])} disputes the other account")
            items.append(Item(
                "discrepant_accounts", "high", sorted({event["source"], other["source"]}),
                sorted([event["id"], other["id"]]), min(event["day"], other["day"]), max(event["day"], other["day"]),
                f"{snapshot.agency_name(other['source'])} and {snapshot.agency_name(event['source'])} give different "
                f"accounts of one {other['kind'].replace('_', ' ')}: {'; '.join(parts)}.",
                {"differing": differing}))
    return items


def one_way_flows(snapshot: CaseSnapshot, minimum: int = 2) -> list[Item]:
    """A sent B at least `minimum` communications and B never sent A any."""
    graph = communication_graph(snapshot)
    items = []
    for a, b in sorted({(u, v) for u, v in graph.edges()}):
        sent = sorted(graph.get_edge_data(a, b).values(), key=lambda d: (d["day"], d["event_id"]))
        if len(sent) < minimum or graph.has_edge(b, a):
            continue
        referrals = [d for d in sent if d["kind"] == "referral"]
        items.append(Item(
            "one_way_flow", "high" if referrals else "medium", [a, b], [d["event_id"] for d in sent],
            sent[0]["day"], sent[-1]["day"],
            f"{snapshot.agency_name(a)} sent {snapshot.agency_name(b)} {len(sent)} communications between "
            f"{spoken(sent[0]['day'])} and {spoken(sent[-1]['day'])}"
            f"{f' ({len(referrals)} of them referrals)' if referrals else ''}; "
            f"{snapshot.agency_name(b)} never sent {snapshot.agency_name(a)} any.",
            {"count": len(sent)}))
    return items


def broker_dependencies(snapshot: CaseSnapshot) -> list[Item]:
    """An agency whose removal cuts active agencies off from each other (an articulation point
    of the undirected interaction graph), with the groups it separates."""
    graph = interaction_graph(snapshot)
    start, end = snapshot.period()
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
