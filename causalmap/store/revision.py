"""A case's revision: a fresh token written by every change to the case, in the same transaction.

The stored analysis of a case (store/analyses.py) is valid only for the revision it was
computed at; a token that every write path renews makes "has this case changed since?" a
single comparison. It is a random token rather than a counter so that nothing that rewrites
the case node's properties wholesale, and no delete and re-import under the same id, can
ever bring an old revision back.

The case also remembers its last few changes: for each, the revision before and after and,
when the change wrote exactly some records and nothing else (an item or a causal link created
or updated), which ones ("event:hv-1", "link:cl-2"). A reader holding the case as it was a
few changes ago (a web worker's snapshot, web/case_memory.py) reads only those records
instead of the whole case. Any other change (an import, a deletion, which takes links and
references with it, new metadata) is noted as unknown, and readers read the whole case again.
"""

from __future__ import annotations

from collections.abc import Iterable

from neo4j import ManagedTransaction

#: How many changes a case remembers.
REMEMBERED_CHANGES = 16
#: The note of a change that may have touched anything in the case.
UNKNOWN = "*"


def bump_revision(tx: ManagedTransaction, case_id: str, changed: Iterable[str] | None = None) -> None:
    """Mark the case changed. Call it once inside every write transaction that changes case data,
    with `changed` ("kind:id" of every record written) only when those records are all the
    transaction changed."""
    note = "\n".join(sorted(changed)) if changed is not None else UNKNOWN
    tx.run("MATCH (c:Case {id: $id}) WITH c, randomUUID() AS after "
           "SET c.change_from = (coalesce(c.change_from, []) + [coalesce(c.revision, '')])[-$keep..], "
           "c.change_to = (coalesce(c.change_to, []) + [after])[-$keep..], "
           "c.change_items = (coalesce(c.change_items, []) + [$note])[-$keep..], "
           "c.revision = after", id=case_id, note=note or UNKNOWN, keep=REMEMBERED_CHANGES).consume()


def changes_since(tx: ManagedTransaction, case_id: str, revision: str) -> tuple[str, list[str]] | None:
    """The case's revision now and the records changed since `revision` ("kind:id"), when every
    change since is remembered and was noted exactly; None when the case must be read whole
    (or is gone)."""
    row = tx.run("MATCH (c:Case {id: $id}) RETURN c.revision AS now, c.change_from AS froms, "
                 "c.change_to AS tos, c.change_items AS notes", id=case_id).single()
    if row is None or row["now"] is None:
        return None
    froms, tos, notes = row["froms"] or [], row["tos"] or [], row["notes"] or []
    if revision == row["now"]:
        return row["now"], []
    if revision not in froms or not len(froms) == len(tos) == len(notes):
        return None
    start = len(froms) - 1 - froms[::-1].index(revision)
    changed: set[str] = set()
    expected = revision
    for before, after, note in zip(froms[start:], tos[start:], notes[start:], strict=True):
        if before != expected or note == UNKNOWN:
            return None
        changed.update(note.split("\n"))
        expected = after
    if expected != row["now"]:  # the last change noted is not the last made: read it whole
        return None
    return row["now"], sorted(changed)
