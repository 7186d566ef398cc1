"""The full analysis of a generated 10,000-event, 15-agency case, end to end from Neo4j.

Reported: the time spent reading the case (one read transaction) and computing every
family, and in the same run the floor: the bare read of the same events' properties and
links with one Cypher query and no analysis.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.generate import write_chronology
from bench.import_bench import delete
from causalmap import vocab
from causalmap.analysis.report import Parameters, analyse
from causalmap.analysis.rules import load_rules
from causalmap.chronology import check_chronology, read_table
from causalmap.interchange.case_json import FORMAT, FORMAT_VERSION, chronology_sections, import_case
from causalmap.store import Store
from causalmap.store.snapshot import read_snapshot

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


def run(store: Store, events: int = 10_000, agencies: int = 15, repeats: int = 3) -> dict[str, float]:
    case_id = "bench-analysis"
    delete(store, case_id)
    import_case(store, generated_case(events, agencies), as_id=case_id)
    rules = load_rules()
    reads, computes, totals, floors, counts = [], [], [], [], {}
    try:
        read_snapshot(store, case_id)  # warm-up
        for _ in range(repeats):
            started = time.perf_counter()
            store.read(FLOOR, case_id=case_id)
            floors.append(time.perf_counter() - started)
            started = time.perf_counter()
            snapshot = read_snapshot(store, case_id)
            read_done = time.perf_counter()
            result = analyse(snapshot, Parameters(), rules)
            done = time.perf_counter()
            reads.append(read_done - started)
            computes.append(done - read_done)
            totals.append(done - started)
            counts = {"gaps": len(result["gaps"]), "checks": len(result["checks"]),
                      "patterns": len(result["patterns"]), "chains": len(result["causes"]["chains"])}
    finally:
        delete(store, case_id)
    return {"events": events, "agencies": agencies, "read_s": statistics.median(reads),
            "compute_s": statistics.median(computes), "total_s": statistics.median(totals),
            "floor_s": statistics.median(floors), "ratio": statistics.median(totals) / statistics.median(floors),
            **counts}
