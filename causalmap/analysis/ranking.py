"""What a panel reads first: a score with its reasons for every item, and stories.

The detectors find what inquiries found, but a 40-event chronology gives dozens of items
and a panel reads the top of the list in a meeting and stops. Severity alone ties too
often to order them, so every item gets a score: the sum of the reasons below, each a
thing reviews name as what made a missed opportunity serious. Lists are ordered by it.

Items a panel reads as one thing make a story: one pair of agencies' silences, unanswered
contacts and one-way flow; one meeting's absentees; one agency's own patterns. Each item
still stands for one occurrence, exactly as its rule defines it, and says its story.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from causalmap import vocab
from causalmap.analysis.concerns import HARM_DAYS, harm_after
from causalmap.analysis.dates import POSSIBLE, RecordedDate, of_day
from causalmap.analysis.gaps import concern_event
from causalmap.analysis.graphs import causal_graph
from causalmap.analysis.items import SEVERITY_ORDER, Item, listed
from causalmap.snapshot import CaseSnapshot

__all__ = ["POINTS", "rank", "story_of"]

#: The reasons and their points (docs/analysts.md, "Ranking", says why each is there).
POINTS = {
    "severity_high": 40,
    "severity_medium": 20,
    "referral": 15,
    "concern_not_referred": 15,
    "harm_after": 15,
    "outcome_link": 15,
    "concern": 10,
    "child_protection": 10,
    "repeated": 5,            # per further item in the same story, at most REPEATED_CAP
    "possible": -15,
    "no_reason_to_talk": -20,
    "structural": -10,
}
REPEATED_CAP = 10

PAIR_TYPES = ("unanswered_handoff", "late_response", "silent_pair", "one_way_flow", "referral_without_feedback",
              "information_not_reached", "concern_not_referred", "discrepant_accounts")
AGENCY_TYPES = ("start_again", "agency_silent", "repeated_missed_appointments", "no_strategy_discussion",
                "disagreement_without_escalation", "broker_dependency")


def story_of(item: Item) -> str:
    """The story an item belongs to: 'pair:A|B', 'meeting:EVENT', 'agency:A', or the item's
    own record for the review quality checks ('link:ID', 'finding:ID', ...)."""
    if item.type in PAIR_TYPES and len(item.agencies) >= 2:
        return "pair:" + "|".join(sorted(item.agencies[:2]))
    if item.type == "absent_from_meeting":
        return "meeting:" + item.event_ids[0]
    if item.type in AGENCY_TYPES and item.agencies:
        return "agency:" + (item.details.get("broker") or item.agencies[0])
    for key in ("link_id", "finding_id", "factor_id", "recommendation_id", "episode_id"):
        if item.details.get(key):
            return f"{key.removesuffix('_id')}:{item.details[key]}"
    if item.details.get("node"):
        return f"{item.details['node']}:{item.details['id']}"
    return f"{item.type}:{'|'.join(item.agencies + item.event_ids)}"


def _end_of(item: Item) -> RecordedDate | None:
    end = item.end or item.start
    if end is None or isinstance(end, RecordedDate):
        return end
    return of_day(end)


def _outcome_causes(snapshot: CaseSnapshot) -> set[str]:
    """Event ids (and decisions' meeting events) with a causal path to an outcome event."""
    graph = causal_graph(snapshot)
    found: set[str] = set()
    for node, data in graph.nodes(data=True):
        if data["kind"] == "event" and data["record"].get("kind") == "outcome":
            for cause in nx.ancestors(graph, node):
                kind, ident = graph.nodes[cause]["kind"], graph.nodes[cause]["id"]
                if kind == "event":
                    found.add(ident)
                elif kind == "decision" and graph.nodes[cause]["record"].get("made_at"):
                    found.add(graph.nodes[cause]["record"]["made_at"])
    return found


class _Marks:
    """What the reasons ask of every record, worked out once per ranking rather than once per
    item: an absentee's item lists every event it recorded near the meeting, so asking each
    event again per item made ranking the largest part of a big case's analysis."""

    def __init__(self, snapshot: CaseSnapshot, linked: set[str]) -> None:
        events = snapshot.events
        self.concerns = frozenset(i for i, e in events.items() if concern_event(e))
        self.carried = frozenset(i for i, e in events.items()
                                 if e["kind"] in vocab.COMMUNICATION_KINDS and e.get("concern"))
        self.linked = frozenset(linked)
        self.protection = frozenset(a for a in snapshot.agencies
                                    if snapshot.sector(a) in vocab.CHILD_PROTECTION_SECTORS)
        self._any = self.concerns | self.carried | self.linked

    def among(self, event_ids: list[str]) -> frozenset[str]:
        """The item's events that any reason asks about, in one pass over its (possibly
        long) list; each reason then looks only at these few."""
        return self._any.intersection(event_ids)


def _reasons(snapshot: CaseSnapshot, item: Item, story_size: int, story_kind: str,
             marks: _Marks) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    marked = marks.among(item.event_ids)

    def add(key: str, text: str, points: int | None = None) -> None:
        out.append({"reason": text, "points": POINTS[key] if points is None else points})

    if item.severity in ("high", "medium"):
        add(f"severity_{item.severity}", f"{item.severity} severity by its rule")
    kinds = {item.details.get("kind"), item.details.get("meeting_kind")}
    if item.type in ("one_way_flow", "referral_without_feedback"):
        kinds |= {snapshot.events[i]["kind"] for i in item.event_ids if i in snapshot.events}
    carried = (item.type in ("unanswered_handoff", "late_response", "one_way_flow")
               and not marks.carried.isdisjoint(marked))
    if kinds & {"referral", "escalation"} or carried:
        add("referral", "a referral or an escalation" if not carried else "a communication passing on a concern")
    if item.type == "concern_not_referred":
        add("concern_not_referred", "a concern that never reached children's social care")
    # An absentee's own records, not the meeting, say whether it held a concern.
    own = marked - {item.event_ids[0]} if item.type == "absent_from_meeting" else marked
    if not marks.concerns.isdisjoint(own):
        add("concern", "rests on a concern about the child")
    if not marks.protection.isdisjoint(item.agencies):
        add("child_protection", "children's social care or the police involved")
    harm = harm_after(snapshot, _end_of(item)) if item.type != "broker_dependency" else []
    if harm:
        first = harm[0]
        add("harm_after", f"harm followed within {HARM_DAYS} days ({first['kind']} {first['when'].on()})")
    if not marks.linked.isdisjoint(marked):
        add("outcome_link", "on a mapped causal path to the outcome")
    if story_size > 1:
        points = min(POINTS["repeated"] * (story_size - 1), REPEATED_CAP)
        what = ("agencies left out of this meeting" if story_kind == "meeting" else
                "items between the same agencies" if story_kind == "pair" else "items about the same agency")
        add("repeated", f"one of {story_size} {what}", points)
    if item.certainty == POSSIBLE:
        add("possible", "only possible on the recorded dates")
    if item.details.get("reason_to_talk") is False:
        add("no_reason_to_talk", "no evident reason to talk")
    if item.type == "broker_dependency":
        add("structural", "a structural observation, not an occurrence")
    return out


def rank(snapshot: CaseSnapshot, families: dict[str, list[Item]]) -> tuple[dict[str, list[dict[str, Any]]],
                                                                             list[dict[str, Any]]]:
    """Each family's items as dicts with `score`, `reasons` and `story`, ordered by score
    (then severity, date, type); and the stories across the families, ordered the same way."""
    members: dict[str, list[Item]] = defaultdict(list)
    for items in families.values():
        for item in items:
            members[story_of(item)].append(item)
    linked = _outcome_causes(snapshot) if snapshot.causal_links else set()
    marks = _Marks(snapshot, linked)
    scored: dict[int, dict[str, Any]] = {}
    for story, items in members.items():
        kind = story.split(":", 1)[0]
        for item in items:
            reasons = _reasons(snapshot, item, len(items), kind, marks)
            scored[id(item)] = {**item.as_dict(), "score": sum(r["points"] for r in reasons), "reasons": reasons,
                                "story": story}

    def key(d: dict[str, Any]) -> tuple:
        return (-d["score"], SEVERITY_ORDER[d["severity"]], d["period"]["earliest"] or "9999", d["type"],
                d["agencies"], d["event_ids"])

    keys = {ident: key(d) for ident, d in scored.items()}  # once per item, not once per list it is in

    def in_order(items: list[Item]) -> list[dict[str, Any]]:
        return [scored[id(i)] for i in sorted(items, key=lambda i: keys[id(i)])]

    ordered = {family: in_order(items) for family, items in families.items()}
    stories = [_story(snapshot, story, in_order(items)) for story, items in members.items()]
    stories.sort(key=lambda s: (-s["score"], SEVERITY_ORDER[s["severity"]], s["period"]["earliest"] or "9999",
                                s["id"]))
    return ordered, stories


def _story(snapshot: CaseSnapshot, story: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    kind, _, rest = story.partition(":")
    agencies = sorted({a for i in items for a in i["agencies"]})
    if kind == "pair":
        title = listed([snapshot.agency_name(a) for a in rest.split("|")])
    elif kind == "meeting":
        meeting = snapshot.events.get(rest) or {}
        title = (f"The {str(meeting.get('kind', 'meeting')).replace('_', ' ')} held by "
                 f"{snapshot.agency_name(meeting.get('agency'))} "
                 f"{meeting['when'].on() if meeting.get('when') else ''}").strip()
    elif kind == "agency":
        title = snapshot.agency_name(rest)
    else:
        title = items[0]["type"].replace("_", " ")
    starts = [i["period"]["earliest"] for i in items if i["period"]["earliest"]]
    ends = [i["period"]["latest"] for i in items if i["period"]["latest"]]
    return {
        "id": story, "kind": kind, "title": title, "agencies": agencies,
        "score": items[0]["score"], "severity": min((i["severity"] for i in items), key=SEVERITY_ORDER.get),
        "types": sorted({i["type"] for i in items}), "items": len(items),
        "event_ids": sorted(set().union(*(i["event_ids"] for i in items))),
        "period": {"earliest": min(starts) if starts else None, "latest": max(ends) if ends else None},
        "reasons": items[0]["reasons"],
    }

