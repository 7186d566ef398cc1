"""Large imports into a new case are staged in batches and switched into place in one
transaction: the case is whole or absent, links may point across batches, a failure
leaves nothing behind, and what a killed import left is cleaned up later."""

from __future__ import annotations

import pytest

from causalmap.chronology import read_table
from causalmap.store import staging
from causalmap.store.cases import case_exists, case_summary
from causalmap.store.chronology import import_chronology
from causalmap.store.items import get_item

ROWS = [["event_id", "date", "agency", "sector", "kind", "description", "to_agency", "responds_to", "decision"],
        *[[f"e{i}", f"2024-01-{i + 1:02d}", "Ashdown School", "education", "contact", f"Seen {i}", "", "", ""]
          for i in range(8)],
        ["r1", "2024-02-01", "Ashdown School", "", "referral", "Referred", "Ashdown Social Care", "", ""],
        ["a1", "2024-02-02", "Ashdown Social Care", "children_social_care", "assessment", "Assessed", "", "r1",
         "Open a plan"]]


def _staged(store) -> int:
    return store.read("MATCH (n) WHERE n.case_id STARTS WITH $p RETURN count(n) AS n", p=staging.STAGING_PREFIX)[0]["n"]


def test_a_new_case_is_written_in_batches_with_links_across_them(store, case_id, write_csv, monkeypatch):
    monkeypatch.setattr(staging, "BATCH", 3)  # ten events in four staging transactions
    report = import_chronology(store, case_id, read_table(write_csv(ROWS)))
    assert (report.created, report.case_created) == ({"agency": 2, "event": 10, "decision": 1}, True)
    assert case_summary(store, case_id)["counts"]["event"] == 10
    assert get_item(store, case_id, "event", "a1")["responds_to"] == ["r1"]
    assert get_item(store, case_id, "event", "r1")["to_agencies"] == ["ashdown-social-care"]
    assert get_item(store, case_id, "decision", "a1-decision")["made_at"] == "a1"
    assert _staged(store) == 0
    again = import_chronology(store, case_id, read_table(write_csv(ROWS)))  # now an existing case
    assert (again.case_created, again.created["event"], again.updated["event"]) == (False, 0, 0)


def test_a_failed_switch_leaves_no_case_and_no_staged_data(store, case_id, write_csv, monkeypatch):
    monkeypatch.setattr(staging, "BATCH", 3)

    def broken_switch(*args: object) -> None:
        raise RuntimeError("the database went away during the switch")

    monkeypatch.setattr(staging, "_switch", broken_switch)
    with pytest.raises(RuntimeError):
        import_chronology(store, case_id, read_table(write_csv(ROWS)))
    assert not case_exists(store, case_id)
    assert _staged(store) == 0
    assert store.read("MATCH (s:ImportStaging {case_id: $c}) RETURN count(s) AS n", c=case_id)[0]["n"] == 0


def test_staging_abandoned_by_a_killed_import_is_removed_by_the_next(store, case_id, write_csv):
    store.driver.execute_query(
        "CREATE (:ImportStaging {id: '~staging-dead', case_id: 'x', started_at: datetime() - duration('P2D')}) "
        "CREATE (:Event {case_id: '~staging-dead', id: 'orphan'})")
    store.driver.execute_query(
        "CREATE (:ImportStaging {id: '~staging-young', case_id: 'y', started_at: datetime()}) "
        "CREATE (:Event {case_id: '~staging-young', id: 'in-progress'})")
    try:
        import_chronology(store, case_id, read_table(write_csv(ROWS)))
        left = store.read("MATCH (n:Event) WHERE n.case_id STARTS WITH '~staging-' RETURN n.id AS id")
        assert [row["id"] for row in left] == ["in-progress"]  # a running import's data is not touched
    finally:
        staging.discard(store, "~staging-young")
        staging.discard(store, "~staging-dead")
