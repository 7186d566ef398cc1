"""Read one whole case for the analysis: one read transaction, scoped to the case; or bring a
snapshot read earlier up to date by reading only the records changed since."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from neo4j import ManagedTransaction

from causalmap.snapshot import CaseSnapshot
from causalmap.store.cases import get_case
from causalmap.store.connection import Store
from causalmap.store.model import SECTIONS
from causalmap.store.records import read_causal_links, read_nodes
from causalmap.store.revision import changes_since


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


def catch_up(store: Store, earlier: CaseSnapshot, revision: str) -> CaseSnapshot | None:
    """The case as it is now, from `earlier` (the case at `revision`) and the records changed
    since, in one read transaction; None when a change since was not noted record by record
    (store/revision.py) and the case must be read whole.

    Exactly what read_snapshot would give: the changed records are read as it reads them, the
    others are the same records, and each section stays in id order (records that are new are
    put in their place; Neo4j orders stored strings by code point, as Python does)."""
    case_id = earlier.case_id

    def work(tx: ManagedTransaction) -> CaseSnapshot | None:
        found = changes_since(tx, case_id, revision)
        if found is None:
            return None
        wanted: dict[str, list[str]] = defaultdict(list)
        for note in found[1]:
            kind, _, ident = note.partition(":")
            if kind != "link" and kind not in SECTIONS:
                return None  # not a note this version writes: read the case whole
            wanted[kind].append(ident)
        sections: dict[str, Any] = {section: getattr(earlier, section) for section in SECTIONS.values()}
        links = earlier.causal_links
        for kind, ids in wanted.items():
            if kind == "link":
                fresh = {link["id"]: link for link in read_causal_links(tx, case_id, ids)}
                kept = [link for link in links if link["id"] not in fresh and link["id"] not in ids]
                links = sorted(kept + list(fresh.values()), key=lambda link: link["id"])
                continue
            section = SECTIONS[kind]
            fresh = {record["id"]: record for record in read_nodes(tx, case_id, kind, ids)}
            records = {k: v for k, v in sections[section].items() if k not in ids or k in fresh}
            new = set(fresh) - set(records)
            records.update(fresh)
            sections[section] = dict(sorted(records.items())) if new else records
        return CaseSnapshot(case_id=case_id, causal_links=links, **sections)

    return store.read_transaction(work)
