"""The audit trail's group commit: requests finishing together share one transaction, and each
request is answered only once its own entry is committed; one bad entry never costs another."""

from __future__ import annotations

import threading
import time

import pytest

from causalmap.store import audit
from causalmap.store.group_commit import GroupCommit


def _wait_until(condition) -> None:
    """Poll a condition the test itself brings about (no timing is asserted)."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "the other threads never queued their items"
        time.sleep(0.01)


def test_items_queued_during_a_commit_share_the_next_one_and_each_caller_waits_for_its_own():
    written: list[list[str]] = []
    first_batch_may_finish = threading.Event()
    returned: dict[str, bool] = {}

    def write(items: list[str]) -> None:
        if not written:
            first_batch_may_finish.wait()
        written.append(sorted(items))

    commit = GroupCommit(write)

    def submit(item: str) -> None:
        commit.submit(item)
        returned[item] = any(item in batch for batch in written)  # committed before submit returned

    first = threading.Thread(target=submit, args=("a",))
    first.start()
    _wait_until(lambda: commit._writing)
    others = [threading.Thread(target=submit, args=(item,)) for item in "bcdef"]
    for thread in others:
        thread.start()
    _wait_until(lambda: len(commit._pending) == 5)
    assert written == []  # nobody was answered before the first commit finished
    first_batch_may_finish.set()
    for thread in [first, *others]:
        thread.join()
    assert written == [["a"], ["b", "c", "d", "e", "f"]]
    assert returned == dict.fromkeys("abcdef", True)


def test_a_lone_caller_commits_at_once():
    written: list[list[int]] = []
    commit = GroupCommit(written.append)
    commit.submit(1)
    commit.submit(2)
    assert written == [[1], [2]]


def test_a_bad_item_fails_only_its_own_caller():
    written: list[list[str]] = []
    gate = threading.Event()
    errors: dict[str, str] = {}

    def write(items: list[str]) -> None:
        if not written and items == ["first"]:
            gate.wait()
        if "bad" in items:
            raise ValueError("refused: bad")
        written.append(sorted(items))

    commit = GroupCommit(write)

    def submit(item: str) -> None:
        try:
            commit.submit(item)
        except ValueError as error:
            errors[item] = str(error)

    first = threading.Thread(target=submit, args=("first",))
    first.start()
    _wait_until(lambda: commit._writing)
    others = [threading.Thread(target=submit, args=(item,)) for item in ("good", "bad", "fine")]
    for thread in others:
        thread.start()
    _wait_until(lambda: len(commit._pending) == 3)
    gate.set()
    for thread in [first, *others]:
        thread.join()
    assert errors == {"bad": "refused: bad"}
    assert sorted(item for batch in written for item in batch) == ["fine", "first", "good"]


def test_a_batch_of_one_with_an_error_raises_it_and_the_next_caller_writes_again():
    calls: list[list[str]] = []

    def write(items: list[str]) -> None:
        calls.append(items)
        if items == ["bad"]:
            raise ValueError("refused")

    commit = GroupCommit(write)
    with pytest.raises(ValueError, match="refused"):
        commit.submit("bad")
    commit.submit("good")
    assert calls == [["bad"], ["good"]]


def test_concurrent_audit_entries_all_land_in_neo4j_exactly_once(store, new_user):
    name = new_user("burst")
    threads = [threading.Thread(target=audit.record, args=(store,),
                                kwargs={"action": "case.read", "outcome": "ok", "user": name, "via": "token",
                                        "case_id": "burst-case", "target": f"item-{n}", "status": 200,
                                        "method": "GET", "path": f"/api/cases/burst-case/events/item-{n}",
                                        "ip": "127.0.0.1", "detail": {"endpoint": "api.get_section_item"}})
               for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = audit.read_entries(store, user=name)
    assert sorted(e["target"] for e in entries) == sorted(f"item-{n}" for n in range(24))
    assert {(e["action"], e["outcome"], e["status"], e["case"], e["via"], e["method"]) for e in entries} == {
        ("case.read", "ok", 200, "burst-case", "token", "GET")}
    assert all(e["detail"] == {"endpoint": "api.get_section_item"} for e in entries)
