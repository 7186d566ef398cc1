"""The analysts' named, read-only Cypher queries: one file each in queries/, with a header.

A header declares the query's title, description, typed parameters (required, or with a
default), the columns it returns and the shape of its result (counts, paths or a table).
The loader checks, when it reads the files, that every `$name` in the Cypher is a declared
parameter, that the query only reads, and that it is bounded (a LIMIT, no unbounded path).
Every query also takes the common case filters; the loader puts the one case-filter
clause in front of each body, which then sees `c`, each case that passes the filters.

Values are checked against their types before anything runs and are always passed to
Neo4j as parameters, never pasted in. Queries run in read transactions (a cluster's
secondaries can serve them) with a server-side timeout.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from neo4j import READ_ACCESS, ManagedTransaction, Result, unit_of_work
from neo4j.exceptions import Neo4jError

from causalmap import vocab
from causalmap.errors import CausalmapError, NotFound, UsageError
from causalmap.store import Store
from causalmap.store.analyses import STALE_CASE

if TYPE_CHECKING:
    from causalmap.case_analysis import DefaultAnalysis

_WRITES = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|CALL\s+dbms|FOREACH|IN\s+TRANSACTIONS)\b", re.I)
_UNBOUNDED = re.compile(r"\*\s*\]|\*\s*\d*\s*\.\.\s*\]|\{\s*\d*\s*,\s*\}|[->]\s*[+*]|\)\s*\)\s*[+*]")
ROW_LIMIT = 1000
T = TypeVar("T")

#: Choices of the vocabulary-typed parameters, from causalmap.vocab.
CHOICES: dict[str, tuple[str, ...]] = {
    "category": tuple(vocab.TYPOLOGY),
    "sector": vocab.SECTORS,
    "event_kind": vocab.EVENT_KINDS,
    "gap_type": vocab.GAP_TYPES + vocab.PATTERN_TYPES,
    "pattern_type": vocab.PATTERN_TYPES,
    "review_kind": vocab.REVIEW_KINDS,
    "valence": vocab.VALENCES,
    "rating": vocab.EPISODE_RATINGS,
    "recommendation_type": tuple(vocab.RECOMMENDATION_TYPES.values()),
    "recommendation_status": vocab.RECOMMENDATION_STATUSES,
}
SCALAR_TYPES = ("int", "text", "case", "item", "fulltext", "date", *CHOICES)


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: `type` is a scalar type or `list:SCALAR`."""

    name: str
    type: str
    required: bool = False
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""
    common: bool = False

    @property
    def choices(self) -> tuple[str, ...] | None:
        return CHOICES.get(self.type.removeprefix("list:"))

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "required": self.required, "default": self.default,
                "minimum": self.minimum, "maximum": self.maximum, "choices": self.choices, "help": self.help,
                "common": self.common}


#: The filters every query takes, and the one clause that applies them.
COMMON = (
    Parameter("cases", "list:case", help="only these case ids"),
    Parameter("board", "text", help="only cases of this safeguarding board or partnership"),
    Parameter("region", "text", help="only cases of this region"),
    Parameter("review_kind", "review_kind", help="only reviews of this kind"),
    Parameter("from_year", "int", minimum=1900, maximum=2200, help="only reviews decided on in this year or later"),
    Parameter("to_year", "int", minimum=1900, maximum=2200, help="only reviews decided on in this year or earlier"),
)
COMMON = tuple(Parameter(**{**p.__dict__, "common": True}) for p in COMMON)
#: A case's year: the year the review was decided on (its trigger), else the year it was created.
CASE_YEAR = "toInteger(left(coalesce(c.trigger_decided_on, c.created_at), 4))"
#: The filters, each true when not given; every case filter checks them all.
CASE_CONDITIONS = (
    "($cases IS NULL OR c.id IN $cases) AND ($board IS NULL OR c.board = $board)\n"
    "  AND ($region IS NULL OR c.region = $region) AND ($review_kind IS NULL OR c.review_kind = $review_kind)\n"
    f"  AND ($from_year IS NULL OR {CASE_YEAR} >= $from_year) AND ($to_year IS NULL OR {CASE_YEAR} <= $to_year)\n"
)
#: Where the filter starts, the first given of these: an index seek on the case id (the
#: uniqueness constraint's index) or on an indexed property (store/schema.py); with none
#: of them, a scan of the case id index (no label scan).
CASE_STARTS = (("cases", "c.id IN $cases"), ("board", "c.board = $board"), ("region", "c.region = $region"),
               ("review_kind", "c.review_kind = $review_kind"))
CASE_ALL = "c.id IS NOT NULL"


def case_filter(values: dict[str, Any] | None = None) -> str:
    """The clause that binds `c` to each case passing the filters given in `values`.

    Only which filters are given chooses among these fixed texts; every value stays a parameter.
    """
    values = values or {}
    start = next((clause for name, clause in CASE_STARTS if values.get(name) is not None), CASE_ALL)
    return f"MATCH (c:Case)\nWHERE {start}\n  AND {CASE_CONDITIONS}WITH c\n"


#: The clause with no filter given (as documented and printed by the bench).
CASE_FILTER = case_filter()
#: Macros a query body may use, each defined once: a path as node kinds, and its sectors.
MACROS = {
    "STEPS(p)": ("[step IN nodes(p) | CASE WHEN step:ContributoryFactor THEN 'factor:' + coalesce(step.category, "
                 "'uncategorised') WHEN step:Decision THEN 'decision:' + CASE WHEN step.taken THEN 'taken' ELSE "
                 "'not_taken' END ELSE 'event:' + step.kind END]"),
    # Its own variable names: a name the query already binds would silently join to it.
    "SECTORS(p)": "[step IN nodes(p) | [(step)-[:BY]->(step_agency:Agency) | step_agency.sector][0]]",
    "YEAR(c)": CASE_YEAR,
}
#: A GapTally list entry (store/analyses.py), where "" stands for a Gap without that field.
TALLIED = (re.compile(r"TALLIED\(([^()]*)\)"), r"nullIf(\1, '')")
SHAPES = ("counts", "paths", "table")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    own: tuple[Parameter, ...]
    columns: tuple[tuple[str, str], ...]  # (name, type)
    shape: str
    reads_analysis: bool
    body: str

    @property
    def parameters(self) -> tuple[str, ...]:
        """The query's own parameter names (the common filters come on top)."""
        return tuple(p.name for p in self.own)

    @property
    def all_parameters(self) -> tuple[Parameter, ...]:
        return self.own + COMMON

    @property
    def cypher(self) -> str:
        """The Cypher run when no case filter is given."""
        return CASE_FILTER + self.body

    def cypher_for(self, values: dict[str, Any]) -> str:
        """The Cypher run with these (bound) values: the case filter starts at the filter given."""
        return case_filter(values) + self.body

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "description": self.description,
                "parameters": [p.as_dict() for p in self.all_parameters],
                "columns": [{"name": n, "type": t} for n, t in self.columns], "shape": self.shape,
                "reads_analysis": self.reads_analysis}


_PARAM = re.compile(r"^(\w+)\s+((?:list:)?\w+)\s*(.*?)\s*(?:--\s*(.*))?$")


def _parse_parameter(query: str, text: str) -> Parameter:
    match = _PARAM.match(text.strip())
    if not match:
        raise ValueError(f"query {query}: cannot read the parameter line {text!r}; use NAME TYPE [required|"
                         "default=JSON] [min=N] [max=N] -- help")
    name, kind, options, help_text = match.groups()
    if kind.removeprefix("list:") not in SCALAR_TYPES:
        raise ValueError(f"query {query}: parameter {name} has an unknown type {kind}")
    fields: dict[str, Any] = {"required": False}
    for option in re.findall(r"(required|default=\S+|min=-?\d+|max=-?\d+)", options or ""):
        if option == "required":
            fields["required"] = True
        elif option.startswith("default="):
            fields["default"] = json.loads(option.removeprefix("default="))
        else:
            fields["minimum" if option.startswith("min") else "maximum"] = int(option.split("=")[1])
    param = Parameter(name, kind, help=help_text or "", **fields)
    if param.default is not None:
        check_value(param, param.default)  # a default must itself be valid
    return param


def _parse(name: str, text: str) -> NamedQuery:
    header: dict[str, str] = {}
    params: list[Parameter] = []
    for key, value in re.findall(r"^//\s*(\w+):?\s*(.*)$", text, re.M):
        if key == "param":
            params.append(_parse_parameter(name, value))
        else:
            header[key] = value.strip()
    missing = {"title", "description", "columns", "shape"} - set(header)
    if missing:
        raise ValueError(f"query {name}: the header lacks {', '.join(sorted(missing))}")
    if header["shape"] not in SHAPES:
        raise ValueError(f"query {name}: shape {header['shape']!r} is not one of {', '.join(SHAPES)}")
    columns = tuple(tuple(c.strip().split(":", 1)) if ":" in c else (c.strip(), "text")
                    for c in header["columns"].split(","))
    body = "\n".join(line for line in text.splitlines() if not line.startswith("//")).strip()
    for macro, expansion in MACROS.items():
        body = body.replace(macro, expansion)
    body = TALLIED[0].sub(TALLIED[1], body)
    used = set(re.findall(r"\$(\w+)", body))
    declared = {p.name for p in params}
    if used != declared:
        raise ValueError(f"query {name}: uses ${', $'.join(sorted(used))} but declares {', '.join(sorted(declared))}")
    if {p.name for p in COMMON} & declared:
        raise ValueError(f"query {name}: the common filters are declared for every query; do not redeclare them")
    code = re.sub(r"'[^']*'|\"[^\"]*\"", "''", body)  # words inside strings are data
    if _WRITES.search(code):
        raise ValueError(f"query {name}: named queries only read")
    if not re.search(r"\bLIMIT\b", code, re.I) or _UNBOUNDED.search(code):
        raise ValueError(f"query {name}: a named query is bounded: end it with a LIMIT and give every "
                         "variable-length pattern an upper bound")
    return NamedQuery(name, header["title"], header["description"], tuple(params), columns,  # type: ignore[arg-type]
                      header["shape"], header.get("reads") == "analysis", body)


def load_queries() -> dict[str, NamedQuery]:
    """Every named query by name (read and checked once: the files ship with the package)."""
    return dict(_loaded())


@cache
def _loaded() -> dict[str, NamedQuery]:
    folder = resources.files("causalmap.queries")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            out[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return out


def get_query(name: str) -> NamedQuery:
    queries = load_queries()
    if name not in queries:
        raise NotFound(f"no named query {name!r}; the queries are: {', '.join(queries)}")
    return queries[name]


def parse_value(text: str) -> Any:
    """A parameter as typed: JSON when it reads as JSON (6, ["referral"]), otherwise text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')


def _check_scalar(param: Parameter, value: Any) -> Any:
    kind = param.type.removeprefix("list:")
    what = f"{param.name}={json.dumps(value, ensure_ascii=False)}"
    if kind == "int":
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise UsageError(f"{what}: {param.name} must be a whole number")
        if param.minimum is not None and value < param.minimum or param.maximum is not None and value > param.maximum:
            raise UsageError(f"{what}: {param.name} must be from {param.minimum} to {param.maximum}")
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{what}: {param.name} must be a non-empty text")
    value = value.strip()
    if param.choices is not None and value not in param.choices:
        raise UsageError(f"{what}: {param.name} must be one of {', '.join(param.choices)}")
    if kind in ("case", "item") and not vocab.is_id(value):
        raise UsageError(f"{what}: {param.name} must be an id; {vocab.ID_RULE}")
    if kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"{what}: {param.name} must be a date, YYYY-MM-DD") from None
    if kind == "fulltext":
        if len(value) > 200:
            raise UsageError(f"{param.name}: at most 200 characters")
        # The words are searched, never Lucene syntax: special characters escaped, operators lower-cased.
        value = re.sub(r"\b(AND|OR|NOT|TO)\b", lambda m: m.group(1).lower(), _LUCENE_SPECIAL.sub(r"\\\1", value))
    return value


def check_value(param: Parameter, value: Any) -> Any:
    """The value as the query needs it, or a UsageError naming the parameter and what it takes."""
    if param.type.startswith("list:"):
        if isinstance(value, str):
            value = [v for v in (s.strip() for s in value.split(",")) if v]
        if not isinstance(value, list) or not value:
            raise UsageError(f"{param.name}: give a list (a JSON list, or values separated by commas)")
        return [_check_scalar(param, v) for v in value]
    return _check_scalar(param, value)


def bind(query: NamedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """Every parameter's value: checked, defaults filled in; unknown or missing ones refused."""
    known = {p.name: p for p in query.all_parameters}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise UsageError(f"query {query.name} takes {', '.join(known)}, not {', '.join(unknown)}")
    values: dict[str, Any] = {}
    missing = []
    for name, param in known.items():
        raw = given.get(name)
        if raw is None or raw == "" or raw == []:
            if param.required:
                missing.append(name)
            values[name] = param.default
        else:
            values[name] = check_value(param, raw)
    if missing:
        raise UsageError(f"query {query.name} needs {', '.join(missing)}: "
                         + "; ".join(f"{n} ({known[n].help or known[n].type})" for n in missing))
    return values


class QueryTimeout(CausalmapError):
    """The server stopped a query that ran past CAUSALMAP_QUERY_TIMEOUT."""


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def run_query(store: Store, name: str, params: dict[str, Any], *, timeout: float = 10,
              rules_file: Path | None = None, default_analysis: DefaultAnalysis | None = None
              ) -> dict[str, Any]:
    """Run one named query; queries over the stored analysis first refresh the stale cases they cover.

    The check for stale cases runs in the same read transaction, just before the query: when
    it finds none (the usual case) that one transaction is all; when it finds some, they are
    analysed (and stored) and the query runs in a second transaction; through
    `default_analysis` when given (the web server's, so that a case its pages analyse at the
    same moment is analysed once).
    """
    query = get_query(name)
    values = bind(query, params)
    cypher = query.cypher_for(values)
    check = None
    if query.reads_analysis:
        from causalmap.case_analysis import analyse_again, default_key

        check = (f"{case_filter(values)}WITH c WHERE {STALE_CASE}\nRETURN c.id AS id ORDER BY id",
                 {**values, "analysis_key": default_key(rules_file)})

    def work(tx: ManagedTransaction) -> tuple[list[str], list[dict[str, Any]], list[str]]:
        stale = [r["id"] for r in tx.run(*check)] if check else []
        return (stale, [], []) if stale else ([], *_rows(tx.run(cypher, values)))

    refreshed, records, keys = _in_read_transaction(store, work, timeout)
    if refreshed:
        analyse_again(store, refreshed, rules_file, default_analysis)
        records, keys = _read(store, cypher, values, timeout)
    return {"query": name, "title": query.title, "parameters": {p: values[p] for p in query.parameters},
            "filters": {p.name: values[p.name] for p in COMMON if values[p.name] is not None},
            "columns": list(keys), "rows": records, "refreshed": refreshed}


#: Plan operators that read a whole label, every node or every relationship.
SCANS = ("AllNodesScan", "NodeByLabelScan", "UndirectedAllRelationshipsScan", "DirectedAllRelationshipsScan")


def plan_operators(plan: dict[str, Any]) -> set[str]:
    """Every operator of a profiled plan; scans and index reads with what they read
    (`NodeByLabelScan(f:ContributoryFactor)`, `NodeIndexSeek(RANGE INDEX g:Gap(case_id, type))`)."""
    name = plan["operatorType"].split("@")[0]
    if name.startswith(SCANS) or "Index" in name:
        details = plan.get("args", {}).get("Details", "")
        name += f"({details.split(' WHERE ')[0].split(', cache[')[0]})"
    names = {name}
    for child in plan.get("children", []):
        names |= plan_operators(child)
    return names


def profile_query(store: Store, name: str, params: dict[str, Any], timeout: float = 60) -> set[str]:
    """The operators of the query's plan as run with these parameters (PROFILE, in a read transaction)."""
    query = get_query(name)
    values = bind(query, params)

    def work(tx: ManagedTransaction) -> set[str]:
        return plan_operators(tx.run("PROFILE " + query.cypher_for(values), values).consume().profile)

    return _in_read_transaction(store, work, timeout)


def _rows(result: Result) -> tuple[list[dict[str, Any]], list[str]]:
    return [{k: _plain(v) for k, v in record.items()} for record in result], list(result.keys())


def _read(store: Store, cypher: str, values: dict[str, Any], timeout: float) -> tuple[list[dict[str, Any]], list[str]]:
    """One read transaction, routed as a read, stopped by the server after `timeout` seconds."""
    return _in_read_transaction(store, lambda tx: _rows(tx.run(cypher, values)), timeout)


def _in_read_transaction(store: Store, work: Callable[[ManagedTransaction], T], timeout: float) -> T:
    """`work` in a read transaction (a cluster routes it to a secondary), stopped by the server
    after `timeout` seconds: then a QueryTimeout that says how to narrow the query."""
    try:
        with store.driver.session(database=store.database, default_access_mode=READ_ACCESS,
                                  bookmark_manager=store.bookmarks) as session:
            return session.execute_read(unit_of_work(timeout=timeout)(work))
    except Neo4jError as exc:
        if "TransactionTimedOut" in (exc.code or "") or "Terminated" in (exc.code or ""):
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped; narrow it with the case "
                               "filters (cases, board, region, review_kind, from_year, to_year)") from None
        raise


def csv_text(result: dict[str, Any]) -> str:
    """The rows as CSV: one column per returned column, lists joined with ' > ' (paths) or '; '."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result["columns"])
    for row in result["rows"]:
        writer.writerow([_cell(row[c], c) for c in result["columns"]])
    return out.getvalue()


def _cell(value: Any, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return (" > " if column in ("steps", "sectors", "ids") else "; ").join("" if v is None else str(v)
                                                                                for v in value)
    return str(value)


def text_table(result: dict[str, Any]) -> str:
    lines = [result["title"], "\t".join(result["columns"])]
    lines += ["\t".join(json.dumps(row[c], ensure_ascii=False) if isinstance(row[c], list) else str(row[c])
                        for c in result["columns"]) for row in result["rows"]]
    if result.get("refreshed"):
        lines.append(f"(analysed first, as they had changed: {len(result['refreshed'])} cases)")
    return "\n".join(lines)
