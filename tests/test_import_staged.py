"""A chronology too big for one transaction: staged in batches into a new case, invisible to
every reader until one small transaction creates the case; cleared on failure, and after a
kill by the next import of the case or `causalmap db start`. A big change to a stored case is
refused. The threshold is lowered here (`most_at_once`) so that a small file takes the staged
path; tests/test_database_away.py kills Neo4j in the middle of a stage.
"""

from __future__ import annotations

import pytest

from causalmap.chronology import check_chronology, read_table
from causalmap.errors import Conflict, InvalidInput, NotFound
from causalmap.interchange.case_json import export_case
from causalmap.store import staging
from causalmap.store.cases import case_exists, create_case_tx, delete_case, get_case, list_cases, new_case
from causalmap.store.chronology import import_chronology, staged_sections
from causalmap.store.items import get_item, list_items
from causalmap.store.records import create_nodes
from causalmap.store.snapshot import read_snapshot
from tests.test_import import graph_counts

HEADER = ["event_id", "date", "agency", "kind", "description", "to_agency", "responds_to", "sector"]


def rows(count: int, prefix: str = "e") -> list[list[str]]:
    """`count` events of three agencies: every third a referral, answered by the next event."""
    out = []
    for i in range(count):
        agency, other = f"Agency {i % 3}", f"Agency {(i + 1) % 3}"
        if i % 3 == 0:
            out.append([f"{prefix}{i}", "2024-01-02", agency, "referral", f"Referral {i}", other, "", ""])
        elif i % 3 == 1:
            out.append([f"{prefix}{i}", "2024-01-03", agency, "contact", f"Reply {i}", "", f"{prefix}{i - 1}", ""])
        else:
            out.append([f"{prefix}{i}", "2024-01-04", agency, "home_visit", f"Visit {i}", "", "", ""])
    return out


@pytest.fixture
def stages(store):
    yield
    leftovers = store.read("MATCH (s:ImportStage) WHERE s.case_id STARTS WITH 'staged-' RETURN s.case_id AS id")
    assert leftovers == []


def test_a_staged_import_stores_exactly_what_one_transaction_stores(store, new_case_id, write_csv, stages):
    path = write_csv([HEADER, *rows(120)])
    staged, single = new_case_id("staged"), new_case_id("single")
    report = import_chronology(store, staged, read_table(path), title="Child S", most_at_once=50)
    import_chronology(store, single, read_table(path), title="Child S")
    assert report.as_dict() == {"ok": True, "case_id": staged, "case_created": True,
                                "created": {"agency": 3, "event": 120, "decision": 0},
                                "updated": {"agency": 0, "event": 0, "decision": 0}}
    assert graph_counts(store, staged) == ({"Agency": 3, "Event": 120},
                                           {"BY": 120, "SOURCE": 120, "TO": 40, "RESPONDS_TO": 40})
    assert graph_counts(store, staged) == graph_counts(store, single)
    one, other = export_case(store, staged), export_case(store, single)
    one["case"]["id"] = other["case"]["id"] = one["case"]["created_at"] = other["case"]["created_at"] = None
    assert one == other
    assert get_case(store, staged)["title"] == "Child S"
    assert store.read("MATCH (c:Case {id: $c}) RETURN c.revision IS NOT NULL AS r", c=staged) == [{"r": True}]


def test_one_record_over_the_threshold_is_staged_and_at_it_is_not(store, new_case_id, write_csv, monkeypatch):
    calls = []
    real = staging.staged_create
    monkeypatch.setattr("causalmap.store.chronology.staged_create",
                        lambda *args, **kw: calls.append(args[1]) or real(*args, **kw))
    path = write_csv([HEADER, *rows(47)])  # 47 events and 3 agencies: 50 records
    at, over = new_case_id("staged"), new_case_id("staged")
    import_chronology(store, at, read_table(path), most_at_once=50)
    import_chronology(store, over, read_table(path), most_at_once=49)
    assert calls == [over]
    assert graph_counts(store, at) == graph_counts(store, over)


def test_while_staged_the_case_is_invisible_and_a_failure_deletes_every_staged_node(
        store, new_case_id, write_csv, client, stages):
    case_id = new_case_id("staged")
    seen = {}

    def switch(tx):
        """Every batch is committed by now; the Case node is not. Look from outside, then fail."""
        seen["nodes"] = store.read("MATCH (n {case_id: $c}) WHERE NOT n:ImportStage RETURN count(n) AS n",
                                   c=case_id)[0]["n"]
        seen["exists"] = case_exists(store, case_id)
        seen["listed"] = case_id in [c["id"] for c in list_cases(store)]
        for read in (lambda: get_case(store, case_id), lambda: read_snapshot(store, case_id),
                     lambda: export_case(store, case_id), lambda: list_items(store, case_id, "event"),
                     lambda: get_item(store, case_id, "event", "e1")):
            with pytest.raises(NotFound):
                read()
        seen["api"] = [client.get(f"/api/cases/{case_id}{tail}").status_code
                       for tail in ("", "/events", "/events/e1", "/document", "/analysis")]
        seen["api_list"] = case_id in [c["id"] for c in client.get("/api/cases").json]
        with pytest.raises(Conflict, match="being imported"):  # the stage is live: its lock is held
            import_chronology(store, case_id, read_table(write_csv([HEADER, *rows(3)], "small.csv")))
        with pytest.raises(Conflict, match="being imported"):
            store.write_transaction(lambda other: create_case_tx(other, new_case(case_id, None)))
        raise RuntimeError("the database failed at the switch")

    table = read_table(write_csv([HEADER, *rows(90)]))

    with pytest.raises(RuntimeError, match="at the switch"):
        staging.staged_create(store, case_id, staged_sections(check_chronology(table)), switch, batch=20)
    assert seen == {"nodes": 93, "exists": False, "listed": False, "api": [404, 404, 404, 404, 404],
                    "api_list": False}
    assert store.read("MATCH (n {case_id: $c}) RETURN count(n) AS n", c=case_id) == [{"n": 0}]
    assert case_exists(store, case_id) is False


def _abandon(store, case_id, table, batches: int) -> str:
    """What an import killed mid-way leaves: a committed stage, some batches, nobody holding it."""

    token = staging._open_stage(store, case_id, 0)
    kind, records = staged_sections(check_chronology(table))[1]
    for i in range(batches):
        store.write_transaction(lambda tx, i=i: create_nodes(tx, case_id, kind, records[i * 10:(i + 1) * 10]))
    return token


def test_the_next_import_of_the_case_clears_what_a_killed_import_left(store, new_case_id, write_csv, stages):
    case_id = new_case_id("staged")
    _abandon(store, case_id, read_table(write_csv([HEADER, *rows(60, "old")], "old.csv")), batches=3)
    assert case_exists(store, case_id) is False
    report = import_chronology(store, case_id, read_table(write_csv([HEADER, *rows(40)])), most_at_once=20)
    assert report.created == {"agency": 3, "event": 40, "decision": 0}
    events = store.read("MATCH (e:Event {case_id: $c}) RETURN count(e) AS n, "
                        "count(CASE WHEN e.id STARTS WITH 'old' THEN 1 END) AS old", c=case_id)
    assert events == [{"n": 40, "old": 0}]


def test_db_start_clears_abandoned_stages_and_leaves_live_ones(store, new_case_id, write_csv, stages):
    dead = new_case_id("staged")
    _abandon(store, dead, read_table(write_csv([HEADER, *rows(30)])), batches=2)
    assert store.read("MATCH (n:Event {case_id: $c}) RETURN count(n) AS n", c=dead) == [{"n": 20}]
    live = new_case_id("staged")
    result = {}

    def switch(tx):
        result["cleared"] = staging.settle_all_stages(store)
        result["live_nodes"] = store.read("MATCH (n:Event {case_id: $c}) RETURN count(n) AS n", c=live)[0]["n"]
        create_case_tx(tx, new_case(live, None))


    sections = staged_sections(check_chronology(read_table(write_csv([HEADER, *rows(30)]))))
    staging.staged_create(store, live, sections, switch, batch=10)
    assert [c for c in result["cleared"] if c in (dead, live)] == [dead]
    assert result["live_nodes"] == 30
    assert store.read("MATCH (n {case_id: $c}) RETURN count(n) AS n", c=dead) == [{"n": 0}]
    assert case_exists(store, live) and list_items(store, live, "event")[0]["id"] == "e0"


def test_a_big_change_to_a_stored_case_is_refused_and_writes_nothing(store, new_case_id, write_csv):
    case_id = new_case_id("staged")
    import_chronology(store, case_id, read_table(write_csv([HEADER, *rows(30)])))
    revision = "MATCH (c:Case {id: $c}) RETURN c.revision AS r"
    before = graph_counts(store, case_id), store.read(revision, c=case_id)
    more = read_table(write_csv([HEADER, *rows(30), *rows(21, "f")], "more.csv"))
    with pytest.raises(InvalidInput) as refused:
        import_chronology(store, case_id, more, most_at_once=20)
    assert str(refused.value) == (
        f"this import would create or change 21 records of case {case_id!r}, which already exists; an import "
        "changes at most 20 records of a stored case at once (a bigger chronology is imported only into a new "
        "case). Delete the case first (causalmap case delete) and import the whole chronology again, or import "
        "it in files of at most 20 rows; nothing was written")
    assert (graph_counts(store, case_id), store.read(revision, c=case_id)) == before
    # the near miss: 20 new records go in, and the whole file again changes nothing
    import_chronology(store, case_id, read_table(write_csv([HEADER, *rows(30), *rows(20, "f")], "fits.csv")),
                      most_at_once=20)
    again = import_chronology(store, case_id, read_table(write_csv([HEADER, *rows(30), *rows(20, "f")], "x.csv")),
                              most_at_once=20)
    assert (again.created, again.updated) == ({"agency": 0, "event": 0, "decision": 0},
                                              {"agency": 0, "event": 0, "decision": 0})
    assert graph_counts(store, case_id)[0] == {"Agency": 3, "Event": 50}


def test_a_bad_row_in_a_big_file_writes_nothing_and_opens_no_stage(store, new_case_id, write_csv, stages):
    case_id = new_case_id("staged")
    bad = [*rows(60), ["x1", "2024-02-30", "Agency 1", "contact", "Seen", "", "", ""]]
    with pytest.raises(InvalidInput, match="1 bad row; nothing was written"):
        import_chronology(store, case_id, read_table(write_csv([HEADER, *bad])), most_at_once=10)
    assert store.read("MATCH (n {case_id: $c}) RETURN count(n) AS n", c=case_id) == [{"n": 0}]


def test_a_deleted_case_is_gone_at_once_and_an_interrupted_deletion_is_finished(store, new_case_id, write_csv,
                                                                                 stages):
    case_id = new_case_id("staged")
    path = write_csv([HEADER, *rows(30)])
    import_chronology(store, case_id, read_table(path))
    store.write_transaction(lambda tx: staging.hide_case(tx, case_id))  # the deleting process dies here
    assert case_exists(store, case_id) is False
    assert store.read("MATCH (n:Event {case_id: $c}) RETURN count(n) AS n", c=case_id) == [{"n": 30}]
    with pytest.raises(Conflict, match=f"case '{case_id}' is being deleted"):
        store.write_transaction(lambda tx: create_case_tx(tx, new_case(case_id, None)))
    report = import_chronology(store, case_id, read_table(path))  # finishes the deletion first
    assert (report.case_created, report.created["event"]) == (True, 30)
    assert delete_case(store, case_id) == 34  # 30 events, 3 agencies and the case
    assert store.read("MATCH (n {case_id: $c}) RETURN count(n) AS n", c=case_id) == [{"n": 0}]


def test_a_case_document_too_big_for_one_transaction_is_staged_and_exports_the_same(store, new_case_id, stages):
    from causalmap.interchange.case_json import import_case
    from causalmap.samples import sample_document

    staged, single = new_case_id("staged"), new_case_id("single")
    created = import_case(store, sample_document(), as_id=staged, most_at_once=10)["created"]
    import_case(store, sample_document(), as_id=single)
    assert created["event"] > 10 and created["causal_link"] > 0
    one, other = export_case(store, staged), export_case(store, single)
    assert one["case"]["id"] == staged
    one["case"]["id"] = other["case"]["id"] = None
    assert one == other


def test_deleting_a_case_removes_its_stored_analysis_too(store, new_case_id, stages):
    from causalmap.case_analysis import analyse_case
    from causalmap.interchange.case_json import import_case
    from causalmap.samples import sample_document

    case_id = new_case_id("staged")
    import_case(store, sample_document(), as_id=case_id)
    analyse_case(store, case_id)
    stored = store.read("MATCH (n {case_id: $c}) WHERE n:Analysis OR n:Gap OR n:GapTally "
                        "RETURN count(n) > 0 AS any", c=case_id)
    assert stored == [{"any": True}]
    delete_case(store, case_id)
    assert store.read("MATCH (n {case_id: $c}) RETURN labels(n) AS labels", c=case_id) == []
