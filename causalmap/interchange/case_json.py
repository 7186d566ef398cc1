"""The whole-case JSON document: every node and relationship of one case, sorted and stable.

Export, import into an empty database, export again gives the same bytes: sections and
lists are sorted, every known field is present (null when unset), keys are sorted.
"""

from __future__ import annotations

import json
from typing import Any

from neo4j import ManagedTransaction

from causalmap import limits
from causalmap.chronology import Chronology
from causalmap.errors import InvalidInput
from causalmap.interchange.validate import check_document
from causalmap.store.cases import case_properties, case_record, check_case_id, create_case_tx, get_case
from causalmap.store.connection import Store
from causalmap.store.model import LINK_FIELDS, LINK_PROPERTIES, PROPERTIES, SECTIONS, WRITE_ORDER
from causalmap.store.records import read_causal_links, read_nodes, upsert_causal_links, upsert_nodes
from causalmap.store.staging import settle_stage, staged_create

FORMAT = "causalmap-case"
FORMAT_VERSION = 1


def _complete(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    out = {k: record.get(k) for k in PROPERTIES[kind]}
    for field in LINK_FIELDS.get(kind, ()):
        out[field.name] = record.get(field.name, [] if field.many else None)
    out.update({k: v for k, v in record.items() if k.startswith("x_")})
    return out


def export_case(store: Store, case_id: str) -> dict[str, Any]:
    """Read the whole case in one read transaction and return the document."""
    case = get_case(store, case_id)

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION, "case": case}
        for kind in WRITE_ORDER:
            doc[SECTIONS[kind]] = [_complete(kind, r) for r in read_nodes(tx, case_id, kind)]
        doc["causal_links"] = [
            {**{k: link.get(k) for k in LINK_PROPERTIES}, "cause": link["cause"], "effect": link["effect"],
             "sources": sorted(link.get("sources") or [])}
            for link in read_causal_links(tx, case_id)
        ]
        return doc

    return store.read_transaction(work)


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def import_case(store: Store, doc: Any, *, as_id: str | None = None, most_at_once: int | None = None
                ) -> dict[str, Any]:
    """Restore a case document, all or nothing; refuses an existing case id.

    Up to `limits.SINGLE_TRANSACTION_RECORDS` records (`most_at_once`) in one transaction; a
    bigger document is staged in batches and made visible at once (store/staging.py)."""
    errors = check_document(doc)
    if errors:
        raise InvalidInput(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the case document; "
                           "nothing was written", errors)
    case = dict(doc["case"])
    case["id"] = check_case_id(as_id or case.get("id") or "")
    case.setdefault("version", 1)
    case_id = case["id"]
    sections = [(kind, [{**r, "version": r.get("version") or 1} for r in doc.get(SECTIONS[kind], [])])
                for kind in WRITE_ORDER]
    links = [{**link, "version": link.get("version") or 1} for link in doc.get("causal_links", [])]
    counts = {kind: len(records) for kind, records in sections}
    counts["causal_link"] = len(links)
    most = limits.SINGLE_TRANSACTION_RECORDS if most_at_once is None else most_at_once

    def create(tx: ManagedTransaction) -> None:
        create_case_tx(tx, {**case_record(case_properties(case)), **case})

    settle_stage(store, case_id)  # what a killed import or deletion left is cleared first
    if sum(counts.values()) > most:
        staged_create(store, case_id, sections, create, causal_links=links)
        return {"ok": True, "case_id": case_id, "created": counts}

    def work(tx: ManagedTransaction) -> None:
        create(tx)
        for kind, records in sections:
            upsert_nodes(tx, case_id, kind, records)
        upsert_causal_links(tx, case_id, links)

    store.write_transaction(work)
    return {"ok": True, "case_id": case_id, "created": counts}


def chronology_sections(chronology: Chronology) -> dict[str, list[dict[str, Any]]]:
    """A checked chronology as the agencies, events and decisions sections of a case document."""
    agencies = [{k: v for k, v in a.items() if k != "_new"} for a in chronology.agencies.values()]
    return {"agencies": agencies, "events": list(chronology.events.values()),
            "decisions": list(chronology.decisions.values())}
