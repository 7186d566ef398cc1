"""A big chronology into a new case: written in batches, invisible until one small switch.

One transaction holding 200,000 events and their links exhausts Neo4j's transaction
memory (716.8 MiB of a 1 GiB heap), and rewriting every staged node in a final "switch"
transaction is just as big. So the staged nodes carry the real case id from the first
batch, and what keeps them invisible is the Case node: every reader starts from it (a case
is listed, shown, analysed, exported, queried or edited only through `(:Case {id})`, and
`get_case` answers 404 without it), and the Case node is created last, in one small
transaction. Until then the case does not exist for anyone.

The id is claimed by an `ImportStage {case_id, token}` node, committed before the first
batch. The importing process keeps one more transaction open for the whole import that
holds the stage's write lock, and commits the switch in it: it deletes the stage and creates
the Case node. That open transaction is also how a stage left by a killed process (kill -9,
a server restart) is told from a live one: when the process dies, Neo4j rolls its
transaction back and the lock is free. Whoever finds a stage then tries to lock it for
`PROBE_TIMEOUT_S` seconds: locked means an import is under way (409); free means abandoned,
and the finder takes it over (a new token) and deletes what it holds, in batches. Every
batch, and every deletion batch, first checks its token in its own transaction, so a slow
or half-dead importer whose stage was taken over writes nothing more.

Creating a new case by any path (a small import, the API, a case document) first creates
and deletes an `ImportStage` for its id in its own transaction, and opening a stage first
creates and deletes a Case node: either way the second writer waits on the unique
constraint's lock and is refused, so a stage never gains a visible case under it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import neo4j
from neo4j import ManagedTransaction
from neo4j.exceptions import ClientError, ConstraintError

from causalmap import vocab
from causalmap.errors import Conflict
from causalmap.store.analyses import STORED_LABELS
from causalmap.store.connection import Store
from causalmap.store.records import batches, create_links, create_nodes, upsert_causal_links

STAGE = vocab.IMPORT_STAGE
#: How long a finder waits for a stage's lock before it concludes that an import is under way.
PROBE_TIMEOUT_S = 2.0
#: Records written per batch transaction: a few MiB of transaction memory each.
STAGE_BATCH = 5000


#: Everything that carries a case id: what a discarded stage or a deleted case leaves, in the
#: order it is deleted. Agencies last: each is the end of thousands of events' BY, SOURCE and TO
#: links, and a batch of agencies deleted with them would detach them all in one transaction.
_CASE_DATA = (*STORED_LABELS, *(lab for lab in vocab.CASE_LABELS if lab != vocab.NODE_LABELS["agency"]),
              vocab.NODE_LABELS["agency"])


def in_progress(case_id: str, started: Any = None, purpose: str | None = "import") -> Conflict:
    when = f" (started {str(started)[:19].replace('T', ' ')} UTC)" if started else ""
    if purpose == "delete":
        return Conflict(f"case {case_id!r} is being deleted{when}; wait for it to finish, then try again")
    return Conflict(f"a large chronology is being imported into case {case_id!r}{when}; it appears when the "
                    "import finishes. Wait for it, then try again")


def hide_case(tx: ManagedTransaction, case_id: str) -> str:
    """Delete the Case node and leave a stage in its place: the case is gone for every reader at
    once, and what carried its id is deleted afterwards in batches (`discard_stage`); if that is
    interrupted, the stage is abandoned and cleared like an import's. Returns the stage's token."""
    token = str(uuid.uuid4())
    tx.run(f"MATCH (c:{vocab.CASE} {{id: $id}}) DETACH DELETE c", id=case_id).consume()
    tx.run(f"CREATE (s:{STAGE} {{case_id: $id, token: $token, started_at: $now, purpose: 'delete'}})",
           id=case_id, token=token, now=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()).consume()
    return token


def guard_new_case(tx: ManagedTransaction, case_id: str) -> None:
    """Refuse to create case `case_id` while a stage holds its id; take the stage lock's place.

    Called by every path that creates a Case node, inside its transaction, before the create."""
    row = tx.run(f"MATCH (s:{STAGE} {{case_id: $id}}) RETURN s.started_at AS started, s.purpose AS purpose",
                 id=case_id).single()
    if row is not None:
        raise in_progress(case_id, row["started"], row["purpose"])
    # Waits for, and then is refused by, a stage being opened for this id at this moment.
    tx.run(f"CREATE (s:{STAGE} {{case_id: $id}}) DELETE s", id=case_id).consume()


def _stage_is_mine(tx: ManagedTransaction, case_id: str, token: str) -> bool:
    row = tx.run(f"MATCH (s:{STAGE} {{case_id: $id, token: $token}}) "
                 f"RETURN NOT EXISTS {{ MATCH (:{vocab.CASE} {{id: $id}}) }} AS free",
                 id=case_id, token=token).single()
    return row is not None and bool(row["free"])


class StageLost(Conflict):
    """The stage was taken over (its importer had gone quiet or been killed)."""


def _open_stage(store: Store, case_id: str, rows: int) -> str:
    token = str(uuid.uuid4())

    def work(tx: ManagedTransaction) -> None:
        if tx.run(f"MATCH (c:{vocab.CASE} {{id: $id}}) RETURN 1", id=case_id).single():
            raise Conflict(f"case {case_id!r} already exists; delete it first (causalmap case delete) "
                           "or import under another id")
        try:
            tx.run(f"CREATE (s:{STAGE} {{case_id: $id, token: $token, started_at: $now, rows: $rows}})",
                   id=case_id, token=token, rows=rows,
                   now=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()).consume()
        except ConstraintError:
            raise in_progress(case_id) from None
        # Waits for, and then is refused by, a case being created under this id at this moment.
        tx.run(f"CREATE (c:{vocab.CASE} {{id: $id}}) DELETE c", id=case_id).consume()

    store.write_transaction(work)
    return token


def settle_stage(store: Store, case_id: str) -> bool:
    """Clear a stage left for `case_id` by an import that died; Conflict if one is under way.

    Returns whether an abandoned stage was cleared."""
    row = store.read(f"MATCH (s:{STAGE} {{case_id: $id}}) RETURN s.started_at AS started, s.purpose AS purpose",
                     id=case_id)
    if not row:
        return False
    token = str(uuid.uuid4())

    @neo4j.unit_of_work(timeout=PROBE_TIMEOUT_S)
    def take_over(tx: ManagedTransaction) -> bool:
        return tx.run(f"MATCH (s:{STAGE} {{case_id: $id}}) SET s.token = $token RETURN 1", id=case_id,
                      token=token).single() is not None

    try:
        if not store.write_transaction(take_over):
            return False  # gone meanwhile: its import finished or failed and cleaned up
    except ClientError as error:
        if "LockClient" in (error.code or "") or "Terminated" in (error.code or "") or "TimedOut" in (
                error.code or ""):
            raise in_progress(case_id, row[0]["started"], row[0]["purpose"]) from None
        raise
    discard_stage(store, case_id, token)
    return True


def settle_all_stages(store: Store) -> list[str]:
    """Clear every abandoned stage (`causalmap db start` runs it); live imports are left alone."""
    cleared = []
    for row in store.read(f"MATCH (s:{STAGE}) RETURN s.case_id AS id ORDER BY id"):
        try:
            if settle_stage(store, row["id"]):
                cleared.append(row["id"])
        except Conflict:
            continue
    return cleared


def discard_stage(store: Store, case_id: str, token: str) -> int:
    """Delete what the stage `token` wrote, batch by batch, then the stage; returns nodes deleted.

    Only while the stage is still this token's and no Case node exists: then every node
    carrying the case id is the stage's."""
    removed = 0
    for lab in _CASE_DATA:
        while True:
            def work(tx: ManagedTransaction, lab: str = lab) -> int:
                if not _stage_is_mine(tx, case_id, token):
                    raise StageLost(f"the staged import into case {case_id!r} was taken over")
                return tx.run(f"MATCH (n:{lab} {{case_id: $id}}) WITH n LIMIT $batch DETACH DELETE n "
                              "RETURN count(*) AS n", id=case_id, batch=STAGE_BATCH).single()["n"]

            try:
                n = store.write_transaction(work)
            except StageLost:
                return removed
            removed += n
            if n < STAGE_BATCH:
                break
    store.write_transaction(lambda tx: tx.run(f"MATCH (s:{STAGE} {{case_id: $id, token: $token}}) DELETE s",
                                              id=case_id, token=token).consume())
    return removed


Writer = Callable[[ManagedTransaction, str, str, list[dict[str, Any]]], None]


def _causal_links(tx: ManagedTransaction, case_id: str, kind: str, links: list[dict[str, Any]]) -> None:
    upsert_causal_links(tx, case_id, links)


def _steps(sections: list[tuple[str, list[dict[str, Any]]]], causal_links: list[dict[str, Any]],
           size: int) -> Iterator[tuple[Writer, str, list]]:
    """Every node first (links may point to any node of the case, in any batch), then every link."""
    for kind, records in sections:
        for chunk in batches(records, size):
            yield create_nodes, kind, chunk
    for kind, records in sections:
        for chunk in batches(records, size):
            yield create_links, kind, chunk
    for chunk in batches(causal_links, size):
        yield _causal_links, "causal_link", chunk


def staged_create(store: Store, case_id: str, sections: list[tuple[str, list[dict[str, Any]]]],
                  switch: Callable[[ManagedTransaction], None], *, causal_links: list[dict[str, Any]] | None = None,
                  batch: int = STAGE_BATCH) -> None:
    """Write a new case's records in batches, then run `switch` (which creates the Case node)
    in the one small transaction that makes them visible. On any failure what was written is
    deleted (or, if the process dies, left invisible for `settle_stage`) and the error raised."""
    token = _open_stage(store, case_id, sum(len(r) for _, r in sections))
    session = store.driver.session(database=store.database, bookmark_manager=store.bookmarks)
    claim = None
    try:
        claim = session.begin_transaction()
        if claim.run(f"MATCH (s:{STAGE} {{case_id: $id, token: $token}}) SET s.claimed = true RETURN 1",
                     id=case_id, token=token).single() is None:
            raise in_progress(case_id)
        for write, kind, chunk in _steps(sections, causal_links or [], batch):
            def work(tx: ManagedTransaction, write: Writer = write, kind: str = kind, chunk: list = chunk) -> None:
                if not _stage_is_mine(tx, case_id, token):
                    raise StageLost(f"the import into case {case_id!r} stopped: its staged records were cleared "
                                    "while it was writing; import the chronology again")
                write(tx, case_id, kind, chunk)

            store.write_transaction(work)
        claim.run(f"MATCH (s:{STAGE} {{case_id: $id, token: $token}}) DELETE s", id=case_id, token=token).consume()
        switch(claim)
        claim.commit()
    except BaseException:
        if claim is not None and claim.closed() is False:
            try:
                claim.rollback()
            except Exception:  # noqa: BLE001 - the connection may be gone; the server rolls back then
                pass
        try:
            discard_stage(store, case_id, token)
        except Exception:  # noqa: BLE001 - the database is away: the stage stays invisible for settle_stage
            pass
        raise
    finally:
        session.close()
