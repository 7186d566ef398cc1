"""A case's revision: a fresh token written by every change to the case, in the same transaction.

The stored analysis of a case (store/analyses.py) is valid only for the revision it was
computed at; a token that every write path renews makes "has this case changed since?" a
single comparison. It is a random token rather than a counter so that nothing that rewrites
the case node's properties wholesale, and no delete and re-import under the same id, can
ever bring an old revision back.
"""

from __future__ import annotations

from neo4j import ManagedTransaction


def bump_revision(tx: ManagedTransaction, case_id: str) -> None:
    """Mark the case changed. Call it once inside every write transaction that changes case data."""
    tx.run("MATCH (c:Case {id: $id}) SET c.revision = randomUUID()", id=case_id).consume()
