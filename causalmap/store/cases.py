"""Cases: create, list, show, delete. A case's nodes all carry its `case_id`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from neo4j import ManagedTransaction

from causalmap import vocab
from causalmap.errors import Conflict, NotFound, UsageError
from causalmap.store.connection import Store
from causalmap.store.model import CASE_PROPERTIES, METHODOLOGY_FIELDS, TRIGGER_FIELDS
from causalmap.store.revision import bump_revision
from causalmap.store.staging import discard_stage, guard_new_case, hide_case


def check_case_id(case_id: str) -> str:
    if not vocab.is_id(case_id):
        raise UsageError(f"{case_id!r} is not a case id; {vocab.ID_RULE}")
    return case_id


def case_properties(case: dict[str, Any]) -> dict[str, Any]:
    """Flatten a case record (trigger and methodology are maps) into storable properties."""
    props = {k: case.get(k) for k in CASE_PROPERTIES}
    for group, fields in (("trigger", TRIGGER_FIELDS), ("methodology", METHODOLOGY_FIELDS)):
        values = case.get(group) or {}
        props.update({f"{group}_{f}": values.get(f) for f in fields})
    return {k: v for k, v in props.items() if v is not None and v != []}


def case_record(props: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`case_properties`: every field present, absent ones as null."""
    record: dict[str, Any] = {k: props.get(k) for k in CASE_PROPERTIES}
    record["trigger"] = {f: props.get(f"trigger_{f}") for f in TRIGGER_FIELDS}
    record["methodology"] = {f: props.get(f"methodology_{f}") for f in METHODOLOGY_FIELDS}
    if record["trigger"]["criteria"] is None:
        record["trigger"]["criteria"] = []
    return record


def new_case(case_id: str, title: str | None) -> dict[str, Any]:
    return {"id": case_id, "title": title or case_id, "status": "draft", "review_kind": "other",
            "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), "version": 1}


def create_case_tx(tx: ManagedTransaction, case: dict[str, Any]) -> None:
    exists = tx.run("MATCH (c:Case {id: $id}) RETURN c.id", id=case["id"]).single()
    if exists:
        raise Conflict(f"case {case['id']!r} already exists; delete it first (causalmap case delete) "
                       "or import under another id (--as)")
    guard_new_case(tx, case["id"])
    tx.run("CREATE (c:Case) SET c = $props", props=case_properties(case)).consume()
    bump_revision(tx, case["id"])


def lock_case(tx: ManagedTransaction, case_id: str) -> dict[str, Any]:
    """Take the case's write lock before reading anything; returns its properties as committed.

    Neo4j reads committed data without locking, so two editors who both read version 1 would
    both write version 2 and one edit would be lost. A write to the Case node takes its
    exclusive lock, held until commit: a second writer's transaction waits here, then reads
    what the first one committed, and a stale version is refused with a Conflict. One lock per
    case covers items, causal links, the case's metadata and imports alike (each write to a
    case is short, so serialising them costs little).
    """
    if tx.run("MATCH (c:Case {id: $id}) SET c._lock = true REMOVE c._lock RETURN count(c) AS n",
              id=case_id).single()["n"] == 0:
        raise NotFound(f"no case {case_id!r}; `causalmap cases` lists the cases")
    return dict(tx.run("MATCH (c:Case {id: $id}) RETURN properties(c) AS p", id=case_id).single()["p"])


def get_case(store: Store, case_id: str) -> dict[str, Any]:
    rows = store.read("MATCH (c:Case {id: $id}) RETURN properties(c) AS p", id=case_id)
    if not rows:
        raise NotFound(f"no case {case_id!r}; `causalmap cases` lists the cases")
    return case_record(rows[0]["p"])


def case_exists(store: Store, case_id: str) -> bool:
    return bool(store.read("MATCH (c:Case {id: $id}) RETURN 1 AS one", id=case_id))


def list_cases(store: Store) -> list[dict[str, Any]]:
    rows = store.read(
        "MATCH (c:Case) "
        "CALL (c) { MATCH (e:Event {case_id: c.id}) RETURN count(e) AS events, min(e.date) AS first, "
        "max(e.date) AS last } "
        "RETURN c.id AS id, c.title AS title, c.status AS status, c.review_kind AS review_kind, "
        "events, first, last ORDER BY c.id")
    return rows


def case_summary(store: Store, case_id: str) -> dict[str, Any]:
    """Counts by label, the period covered, and the agencies with their event counts.

    One statement, the agencies' rows collected into one value: Neo4j's cost here is mostly
    per statement and per row sent, and the summary is read again by each web worker after
    every edit (four statements and a row per agency cost about 70 ms of Neo4j's CPU on a
    500-event case)."""
    case = get_case(store, case_id)
    columns = [f"COUNT {{ MATCH (n:{lab} {{case_id: $case_id}}) }}" for lab in vocab.NODE_LABELS.values()]
    row = store.read(
        f"RETURN [{', '.join(columns)}, COUNT {{ MATCH ()-[r:CONTRIBUTED_TO {{case_id: $case_id}}]->() }}] AS counts, "
        "COLLECT { MATCH (e:Event {case_id: $case_id}) RETURN min(e.date) }[0] AS start, "
        "COLLECT { MATCH (e:Event {case_id: $case_id}) RETURN max(e.date) }[0] AS end, "
        "COLLECT { MATCH (a:Agency {case_id: $case_id}) RETURN {id: a.id, name: a.name, sector: a.sector, "
        "events: COUNT { (a)<-[:BY]-(e:Event) WHERE e.case_id = $case_id }} } AS agencies",
        case_id=case_id)[0]
    counts = dict(zip([*vocab.NODE_LABELS, "causal_link"], row["counts"], strict=True))
    agencies = sorted(row["agencies"], key=lambda a: a["id"])
    return {"case": case, "counts": counts, "period": {"start": row["start"], "end": row["end"]},
            "agencies": [{"id": a["id"], "name": a["name"], "sector": a["sector"], "events": a["events"]}
                         for a in agencies]}


def delete_case(store: Store, case_id: str) -> int:
    """Delete the case and every node that carries its id; returns the number of nodes removed.

    One small transaction deletes the Case node, so the case is gone for every reader at once;
    its nodes follow in batches (a 200,000-event case does not fit in one transaction). An
    interrupted deletion is finished by `causalmap db start` or the next import of the id."""
    get_case(store, case_id)

    def hide(tx: ManagedTransaction) -> str:
        lock_case(tx, case_id)
        return hide_case(tx, case_id)

    return discard_stage(store, case_id, store.write_transaction(hide)) + 1


def case_facets(store: Store) -> dict[str, list[Any]]:
    """The values the analysts' case filters can take: case ids, boards, regions, review years.

    Structured fields only (no titles, which may name the child), for cross-case forms."""
    row = store.read(
        "MATCH (c:Case) WITH c ORDER BY c.id "
        "RETURN collect(c.id) AS cases, collect(DISTINCT c.board) AS boards, collect(DISTINCT c.region) AS regions, "
        "collect(DISTINCT toInteger(left(coalesce(c.trigger_decided_on, c.created_at), 4))) AS years")[0]
    return {k: sorted(v) for k, v in row.items()}
