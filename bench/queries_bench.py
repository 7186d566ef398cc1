"""The analysts' named queries over a synthetic corpus: loading time, then each query's p50/p95.

The corpus (BENCH_CASES cases of BENCH_EVENTS events, default 1,000 x 300) is loaded through
the same import as `causalmap synth`, and each case's default analysis is stored (the Gap
and GapTally nodes the gap queries read). With BENCH_NEO4J_DIR (a kept data directory) or
NEO4J_URI, cases already loaded are reused, not loaded again; only stale analyses are
computed again. Each named query then runs `repeats` times through `run_query` (read
transaction, timeout, parameter checks, the check for stale cases), and in the same run its
floor: a bare indexed lookup, through the driver, of the rows the query reads (the same
nodes, no grouping, no paths). PROFILE of each query lists the index operators used and
every label or all-nodes scan (there should be none).
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from neo4j import RoutingControl

from causalmap.case_analysis import analyse_case, refresh_stale
from causalmap.interchange.case_json import import_case
from causalmap.named_queries import CASE_FILTER, SCANS, load_queries, profile_query, run_query
from causalmap.samples.synthetic import case_id, synthetic_case
from causalmap.store import Store

PREFIX = "bq"
#: The rows each query reads, fetched bare by an index on case_id (the floor).
_GAPS = "MATCH (g:Gap) WHERE g.case_id IN $ids AND g.type IN $types RETURN g.from_sector AS a, g.to_sector AS b"
_TALLIES = ("MATCH (t:GapTally) WHERE t.case_id IN $ids AND t.type IN $types "
            "RETURN t.from_sectors AS a, t.to_sectors AS b, t.kinds AS k, t.counts AS n")
FLOORS: dict[str, tuple[str, dict[str, Any]]] = {
    "causal-paths-from-category": ("MATCH (f:ContributoryFactor) WHERE f.case_id IN $ids AND f.category = 'tools' "
                                   "RETURN f.case_id AS c, f.id AS id", {}),
    "causal-paths-from-decision-not-taken": ("MATCH (d:Decision) WHERE d.case_id IN $ids AND d.taken = false "
                                             "RETURN d.case_id AS c, d.id AS id", {}),
    "causal-paths-from-gap-type": (_GAPS, {"types": ["unanswered_handoff"]}),
    "causal-path-patterns": ("MATCH (f:ContributoryFactor) WHERE f.case_id IN $ids RETURN f.case_id AS c, "
                             "f.category AS k", {}),
    "unanswered-referrals-by-sector": (_TALLIES, {"types": ["unanswered_handoff"]}),
    "sector-pair-gaps": (_TALLIES, {"types": ["unanswered_handoff", "late_response", "silent_pair"]}),
    "national-patterns": (_TALLIES, {"types": ["start_again", "referral_without_feedback", "no_strategy_discussion",
                                            "agency_silent", "disagreement_without_escalation",
                                            "repeated_missed_appointments"]}),
    "sectors-silent-before-harm": (_GAPS, {"types": ["agency_silent"]}),
    "findings-by-category-board-year": ("MATCH (f:Finding) WHERE f.case_id IN $ids RETURN f.category AS k", {}),
    "findings-by-valence": ("MATCH (f:Finding) WHERE f.case_id IN $ids RETURN f.category AS k, f.valence AS v", {}),
    "factor-categories": ("MATCH (f:ContributoryFactor) WHERE f.case_id IN $ids RETURN f.category AS k", {}),
    "recommendations-by-type-status": ("MATCH (r:Recommendation) WHERE r.case_id IN $ids RETURN r.type AS t, "
                                       "r.status AS s", {}),
    "national-recommendations-across-boards": ("MATCH (r:Recommendation) WHERE r.case_id IN $ids AND "
                                               "r.type = 'research_development' RETURN r.case_id AS c", {}),
    "problematic-episodes-by-sector": ("MATCH (k:KeyPracticeEpisode) WHERE k.case_id IN $ids AND "
                                       "k.rating = 'problematic' RETURN k.case_id AS c", {}),
    "findings-like-text": ("MATCH (f:Finding) WHERE f.case_id IN $ids AND f.statement CONTAINS 'information' "
                           "RETURN f.case_id AS c, f.id AS id", {}),
    "shortest-causal-path": ("MATCH (e:Event {case_id: $case, id: $to}) RETURN e.id AS id", {}),
}


def _examples(first: dict[str, Any]) -> dict[str, dict[str, Any]]:
    outcome = next(e["id"] for e in first["events"] if e["kind"] == "outcome")
    return {
        "causal-paths-from-category": {"category": "tools"},
        "causal-paths-from-gap-type": {"gap_type": "unanswered_handoff"},
        "causal-path-patterns": {},
        "findings-like-text": {"text": "information sharing"},
        "shortest-causal-path": {"case": first["case"]["id"], "from": "f0", "to": outcome},
    }


def loaded_cases(store: Store, ids: list[str]) -> set[str]:
    """Those of the corpus's case ids already in the store (a kept BENCH_NEO4J_DIR, or NEO4J_URI)."""
    rows = store.read("MATCH (c:Case) WHERE c.id IN $ids RETURN c.id AS id", ids=ids)
    return {r["id"] for r in rows}


def _same_corpus(store: Store, doc: dict[str, Any]) -> bool:
    """Whether a loaded case is the one the generator makes now (its events and causal links count)."""
    cid = doc["case"]["id"]
    row = store.read("MATCH (c:Case {id: $id}) RETURN COUNT { MATCH (e:Event {case_id: $id}) } AS events, "
                     "COUNT { MATCH ()-[r:CONTRIBUTED_TO {case_id: $id}]->() } AS links", id=cid)[0]
    return (row["events"], row["links"]) == (len(doc["events"]), len(doc["causal_links"]))


def load(store: Store, cases: int, events: int, seed: int = 1, progress: bool = False) -> dict[str, Any]:
    """Load the corpus as `causalmap synth` does: the import, then each case's stored analysis.

    Cases already in the store (the same ids, the same generator) are not loaded again; those
    whose stored analysis is missing or stale (another analysis version) are analysed again.
    The times are those of the cases loaded and analysed in this run.
    """
    ids = [case_id(PREFIX, i) for i in range(cases)]
    present = loaded_cases(store, ids)
    if present and not _same_corpus(store, synthetic_case(PREFIX, ids.index(min(present)), events, seed)):
        raise SystemExit(f"the store holds cases {PREFIX}-* made by another generator or size; use another "
                         "BENCH_NEO4J_DIR, or delete them")
    load_s = analyse_s = 0.0
    imported = analysed = 0
    for index, cid in enumerate(ids):
        if cid in present:
            continue
        doc = synthetic_case(PREFIX, index, events, seed)
        started = time.perf_counter()
        import_case(store, doc)
        load_s += time.perf_counter() - started
        imported += 1
        started = time.perf_counter()
        analyse_case(store, cid)
        analyse_s += time.perf_counter() - started
        analysed += 1
        if progress and imported % 25 == 0:
            print(f"  loaded {imported} cases ({len(present) + imported} of {cases}): import {load_s:.0f} s, "
                  f"analyses {analyse_s:.0f} s", flush=True)
    started = time.perf_counter()
    stale = refresh_stale(store, ids)
    analyse_s += time.perf_counter() - started
    analysed += len(stale)
    return {"reused": len(present), "imported": imported, "analysed": analysed, "load_s": load_s,
            "analyse_s": analyse_s, "load_per_case_s": load_s / imported if imported else None,
            "analyse_per_case_s": analyse_s / analysed if analysed else None}


def run(store: Store, cases: int | None = None, events: int | None = None, repeats: int = 20) -> dict[str, Any]:
    cases = cases or int(os.environ.get("BENCH_CASES", "1000"))
    events = events or int(os.environ.get("BENCH_EVENTS", "300"))
    loaded = load(store, cases, events)
    ids = [case_id(PREFIX, i) for i in range(cases)]
    examples = _examples(synthetic_case(PREFIX, 0, events, 1))
    out: dict[str, Any] = {"cases": cases, "events": events, **loaded, "queries": {}}
    for name in load_queries():
        params = examples.get(name, {})
        floor_cypher, floor_params = FLOORS[name]
        floor_values = {"ids": ids, **floor_params, "case": params.get("case"), "to": params.get("to")}
        run_query(store, name, params, timeout=60)  # warm-up: plans cached, nothing stale left
        store.driver.execute_query(floor_cypher, floor_values, database_=store.database, routing_=RoutingControl.READ)
        times, floors, rows = [], [], 0
        for _ in range(repeats):
            started = time.perf_counter()
            rows = len(run_query(store, name, params, timeout=60)["rows"])
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
            store.driver.execute_query(floor_cypher, floor_values, database_=store.database,
                                       routing_=RoutingControl.READ)
            floors.append(time.perf_counter() - started)
        used = profile_query(store, name, params)
        p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[18]
        f50 = statistics.median(floors)
        out["queries"][name] = {"rows": rows, "p50_ms": p50 * 1000, "p95_ms": p95 * 1000, "floor_p50_ms": f50 * 1000,
                                "floor_p95_ms": statistics.quantiles(floors, n=20)[18] * 1000, "ratio": p50 / f50,
                                "indexes": sorted(o for o in used if "Index" in o),
                                "scans": sorted(o for o in used if o.startswith(SCANS))}
    out["case_filter_cypher"] = CASE_FILTER
    return out


if __name__ == "__main__":
    # `python -m bench.queries_bench`: only load the corpus (BENCH_CASES x BENCH_EVENTS) into the
    # store bench.server finds, e.g. a kept BENCH_NEO4J_DIR, so that later runs reuse it.
    from bench.server import bench_store

    with bench_store() as (found, _):
        n, m = int(os.environ.get("BENCH_CASES", "1000")), int(os.environ.get("BENCH_EVENTS", "300"))
        print(load(found, n, m, progress=True), flush=True)
