"""NetworkX graphs built from a case snapshot, each for one family of questions.

- the agency communication graph: who sent whom what (directed, per event), and who met whom;
- the temporal information-flow graph: a time-expanded graph whose nodes are
  (agency, date), so that "had information from A on day d reached B by day t" is
  reachability over time-respecting paths (computed for every node in one pass);
- the causal graph: the CONTRIBUTED_TO links between events, decisions and factors.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from causalmap import vocab
from causalmap.snapshot import CaseSnapshot


@dataclass(frozen=True)
class Contact:
    """Information passing on a day: a communication from sender to recipient, or a meeting."""

    day: dt.date
    sender: str
    recipient: str
    event_id: str
    kind: str


def contacts(snapshot: CaseSnapshot) -> list[Contact]:
    """Every directed passing of information: communications one way, meetings both ways
    (worked out once per snapshot: four detectors read them)."""
    if "contacts" not in snapshot.derived:
        snapshot.derived["contacts"] = _contacts(snapshot)
    return snapshot.derived["contacts"]


def _contacts(snapshot: CaseSnapshot) -> list[Contact]:
    out = []
    for event in snapshot.events.values():
        kind, day = event["kind"], event["day"]
        if kind in vocab.COMMUNICATION_KINDS:
            out.extend(Contact(day, event["agency"], to, event["id"], kind) for to in event["to_agencies"])
        elif kind in vocab.MEETING_KINDS:
            present = sorted({event["agency"], *event["participants"]})
            out.extend(Contact(day, a, b, event["id"], kind) for a in present for b in present if a != b)
    return sorted(out, key=lambda c: (c.day, c.event_id, c.sender, c.recipient))


def communication_graph(snapshot: CaseSnapshot) -> nx.MultiDiGraph:
    """Agencies as nodes; one edge per communication event from sender to each recipient."""
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(snapshot.agencies)
    for contact in contacts(snapshot):
        if contact.kind in vocab.COMMUNICATION_KINDS:
            graph.add_edge(contact.sender, contact.recipient, event_id=contact.event_id, kind=contact.kind,
                           day=contact.day)
    return graph


def interaction_graph(snapshot: CaseSnapshot) -> nx.Graph:
    """Undirected: two agencies are joined when either sent the other anything or both met."""
    graph = nx.Graph()
    graph.add_nodes_from(active_agencies(snapshot))
    for contact in contacts(snapshot):
        graph.add_edge(contact.sender, contact.recipient)
    return graph


def active_agencies(snapshot: CaseSnapshot) -> set[str]:
    return {e["agency"] for e in snapshot.events.values()}


class InformationFlow:
    """Who had heard from whom by when, over the time-expanded graph: node (agency, day) for
    each day an agency sent, received or met; waiting edges along each agency's days;
    contact edges from (sender, day) to (recipient, day). Same-day chains work in any order.

    Computed in one pass in day order instead of one reachability search per question: the
    state of node (agency, day) is, for every source agency, the latest day of that source
    among the node's ancestors. A node inherits the state of the agency's previous day,
    then each day's contacts pass states on until nothing changes (same-day chains), so
    the cost is the number of contacts times the number of agencies, not contacts squared.
    """

    def __init__(self, snapshot: CaseSnapshot) -> None:
        by_day: dict[dt.date, list[Contact]] = defaultdict(list)
        for c in contacts(snapshot):
            by_day[c.day].append(c)
        self.days: dict[str, list[dt.date]] = defaultdict(list)
        self._states: dict[str, list[dict[str, dt.date]]] = defaultdict(list)
        current: dict[str, dict[str, dt.date]] = {}
        for day in sorted(by_day):
            today = by_day[day]
            states: dict[str, dict[str, dt.date]] = {}
            for c in today:
                for agency in (c.sender, c.recipient):
                    if agency not in states:
                        states[agency] = {**current.get(agency, {}), agency: day}
            recipients: dict[str, set[str]] = defaultdict(set)
            for c in today:
                recipients[c.sender].add(c.recipient)
            waiting = list(recipients)
            while waiting:  # same-day chains, in any order: pass a state on whenever it grows
                sender = waiting.pop()
                sent = states[sender]
                for recipient in recipients[sender]:
                    held, grew = states[recipient], False
                    for source, latest in sent.items():
                        if latest > held.get(source, dt.date.min):
                            held[source] = latest
                            grew = True
                    if grew and recipient in recipients:
                        waiting.append(recipient)
            for agency, state in states.items():
                current[agency] = state
                self.days[agency].append(day)
                self._states[agency].append(state)
        self._cache: dict[tuple[str, dt.date], dict[str, dt.date]] = {}

    def latest_sources(self, agency: str, by: dt.date) -> dict[str, dt.date]:
        """For each agency A, the latest day d such that what A held on day d had reached
        `agency` by `by` (the agency itself: `by`). Information A recorded on or before
        that day is known to `agency` then."""
        key = (agency, by)
        if key in self._cache:
            return self._cache[key]
        latest: dict[str, dt.date] = {agency: by}
        index = bisect.bisect_right(self.days.get(agency, []), by) - 1
        if index >= 0:
            latest.update((source, day) for source, day in self._states[agency][index].items() if source != agency)
        self._cache[key] = latest
        return latest

    def reached(self, source: str, recorded: dt.date, agency: str, by: dt.date) -> bool:
        """Had what `source` recorded on `recorded` reached `agency` by `by`?"""
        if recorded > by:
            return False
        return recorded <= self.latest_sources(agency, by).get(source, dt.date.min)


def node_key(ref: dict[str, str]) -> str:
    """Causal-graph node names: 'event:ID', 'decision:ID', 'factor:ID' (ids may repeat across kinds)."""
    return f"{ref['node']}:{ref['id']}"


def causal_graph(snapshot: CaseSnapshot) -> nx.DiGraph:
    """The events, decisions and factors that causal links join (a record no link touches
    is on no chain, loop or cut), and the links."""
    graph = nx.DiGraph()
    for link in snapshot.causal_links:
        for end in (link["cause"], link["effect"]):
            record = snapshot.node(end) if end["node"] in ("event", "decision", "factor") else None
            if record is not None:
                graph.add_node(node_key(end), kind=end["node"], id=end["id"], record=record)
        graph.add_edge(node_key(link["cause"]), node_key(link["effect"]), link=link)
    return graph
