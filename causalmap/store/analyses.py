"""Stored analysis results: one per (case, key), valid while the case keeps its revision.

The analysis is computed from the graph (never edited by hand) and kept here for two
readers: the overview page and the API, which reuse the whole result instead of computing
it again, and the analysts' named queries, which count the default analysis's gap and
pattern items from structured `Gap` nodes instead of re-deriving them in Cypher. A stored
result is used only while its revision equals the case's (store/revision.py), so an edit
makes it invisible in the same transaction that makes the edit.

    (:Analysis {case_id, key, revision, result, overview})   the whole JSON result (zlib-compressed
                                                              UTF-8), and the few figures the case
                                                              page shows (JSON)
    (:Gap {case_id, id, family, type, severity, from_agency, to_agency,
           from_sector, to_sector, sectors, kind, start, end, event_ids, json})
    (:GapTally {case_id, revision, family, type, from_sectors, to_sectors, kinds, counts})

A Gap names the events it rests on by id (`event_ids`, found through the Event key index),
not by relationships: relationships to the events would make every traversal of the case's
causal graph step over them. A GapTally is one per case and gap type: how many of the
case's Gap nodes of that type there are for each (from sector, to sector, kind), as parallel
lists ("" where the Gap has none), so that counts across many cases read one node per case
and type instead of every Gap. Both are written from the same rows in one transaction.

A Gap's `id` is a digest of its family and JSON (and its place among identical items), so an
edit that leaves most items as they were rewrites only the items it changed: the new rows are
compared with the ids stored, the missing ones created and the gone ones deleted. Most edits
(a factor's wording, a decision's rationale) change no item at all, and rewriting a 500-event
case's 454 Gap nodes after each of them was the costliest write the web server made. Which
Gap nodes are current is said by the tallies: the Gap nodes of a type are the case's current
ones when the case's GapTally of that type carries the case's revision (the tallies, being
few, are all given the revision in the same transaction); a type with no tally has no Gap node.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from typing import Any

from neo4j import ManagedTransaction

from causalmap.errors import NotFound
from causalmap.store.connection import Store
from causalmap.store.records import batches

ANALYSIS = "Analysis"
GAP = "Gap"
GAP_TALLY = "GapTally"
#: Every label stored here; each node carries its case's `case_id`, so deleting a case deletes
#: them too (store/staging.py), whatever is added to this list.
STORED_LABELS = (GAP, GAP_TALLY, ANALYSIS)
#: The layout of what is stored: part of every analysis key (case_analysis.py), so that
#: results stored in an older layout count as stale and are computed again.
STORED_LAYOUT = 4


def cached_analysis(store: Store, case_id: str, key: str, part: str = "result"
                    ) -> tuple[str | None, dict[str, Any] | None]:
    """The case's revision now, and the result (or, with part="overview", its overview) stored
    under `key` at that revision, or None. Only the part asked for is read."""
    column = {"result": "a.result", "overview": "a.overview"}[part]
    rows = store.read("MATCH (c:Case {id: $id}) "
                      "OPTIONAL MATCH (a:Analysis {case_id: $id, key: $key}) WHERE a.revision = c.revision "
                      f"RETURN c.revision AS revision, {column} AS stored", id=case_id, key=key)
    if not rows:
        raise NotFound(f"no case {case_id!r}; `causalmap cases` lists the cases")
    stored = rows[0]["stored"]
    if stored is None:
        return rows[0]["revision"], None
    return rows[0]["revision"], json.loads(zlib.decompress(stored) if part == "result" else stored)


def gap_rows(items: list[dict[str, Any]], family: str, sectors: dict[str, str]) -> list[dict[str, Any]]:
    """Items as Gap node rows: the item's own JSON plus the structured columns queries filter on,
    under an id that is the same whenever the item is (see the module's docstring)."""
    rows = []
    seen: Counter[str] = Counter()
    for item in items:
        agencies = list(item.get("agencies") or [])
        period = item.get("period") or {}
        text = json.dumps(item, ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256(f"{family}\n{text}".encode()).hexdigest()[:24]
        seen[digest] += 1
        props = {"id": f"{family}:{digest}:{seen[digest]}", "family": family, "type": item["type"],
                 "severity": item.get("severity"),
                 "from_agency": agencies[0] if agencies else None,
                 "to_agency": agencies[1] if len(agencies) > 1 else None,
                 "from_sector": sectors.get(agencies[0], "other") if agencies else None,
                 "to_sector": sectors.get(agencies[1], "other") if len(agencies) > 1 else None,
                 "sectors": [sectors.get(a, "other") for a in agencies],
                 "kind": item.get("kind") or item.get("meeting_kind"),
                 "start": period.get("start"), "end": period.get("end"),
                 "event_ids": list(item.get("event_ids") or []), "json": text}
        rows.append({"props": {k: v for k, v in props.items() if v is not None}})
    return rows


def tally_rows(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """GapTally rows of Gap rows: per type, the count of each (from sector, to sector, kind)."""
    counts: dict[tuple[str, str], Counter[tuple[str, str, str]]] = {}
    for row in gaps:
        props = row["props"]
        key = (props.get("from_sector", ""), props.get("to_sector", ""), props.get("kind", ""))
        counts.setdefault((props["family"], props["type"]), Counter())[key] += 1
    out = []
    for (family, kind_of_gap), by in sorted(counts.items()):
        keys = sorted(by)
        out.append({"family": family, "type": kind_of_gap, "from_sectors": [k[0] for k in keys],
                    "to_sectors": [k[1] for k in keys], "kinds": [k[2] for k in keys],
                    "counts": [by[k] for k in keys]})
    return out


def store_analysis(store: Store, case_id: str, key: str, revision: str | None, result: dict[str, Any],
                   gaps: list[dict[str, Any]] | None = None, overview: dict[str, Any] | None = None,
                   unless_stored: bool = False, text: str | None = None) -> bool:
    """Keep `result` (and the small `overview` the case page shows) for the case at `revision`;
    with `gaps` (rows of :func:`gap_rows`), replace its Gap nodes too. Nothing is stored when
    the case changed since `revision` was read (False). With `unless_stored`, nothing is rewritten
    when a result is stored under `key` at `revision` already (two web workers that analysed the
    same change at once: the Gap nodes are the costliest write of a request). `text` is
    `result` as JSON when the caller has it already."""
    def work(tx: ManagedTransaction) -> bool:
        now = tx.run("MATCH (c:Case {id: $id}) RETURN c.revision AS r", id=case_id).single()
        if now is None or now["r"] != revision:
            return False
        if unless_stored and tx.run("MATCH (a:Analysis {case_id: $id, key: $key}) WHERE a.revision = $revision "
                                    "RETURN 1 AS kept", id=case_id, key=key, revision=revision).single():
            return True  # another worker stored the same result at the same revision: nothing to rewrite
        tx.run("MATCH (a:Analysis {case_id: $id}) WHERE a.revision <> $revision DETACH DELETE a",
               id=case_id, revision=revision).consume()
        tx.run("MERGE (a:Analysis {case_id: $id, key: $key}) SET a.revision = $revision, a.result = $result, "
               "a.overview = $overview", id=case_id, key=key, revision=revision,
               result=_packed(text if text is not None else json.dumps(result, ensure_ascii=False)),
               overview=json.dumps(overview, ensure_ascii=False) if overview is not None else None).consume()
        if gaps is not None:
            _replace_gaps(tx, case_id, revision, gaps)
        return True

    return store.write_transaction(work)


def _packed(text: str) -> bytes:
    """A result as stored: a 500-event case's JSON is about 0.5 MB, a tenth of that compressed,
    and Neo4j's cost of writing and reading it (transaction log, page cache, garbage) goes with
    its size: 19 against 6 ms of Neo4j's CPU per write, measured; compressing takes about 1."""
    return zlib.compress(text.encode(), 1)


def _replace_gaps(tx: ManagedTransaction, case_id: str, revision: str | None, rows: list[dict[str, Any]]) -> None:
    """Make the case's Gap nodes exactly `rows`, writing only the difference, and its tallies
    those of `rows` at `revision`."""
    stored = tx.run("MATCH (g:Gap {case_id: $id}) RETURN collect(g.id) AS ids", id=case_id).single()
    stored_ids = set(stored["ids"]) if stored else set()
    wanted = {row["props"]["id"] for row in rows}
    gone = sorted(stored_ids - wanted)
    for chunk in batches(gone):
        tx.run("UNWIND $ids AS gap_id MATCH (g:Gap {case_id: $id, id: gap_id}) DETACH DELETE g",
               ids=chunk, id=case_id).consume()
    for chunk in batches([row for row in rows if row["props"]["id"] not in stored_ids]):
        tx.run("UNWIND $rows AS row CREATE (g:Gap) SET g = row.props, g.case_id = $id",
               rows=chunk, id=case_id).consume()
    tallies = tally_rows(rows)
    tx.run("MATCH (t:GapTally {case_id: $id}) WHERE NOT [t.family, t.type] IN $kept DELETE t",
           id=case_id, kept=[[t["family"], t["type"]] for t in tallies]).consume()
    tx.run("UNWIND $rows AS row MERGE (t:GapTally {case_id: $id, family: row.family, type: row.type}) "
           "SET t += row, t.revision = $revision", rows=tallies, id=case_id, revision=revision).consume()


def forget_analyses(tx: ManagedTransaction, case_id: str) -> None:
    """Remove everything stored for the case (when the case itself is deleted)."""
    for label in (ANALYSIS, GAP, GAP_TALLY):
        tx.run(f"MATCH (n:{label} {{case_id: $id}}) DETACH DELETE n", id=case_id).consume()


#: The one definition of a stale case: `c` has no result under $analysis_key at its revision.
STALE_CASE = "NOT EXISTS { MATCH (a:Analysis {case_id: c.id, key: $analysis_key}) WHERE a.revision = c.revision }"


def stale_cases(store: Store, case_ids: list[str], key: str) -> list[str]:
    """Those of `case_ids` with no result under `key` at their current revision."""
    rows = store.read(f"UNWIND $ids AS id MATCH (c:Case {{id: id}}) WHERE {STALE_CASE} "
                      "RETURN c.id AS id ORDER BY id", ids=case_ids, analysis_key=key)
    return [r["id"] for r in rows]
