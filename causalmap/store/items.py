"""Edit one item of a case: create, update, delete, each in one transaction, checked first.

Two people editing one item never overwrite each other silently: every update and delete
carries the `version` the editor loaded, and a stale version is refused with a Conflict
that says what to do. Every accepted change increments the version.
"""

from __future__ import annotations

import json
from typing import Any

from neo4j import ManagedTransaction

from causalmap import vocab
from causalmap.chronology.check import parse_date
from causalmap.errors import Conflict, InvalidInput, NotFound, RowError, UsageError
from causalmap.interchange.validate import CASE_RULES, LINK_RULES, RULES, check_fields
from causalmap.store.cases import case_properties, case_record, lock_case
from causalmap.store.connection import Store
from causalmap.store.model import (
    CAUSAL_KINDS,
    LINK_FIELDS,
    METHODOLOGY_FIELDS,
    SECTIONS,
    TRIGGER_FIELDS,
    label,
)
from causalmap.store.records import read_causal_links, read_nodes, upsert_causal_links, upsert_nodes
from causalmap.store.revision import bump_revision

KINDS_BY_SECTION = {section: kind for kind, section in SECTIONS.items()}


def kind_of_section(section: str) -> str:
    if section not in KINDS_BY_SECTION:
        raise NotFound(f"no such kind of item {section!r}; use one of: {', '.join(SECTIONS.values())}, links")
    return KINDS_BY_SECTION[section]


def _require_case(tx: ManagedTransaction, case_id: str) -> dict[str, Any]:
    row = tx.run("MATCH (c:Case {id: $id}) RETURN properties(c) AS p", id=case_id).single()
    if row is None:
        raise NotFound(f"no case {case_id!r}")
    return dict(row["p"])


def _existing_ids(tx: ManagedTransaction, case_id: str, kind: str, ids: set[str]) -> set[str]:
    if not ids:
        return set()
    rows = tx.run(f"MATCH (n:{label(kind)} {{case_id: $case_id}}) WHERE n.id IN $ids RETURN n.id AS id",
                  case_id=case_id, ids=sorted(ids))
    return {r["id"] for r in rows}


def _normalise(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    record = {k: (v.strip() if isinstance(v, str) else v) for k, v in record.items()}
    record = {k: (None if v == "" else v) for k, v in record.items()}
    if kind == "agency" and isinstance(record.get("name"), str):
        record["name"] = vocab.clean_name(record["name"]) or None
    if kind == "event":
        record.setdefault("source", record.get("agency"))
        record["source"] = record.get("source") or record.get("agency")
        for name in ("to_agencies", "participants", "responds_to", "account_of"):
            record[name] = sorted(set(record.get(name) or []))
        record["disputed"] = bool(record.get("disputed"))
        record["concern"] = bool(record.get("concern"))
        if record.get("date") and not record.get("date_precision"):
            try:
                record["date"], record["date_precision"] = parse_date(str(record["date"]))
            except ValueError:
                pass
    if kind == "recommendation" and isinstance(record.get("type"), int | str) and str(record["type"]) in "123":
        record["type"] = vocab.RECOMMENDATION_TYPES[int(record["type"])]
    if kind == "decision" and "taken" in record and isinstance(record["taken"], str):
        record["taken"] = record["taken"].lower() in ("yes", "true", "1")
    return record


def _check_references(tx: ManagedTransaction, case_id: str, kind: str, record: dict[str, Any]) -> list[RowError]:
    errors = []
    named: list[tuple[str, Any, str | None, Any]] = []  # (field, item as given, target kind, target id)
    for field in LINK_FIELDS.get(kind, ()):
        value = record.get(field.name)
        for item in (value or []) if field.many else ([value] if value else []):
            t_kind, t_id = (item.get("node"), item.get("id")) if field.mixed and isinstance(item, dict) else (
                field.targets[0], item)
            named.append((field.name, item, t_kind if t_kind in field.targets else None, t_id))
    wanted: dict[str, set[str]] = {}
    for _, _, t_kind, t_id in named:
        if t_kind:
            wanted.setdefault(t_kind, set()).add(t_id)
    existing = {t_kind: _existing_ids(tx, case_id, t_kind, ids) for t_kind, ids in wanted.items()}  # one query a kind
    for name, item, t_kind, t_id in named:
        if t_kind is None or t_id not in existing[t_kind]:
            targets = next(f.targets for f in LINK_FIELDS[kind] if f.name == name)
            errors.append(RowError(None, name, item, f"names no {' or '.join(targets)} in this case"))
    if kind == "event":
        event_kind = record.get("kind")
        if not record.get("agency"):
            errors.append(RowError(None, "agency", None, "agency is required"))
        if event_kind in vocab.COMMUNICATION_KINDS and not record.get("to_agencies"):
            errors.append(RowError(None, "to_agencies", None, f"a {event_kind} needs its recipient agency"))
        if event_kind not in vocab.COMMUNICATION_KINDS and record.get("to_agencies"):
            errors.append(RowError(None, "to_agencies", record["to_agencies"],
                                   f"only communications have recipients, not a {event_kind}"))
        if record.get("agency") in (record.get("to_agencies") or []):
            errors.append(RowError(None, "to_agencies", record["agency"], "an agency cannot communicate with itself"))
        if event_kind in vocab.MEETING_KINDS and not record.get("participants"):
            errors.append(RowError(None, "participants", None, f"a {event_kind} needs its participants"))
        if event_kind not in vocab.MEETING_KINDS and record.get("participants"):
            errors.append(RowError(None, "participants", record["participants"],
                                   f"only meetings have participants, not a {event_kind}"))
        if record.get("id") in (record.get("responds_to") or []) + (record.get("account_of") or []):
            errors.append(RowError(None, "responds_to", record["id"], "an event cannot refer to itself"))
    return errors


def list_items(store: Store, case_id: str, kind: str) -> list[dict[str, Any]]:
    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        _require_case(tx, case_id)
        return read_nodes(tx, case_id, kind)

    return store.read_transaction(work)


def get_item(store: Store, case_id: str, kind: str, ident: str) -> dict[str, Any]:
    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        _require_case(tx, case_id)  # no case, no items: a chronology being staged stays unseen
        return read_nodes(tx, case_id, kind, [ident])

    records = store.read_transaction(work)
    if not records:
        raise NotFound(f"no {kind} {ident!r} in case {case_id!r}")
    return records[0]


def _check_version(kind: str, ident: str, stored: int, given: Any) -> None:
    if given is None:
        raise UsageError(f"send the version of the {kind} you loaded, so that no one else's change is overwritten")
    try:
        given = int(given)
    except (TypeError, ValueError):
        raise UsageError(f"version {given!r} is not a whole number") from None
    if given != stored:
        raise Conflict(f"the {kind} {ident!r} was changed by someone else since you opened it (it is now at version "
                       f"{stored}, yours was {given}); reload it to see their change, then make yours again")


def save_item(store: Store, case_id: str, kind: str, record: dict[str, Any], *, create: bool) -> dict[str, Any]:
    """Create (`create`) or update one item; returns it as stored."""
    record = _normalise(kind, record)
    if create and kind == "agency" and not record.get("id") and isinstance(record.get("name"), str):
        record["id"] = vocab.agency_id(record["name"])  # as a chronology's import names it
    ident = record.get("id")
    if not vocab.is_id(ident):
        raise InvalidInput("the item needs an id", [RowError(None, "id", ident, vocab.ID_RULE)])
    names = tuple(f.name for f in LINK_FIELDS.get(kind, ()))
    errors = check_fields({k: v for k, v in record.items() if k not in ("version", "made_at_day")}, RULES[kind],
                          kind, None, names)

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        lock_case(tx, case_id)
        stored = read_nodes(tx, case_id, kind, [ident])
        if create and stored:
            raise Conflict(f"a {kind} with the id {ident!r} already exists in this case; choose another id")
        if not create and not stored:
            raise NotFound(f"no {kind} {ident!r} in case {case_id!r}")
        problems = errors + _check_references(tx, case_id, kind, record)
        if problems:
            raise InvalidInput(f"the {kind} was not saved: {len(problems)} problem"
                               f"{'s' if len(problems) != 1 else ''}", problems)
        version = 1
        if stored:
            current = int(stored[0].get("version") or 1)
            _check_version(kind, ident, current, record.get("version"))
            version = current + 1
        upsert_nodes(tx, case_id, kind, [{**record, "version": version}],
                     existing={ident} if stored else ())
        bump_revision(tx, case_id, [f"{kind}:{ident}"])  # a record's own fields are all a save writes
        return read_nodes(tx, case_id, kind, [ident])[0]

    return store.write_transaction(work)


def delete_item(store: Store, case_id: str, kind: str, ident: str, version: Any) -> dict[str, int]:
    """Delete one item with its relationships; says how many causal links went with it."""
    def work(tx: ManagedTransaction) -> dict[str, int]:
        lock_case(tx, case_id)
        stored = read_nodes(tx, case_id, kind, [ident])
        if not stored:
            raise NotFound(f"no {kind} {ident!r} in case {case_id!r}")
        _check_version(kind, ident, int(stored[0].get("version") or 1), version)
        if kind == "agency":
            used = tx.run("MATCH (a:Agency {case_id: $c, id: $id})<-[r]-() RETURN count(r) AS n", c=case_id,
                          id=ident).single()["n"]
            if used:
                raise Conflict(f"agency {ident!r} is named by {used} events or links; change those first")
        links = tx.run(f"MATCH (n:{label(kind)} {{case_id: $c, id: $id}})-[r:CONTRIBUTED_TO]-() RETURN count(r) AS n",
                       c=case_id, id=ident).single()["n"]
        tx.run(f"MATCH (n:{label(kind)} {{case_id: $c, id: $id}}) DETACH DELETE n", c=case_id, id=ident).consume()
        bump_revision(tx, case_id)
        return {"causal_links": links}

    return store.write_transaction(work)


# -- causal links ----------------------------------------------------------------------
def get_link(store: Store, case_id: str, ident: str) -> dict[str, Any]:
    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        _require_case(tx, case_id)
        return read_causal_links(tx, case_id, [ident])

    links = store.read_transaction(work)
    if not links:
        raise NotFound(f"no causal link {ident!r} in case {case_id!r}")
    return links[0]


def save_link(store: Store, case_id: str, link: dict[str, Any], *, create: bool) -> dict[str, Any]:
    link = {k: (None if v == "" else v) for k, v in link.items()}
    link["sources"] = sorted(set(link.get("sources") or []))
    ident = link.get("id")
    errors = []
    if not vocab.is_id(ident):
        errors.append(RowError(None, "id", ident, f"each link needs an id; {vocab.ID_RULE}"))
    errors += check_fields({k: v for k, v in link.items() if k != "version"}, LINK_RULES, "link", None,
                           ("cause", "effect"))

    def work(tx: ManagedTransaction) -> dict[str, Any]:
        lock_case(tx, case_id)
        problems = list(errors)
        for end in ("cause", "effect"):
            ref = link.get(end)
            if not isinstance(ref, dict) or ref.get("node") not in CAUSAL_KINDS or not _existing_ids(
                    tx, case_id, ref["node"], {ref.get("id")}):
                problems.append(RowError(None, end, ref, "name an event, decision or factor of this case"))
        if link.get("cause") == link.get("effect") and link.get("cause"):
            problems.append(RowError(None, "effect", link["effect"], "a link needs two different ends"))
        missing = set(link["sources"]) - _existing_ids(tx, case_id, "agency", set(link["sources"]))
        problems += [RowError(None, "sources", a, "names no agency in this case") for a in sorted(missing)]
        if problems:
            raise InvalidInput(f"the causal link was not saved: {len(problems)} problem"
                               f"{'s' if len(problems) != 1 else ''}", problems)
        stored = read_causal_links(tx, case_id, [ident])
        if create and stored:
            raise Conflict(f"a causal link with the id {ident!r} already exists in this case; choose another id")
        if not create and not stored:
            raise NotFound(f"no causal link {ident!r} in case {case_id!r}")
        version = 1
        if stored:
            current = int(stored[0].get("version") or 1)
            _check_version("causal link", ident, current, link.get("version"))
            version = current + 1
        upsert_causal_links(tx, case_id, [{**link, "version": version}])
        bump_revision(tx, case_id, [f"link:{ident}"])
        return read_causal_links(tx, case_id, [ident])[0]

    return store.write_transaction(work)


def delete_link(store: Store, case_id: str, ident: str, version: Any) -> None:
    def work(tx: ManagedTransaction) -> None:
        lock_case(tx, case_id)
        stored = read_causal_links(tx, case_id, [ident])
        if not stored:
            raise NotFound(f"no causal link {ident!r} in case {case_id!r}")
        _check_version("causal link", ident, int(stored[0].get("version") or 1), version)
        tx.run("MATCH ()-[r:CONTRIBUTED_TO {case_id: $c, id: $id}]->() DELETE r", c=case_id, id=ident).consume()
        bump_revision(tx, case_id, [f"link:{ident}"])  # a link is named by no record: only it went

    store.write_transaction(work)


# -- the case itself ---------------------------------------------------------------------
def update_case(store: Store, case_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the case's metadata, trigger decision and methodology (version checked)."""
    def work(tx: ManagedTransaction) -> dict[str, Any]:
        raw = lock_case(tx, case_id)
        current = case_record(raw)
        _check_version("case", case_id, int(current.get("version") or 1), changes.get("version"))
        merged = {**current, **{k: v for k, v in changes.items() if k not in ("id", "created_at", "version")}}
        for group, fields in (("trigger", TRIGGER_FIELDS), ("methodology", METHODOLOGY_FIELDS)):
            given = changes.get(group) or {}
            merged[group] = {f: (given.get(f, current[group][f]) or None) for f in fields}
        if isinstance(merged["trigger"]["criteria"], str):
            merged["trigger"]["criteria"] = [c.strip() for c in merged["trigger"]["criteria"].splitlines()
                                             if c.strip()]
        problems = check_fields({k: v for k, v in merged.items() if k not in ("trigger", "methodology", "version")},
                                CASE_RULES, "case", None, ("id",))
        if merged["trigger"]["decided_on"]:
            try:
                parse_date(merged["trigger"]["decided_on"])
            except ValueError:
                problems.append(RowError(None, "trigger.decided_on", merged["trigger"]["decided_on"],
                                         "use YYYY-MM-DD"))
        if problems:
            raise InvalidInput(f"the case was not saved: {len(problems)} problem{'s' if len(problems) != 1 else ''}",
                               problems)
        merged["version"] = int(current["version"] or 1) + 1
        props = case_properties(merged)
        for kept in ("layout", "redactions"):  # the map's positions and the redaction list are not metadata
            if raw.get(kept):
                props[kept] = raw[kept]
        tx.run("MATCH (c:Case {id: $id}) SET c = $props", id=case_id, props=props).consume()
        bump_revision(tx, case_id)
        return case_record(_require_case(tx, case_id))

    return store.write_transaction(work)


def save_layout(store: Store, case_id: str, positions: dict[str, Any]) -> int:
    """Keep the node positions the panel set on the map (a view setting, not case data)."""
    clean = {}
    for key, value in positions.items():
        if not isinstance(key, str) or not isinstance(value, dict):
            raise UsageError("positions map a node key to {x, y}")
        try:
            clean[key] = [round(float(value["x"]), 1), round(float(value["y"]), 1)]
        except (KeyError, TypeError, ValueError):
            raise UsageError(f"position of {key!r} needs numbers x and y") from None

    def work(tx: ManagedTransaction) -> int:
        lock_case(tx, case_id)
        tx.run("MATCH (c:Case {id: $id}) SET c.layout = $layout", id=case_id, layout=json.dumps(clean)).consume()
        return len(clean)

    return store.write_transaction(work)


def read_layout(store: Store, case_id: str) -> dict[str, list[float]]:
    rows = store.read("MATCH (c:Case {id: $id}) RETURN c.layout AS layout", id=case_id)
    return json.loads(rows[0]["layout"]) if rows and rows[0]["layout"] else {}
