"""The analysts' named, read-only Cypher queries: one file each in queries/, with a header.

A header names the query's title, description and parameters, each parameter with its type
first (`max_length (integer 1-8: links, default 6)`); the loader checks, when it reads the
files, that every `$name` in the Cypher is a declared parameter with a known type and that
the query only reads. Values typed on the command line or in a URL are converted to that
type, or refused naming the parameter; they go to Neo4j as parameters, never pasted in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from neo4j import RoutingControl

from causalmap.errors import NotFound, UsageError
from causalmap.store import Store

_WRITES = re.compile(r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|CALL\s+dbms|FOREACH)\b", re.I)


_TYPE = re.compile(r"(text|list of text|integer)(?: (-?\d+)-(-?\d+))?")


@dataclass(frozen=True)
class ParameterType:
    """A declared parameter type: text, list of text, or integer (optionally low-high)."""

    name: str
    low: int | None = None
    high: int | None = None

    def __str__(self) -> str:
        words = {"integer": "a whole number", "list of text": "a list of text", "text": "text"}[self.name]
        return words + (f" from {self.low} to {self.high}" if self.low is not None else "")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[str, ...]
    cypher: str
    types: dict[str, ParameterType] = field(default_factory=dict)


def _parse(name: str, text: str) -> NamedQuery:
    header = dict(re.findall(r"^//\s*(title|description|parameters):\s*(.*)$", text, re.M))
    missing = {"title", "description", "parameters"} - set(header)
    if missing:
        raise ValueError(f"query {name}: the header lacks {', '.join(sorted(missing))}")
    found = re.findall(r"(\w+)\s*\(([^:)]*)", header["parameters"]) if header["parameters"] != "(none)" else []
    declared = tuple(name for name, _ in found)
    types = {}
    for pname, spec in found:
        match = _TYPE.fullmatch(spec.strip())
        if match is None:
            raise ValueError(f"query {name}: parameter {pname} needs its type first: text, list of text, integer "
                             "or integer LOW-HIGH, then a colon")
        low, high = (int(match[2]), int(match[3])) if match[2] else (None, None)
        types[pname] = ParameterType(match[1], low, high)
    cypher = "\n".join(line for line in text.splitlines() if not line.startswith("//")).strip()
    used = set(re.findall(r"\$(\w+)", cypher))
    if used != set(declared):
        raise ValueError(f"query {name}: uses ${', $'.join(sorted(used))} but declares {', '.join(declared)}")
    if _WRITES.search(re.sub(r"'[^']*'|\"[^\"]*\"", "''", cypher)):  # words inside strings are data
        raise ValueError(f"query {name}: named queries only read")
    return NamedQuery(name, header["title"], header["description"], declared, cypher, types)


def load_queries() -> dict[str, NamedQuery]:
    folder = resources.files("causalmap.queries")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            out[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return out


def convert(query: NamedQuery, name: str, raw: Any) -> Any:
    """A parameter value as typed (text from a URL or the command line) turned into its declared
    type; UsageError naming the parameter otherwise. Empty means absent: the query's default."""
    if raw is None or raw == "":
        return None
    kind = query.types[name]
    wanted = f"query {query.name} takes {name} as {kind}"
    if kind.name == "integer":
        if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str)
                                                                  and re.fullmatch(r"-?\d{1,9}", raw.strip()))):
            raise UsageError(f"{name}={raw!r} is not a whole number; {wanted}")
        value = int(raw)
        if kind.low is not None and not kind.low <= value <= (kind.high if kind.high is not None else value):
            raise UsageError(f"{name}={value} is out of range; {wanted}")
        return value
    if kind.name == "list of text":
        if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
            return raw
        if isinstance(raw, str):
            return [part.strip() for part in raw.split(",") if part.strip()]
        raise UsageError(f"{name}={raw!r} is not a list; {wanted} (comma-separated)")
    if not isinstance(raw, str):
        raise UsageError(f"{name}={raw!r} is not text; {wanted}")
    return raw


def run_query(store: Store, name: str, params: dict[str, Any]) -> dict[str, Any]:
    queries = load_queries()
    if name not in queries:
        raise NotFound(f"no named query {name!r}; the queries are: {', '.join(queries)}")
    query = queries[name]
    unknown = set(params) - set(query.parameters)
    if unknown:
        raise UsageError(f"query {name} takes {', '.join(query.parameters) or 'no parameters'}, not "
                         f"{', '.join(sorted(unknown))}")
    values = {p: convert(query, p, params.get(p)) for p in query.parameters}
    records, _, keys = store.driver.execute_query(query.cypher, values, database_=store.database,
                                                  routing_=RoutingControl.READ)
    return {"query": name, "title": query.title, "parameters": values, "columns": list(keys),
            "rows": [r.data() for r in records]}
