"""Write and read case records (nodes with their link fields) in batches.

Documents describe a node with its properties and its links as fields (an event's
`agency`, `to_agencies`, an episode's `members`); here they become nodes and
relationships, and back. Every query anchors on `(case_id, id)`, so one case's
writes can never touch another's nodes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from neo4j import ManagedTransaction

from causalmap.store.model import LINK_FIELDS, LINK_PROPERTIES, PROPERTIES, LinkField, kind_of_label, label

BATCH = 5000


def key_hint(variable: str, kind: str) -> str:
    """Pin the (case_id, id) index: on an empty database the planner has no statistics,
    may choose a label scan, and caches that plan; inside a large import it goes quadratic."""
    return f"USING INDEX {variable}:{label(kind)}(case_id, id)"


def batches(rows: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def node_properties(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The stored properties of a record: its kind's properties and its x_ extras, no nulls."""
    keep = {k: record.get(k) for k in PROPERTIES[kind]}
    keep.update({k: v for k, v in record.items() if k.startswith("x_")})
    return {k: v for k, v in keep.items() if v is not None and v != []}


def link_targets(kind: str, field: LinkField, record: dict[str, Any]) -> list[tuple[str, str]]:
    """The (target kind, target id) pairs a record's link field names."""
    value = record.get(field.name)
    if value is None:
        return []
    items = value if field.many else [value]
    if field.mixed:
        return [(item["node"], item["id"]) for item in items]
    return [(field.targets[0], item) for item in items]


def upsert_nodes(tx: ManagedTransaction, case_id: str, kind: str, records: list[dict[str, Any]],
                 *, existing: Collection[str] = ()) -> None:
    """Create or replace the nodes and their link fields; `existing` ids get old links removed."""
    create_nodes(tx, case_id, kind, [r for r in records if r["id"] not in existing])
    old_rows = [{**node_properties(kind, r), "case_id": case_id} for r in records if r["id"] in existing]
    # Existing nodes are found by key and replaced.
    replace = (f"UNWIND $rows AS row MATCH (n:{label(kind)} {{case_id: $case_id, id: row.id}}) "
               f"{key_hint('n', kind)} SET n = row")
    for chunk in batches(old_rows):
        tx.run(replace, rows=chunk, case_id=case_id).consume()
    replaced = [r["id"] for r in old_rows]
    if replaced:
        for field in LINK_FIELDS.get(kind, ()):
            _delete_links(tx, case_id, kind, field, replaced)
    create_links(tx, case_id, kind, records)


def create_nodes(tx: ManagedTransaction, case_id: str, kind: str, records: list[dict[str, Any]]) -> None:
    """Create new nodes outright, without their links: the caller knows none of these ids is
    stored (it read what exists, or it stages a new case), and the (case_id, id) constraint
    still guards."""
    create = f"UNWIND $rows AS row CREATE (n:{label(kind)}) SET n = row"
    for chunk in batches(records):
        tx.run(create, rows=[{**node_properties(kind, r), "case_id": case_id} for r in chunk]).consume()


def create_links(tx: ManagedTransaction, case_id: str, kind: str, records: list[dict[str, Any]]) -> None:
    """Create the relationships the records' link fields name; every end must already exist."""
    for field in LINK_FIELDS.get(kind, ()):
        pairs = [(r["id"], t_kind, t_id) for r in records for t_kind, t_id in link_targets(kind, field, r)]
        _create_links(tx, case_id, kind, field, pairs)


def _delete_links(tx: ManagedTransaction, case_id: str, kind: str, field: LinkField, ids: list[str]) -> None:
    arrow = f"<-[r:{field.type}]-()" if field.inward else f"-[r:{field.type}]->()"
    query = (f"UNWIND $ids AS id MATCH (n:{label(kind)} {{case_id: $case_id, id: id}}) {key_hint('n', kind)} "
             f"MATCH (n){arrow} DELETE r")
    for chunk in batches(ids):
        tx.run(query, ids=chunk, case_id=case_id).consume()


def _create_links(tx: ManagedTransaction, case_id: str, kind: str, field: LinkField,
                  pairs: Iterable[tuple[str, str, str]]) -> None:
    by_target: dict[str, list[dict[str, str]]] = defaultdict(list)
    for source, t_kind, t_id in pairs:
        by_target[t_kind].append({"a": source, "b": t_id})
    for t_kind, rows in by_target.items():
        arrow = f"(b)-[:{field.type}]->(a)" if field.inward else f"(a)-[:{field.type}]->(b)"
        query = (f"UNWIND $rows AS row MATCH (a:{label(kind)} {{case_id: $case_id, id: row.a}}) {key_hint('a', kind)} "
                 f"MATCH (b:{label(t_kind)} {{case_id: $case_id, id: row.b}}) {key_hint('b', t_kind)} "
                 f"CREATE {arrow}")
        for chunk in batches(rows):
            tx.run(query, rows=chunk, case_id=case_id).consume()


def upsert_causal_links(tx: ManagedTransaction, case_id: str, links: list[dict[str, Any]]) -> None:
    """Create or replace CONTRIBUTED_TO links by id (their ends may have changed)."""
    ids = [link["id"] for link in links]
    for chunk in batches(ids):
        tx.run("UNWIND $ids AS id MATCH ()-[r:CONTRIBUTED_TO {case_id: $case_id, id: id}]->() DELETE r",
               ids=chunk, case_id=case_id).consume()
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        props = {k: link.get(k) for k in LINK_PROPERTIES if link.get(k) not in (None, [])}
        props["case_id"] = case_id
        groups[(link["cause"]["node"], link["effect"]["node"])].append(
            {"a": link["cause"]["id"], "b": link["effect"]["id"], "props": props})
    for (cause, effect), rows in groups.items():
        query = (f"UNWIND $rows AS row MATCH (a:{label(cause)} {{case_id: $case_id, id: row.a}}) "
                 f"{key_hint('a', cause)} MATCH (b:{label(effect)} {{case_id: $case_id, id: row.b}}) "
                 f"{key_hint('b', effect)} "
                 "CREATE (a)-[r:CONTRIBUTED_TO]->(b) SET r = row.props")
        for chunk in batches(rows):
            tx.run(query, rows=chunk, case_id=case_id).consume()


#: Records read per statement when reading a case: each statement's rows come back collected
#: into one value, in pages of the (case_id, id) key's order, so a 500-event case is one
#: statement per kind and a 200,000-event case never holds more than a page in Neo4j's memory.
READ_PAGE = 5000


def _paged(tx: ManagedTransaction, query: str, ids: list[str] | None, **params: Any) -> Iterator[list[Any]]:
    """The rows of `query` (which returns `rows`: a page of [id, ...] lists after $after, in id
    order, at most $page), page after page; with `ids`, the query's `$ids` form (`IN $ids`, a
    seek per id) in one page, since a few ids are what callers name (an item, the records
    changed since a revision): paging them would scan the case's whole key range.

    Why collected pages rather than a row per record: Neo4j's and the driver's cost here is
    mostly per row sent, and one row holding a page cost a third of the CPU on both sides for
    a 500-event case's events (measured: 5 against 16 ms in Neo4j, 8 against 16 in Python)."""
    if ids is not None:
        yield tx.run(query, ids=ids, **params).single()["rows"]
        return
    after = ""
    while True:
        page = tx.run(query, after=after, page=READ_PAGE, **params).single()["rows"]
        yield page
        if len(page) < READ_PAGE:
            return
        after = page[-1][0]


def read_nodes(tx: ManagedTransaction, case_id: str, kind: str, ids: list[str] | None = None
               ) -> list[dict[str, Any]]:
    """Every node of one kind in the case (or those of `ids`), as records with their link
    fields, sorted by id: the link fields come back as pattern comprehensions beside the
    properties, so a kind is read in one pass."""
    fields = LINK_FIELDS.get(kind, ())
    columns = ["n.id", "properties(n)"]
    for field in fields:
        arrow = f"<-[:{field.type}]-(t)" if field.inward else f"-[:{field.type}]->(t)"
        columns.append(f"[(n){arrow} WHERE t.case_id = $case_id | [labels(t)[0], t.id]]")
    if ids is not None:  # a seek per id (a plain hint let the planner scan the key's whole range)
        match = (f"MATCH (n:{label(kind)}) USING INDEX SEEK n:{label(kind)}(case_id, id) "
                 "WHERE n.case_id = $case_id AND n.id IN $ids WITH n ORDER BY n.id")
    else:  # the case's next page, in key order
        match = (f"MATCH (n:{label(kind)}) USING INDEX SEEK n:{label(kind)}(case_id, id) "
                 "WHERE n.case_id = $case_id AND n.id > $after WITH n ORDER BY n.id LIMIT $page")
    query = f"{match} RETURN collect([{', '.join(columns)}]) AS rows"
    records = []
    for page in _paged(tx, query, ids, case_id=case_id):
        for row in page:
            record = dict(row[1])
            record.pop("case_id", None)
            for field, pairs in zip(fields, row[2:], strict=True):
                values: list[Any] = (sorted(({"node": kind_of_label(t_label), "id": t_id} for t_label, t_id in pairs),
                                            key=lambda v: (v["node"], v["id"]))
                                     if field.mixed else sorted(t_id for _, t_id in pairs))
                record[field.name] = values if field.many else (values[0] if values else None)
            records.append(record)
    return records


def read_causal_links(tx: ManagedTransaction, case_id: str, ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The case's causal links (or those of `ids`), sorted by id, in pages as read_nodes."""
    if ids is not None:  # a seek per id
        match = ("MATCH (a)-[r:CONTRIBUTED_TO]->(b) USING INDEX SEEK r:CONTRIBUTED_TO(case_id, id) "
                 "WHERE r.case_id = $case_id AND r.id IN $ids WITH a, r, b ORDER BY r.id")
    else:  # the case's next page, in key order
        match = ("MATCH (a)-[r:CONTRIBUTED_TO]->(b) USING INDEX SEEK r:CONTRIBUTED_TO(case_id, id) "
                 "WHERE r.case_id = $case_id AND r.id > $after WITH a, r, b ORDER BY r.id LIMIT $page")
    query = f"{match} RETURN collect([r.id, properties(r), labels(a)[0], a.id, labels(b)[0], b.id]) AS rows"
    links = []
    for page in _paged(tx, query, ids, case_id=case_id):
        for _, props, a_label, a_id, b_label, b_id in page:
            link = dict(props)
            link.pop("case_id", None)
            link["cause"] = {"node": kind_of_label(a_label), "id": a_id}
            link["effect"] = {"node": kind_of_label(b_label), "id": b_id}
            links.append(link)
    return links
