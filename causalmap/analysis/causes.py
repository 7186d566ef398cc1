"""Causal structure of the CONTRIBUTED_TO graph (analysis.md section 2): chains from the
contributory factors to the outcome, leverage points (a minimum node cut), and loops."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import networkx as nx

from causalmap.analysis.graphs import causal_graph
from causalmap.analysis.items import Item, quoted, spoken
from causalmap.snapshot import CaseSnapshot

__all__ = ["causal_chains", "leverage_points", "causal_loops", "causal_targets"]

_STRENGTH = {"weak": 1, "moderate": 2, "strong": 3}
_CONFIDENCE = {"low": 1, "medium": 2, "high": 3}


def causal_targets(snapshot: CaseSnapshot, target: str | None = None) -> list[str]:
    """The chosen target ('event:ID' or 'decision:ID'), or every outcome event."""
    if target:
        return [target]
    return sorted(f"event:{e['id']}" for e in snapshot.events.values() if e["kind"] == "outcome")


def _label(graph: nx.DiGraph, node: str, snapshot: CaseSnapshot) -> str:
    data = graph.nodes[node]
    record = data["record"]
    if data["kind"] == "factor":
        return f"factor {quoted(record['description'], 60)}"
    return (f"{data['kind']} {quoted(record['description'], 60)} ({snapshot.agency_name(record.get('agency'))}, "
            f"{spoken(record['when'])})")


def _dated(graph: nx.DiGraph, nodes: list[str]) -> list:
    return [graph.nodes[n]["record"]["when"] for n in nodes
            if graph.nodes[n]["kind"] != "factor" and graph.nodes[n]["record"].get("when")]


def _last(days: list) -> object:
    return max(days, key=lambda w: (w.latest, w.earliest)) if days else None


def _item_refs(graph: nx.DiGraph, nodes: list[str]) -> tuple[list[str], list[str], list[dict[str, str]]]:
    agencies = sorted({graph.nodes[n]["record"].get("agency") for n in nodes} - {None})
    events = sorted({graph.nodes[n]["record"].get("made_at") or graph.nodes[n]["id"] for n in nodes
                     if graph.nodes[n]["kind"] != "factor"})
    refs = [{"node": graph.nodes[n]["kind"], "id": graph.nodes[n]["id"]} for n in nodes]
    return agencies, events, refs


def _chain_paths(graph: nx.DiGraph, targets: list[str], max_length: int, max_chains: int) -> list[list[str]]:
    factors = sorted(n for n, d in graph.nodes(data=True) if d["kind"] == "factor" and graph.out_degree(n))
    paths: list[list[str]] = []
    for factor, target in itertools.product(factors, targets):
        if target in graph and factor != target:
            paths.extend(itertools.islice(nx.all_simple_paths(graph, factor, target, cutoff=max_length), max_chains))
    return paths


def _score(graph: nx.DiGraph, path: list[str]) -> tuple[int, float, int]:
    links = [graph.edges[u, v]["link"] for u, v in zip(path, path[1:], strict=False)]
    weakest = min(_STRENGTH.get(link.get("strength") or "", 1) for link in links)
    confidence = sum(_CONFIDENCE.get(link.get("confidence") or "", 1) for link in links) / len(links)
    return weakest, confidence, -len(path)


def causal_chains(snapshot: CaseSnapshot, target: str | None = None, max_length: int = 8,
                  max_chains: int = 50) -> list[dict[str, Any]]:
    """Simple paths from contributory factors to the target, strongest first (weakest link,
    then mean confidence, then the shorter)."""
    graph = causal_graph(snapshot)
    paths = _chain_paths(graph, causal_targets(snapshot, target), max_length, max_chains * 20)
    paths.sort(key=lambda p: (tuple(-x for x in _score(graph, p)), p))
    items = []
    for path in paths[:max_chains]:
        agencies, events, refs = _item_refs(graph, path)
        days = _dated(graph, path)
        weakest, confidence, _ = _score(graph, path)
        items.append(Item(
            "causal_chain", "high" if weakest == 3 else "medium" if weakest == 2 else "low", agencies, events,
            min(days) if days else None, _last(days),
            " led to ".join(_label(graph, n, snapshot) for n in path) + ".",
            {"nodes": refs, "links": [graph.edges[u, v]["link"]["id"] for u, v in zip(path, path[1:], strict=False)],
             "weakest_strength": {v: k for k, v in _STRENGTH.items()}[weakest],
             "mean_confidence": round(confidence, 2)}).as_dict())
    return items


def leverage_points(snapshot: CaseSnapshot, target: str | None = None, max_length: int = 8,
                    max_chains: int = 1000) -> dict[str, Any]:
    """The smallest set of events or decisions whose removal breaks every chain from the
    factors to the target (minimum s-t node cut; factors and the target cannot be cut), and
    for each node on a chain how many chains pass through it."""
    graph = causal_graph(snapshot)
    targets = [t for t in causal_targets(snapshot, target) if t in graph]
    paths = _chain_paths(graph, targets, max_length, max_chains)
    through = Counter(n for p in paths for n in p[1:-1])
    scores = [{"node": graph.nodes[n]["kind"], "id": graph.nodes[n]["id"], "chains": c}
              for n, c in sorted(through.items(), key=lambda kv: (-kv[1], kv[0]))]
    if not paths:
        return {"cut": [], "chains": 0, "scores": [], "explanation": "No chain links a contributory factor to the "
                "target, so there is nothing to cut."}
    on_chain = {n for p in paths for n in p}
    flow = nx.DiGraph()
    for node in on_chain:
        cuttable = graph.nodes[node]["kind"] != "factor" and node not in targets
        flow.add_edge((node, "in"), (node, "out"), **({"capacity": 1} if cuttable else {}))
    for u, v in graph.subgraph(on_chain).edges():
        flow.add_edge((u, "out"), (v, "in"))
    for node in on_chain:
        if graph.nodes[node]["kind"] == "factor":
            flow.add_edge("SOURCE", (node, "in"))
        if node in targets:
            flow.add_edge((node, "out"), "TARGET")
    try:
        _, (reachable, _) = nx.minimum_cut(flow, "SOURCE", "TARGET")
    except nx.NetworkXUnbounded:
        return {"cut": [], "chains": len(paths), "scores": scores,
                "explanation": "A factor links straight to the target, so no set of events or decisions breaks "
                "every chain."}
    cut = sorted(n for n in on_chain if (n, "in") in reachable and (n, "out") not in reachable)
    names = "; ".join(_label(graph, n, snapshot) for n in cut)
    return {"cut": [{"node": graph.nodes[n]["kind"], "id": graph.nodes[n]["id"]} for n in cut],
            "chains": len(paths), "scores": scores,
            "explanation": f"Every one of the {len(paths)} chains from the contributory factors to the target passes "
                           f"through {'this' if len(cut) == 1 else 'one of these'} {len(cut)} point"
                           f"{'s' if len(cut) != 1 else ''}: {names}. Had practice gone differently here, "
                           "no mapped chain would reach the outcome."}


def causal_loops(snapshot: CaseSnapshot, max_length: int = 8) -> list[dict[str, Any]]:
    """Causal cycles (feedback loops), each once, shortest first."""
    graph = causal_graph(snapshot)
    cycles = sorted((c for c in nx.simple_cycles(graph, length_bound=max_length)), key=lambda c: (len(c), c))
    items = []
    for cycle in cycles:
        start = cycle.index(min(cycle))
        cycle = cycle[start:] + cycle[:start]
        agencies, events, refs = _item_refs(graph, cycle)
        days = _dated(graph, cycle)
        items.append(Item(
            "causal_loop", "medium", agencies, events, min(days) if days else None, _last(days),
            "A feedback loop: " + " fed ".join(_label(graph, n, snapshot) for n in [*cycle, cycle[0]]) + ".",
            {"nodes": refs}).as_dict())
    return items
