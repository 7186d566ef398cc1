"""Read one whole case for the analysis: one read transaction, scoped to the case."""

from __future__ import annotations

from neo4j import ManagedTransaction

from causalmap.snapshot import CaseSnapshot
from causalmap.store.cases import get_case
from causalmap.store.connection import Store
from causalmap.store.records import read_causal_links, read_nodes


def read_snapshot(store: Store, case_id: str) -> CaseSnapshot:
    get_case(store, case_id)

    def work(tx: ManagedTransaction) -> CaseSnapshot:
        def by_id(kind: str) -> dict[str, dict]:
            return {r["id"]: r for r in read_nodes(tx, case_id, kind)}

        return CaseSnapshot(
            case_id=case_id, agencies=by_id("agency"), events=by_id("event"), decisions=by_id("decision"),
            factors=by_id("factor"), episodes=by_id("episode"), findings=by_id("finding"),
            recommendations=by_id("recommendation"), causal_links=read_causal_links(tx, case_id),
        )

    return store.read_transaction(work)
