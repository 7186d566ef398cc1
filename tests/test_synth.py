"""Synthetic corpora: loaded through the case import, with planted cross-case patterns that the
named queries find exactly, and with query counts equal to the per-case analyses."""

from __future__ import annotations

import uuid

import pytest
from test_named_queries import assert_pairs_patterns_and_silences_agree, expected_counts

from causalmap.named_queries import run_query
from causalmap.samples.synthetic import planted, synthetic_case

N = 12


@pytest.fixture(scope="module")
def corpus(store, neo4j_env):
    """Twelve synthetic cases of about 60 events, loaded with `causalmap synth`, removed afterwards."""
    import io
    import os
    from contextlib import redirect_stdout

    from causalmap.cli import main

    prefix = f"sy{uuid.uuid4().hex[:6]}"
    saved = {k: os.environ.get(k) for k in neo4j_env}
    os.environ.update(neo4j_env)
    try:
        out = io.StringIO()
        with redirect_stdout(out):
            main(["synth", "--cases", str(N), "--events", "60", "--seed", "5", "--prefix", prefix])
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert out.getvalue().startswith(f"Loaded {N} synthetic cases ({prefix}-00000 to {prefix}-00011) in ")
    ids = [f"{prefix}-{i:05d}" for i in range(N)]
    yield prefix, ids
    store.driver.execute_query("MATCH (n) WHERE n.case_id STARTS WITH $p DETACH DELETE n", p=prefix + "-")
    store.driver.execute_query("MATCH (c:Case) WHERE c.id STARTS WITH $p DETACH DELETE c", p=prefix + "-")


def test_the_same_seed_makes_the_same_corpus():
    assert synthetic_case("x", 3, 80, 9) == synthetic_case("x", 3, 80, 9)
    assert synthetic_case("x", 3, 80, 9) != synthetic_case("x", 3, 80, 10)
    doc = synthetic_case("x", 0, 300, 1)
    assert 295 <= len(doc["events"]) <= 330
    assert {a["sector"] for a in doc["agencies"]} >= {"children_social_care", "police", "early_years"}


def test_the_planted_patterns_are_found_exactly(store, corpus):
    prefix, ids = corpus
    want = planted(N, prefix)
    scope = {"cases": ids}
    rows = run_query(store, "unanswered-referrals-by-sector", scope)["rows"]
    assert rows == [{"from_sector": "early_years", "to_sector": "children_social_care", "kind": "referral",
                     "unanswered": len(want["unanswered_nursery_referrals"]),
                     "cases": len(want["unanswered_nursery_referrals"])}]
    rows = run_query(store, "causal-path-patterns", {**scope, "category": "tools"})["rows"]
    assert rows == [{"steps": ["factor:tools", "decision:not_taken", "event:outcome"],
                     "sectors": [None, "children_social_care", "health_acute"],
                     "paths": len(want["tools_paths"]), "cases": len(want["tools_paths"]),
                     "case_ids": want["tools_paths"]}]
    rows = run_query(store, "causal-paths-from-gap-type", {**scope, "gap_type": "unanswered_handoff"})["rows"]
    assert rows == [{"case_id": c, "gap_type": "unanswered_handoff", "links": 1,
                     "steps": ["event:referral", "event:outcome"], "sectors": ["early_years", "health_acute"]}
                    for c in want["unanswered_referral_paths"]]
    # A near miss: the cases without the plant have no unanswered handoff, so no path from one.
    unplanted = [c for c in ids if c not in want["unanswered_referral_paths"]]
    assert run_query(store, "causal-paths-from-gap-type", {"cases": unplanted,
                                                           "gap_type": "unanswered_handoff"})["rows"] == []
    rows = run_query(store, "national-recommendations-across-boards", scope)["rows"]
    assert [(r["category"], r["boards"], sorted(r["board_names"]), r["cases"]) for r in rows] == [
        ("management_systems", len(want["national_recommendation_boards"]),
         [f"{b} Safeguarding Partnership" for b in want["national_recommendation_boards"]],
         len(want["national_recommendations"]))]
    rows = run_query(store, "national-patterns", {**scope, "pattern": "start_again"})["rows"]
    assert rows == [{"pattern": "start_again", "occurrences": len(want["start_again"]),
                     "cases": len(want["start_again"]), "case_ids": want["start_again"]}]
    # A near miss: the same query on the cases without the plant finds nothing.
    unplanted = [c for c in ids if c not in want["start_again"]]
    assert run_query(store, "national-patterns", {"cases": unplanted, "pattern": "start_again"})["rows"] == []


def test_query_counts_equal_the_per_case_analyses_on_the_corpus(store, corpus):
    _, ids = corpus
    want = expected_counts(store, ids)
    scope = {"cases": ids}
    assert_pairs_patterns_and_silences_agree(store, scope, want)
    assert sum(want["silent_pair"].values()) > 0 and want["patterns"]
