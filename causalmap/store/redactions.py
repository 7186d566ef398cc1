"""The case's redaction list: terms to replace when exporting for publication.

Kept with the case (a property of its Case node, like the map's saved positions) so that
every export of the case by anyone redacts the same names. It is not part of the case
document: the list names the very people a published review must not.
"""

from __future__ import annotations

import json

from neo4j import ManagedTransaction

from causalmap.errors import InvalidInput, NotFound
from causalmap.render.redact import Term, check_terms
from causalmap.store.connection import Store

__all__ = ["read_redactions", "save_redactions"]


def read_redactions(store: Store, case_id: str) -> list[Term]:
    rows = store.read("MATCH (c:Case {id: $id}) RETURN c.redactions AS redactions", id=case_id)
    if not rows:
        raise NotFound(f"no case {case_id!r}; `causalmap cases` lists the cases")
    return [Term(t["term"], t["replacement"]) for t in json.loads(rows[0]["redactions"] or "[]")]


def save_redactions(store: Store, case_id: str, terms: list[Term]) -> list[Term]:
    """Replace the list (checked first: no empty or repeated term, no replacement holding a term)."""
    terms = [Term(t.term.strip(), t.replacement.strip()) for t in terms]
    problems = check_terms(terms)
    if problems:
        raise InvalidInput(f"the redaction list was not saved: {len(problems)} problem"
                           f"{'s' if len(problems) != 1 else ''}", problems)

    def work(tx: ManagedTransaction) -> None:
        found = tx.run("MATCH (c:Case {id: $id}) SET c.redactions = $list RETURN c.id AS id", id=case_id,
                       list=json.dumps([t.as_dict() for t in terms])).single()
        if found is None:
            raise NotFound(f"no case {case_id!r}; `causalmap cases` lists the cases")

    store.write_transaction(work)
    return terms
