"""The shipped sample case has what the issue promised a panel could explore."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from causalmap import vocab
from causalmap.samples import sample_document


def test_the_sample_case_is_rich_enough_to_learn_from():
    doc = sample_document()
    events = doc["events"]
    sectors = {a["sector"] for a in doc["agencies"]}
    dates = sorted(dt.date.fromisoformat(e["date"]) for e in events)
    assert len(events) >= 80
    assert len({e["agency"] for e in events}) >= 7
    assert len(sectors) >= 5 and "other" not in sectors
    assert (dates[-1] - dates[0]).days >= 18 * 30
    assert {(f["category"], f["valence"]) for f in doc["factors"]} == {
        (c, v) for c in vocab.TYPOLOGY for v in vocab.VALENCES}
    assert {r["type"] for r in doc["recommendations"]} == set(vocab.RECOMMENDATION_TYPES.values())
    assert {e["rating"] for e in doc["episodes"]} >= {"good", "problematic"}
    assert doc["findings"] and doc["case"]["trigger"]["decided_by"] and doc["case"]["methodology"]["justification"]
    assert any(e["kind"] == "outcome" for e in events)


def test_the_sample_has_answered_late_and_unanswered_communications_and_discrepant_accounts():
    doc = sample_document()
    events = {e["id"]: e for e in doc["events"]}
    answers = Counter(r for e in events.values() for r in e["responds_to"])
    handoffs = [e for e in events.values() if e["kind"] in ("referral", "information_sharing", "request",
                                                                "escalation")]
    assert any(answers[e["id"]] == 0 for e in handoffs)
    delays = [(dt.date.fromisoformat(a["date"]) - dt.date.fromisoformat(events[r]["date"])).days
              for a in events.values() for r in a["responds_to"]]
    assert any(d <= 7 for d in delays) and any(d > 7 for d in delays)
    accounts = [e for e in events.values() if e["account_of"]]
    assert any(e["disputed"] and events[e["account_of"][0]]["agency"] != e["agency"] for e in accounts)
