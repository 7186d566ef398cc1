"""The stored analysis: reused while the case is unchanged, exactly what a fresh analysis gives,
and invalidated by every kind of change to the case."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from causalmap.analysis.report import Parameters, analyse
from causalmap.analysis.rules import load_rules
from causalmap.case_analysis import analyse_case, analysis_key, default_key, refresh_stale
from causalmap.chronology import read_table
from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document
from causalmap.store.analyses import store_analysis
from causalmap.store.cases import delete_case
from causalmap.store.chronology import import_chronology
from causalmap.store.items import delete_item, delete_link, get_item, get_link, save_item, save_link, update_case
from causalmap.store.snapshot import read_snapshot


def fresh(store, case_id: str, parameters: Parameters | None = None,
          families: tuple[str, ...] = ("gaps", "causes", "checks", "patterns")) -> dict:
    """The analysis computed now from the graph, bypassing every store of results."""
    p = (parameters or Parameters()).check()
    return json.loads(json.dumps(analyse(read_snapshot(store, case_id), p, load_rules(None), families)))


def revision(store, case_id: str) -> str:
    return store.read("MATCH (c:Case {id: $id}) RETURN c.revision AS r", id=case_id)[0]["r"]


def stored(store, case_id: str) -> list[dict]:
    return store.read("MATCH (a:Analysis {case_id: $id}) RETURN a.key AS key, a.revision AS revision", id=case_id)


def items_of(result: dict) -> list[tuple[str, str]]:
    """The default analysis's gap and pattern items as (family, JSON), in a fixed order."""
    return sorted((family, json.dumps(item, ensure_ascii=False, sort_keys=True))
                  for family in ("gaps", "patterns") for item in result[family])


def stored_items(store, case_id: str) -> list[tuple[str, str]]:
    rows = store.read("MATCH (g:Gap {case_id: $id}) RETURN g.family AS family, g.json AS json", id=case_id)
    return sorted((r["family"], r["json"]) for r in rows)


def gap_nodes(store, case_id: str) -> dict[str, str]:
    """The case's Gap nodes: JSON by Neo4j's own node id, which changes when a node is rewritten."""
    rows = store.read("MATCH (g:Gap {case_id: $id}) RETURN elementId(g) AS node, g.json AS json", id=case_id)
    return {r["node"]: r["json"] for r in rows}


def import_a_late_referral(store, case_id: str, write_csv) -> None:
    """A police referral to social care on 1 June 2023 that nobody answers: a new gap item."""
    path = write_csv([["date", "agency", "kind", "description", "to_agency"],
                      ["2023-06-01", "Ashdown Police", "referral", "A late referral", "Ashdown Social Care"]])
    import_chronology(store, case_id, read_table(path))


@pytest.fixture
def sample(store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    return case_id


def test_the_first_analysis_is_stored_and_the_second_reuses_it(store, sample):
    first = analyse_case(store, sample)
    assert stored(store, sample) == [{"key": default_key(), "revision": revision(store, sample)}]
    assert first == fresh(store, sample)
    # Proof of reuse: a result planted under the case's revision is what comes back.
    planted = {**first, "gaps": []}
    assert store_analysis(store, sample, default_key(), revision(store, sample), planted)
    assert analyse_case(store, sample) == planted


def test_other_parameters_are_stored_under_their_own_key(store, sample):
    p = Parameters(response_days=3)
    assert analyse_case(store, sample, "gaps", p) == fresh(store, sample, p, ("gaps",))
    assert analyse_case(store, sample, "gaps", p)["parameters"]["response_days"] == 3
    keys = {r["key"] for r in stored(store, sample)}
    assert keys == {analysis_key(("gaps",), p.check(), load_rules(None))}


EDITS = {
    "event updated": lambda store, c: save_item(store, c, "event", {**get_item(store, c, "event", "hv-20221011"),
                                                                     "responds_to": []}, create=False),
    "event deleted": lambda store, c: delete_item(store, c, "event", "hv-20221011", 1),
    "link updated": lambda store, c: save_link(store, c, {**get_link(store, c, "cl-01"), "strength": "weak"},
                                               create=False),
    "link deleted": lambda store, c: delete_link(store, c, "cl-01", 1),
    "case metadata": lambda store, c: update_case(store, c, {"version": 1, "board": "Another board"}),
    "factor created": lambda store, c: save_item(store, c, "factor", {"id": "f-new", "description": "x",
                                                                      "category": "tools"}, create=True),
}


@pytest.mark.parametrize("edit", EDITS)
def test_every_edit_invalidates_and_the_next_result_is_the_fresh_one(store, sample, edit):
    before = analyse_case(store, sample)
    old_revision = revision(store, sample)
    EDITS[edit](store, sample)
    assert revision(store, sample) != old_revision
    after = analyse_case(store, sample)
    assert after == fresh(store, sample)
    assert stored(store, sample) == [{"key": default_key(), "revision": revision(store, sample)}]
    def unanswered(result: dict) -> list[list[str]]:
        return [g["event_ids"] for g in result["gaps"] if g["type"] == "unanswered_handoff"]

    # The police's information sharing of 5 October 2022 loses its only response.
    assert (["pol-20221005"] in unanswered(after), ["pol-20221005"] in unanswered(before)) == (
        edit in ("event updated", "event deleted"), False)


def test_an_import_invalidates(store, sample, write_csv):
    analyse_case(store, sample)
    old_revision = revision(store, sample)
    import_a_late_referral(store, sample, write_csv)
    assert revision(store, sample) != old_revision
    after = analyse_case(store, sample)
    assert after == fresh(store, sample)
    assert any(g["type"] == "unanswered_handoff" and g["period"]["start"] == "2023-06-01" for g in after["gaps"])


def test_a_result_computed_before_an_edit_is_not_stored_after_it(store, sample):
    old_revision = revision(store, sample)
    update_case(store, sample, {"version": 1, "region": "Elsewhere"})
    assert store_analysis(store, sample, default_key(), old_revision, {"case_id": sample}) is False
    assert stored(store, sample) == []


def test_gap_nodes_hold_the_default_analysis_items_and_go_with_the_case(store, sample):
    result = analyse_case(store, sample)
    rows = store.read("MATCH (g:Gap {case_id: $id}) RETURN g.family AS family, g.json AS json, g.type AS type, "
                      "g.from_sector AS a, g.to_sector AS b, g.kind AS kind, g.event_ids AS events", id=sample)
    assert stored_items(store, sample) == items_of(result)
    assert sorted(r["events"] for r in rows) == sorted(i["event_ids"] for i in result["gaps"] + result["patterns"])
    # The tallies count the Gap nodes of each type by sectors and kind, exactly.
    tallies = store.read("MATCH (t:GapTally {case_id: $id}) UNWIND range(0, size(t.counts) - 1) AS i "
                         "RETURN t.type AS type, t.from_sectors[i] AS a, t.to_sectors[i] AS b, t.kinds[i] AS kind, "
                         "t.counts[i] AS n", id=sample)
    assert {(t["type"], t["a"], t["b"], t["kind"]): t["n"] for t in tallies} == Counter(
        (r["type"], r["a"] or "", r["b"] or "", r["kind"] or "") for r in rows)
    assert any(t["n"] > 1 for t in tallies) and len({t["type"] for t in tallies}) > 3
    # Another parameter set stores no Gap nodes of its own.
    analyse_case(store, sample, "all", Parameters(window_days=30))
    assert len(store.read("MATCH (g:Gap {case_id: $id}) RETURN g.id", id=sample)) == len(rows)
    delete_case(store, sample)
    assert store.read("MATCH (n) WHERE (n:Gap OR n:GapTally OR n:Analysis) AND n.case_id = $id "
                      "RETURN count(n) AS n",
                      id=sample) == [{"n": 0}]


def test_refresh_stale_analyses_only_the_changed_cases(store, new_case_id):
    first, second = new_case_id("r"), new_case_id("r")
    for case_id in (first, second):
        import_case(store, sample_document(), as_id=case_id)
    assert refresh_stale(store, [first, second]) == sorted([first, second])
    assert refresh_stale(store, [first, second]) == []
    update_case(store, second, {"version": 1, "region": "Elsewhere"})
    assert refresh_stale(store, [first, second]) == [second]


def test_the_overview_is_stored_with_the_analysis_and_read_alone(store, sample, client):
    from causalmap.case_analysis import case_overview, overview_of

    fresh_overview = overview_of(fresh(store, sample))
    assert case_overview(store, sample) == fresh_overview  # computed (and stored) on the first call
    assert store.read("MATCH (a:Analysis {case_id: $id}) RETURN a.overview IS NOT NULL AS kept", id=sample) == [
        {"kept": True}]
    assert case_overview(store, sample) == fresh_overview  # read back alone
    assert sum(fresh_overview["counts"]["gaps"].values()) == len(fresh(store, sample)["gaps"])
    assert len(fresh_overview["first"]) == 8 and {i["severity"] for i in fresh_overview["first"]} == {"high"}
    page = client.get(f"/cases/{sample}").get_data(as_text=True)
    assert fresh_overview["first"][0]["explanation"].split("'")[0][:40] in page.replace("&#39;", "'")
    delete_item(store, sample, "event", "hv-20221011", 1)
    assert case_overview(store, sample) == overview_of(fresh(store, sample)) != fresh_overview


def test_an_edit_that_changes_no_item_rewrites_no_gap_node(store, sample):
    analyse_case(store, sample)
    before = gap_nodes(store, sample)
    factor = get_item(store, sample, "factor", "f-referral-feedback")
    save_item(store, sample, "factor", {**factor, "description": "Reworded by the panel"}, create=False)
    after_result = analyse_case(store, sample)
    assert gap_nodes(store, sample) == before
    assert stored_items(store, sample) == items_of(after_result)
    # The tallies, which say the Gap nodes are current, moved to the new revision.
    assert {r["r"] for r in store.read("MATCH (t:GapTally {case_id: $id}) RETURN t.revision AS r", id=sample)} == {
        revision(store, sample)}


def test_an_edit_that_changes_items_rewrites_only_those(store, sample, write_csv):
    analyse_case(store, sample)
    before = gap_nodes(store, sample)
    import_a_late_referral(store, sample, write_csv)
    result = analyse_case(store, sample)
    after = gap_nodes(store, sample)
    assert stored_items(store, sample) == items_of(result)
    kept = {node: text for node, text in after.items() if node in before}
    new_texts = sorted(text for node, text in after.items() if node not in before)
    gone_texts = sorted(text for node, text in before.items() if node not in after)
    # The same items keep their nodes; only the changed ones were deleted or created.
    assert kept and all(before[node] == text for node, text in kept.items())
    assert new_texts and Counter(new_texts) == Counter(after.values()) - Counter(before.values())
    assert Counter(gone_texts) == Counter(before.values()) - Counter(after.values())
    assert any('"2023-06-01"' in text and "unanswered_handoff" in text for text in new_texts)
