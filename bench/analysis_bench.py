"""The full analysis of generated 15-agency cases of 5,000, 10,000 and 20,000 events (one
causal link per 25 events), end to end from Neo4j.

Each part against its own floor, in the same run: reading the case (one read transaction)
against one bare Cypher read of the same events and links; computing every family against
NetworkX's own traversal of the same time-expanded graph (built and visited once); the whole
against exporting the same case. And the growth exponent over the three sizes.
"""

from __future__ import annotations

import math
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

from bench.generate import write_chronology
from bench.import_bench import delete
from causalmap import vocab
from causalmap.analysis.graphs import contacts
from causalmap.analysis.report import Parameters, analyse
from causalmap.analysis.rules import load_rules
from causalmap.chronology import check_chronology, read_table
from causalmap.interchange.case_json import FORMAT, FORMAT_VERSION, chronology_sections, export_case, import_case
from causalmap.snapshot import CaseSnapshot
from causalmap.store import Store
from causalmap.store.snapshot import read_snapshot

SIZES = (5_000, 10_000, 20_000)
FLOOR = ("MATCH (e:Event {case_id: $case_id}) RETURN properties(e) AS p, "
         "[(e)-[:TO|ATTENDED_BY|RESPONDS_TO]->(t) | t.id] AS links")


def generated_case(events: int, agencies: int, factors: int = 60, links: int = 400) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        chronology = check_chronology(read_table(write_chronology(Path(tmp) / "c.csv", events, agencies)))
    doc: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION, "case": {"title": "Generated"},
                           **chronology_sections(chronology)}
    rng = random.Random(11)
    ids = sorted(doc["events"], key=lambda e: e["date"])
    categories = list(vocab.TYPOLOGY)
    doc["factors"] = [{"id": f"f{i}", "description": f"Factor {i}", "category": categories[i % 6],
                       "valence": "unsafe"} for i in range(factors)]
    outcome = ids[-1]
    outcome["kind"] = "outcome"
    doc["causal_links"] = []
    for i in range(links):
        a, b = sorted(rng.sample(range(len(ids) - 1), 2))
        cause = {"node": "factor", "id": f"f{rng.randrange(factors)}"} if i % 3 == 0 else {"node": "event",
                                                                                            "id": ids[a]["id"]}
        effect = {"node": "event", "id": ids[b]["id"] if i % 5 else outcome["id"]}
        doc["causal_links"].append({"id": f"l{i}", "cause": cause, "effect": effect, "strength": "moderate",
                                    "confidence": "medium", "sources": [ids[a]["agency"]]})
    return doc


def traversal_floor(snapshot: CaseSnapshot) -> float:
    """NetworkX's own work on the same graph: build the time-expanded DiGraph of the case's
    contacts ((agency, day) nodes, waiting and contact edges) and visit every node once."""
    started = time.perf_counter()
    links = contacts(snapshot)
    graph = nx.DiGraph()
    days: dict[str, set] = {}
    for c in links:
        days.setdefault(c.sender, set()).add(c.day)
        days.setdefault(c.recipient, set()).add(c.day)
    for agency, found in days.items():
        ordered = sorted(found)
        graph.add_edges_from(((agency, a), (agency, b)) for a, b in zip(ordered, ordered[1:], strict=False))
    graph.add_edges_from(((c.sender, c.day), (c.recipient, c.day)) for c in links)
    sum(1 for _ in nx.weakly_connected_components(graph))
    return time.perf_counter() - started


def run_size(store: Store, events: int, agencies: int = 15, repeats: int = 3) -> dict[str, Any]:
    case_id = f"bench-analysis-{events}"
    delete(store, case_id)
    import_case(store, generated_case(events, agencies, links=events // 25), as_id=case_id)
    rules = load_rules()
    reads, computes, totals, floors, traversals, exports, counts = [], [], [], [], [], [], {}
    try:
        read_snapshot(store, case_id)  # warm-up
        for _ in range(repeats):
            started = time.perf_counter()
            store.read(FLOOR, case_id=case_id)
            floors.append(time.perf_counter() - started)
            started = time.perf_counter()
            export_case(store, case_id)
            exports.append(time.perf_counter() - started)
            started = time.perf_counter()
            snapshot = read_snapshot(store, case_id)
            read_done = time.perf_counter()
            result = analyse(snapshot, Parameters(), rules)
            done = time.perf_counter()
            reads.append(read_done - started)
            computes.append(done - read_done)
            totals.append(done - started)
            traversals.append(traversal_floor(snapshot))
            counts = {"gaps": len(result["gaps"]), "checks": len(result["checks"]),
                      "patterns": len(result["patterns"]), "chains": len(result["causes"]["chains"])}
    finally:
        delete(store, case_id)
    median = statistics.median
    return {"events": events, "agencies": agencies, "links": events // 25, "read_s": median(reads),
            "compute_s": median(computes), "total_s": median(totals), "floor_s": median(floors),
            "traversal_s": median(traversals), "export_s": median(exports),
            "compute_ratio": median(computes) / median(traversals), "read_ratio": median(reads) / median(floors),
            "export_ratio": median(totals) / median(exports), **counts}


def run(store: Store, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """Every size, then the growth exponent of each figure from the smallest to the largest size
    (time ~ events^k: k = 1 is linear, 2 quadratic)."""
    results = [run_size(store, n) for n in sizes]
    scale = math.log(sizes[-1] / sizes[0])
    growth = {key: math.log(results[-1][key] / results[0][key]) / scale
              for key in ("compute_s", "traversal_s", "read_s", "total_s", "export_s")}
    return {"sizes": results, "growth": growth,
            "largest_time_ratio": results[-1]["total_s"] / results[0]["total_s"]}
