"""No lost edits: two people saving at the same moment over real HTTP, many times over.

Each trial sends two requests released together by a barrier; of two saves carrying the
same version exactly one is accepted and the other gets 409, and what is stored is the
winner's. A save racing a delete, and two imports racing into one new case, end in one
success and one clean 4xx, never a 500.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document

TRIALS = 8


def together(*calls: Callable[[], tuple[int, object]]) -> list[tuple[int, object]]:
    """Run the calls in threads released at the same instant; their results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[int, object] | None] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results  # type: ignore[return-value]


@pytest.fixture
def sample(store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    return case_id


def _race_two_saves(live_api, url: str, field: str) -> None:
    for trial in range(TRIALS):
        status, loaded = live_api.request("GET", url)
        assert status == 200
        texts = (f"first editor {trial}", f"second editor {trial}")
        results = together(*(lambda t=t, old=loaded: live_api.request("PUT", url, {**old, field: t}) for t in texts))
        statuses = [status for status, _ in results]
        assert sorted(statuses) == [200, 409], results
        winner = texts[statuses.index(200)]
        loser_detail = results[statuses.index(409)][1]["detail"]
        assert "changed by someone else since you opened it" in loser_detail
        status, stored = live_api.request("GET", url)
        assert (stored[field], stored["version"]) == (winner, loaded["version"] + 1)


def test_two_saves_of_one_item_with_the_same_version_one_wins_one_gets_409(live_api, sample):
    _race_two_saves(live_api, f"/api/cases/{sample}/factors/f-start-again", "description")


def test_two_saves_of_one_causal_link_one_wins_one_gets_409(live_api, sample):
    _race_two_saves(live_api, f"/api/cases/{sample}/links/cl-01", "mechanism")


def test_two_saves_of_the_case_metadata_one_wins_one_gets_409(live_api, sample):
    url = f"/api/cases/{sample}"
    for trial in range(TRIALS):
        loaded = live_api.request("GET", url)[1]["case"]
        titles = (f"Title A {trial}", f"Title B {trial}")
        results = together(*(lambda t=t, old=loaded: live_api.request("PUT", url, {**old, "title": t}) for t in titles))
        statuses = [status for status, _ in results]
        assert sorted(statuses) == [200, 409], results
        stored = live_api.request("GET", url)[1]["case"]
        assert (stored["title"], stored["version"]) == (titles[statuses.index(200)], loaded["version"] + 1)


def test_two_editors_on_different_items_of_one_case_both_succeed(live_api, sample):
    first, second = (f"/api/cases/{sample}/factors/{i}" for i in ("f-referral-feedback", "f-rapid-strategy"))
    loaded = {u: live_api.request("GET", u)[1] for u in (first, second)}
    results = together(*(lambda u=u: live_api.request("PUT", u, {**loaded[u], "description": "changed"})
                         for u in (first, second)))
    assert [status for status, _ in results] == [200, 200], results


def test_a_save_racing_a_delete_gives_one_success_and_a_404_or_409(live_api, sample):
    base = f"/api/cases/{sample}/factors"
    for trial in range(TRIALS):
        item = {"id": f"f-race-{trial}", "description": "to race", "category": "management_systems",
                "valence": "unsafe", "level": "organisation"}
        assert live_api.request("POST", base, item)[0] == 201
        url = f"{base}/f-race-{trial}"
        save, delete = together(lambda u=url, i=item: live_api.request("PUT", u, {**i, "version": 1,
                                                                               "description": "saved"}),
                                lambda u=url: live_api.request("DELETE", f"{u}?version=1"))
        after = live_api.request("GET", url)
        if delete[0] == 200:
            assert save[0] in (404, 409), save
            assert after[0] == 404
        else:
            assert (save[0], delete[0]) == (200, 409), (save, delete)
            assert after[1]["description"] == "saved"


def test_two_creations_of_one_item_id_give_201_and_409(live_api, sample):
    base = f"/api/cases/{sample}/factors"
    for trial in range(TRIALS):
        item = {"id": f"f-twin-{trial}", "description": "twin", "category": "management_systems",
                "valence": "unsafe", "level": "organisation"}
        results = together(*(lambda i=item: live_api.request("POST", base, i) for _ in range(2)))
        assert sorted(status for status, _ in results) == [201, 409], results


def test_two_imports_racing_into_one_new_case_make_it_once_and_never_fail(live_api, new_case_id, write_csv):
    path: Path = write_csv([["event_id", "date", "agency", "sector", "kind", "description"],
                            ["e1", "2024-01-02", "Ashdown School", "education", "home_visit", "Seen"]])
    body, boundary = _multipart(path.read_bytes(), path.name)
    for _ in range(4):
        case = new_case_id("race")
        results = together(*(lambda c=case: live_api.request(
            "POST", f"/api/cases/{c}/chronology", data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}) for _ in range(2)))
        made = [r for s, r in results if s == 200 and r["case_created"]]
        others = [(s, r["case_created"] if s == 200 else r["detail"]) for s, r in results if s != 200
                  or not r["case_created"]]
        assert len(made) == 1, results
        # the second either came after (nothing new to write) or met the first at the constraint
        assert others in ([(200, False)], [(409, CONFLICT_SAME_MOMENT)]), results
        assert live_api.request("GET", f"/api/cases/{case}")[1]["counts"]["event"] == 1


CONFLICT_SAME_MOMENT = ("someone else created the same case or item at the same moment; reload to see it, "
                        "then make your change again")


def test_two_writers_meeting_at_the_unique_constraint_get_a_conflict_not_a_crash(store, case_id):
    """When both imports found no case and both create it, the second meets the constraint;
    here the second creation is made to happen after the first has committed."""
    from causalmap.errors import Conflict
    from causalmap.store.cases import create_case_tx, new_case

    store.write_transaction(lambda tx: create_case_tx(tx, new_case(case_id, None)))
    with pytest.raises(Conflict) as refused:
        store.write_transaction(lambda tx: tx.run("CREATE (c:Case {id: $id})", id=case_id).consume())
    assert str(refused.value) == CONFLICT_SAME_MOMENT


def _multipart(content: bytes, filename: str) -> tuple[bytes, str]:
    boundary = "causalmap-test-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n").encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), boundary
