"""NetworkX graphs built from a case snapshot, each for one family of questions.

- the agency communication graph: who sent whom what (directed, per event), and who met whom;
- the temporal information-flow graph: a time-expanded graph whose nodes are
  (agency, date), so that "had information from A on day d reached B by day t" is plain
  reachability (nx.ancestors / nx.descendants) over time-respecting paths;
- the causal graph: the CONTRIBUTED_TO links between events, decisions and factors.
"""

from __future__ import annotations

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
    """Every directed passing of information: communications one way, meetings both ways."""
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
    """The time-expanded graph: node (agency, day); waiting edges along each agency's days;
    contact edges from (sender, day) to (recipient, day). Same-day chains work in any order."""

    def __init__(self, snapshot: CaseSnapshot) -> None:
        self.graph = nx.DiGraph()
        days: dict[str, set[dt.date]] = defaultdict(set)
        links = contacts(snapshot)
        for c in links:
            days[c.sender].add(c.day)
            days[c.recipient].add(c.day)
        self.days = {agency: sorted(d) for agency, d in days.items()}
        for agency, ordered in self.days.items():
            self.graph.add_nodes_from((agency, d) for d in ordered)
            self.graph.add_edges_from(((agency, a), (agency, b)) for a, b in zip(ordered, ordered[1:], strict=False))
        self.graph.add_edges_from(((c.sender, c.day), (c.recipient, c.day)) for c in links)
        self._cache: dict[tuple[str, dt.date], dict[str, dt.date]] = {}

    def latest_sources(self, agency: str, by: dt.date) -> dict[str, dt.date]:
        """For each agency A, the latest day d such that what A held on day d had reached
        `agency` by `by` (the agency itself: `by`). Information A recorded on or before
        that day is known to `agency` then."""
        key = (agency, by)
        if key in self._cache:
            return self._cache[key]
        latest: dict[str, dt.date] = {agency: by}
        ordered = self.days.get(agency, [])
        last = next((d for d in reversed(ordered) if d <= by), None)
        if last is not None:
            for source, day in nx.ancestors(self.graph, (agency, last)):
                if source != agency and day > latest.get(source, dt.date.min):
                    latest[source] = day
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
    graph = nx.DiGraph()
    for kind, table in (("event", snapshot.events), ("decision", snapshot.decisions),
                        ("factor", snapshot.factors)):
        for ident, record in table.items():
            graph.add_node(f"{kind}:{ident}", kind=kind, id=ident, record=record)
    for link in snapshot.causal_links:
        graph.add_edge(node_key(link["cause"]), node_key(link["effect"]), link=link)
    return graph
