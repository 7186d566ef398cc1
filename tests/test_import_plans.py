"""Every statement an import runs finds nodes by the (case_id, id) unique index, also for
nodes created earlier in the same transaction: never a label scan, never the case_id index
followed by a filter on id.

Without its USING INDEX hint, the planner on a fresh database (no statistics) may seek the
case_id index and filter every node of the case by id, once per row: measured 40 million
db hits and 52 s for 1,000 BY links among 20,000 events created in the same transaction,
260 s for 4,000 (docs/benchmarks.md). That was the import stall.
"""

from __future__ import annotations

import re

from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document
from causalmap.store.cases import case_properties, case_record, create_case_tx
from causalmap.store.model import SECTIONS, WRITE_ORDER
from causalmap.store.records import upsert_causal_links, upsert_nodes

KEYED = re.compile(r"\((\w+):(\w+) \{case_id: \$case_id, id: [\w.]+\}\)")


class Profiled:
    """A transaction that profiles every statement run through it and keeps the plans."""

    def __init__(self, tx) -> None:
        self.tx, self.plans = tx, []

    def run(self, query, **parameters):
        result = self.tx.run("PROFILE " + query, **parameters)
        return _Kept(result, query, self.plans)


class _Kept:
    def __init__(self, result, query, plans) -> None:
        self.result, self.query, self.plans = result, query, plans

    def consume(self):
        summary = self.result.consume()
        self.plans.append((self.query, summary.profile))
        return summary


def operators(plan) -> list[str]:
    return [plan["operatorType"].split("@")[0]] + [o for child in plan.get("children", []) for o in operators(child)]


def test_import_statements_seek_the_unique_index_with_a_hint(store, new_case_id):
    doc = sample_document()
    case_id = new_case_id("plans")

    def work(tx):
        profiled = Profiled(tx)
        create_case_tx(tx, case_record(case_properties({**doc["case"], "id": case_id, "version": 1})))
        for kind in WRITE_ORDER:  # new nodes, then the same again as replacements (old links deleted)
            upsert_nodes(profiled, case_id, kind, doc.get(SECTIONS[kind], []))
            upsert_nodes(profiled, case_id, kind, doc.get(SECTIONS[kind], []),
                         existing={r["id"] for r in doc.get(SECTIONS[kind], [])})
        upsert_causal_links(profiled, case_id, doc["causal_links"])
        return profiled.plans

    plans = store.write_transaction(work)
    keyed = [(q, p) for q, p in plans if KEYED.search(q)]
    assert len(keyed) >= 15  # BY, SOURCE, TO, ATTENDED_BY, RESPONDS_TO, ..., replacements, causal links
    for query, plan in keyed:
        names = operators(plan)
        assert not {"NodeByLabelScan", "AllNodesScan", "NodeIndexSeek"} & set(names), (query, names)
        assert names.count("NodeUniqueIndexSeek(Locking)") + names.count("NodeUniqueIndexSeek") == len(
            KEYED.findall(query)), (query, names)
        for variable, label in KEYED.findall(query):
            assert f"USING INDEX {variable}:{label}(case_id, id)" in query, query
    assert any(" BY" in q or ":BY]" in q for q, _ in keyed)


def test_links_to_nodes_created_in_the_same_transaction_are_all_found(store, new_case_id):
    """The index seek sees the transaction's own new nodes: every link of the sample lands."""
    case_id = new_case_id("plans")
    import_case(store, sample_document(), as_id=case_id)
    doc = sample_document()
    expected = sum(1 for _ in doc["events"]) + sum(1 for d in doc["decisions"] if d.get("agency"))
    stored = store.read("MATCH (n {case_id: $c})-[:BY]->(:Agency {case_id: $c}) RETURN count(*) AS n", c=case_id)
    assert stored[0]["n"] == expected


class _ProfiledReads:
    """A read transaction that profiles each statement of read_nodes/read_causal_links."""

    def __init__(self, tx) -> None:
        self.tx, self.plans = tx, []

    def run(self, query, **parameters):
        result = self.tx.run("PROFILE " + query, **parameters)
        record = result.single()
        self.plans.append((query, result.consume().profile))
        return _One(record)


class _One:
    def __init__(self, record) -> None:
        self.record = record

    def single(self):
        return self.record


def test_reading_a_case_or_a_few_of_its_records_seeks_the_key_never_scans(store, new_case_id):
    """A whole kind is read in pages of its (case_id, id) key, a few records by a seek each:
    without SEEK in the hint, the planner scanned the whole key index (every case's records)
    to read one item."""
    from causalmap.store.records import read_causal_links, read_nodes

    case_id = new_case_id("plans")
    import_case(store, sample_document(), as_id=case_id)

    def work(tx):
        profiled = _ProfiledReads(tx)
        got = (read_nodes(profiled, case_id, "event"), read_nodes(profiled, case_id, "event", ["gp-20220920"]),
               read_causal_links(profiled, case_id), read_causal_links(profiled, case_id, ["cl-01"]),
               read_nodes(profiled, case_id, "episode", ["kpe-1", "no-such-episode"]))
        return got, profiled.plans

    (events, one, links, link, episodes), plans = store.read_transaction(work)
    assert (len(events), [e["id"] for e in one], len(links), [x["id"] for x in link], [e["id"] for e in episodes]) == (
        93, ["gp-20220920"], 26, ["cl-01"], ["kpe-1"])
    assert len(plans) == 5
    for query, plan in plans:
        names = set(operators(plan))
        assert names & {"NodeUniqueIndexSeek", "DirectedRelationshipIndexSeek"}, (query, names)
        assert not {"NodeIndexScan", "DirectedRelationshipIndexScan", "NodeByLabelScan", "AllNodesScan",
                    "DirectedAllRelationshipsScan"} & names, (query, names)
