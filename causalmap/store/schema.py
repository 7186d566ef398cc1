"""Constraints and indexes, created idempotently (`causalmap db migrate`, and on every connect).

`(case_id, id)` is unique per label, so two cases with the same event ids never touch.
Labels come from causalmap.vocab; no label or type ever comes from input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from causalmap.vocab import CASE, CASE_LABELS, IMPORT_STAGE

if TYPE_CHECKING:
    from causalmap.store.connection import Store


def statements() -> list[str]:
    """Every schema statement, in order; each is safe to run again."""
    out = [f"CREATE CONSTRAINT case_id_unique IF NOT EXISTS FOR (c:{CASE}) REQUIRE c.id IS UNIQUE"]
    for label in CASE_LABELS:
        snake = "".join("_" + ch.lower() if ch.isupper() else ch for ch in label).lstrip("_")
        out.append(
            f"CREATE CONSTRAINT {snake}_key IF NOT EXISTS FOR (n:{label}) REQUIRE (n.case_id, n.id) IS UNIQUE"
        )
        out.append(f"CREATE INDEX {snake}_case IF NOT EXISTS FOR (n:{label}) ON (n.case_id)")
    # The analysts' case filters (named_queries.py) start at the filter given.
    for prop in ("board", "region", "review_kind"):
        out.append(f"CREATE INDEX case_{prop} IF NOT EXISTS FOR (c:{CASE}) ON (c.{prop})")
    out.append(f"CREATE CONSTRAINT import_stage_unique IF NOT EXISTS FOR (s:{IMPORT_STAGE}) "
               "REQUIRE s.case_id IS UNIQUE")
    out.append("CREATE INDEX contributed_to_key IF NOT EXISTS FOR ()-[r:CONTRIBUTED_TO]-() ON (r.case_id, r.id)")
    out.append("CREATE INDEX event_date IF NOT EXISTS FOR (n:Event) ON (n.date)")
    out.append("CREATE INDEX event_kind IF NOT EXISTS FOR (n:Event) ON (n.kind)")
    # Stored analyses (store/analyses.py) and the analysts' queries over them.
    out.append("CREATE INDEX analysis_key IF NOT EXISTS FOR (n:Analysis) ON (n.case_id, n.key)")
    out.append("CREATE INDEX gap_case IF NOT EXISTS FOR (n:Gap) ON (n.case_id)")
    out.append("CREATE INDEX gap_case_id IF NOT EXISTS FOR (n:Gap) ON (n.case_id, n.id)")
    out.append("CREATE INDEX gap_case_type IF NOT EXISTS FOR (n:Gap) ON (n.case_id, n.type)")
    out.append("CREATE INDEX gap_case_family IF NOT EXISTS FOR (n:Gap) ON (n.case_id, n.family)")
    out.append("CREATE INDEX gap_tally_case_type IF NOT EXISTS FOR (n:GapTally) ON (n.case_id, n.type)")
    out.append("CREATE INDEX gap_tally_case_family IF NOT EXISTS FOR (n:GapTally) ON (n.case_id, n.family)")
    out.append("CREATE INDEX event_case_kind IF NOT EXISTS FOR (n:Event) ON (n.case_id, n.kind)")
    out.append("CREATE INDEX factor_category IF NOT EXISTS FOR (n:ContributoryFactor) ON (n.category)")
    out.append("CREATE FULLTEXT INDEX finding_text IF NOT EXISTS FOR (n:Finding) ON EACH [n.statement]")
    # Accounts and the audit trail belong to no case: they carry no case_id.
    out.append("CREATE CONSTRAINT user_name_unique IF NOT EXISTS FOR (u:User) REQUIRE u.name IS UNIQUE")
    out.append("CREATE CONSTRAINT token_digest_unique IF NOT EXISTS FOR (t:Token) REQUIRE t.digest IS UNIQUE")
    out.append("CREATE CONSTRAINT audit_entry_id_unique IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE")
    out.append("CREATE INDEX audit_entry_at IF NOT EXISTS FOR (a:AuditEntry) ON (a.at)")
    return out


def migrate(store: Store) -> list[str]:
    """Apply the schema; returns the names present afterwards."""
    for statement in statements():
        store.driver.execute_query(statement, database_=store.database)
    store.driver.execute_query("CALL db.awaitIndexes(300)", database_=store.database)
    names = {row["name"] for row in store.read("SHOW CONSTRAINTS YIELD name")}
    names |= {row["name"] for row in store.read("SHOW INDEXES YIELD name")}
    return sorted(names)
