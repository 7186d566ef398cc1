"""Import a checked chronology into a case: one transaction, created and updated counted.

Reading what is stored, checking the rows and writing all happen inside the one write
transaction, so a concurrent edit cannot slip between the check and the write, and a
file with any bad row writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from causalmap.chronology import Chronology, check_chronology
from causalmap.chronology.read import Table
from causalmap.errors import NotFound
from causalmap.store.cases import check_case_id, create_case_tx, lock_case, new_case
from causalmap.store.connection import Store
from causalmap.store.records import read_nodes, upsert_nodes
from causalmap.store.revision import bump_revision

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


def import_chronology(store: Store, case_id: str, table: Table, *, title: str | None = None) -> ImportReport:
    check_case_id(case_id)

    def work(tx: ManagedTransaction) -> ImportReport:
        try:
            case: dict[str, Any] | None = lock_case(tx, case_id)  # no edit slips between read and write
        except NotFound:
            case = None  # two imports creating one case: the unique constraint refuses the second
        stored = {kind: {r["id"]: r for r in read_nodes(tx, case_id, kind)}
                  for kind in ("agency", "event", "decision")} if case else {"agency": {}, "event": {},
                                                                               "decision": {}}
        chronology: Chronology = check_chronology(
            table,
            stored_events={i: r["kind"] for i, r in stored["event"].items()},
            stored_agencies=stored["agency"],
        )
        report = ImportReport(case_id, case_created=case is None)
        if case is None:
            create_case_tx(tx, new_case(case_id, title))
        elif title and title != case["title"]:
            tx.run("MATCH (c:Case {id: $id}) SET c.title = $title, c.version = c.version + 1",
                   id=case_id, title=title).consume()
        agencies = {i: {k: v for k, v in a.items() if k != "_new"} for i, a in chronology.agencies.items()}
        for kind, records, fields in (("agency", agencies, _AGENCY_FIELDS),
                                      ("event", chronology.events, _EVENT_FIELDS),
                                      ("decision", chronology.decisions, _DECISION_FIELDS)):
            created, changed = _split(records, stored[kind], fields)
            upsert_nodes(tx, case_id, kind, created + changed, existing={r["id"] for r in changed})
            report.created[kind] = len(created)
            report.updated[kind] = len(changed)
        bump_revision(tx, case_id)
        return report

    return store.write_transaction(work)
