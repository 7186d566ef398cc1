"""Answers kept in a worker's memory while a case is unchanged (web/case_memory.py): every change
shows at once, through this server or any other process; a layout change shows on the map; an
answer worked out while a change committed is never kept."""

from __future__ import annotations

import pytest
from causalmap.web import case_memory

from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document
from causalmap.store.items import get_item, save_item

FACTOR = "f-start-again"


@pytest.fixture
def sample(store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    return case_id


def reads(client, case_id):
    """What a panel member sees of the factor in every kept answer."""
    base = f"/api/cases/{case_id}"
    nodes = {n["id"]: n for n in client.get(f"{base}/map").json["nodes"]}
    listed = {f["id"]: f for f in client.get(f"{base}/factors").json}
    assert client.get(f"/cases/{case_id}").status_code == 200  # the overview page, kept too
    return (nodes[f"factor:{FACTOR}"]["description"], listed[FACTOR]["description"],
            client.get(base).json["case"]["version"])


def test_a_change_through_the_api_shows_in_the_next_answer(client, sample):
    before = reads(client, sample)
    assert reads(client, sample) == before  # kept, and the same
    factor = client.get(f"/api/cases/{sample}/factors/{FACTOR}").json
    assert client.put(f"/api/cases/{sample}/factors/{FACTOR}",
                      json={**factor, "description": "Changed by the panel"}).status_code == 200
    assert reads(client, sample)[:2] == ("Changed by the panel", "Changed by the panel")


def test_a_change_by_another_process_shows_in_the_next_answer(client, store, sample):
    client.get(f"/api/cases/{sample}/factors")
    factor = get_item(store, sample, "factor", FACTOR)
    save_item(store, sample, "factor", {**factor, "description": "Changed elsewhere"}, create=False)
    listed = {f["id"]: f for f in client.get(f"/api/cases/{sample}/factors").json}
    assert listed[FACTOR]["description"] == "Changed elsewhere"


def test_the_case_metadata_and_the_analysis_follow_a_change(client, sample):
    base = f"/api/cases/{sample}"
    case = client.get(base).json["case"]
    analysis = client.get(f"{base}/analysis").json
    assert client.put(base, json={"version": case["version"], "board": "Westmarch SCP"}).status_code == 200
    assert client.get(base).json["case"]["board"] == "Westmarch SCP"
    links = client.get(f"{base}/links").json
    link = links[0]
    assert client.delete(f"{base}/links/{link['id']}?version={link['version']}").status_code == 200
    assert len(client.get(f"{base}/links").json) == len(links) - 1
    after = client.get(f"{base}/analysis").json
    assert len(after["causes"]["chains"]) <= len(analysis["causes"]["chains"])
    assert after == client.get(f"{base}/analysis").json


def test_a_saved_layout_shows_on_the_map_though_it_changes_no_revision(client, sample):
    base = f"/api/cases/{sample}"
    key = f"factor:{FACTOR}"
    assert "x" not in {n["id"]: n for n in client.get(f"{base}/map").json["nodes"]}[key]
    assert client.put(f"{base}/layout", json={"positions": {key: {"x": 12.5, "y": -40}}}).status_code == 200
    node = {n["id"]: n for n in client.get(f"{base}/map").json["nodes"]}[key]
    assert (node["x"], node["y"]) == (12.5, -40)


def test_an_answer_made_while_a_change_committed_is_not_kept(store, sample):
    made: list[int] = []

    def make() -> int:
        made.append(len(made))
        if len(made) == 1:  # a change commits while the first answer is being worked out
            factor = get_item(store, sample, "factor", FACTOR)
            save_item(store, sample, "factor", {**factor, "description": "Meanwhile"}, create=False)
        return len(made)

    assert case_memory.remembered(store, sample, "race", make) == 1
    assert case_memory.remembered(store, sample, "race", make) == 2  # not kept: made again
    assert case_memory.remembered(store, sample, "race", make) == 2  # kept now
    assert made == [0, 1]


def test_a_missing_case_is_not_found_and_nothing_is_kept(client):
    assert client.get("/api/cases/no-such-case/map").status_code == 404
    assert client.get("/api/cases/no-such-case/analysis").status_code == 404


def test_memory_stays_within_its_bound(store, sample, monkeypatch):
    monkeypatch.setattr(case_memory, "MAX_BYTES", 4000)
    case_memory.forget_all()
    for n in range(10):
        case_memory.remembered(store, sample, ("bound", n), lambda: b"x" * 900)
    assert case_memory._size <= 4000
    assert len(case_memory._kept) == 4
    case_memory.forget_all()


def test_a_result_stored_by_another_worker_at_the_same_revision_is_not_rewritten(store, sample):
    from causalmap.case_analysis import analyse_case, default_key
    from causalmap.store.analyses import store_analysis

    first = analyse_case(store, sample)
    revision = store.read("MATCH (c:Case {id: $id}) RETURN c.revision AS r", id=sample)[0]["r"]
    assert store_analysis(store, sample, default_key(), revision, {**first, "gaps": []}, unless_stored=True)
    assert analyse_case(store, sample) == first  # kept as the first worker stored it
    assert store_analysis(store, sample, default_key(), revision, {**first, "gaps": []})  # a plain store replaces
    assert analyse_case(store, sample)["gaps"] == []


def test_a_fresh_worker_shows_an_unchanged_case_s_overview_from_its_stored_overview_alone(client, sample,
                                                                                           monkeypatch):
    from causalmap import case_analysis

    assert client.get(f"/cases/{sample}").status_code == 200  # analysed and stored
    case_memory.forget_all()  # as a worker that has not seen the case
    asked = []
    read = case_analysis.cached_analysis

    def recording(store, case_id, key, part="result"):
        asked.append(part)
        return read(store, case_id, key, part)

    monkeypatch.setattr(case_analysis, "cached_analysis", recording)
    page = client.get(f"/cases/{sample}")
    assert page.status_code == 200
    assert asked == ["overview"]  # not the whole stored result (megabytes for a big case)


@pytest.mark.parametrize("kept", [True, False], ids=["snapshot kept", "no snapshot kept"])
def test_every_section_is_what_the_store_lists_from_the_kept_snapshot_or_read_alone(client, store, sample, kept,
                                                                                     monkeypatch):
    from causalmap.store import items
    from causalmap.store.items import SECTIONS, list_items
    from causalmap.store.records import read_causal_links

    case_memory.forget_all()
    if kept:
        assert client.get(f"/api/cases/{sample}/map").status_code == 200  # the map keeps the snapshot
    read_alone = []
    monkeypatch.setattr(items, "list_items", lambda *args: read_alone.append(args[2]) or list_items(*args))
    for kind, section in SECTIONS.items():
        listed = client.get(f"/api/cases/{sample}/{section}").json
        assert listed == list_items(store, sample, kind), section
        assert len(listed) == len(sample_document()[section]), section
    assert read_alone == ([] if kept else list(SECTIONS))
    links = client.get(f"/api/cases/{sample}/links").json
    assert links == store.read_transaction(lambda tx: read_causal_links(tx, sample))
    assert len(links) == len(sample_document()["causal_links"]) == 26
    events = client.get(f"/api/cases/{sample}/events").json
    assert not {"day", "when"} & {key for event in events for key in event}
    assert client.get(f"/api/cases/{sample}/nonsense").status_code == 404


SECTION_NAMES = ("agencies", "events", "decisions", "factors", "episodes", "findings", "recommendations")


def assert_same_snapshot(got, fresh):
    """Equal records in the same order, section by section (dict equality ignores order)."""
    for section in SECTION_NAMES:
        assert list(getattr(got, section).items()) == list(getattr(fresh, section).items()), section
    assert got.causal_links == fresh.causal_links


@pytest.fixture
def whole_reads(monkeypatch):
    """How many times the worker read the whole case."""
    from causalmap.store.snapshot import read_snapshot

    count = {"n": 0}

    def counted(store, case_id):
        count["n"] += 1
        return read_snapshot(store, case_id)

    monkeypatch.setattr(case_memory, "read_snapshot", counted)
    case_memory.forget_all()
    return count


def test_a_worker_catches_up_on_saved_items_and_links_by_reading_only_them(store, sample, whole_reads):
    from causalmap.analysis.report import Parameters, analyse
    from causalmap.analysis.rules import load_rules
    from causalmap.store.items import delete_link, get_link, save_link
    from causalmap.store.snapshot import read_snapshot

    case_memory.cached_snapshot(store, sample)
    assert whole_reads["n"] == 1
    factor = get_item(store, sample, "factor", FACTOR)
    event = get_item(store, sample, "event", "gp-20220920")
    episode = get_item(store, sample, "episode", "kpe-1")
    link = get_link(store, sample, "cl-01")
    steps = [
        lambda: save_item(store, sample, "factor", {**factor, "description": "Reworded"}, create=False),
        # Two changes before the worker looks again, one a new record in the middle of the ids,
        # one whose id sorts after every other (a letter outside the Basic Multilingual Plane).
        lambda: (save_item(store, sample, "factor", {"id": "f-middle", "description": "New", "category": "tools"},
                           create=True),
                 save_item(store, sample, "factor", {"id": "zz-\U00010400", "description": "Last",
                                                     "category": "tools"}, create=True)),
        lambda: save_item(store, sample, "event", {**event, "responds_to": ["hv-20220906"],
                                                   "source": "ashdown-social-care"}, create=False),
        lambda: save_item(store, sample, "episode", {**episode, "members": episode["members"][:2]}, create=False),
        lambda: save_item(store, sample, "agency", {**get_item(store, sample, "agency", "ashdown-health-visiting"),
                                                    "name": "Ashdown Health Visitors"}, create=False),
        lambda: save_link(store, sample, {**link, "strength": "weak"}, create=False),
        lambda: save_link(store, sample, {**link, "id": "cl-new", "strength": "weak"}, create=True),
        lambda: delete_link(store, sample, "cl-new", 1),
    ]
    for step in steps:
        step()
        got = case_memory.cached_snapshot(store, sample)
        assert_same_snapshot(got, read_snapshot(store, sample))
    assert whole_reads["n"] == 1  # every change above was caught up on, never read whole
    assert list(got.factors)[-1] == "zz-\U00010400" and "f-middle" in got.factors
    rules, parameters = load_rules(None), Parameters().check()
    assert analyse(got, parameters, rules) == analyse(read_snapshot(store, sample), parameters, rules)


def test_a_deletion_metadata_an_import_or_too_many_changes_make_the_worker_read_the_case_whole(
        store, sample, whole_reads, write_csv):
    from causalmap.chronology import read_table
    from causalmap.store.chronology import import_chronology
    from causalmap.store.items import delete_item, update_case
    from causalmap.store.snapshot import read_snapshot

    case_memory.cached_snapshot(store, sample)
    factor = get_item(store, sample, "factor", FACTOR)
    path = write_csv([["date", "agency", "kind", "description", "to_agency"],
                      ["2023-06-01", "Ashdown Police", "referral", "A late referral", "Ashdown Social Care"]])
    version = factor["version"]
    changes = [
        lambda: delete_item(store, sample, "event", "gp-20220920b", 1),  # its links and episode go too
        lambda: update_case(store, sample, {"version": get_item_case_version(store, sample), "board": "Another"}),
        lambda: import_chronology(store, sample, read_table(path)),
    ]
    for n, change in enumerate(changes, start=2):
        change()
        assert_same_snapshot(case_memory.cached_snapshot(store, sample), read_snapshot(store, sample))
        assert whole_reads["n"] == n
    # The near miss of the catch-up: more changes than the case remembers since the worker looked.
    for i in range(17):
        save_item(store, sample, "factor", {**factor, "version": version + i, "description": f"Edit {i}"}, create=False)
    assert_same_snapshot(case_memory.cached_snapshot(store, sample), read_snapshot(store, sample))
    assert whole_reads["n"] == 5


def get_item_case_version(store, case_id):
    from causalmap.store.cases import get_case

    return get_case(store, case_id)["version"]


def test_a_worker_works_out_a_case_s_analysis_once_for_a_page_the_api_and_a_query_asking_at_once(
        app, admin_token, sample, monkeypatch):
    import threading
    import time

    from causalmap import case_analysis

    real, computed = case_analysis.analyse, []

    def slow(*args, **kwargs):  # long enough that all three requests ask while it runs
        computed.append(args[0].case_id)
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(case_analysis, "analyse", slow)
    case_memory.forget_all()
    paths = [f"/cases/{sample}", f"/api/cases/{sample}/analysis",
             f"/api/queries/national-patterns?cases={sample}&pattern=start_again"]
    answers: dict[str, int] = {}

    def get(path: str) -> None:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {admin_token}"
        answers[path] = client.get(path).status_code

    threads = [threading.Thread(target=get, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert answers == dict.fromkeys(paths, 200)
    assert computed == [sample]


def test_a_note_this_version_does_not_write_makes_the_worker_read_the_case_whole(store, sample, whole_reads):
    """Notes written by another version of causalmap (an unknown kind, lists of unequal length)
    are never guessed at: the case is read whole, as without notes."""
    from causalmap.store.snapshot import read_snapshot

    factor = get_item(store, sample, "factor", FACTOR)
    case_memory.cached_snapshot(store, sample)

    def edit(n: int) -> None:
        save_item(store, sample, "factor", {**factor, "version": factor["version"] + n, "description": f"Edit {n}"},
                  create=False)

    # The near miss first: an edit noted as this version notes it is caught up on.
    edit(0)
    assert_same_snapshot(case_memory.cached_snapshot(store, sample), read_snapshot(store, sample))
    assert whole_reads["n"] == 1
    edit(1)
    store.write_transaction(lambda tx: tx.run(
        "MATCH (c:Case {id: $id}) SET c.change_items = c.change_items[..-1] + ['case:" + sample + "']",
        id=sample).consume())
    assert_same_snapshot(case_memory.cached_snapshot(store, sample), read_snapshot(store, sample))
    assert whole_reads["n"] == 2
    edit(2)
    store.write_transaction(lambda tx: tx.run(
        "MATCH (c:Case {id: $id}) SET c.change_to = c.change_to[1..]", id=sample).consume())
    assert_same_snapshot(case_memory.cached_snapshot(store, sample), read_snapshot(store, sample))
    assert whole_reads["n"] == 3
