"""The agency network for the UI: communications per direction, meetings, betweenness and
the articulation points (brokers) of the interaction graph."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from causalmap import vocab
from causalmap.analysis.graphs import communication_graph, contacts, interaction_graph
from causalmap.snapshot import CaseSnapshot


def agency_network(snapshot: CaseSnapshot) -> dict[str, Any]:
    sent = communication_graph(snapshot)
    talk = interaction_graph(snapshot)
    betweenness = nx.betweenness_centrality(talk) if talk.number_of_nodes() > 2 else {}
    brokers = set(nx.articulation_points(talk)) if talk.number_of_nodes() else set()
    events = Counter(e["agency"] for e in snapshot.events.values())
    meetings: Counter[tuple[str, str]] = Counter()
    for c in contacts(snapshot):
        if c.kind in vocab.MEETING_KINDS and c.sender < c.recipient:
            meetings[(c.sender, c.recipient)] += 1
    return {
        "agencies": [{"id": a, "name": r["name"], "sector": r["sector"], "events": events.get(a, 0),
                      "betweenness": round(betweenness.get(a, 0.0), 4), "articulation_point": a in brokers}
                     for a, r in sorted(snapshot.agencies.items())],
        "communications": [{"from": u, "to": v, "count": sent.number_of_edges(u, v), "kinds": _kinds(sent, u, v)}
                           for u, v in sorted({(u, v) for u, v in sent.edges()})],
        "meetings": [{"agencies": [a, b], "count": n} for (a, b), n in sorted(meetings.items())],
        "articulation_points": sorted(brokers),
    }


def _kinds(graph: nx.MultiDiGraph, u: str, v: str) -> dict[str, int]:
    return dict(sorted(Counter(d["kind"] for d in graph.get_edge_data(u, v).values()).items()))
