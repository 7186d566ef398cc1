"""Large imports into a new case: written in batches under a staging id, then switched into
place in one transaction, so that the import stays all-or-nothing without holding a whole
200,000-event chronology in one Neo4j transaction (which exhausts its transaction memory).

The staging id is not a valid case id, so staged nodes can never meet a real case's, and no
Case node carries it, so no page, API call or cross-case query sees them. The switch creates
the Case node and renames the staged nodes' `case_id` in one transaction: either the case is
there whole or it is absent. A failed import removes what it staged; what a killed process
left behind is removed by the next staged import once it is a day old.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from neo4j import ManagedTransaction

from causalmap.store.cases import create_case_tx, new_case
from causalmap.store.connection import Store
from causalmap.store.records import batches, create_link_fields, create_nodes
from causalmap.store.revision import bump_revision
from causalmap.vocab import CASE_LABELS

STAGING_PREFIX = "~staging-"  # "~" cannot start a case id (vocab.is_id)
BATCH = 10_000  # records per staging transaction
ABANDONED_AFTER = "P1D"  # an ISO duration: staging older than this is from a process that died


def import_new_case(store: Store, case_id: str, title: str | None,
                    records: list[tuple[str, list[dict[str, Any]]]]) -> None:
    """Write `records` ((kind, records) in dependency order) as the new case `case_id`.

    Raises Conflict when the case appeared meanwhile (another import or editor made it)."""
    remove_abandoned(store)
    staging = STAGING_PREFIX + uuid.uuid4().hex
    store.write_transaction(lambda tx: tx.run(
        "CREATE (:ImportStaging {id: $s, case_id: $c, started_at: datetime()})", s=staging, c=case_id).consume())
    try:
        for write in (create_nodes, create_link_fields):  # every node first: links may point forward
            for kind, kind_records in records:
                for chunk in batches(kind_records, BATCH):
                    store.write_transaction(_writer(write, staging, kind, chunk))
        store.write_transaction(lambda tx: _switch(tx, staging, case_id, title))
    except BaseException:
        discard(store, staging)
        raise


def _writer(write: Callable[..., None], staging: str, kind: str,
            chunk: list[dict[str, Any]]) -> Callable[[ManagedTransaction], None]:
    return lambda tx: write(tx, staging, kind, chunk)


def _switch(tx: ManagedTransaction, staging: str, case_id: str, title: str | None) -> None:
    create_case_tx(tx, new_case(case_id, title))  # Conflict if the case exists by now
    for lab in CASE_LABELS:
        tx.run(f"MATCH (n:{lab} {{case_id: $s}}) SET n.case_id = $c", s=staging, c=case_id).consume()
    tx.run("MATCH (s:ImportStaging {id: $s}) DELETE s", s=staging).consume()
    bump_revision(tx, case_id)


def discard(store: Store, staging: str) -> None:
    """Remove a staging's nodes in batches, then its marker."""
    for lab in CASE_LABELS:
        while store.write_transaction(lambda tx, lab=lab: tx.run(
                f"MATCH (n:{lab} {{case_id: $s}}) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n",
                s=staging).single()["n"]):
            pass
    store.write_transaction(lambda tx: tx.run("MATCH (s:ImportStaging {id: $s}) DELETE s", s=staging).consume())


def remove_abandoned(store: Store) -> None:
    rows = store.read("MATCH (s:ImportStaging) WHERE s.started_at < datetime() - duration($age) RETURN s.id AS id",
                      age=ABANDONED_AFTER)
    for row in rows:
        discard(store, row["id"])
