"""The analysts' named, read-only Cypher queries: one file each in queries/, with a header.

A header names the query's title, description and parameters; the loader checks, when it
reads the files, that every `$name` in the Cypher is a declared parameter and that the
query only reads. Parameters are always passed to Neo4j as parameters, never pasted in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from neo4j import RoutingControl

from causalmap.errors import NotFound, UsageError
from causalmap.store import Store

_WRITES = re.compile(r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|CALL\s+dbms|FOREACH)\b", re.I)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[str, ...]
    cypher: str


def _parse(name: str, text: str) -> NamedQuery:
    header = dict(re.findall(r"^//\s*(title|description|parameters):\s*(.*)$", text, re.M))
    missing = {"title", "description", "parameters"} - set(header)
    if missing:
        raise ValueError(f"query {name}: the header lacks {', '.join(sorted(missing))}")
    declared = tuple(re.findall(r"(\w+)\s*\(", header["parameters"])) if header["parameters"] != "(none)" else ()
    cypher = "\n".join(line for line in text.splitlines() if not line.startswith("//")).strip()
    used = set(re.findall(r"\$(\w+)", cypher))
    if used != set(declared):
        raise ValueError(f"query {name}: uses ${', $'.join(sorted(used))} but declares {', '.join(declared)}")
    if _WRITES.search(re.sub(r"'[^']*'|\"[^\"]*\"", "''", cypher)):  # words inside strings are data
        raise ValueError(f"query {name}: named queries only read")
    return NamedQuery(name, header["title"], header["description"], declared, cypher)


def load_queries() -> dict[str, NamedQuery]:
    folder = resources.files("causalmap.queries")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            out[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return out


def parse_value(text: str) -> Any:
    """A parameter as typed: JSON when it reads as JSON (6, ["referral"]), otherwise text."""
    import json

    try:
        return json.loads(text)
    except ValueError:
        return text


def run_query(store: Store, name: str, params: dict[str, Any]) -> dict[str, Any]:
    queries = load_queries()
    if name not in queries:
        raise NotFound(f"no named query {name!r}; the queries are: {', '.join(queries)}")
    query = queries[name]
    unknown = set(params) - set(query.parameters)
    if unknown:
        raise UsageError(f"query {name} takes {', '.join(query.parameters) or 'no parameters'}, not "
                         f"{', '.join(sorted(unknown))}")
    values = {p: params.get(p) for p in query.parameters}
    records, _, keys = store.driver.execute_query(query.cypher, values, database_=store.database,
                                                  routing_=RoutingControl.READ)
    return {"query": name, "title": query.title, "parameters": values, "columns": list(keys),
            "rows": [r.data() for r in records]}
