"""Import a checked chronology into a case, all or nothing, created and updated counted.

Up to `limits.SINGLE_TRANSACTION_RECORDS` records, reading what is stored, checking the
rows and writing all happen inside one write transaction, so a concurrent edit cannot slip
between the check and the write, and a file with any bad row writes nothing. A bigger
chronology into a new case is checked whole first, then written in batches that stay
invisible until one small transaction creates the case (store/staging.py). A bigger change
to an existing case is refused before anything is written: the case would have to stay
visible and unchanged while the new version is staged, and swapping it in is not small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from causalmap import limits
from causalmap.chronology import Chronology, check_chronology
from causalmap.chronology.read import Table
from causalmap.errors import Conflict, InvalidInput, NotFound
from causalmap.store.cases import case_exists, check_case_id, create_case_tx, lock_case, new_case
from causalmap.store.connection import Store
from causalmap.store.records import read_nodes, upsert_nodes
from causalmap.store.revision import bump_revision
from causalmap.store.staging import settle_stage, staged_create

_EVENT_FIELDS = ("date", "date_precision", "time", "kind", "description", "agency", "source", "disputed",
                 "concern", "notes", "to_agencies", "participants", "responds_to", "account_of")
_DECISION_FIELDS = ("date", "description", "taken", "agency", "made_at")
_AGENCY_FIELDS = ("name", "sector")


@dataclass
class ImportReport:
    case_id: str
    case_created: bool
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": True, "case_id": self.case_id, "case_created": self.case_created,
                "created": self.created, "updated": self.updated}


def _comparable(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    out = {f: record.get(f) for f in fields}
    out.update({k: v for k, v in record.items() if k.startswith("x_")})
    return {k: (v if v not in ([], "") else None) for k, v in out.items()}


def _split(kind_records: dict[str, dict[str, Any]], stored: dict[str, dict[str, Any]],
           fields: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """New records (version 1) and changed ones (version + 1); unchanged ones are left alone."""
    created, changed = [], []
    for ident, record in kind_records.items():
        old = stored.get(ident)
        if old is None:
            created.append({**record, "version": 1})
        elif _comparable(record, fields) != _comparable(old, fields):
            merged = {k: v for k, v in old.items() if k not in fields and not k.startswith("x_")}
            changed.append({**merged, **record, "version": int(old.get("version") or 1) + 1})
    return created, changed


def records_in(chronology: Chronology) -> int:
    return len(chronology.agencies) + len(chronology.events) + len(chronology.decisions)


def too_big_for_a_stored_case(case_id: str, writes: int, most: int) -> InvalidInput:
    return InvalidInput(
        f"this import would create or change {writes:,} records of case {case_id!r}, which already exists; "
        f"an import changes at most {most:,} records of a stored case at once (a bigger chronology is imported "
        "only into a new case). Delete the case first (causalmap case delete) and import the whole chronology "
        f"again, or import it in files of at most {most:,} rows; nothing was written")


def import_chronology(store: Store, case_id: str, table: Table, *, title: str | None = None,
                      most_at_once: int | None = None) -> ImportReport:
    """Import `table` into `case_id` (created if absent); all of it or nothing.

    `most_at_once` (default `limits.SINGLE_TRANSACTION_RECORDS`) is the largest import written
    in one transaction; tests lower it to drive the staged path with a small file. A staged
    import empties `table.rows` once they are checked, to hold one copy of a big file."""
    check_case_id(case_id)
    most = limits.SINGLE_TRANSACTION_RECORDS if most_at_once is None else most_at_once
    settle_stage(store, case_id)  # what an import killed mid-way left is cleared, or it is under way: 409
    checked: Chronology | None = None
    if not case_exists(store, case_id):
        checked = check_chronology(table)  # nothing stored to refer to: checked whole before anything is written
        if records_in(checked) > most:
            table.rows.clear()  # checked records only from here: a 200,000-row file is not held twice
            return _import_staged(store, case_id, checked, title)

    def work(tx: ManagedTransaction) -> ImportReport:
        try:
            case: dict[str, Any] | None = lock_case(tx, case_id)  # no edit slips between read and write
        except NotFound:
            case = None  # two imports creating one case: the unique constraint refuses the second
        stored = {kind: {r["id"]: r for r in read_nodes(tx, case_id, kind)}
                  for kind in ("agency", "event", "decision")} if case else {"agency": {}, "event": {},
                                                                               "decision": {}}
        chronology: Chronology = checked if case is None and checked is not None else check_chronology(
            table,
            stored_events={i: r["kind"] for i, r in stored["event"].items()},
            stored_agencies=stored["agency"],
        )
        agencies = {i: {k: v for k, v in a.items() if k != "_new"} for i, a in chronology.agencies.items()}
        plans = [(kind, *_split(records, stored[kind], fields))
                 for kind, records, fields in (("agency", agencies, _AGENCY_FIELDS),
                                               ("event", chronology.events, _EVENT_FIELDS),
                                               ("decision", chronology.decisions, _DECISION_FIELDS))]
        writes = sum(len(created) + len(changed) for _, created, changed in plans)
        if writes > most:
            if case is None:
                raise Conflict(f"case {case_id!r} was deleted while this import was starting; import again")
            raise too_big_for_a_stored_case(case_id, writes, most)
        report = ImportReport(case_id, case_created=case is None)
        if case is None:
            create_case_tx(tx, new_case(case_id, title))
        elif title and title != case["title"]:
            tx.run("MATCH (c:Case {id: $id}) SET c.title = $title, c.version = c.version + 1",
                   id=case_id, title=title).consume()
        for kind, created, changed in plans:
            upsert_nodes(tx, case_id, kind, created + changed, existing={r["id"] for r in changed})
            report.created[kind] = len(created)
            report.updated[kind] = len(changed)
        bump_revision(tx, case_id)
        return report

    return store.write_transaction(work)


def staged_sections(chronology: Chronology) -> list[tuple[str, list[dict[str, Any]]]]:
    """The records of a new case by kind, in write order, each at version 1 (set in place: one
    copy of 200,000 events in memory is enough)."""
    for record in chronology.agencies.values():
        record.pop("_new", None)
    sections = [(kind, list(records.values())) for kind, records in (
        ("agency", chronology.agencies), ("event", chronology.events), ("decision", chronology.decisions))]
    for _, records in sections:
        for record in records:
            record["version"] = 1
    return sections


def _import_staged(store: Store, case_id: str, chronology: Chronology, title: str | None) -> ImportReport:
    """A new case too big for one transaction: its records in batches, then the case in one."""
    sections = staged_sections(chronology)
    staged_create(store, case_id, sections, lambda tx: create_case_tx(tx, new_case(case_id, title)))
    return ImportReport(case_id, case_created=True, created={kind: len(records) for kind, records in sections},
                        updated={kind: 0 for kind, _ in sections})
