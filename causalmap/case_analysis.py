"""The analysis of one stored case, as the CLI, the API and the pages run it: computed once per
revision of the case and parameters, then reused (store/analyses.py keeps it)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from causalmap.analysis.network import agency_network
from causalmap.analysis.report import FAMILIES, Parameters, analyse
from causalmap.analysis.rules import Rules, load_rules
from causalmap.errors import UsageError
from causalmap.snapshot import CaseSnapshot
from causalmap.store import Store
from causalmap.store.analyses import STORED_LAYOUT, cached_analysis, gap_rows, stale_cases, store_analysis
from causalmap.store.snapshot import read_snapshot

#: How a case's snapshot is read: from Neo4j (the default), or kept by the web server while the
#: case is unchanged (web/case_memory.py), so the map, the network and the analysis share one read.
SnapshotReader = Callable[[Store, str], CaseSnapshot]
#: The default analysis of a case, stored (analyse_case with the defaults, or the web server's
#: kept one, web/case_memory.remembered_analysis).
DefaultAnalysis = Callable[[str], dict[str, Any]]

#: The families of `all` without knowledge: what the overview shows and the queries count.
DEFAULT_FAMILIES = ("gaps", "causes", "checks", "patterns")
#: The families whose items are also stored as Gap nodes for the analysts' queries.
GAP_FAMILIES = ("gaps", "patterns")


def families_for(which: str, parameters: Parameters) -> tuple[str, ...]:
    """`all` is every family, with knowledge only when an agency and a date are given."""
    if which == "all":
        return DEFAULT_FAMILIES + (("knowledge",) if parameters.agency and parameters.date else ())
    if which not in FAMILIES:
        raise UsageError(f"unknown analysis {which!r}; use one of: {', '.join(FAMILIES)}, all")
    return (which,)


@cache
def _code_fingerprint() -> str:
    """A hash of the analysis code itself: a result stored by another version is never reused."""
    digest = hashlib.sha256()
    folder = resources.files("causalmap.analysis")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".py", ".json")):
            digest.update(entry.name.encode() + entry.read_bytes())
    return digest.hexdigest()


def analysis_key(families: tuple[str, ...], parameters: Parameters, rules: Rules) -> str:
    """What a stored result depends on besides the case: families, parameters, rules, code."""
    text = json.dumps({"families": families, "parameters": asdict(parameters), "rules": repr(rules),
                       "code": _code_fingerprint(), "layout": STORED_LAYOUT}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def analysis_key_for(which: str, parameters: Parameters | None = None, rules_file: Path | None = None) -> str:
    """The key `analyse_case` stores its result under for these arguments (a bad `which` or
    parameter is a UsageError, as there)."""
    checked = (parameters or Parameters()).check()
    return analysis_key(families_for(which, checked), checked, load_rules(rules_file))


def default_key(rules_file: Path | None = None) -> str:
    """The key of the default analysis, the one whose items the named queries read."""
    return analysis_key(DEFAULT_FAMILIES, Parameters().check(), load_rules(rules_file))


def analyse_case(store: Store, case_id: str, which: str = "all", parameters: Parameters | None = None,
                 rules_file: Path | None = None, read: SnapshotReader = read_snapshot) -> dict[str, Any]:
    """The analysis result, from the store when the case has not changed since it was computed.

    A stored result is the JSON of a fresh one, so both are returned as plain JSON values:
    what comes back is the same either way.
    """
    parameters = (parameters or Parameters()).check()
    rules = load_rules(rules_file)
    families = families_for(which, parameters)
    key = analysis_key(families, parameters, rules)
    revision, result = cached_analysis(store, case_id, key)
    if result is not None:
        return result
    return _analyse_and_store(store, case_id, revision, key, families, parameters, rules, read)


def _analyse_and_store(store: Store, case_id: str, revision: str | None, key: str, families: tuple[str, ...],
                       parameters: Parameters, rules: Rules, read: SnapshotReader) -> dict[str, Any]:
    """Analyse the case as it is at `revision` and store the result (when still current)."""
    snapshot = read(store, case_id)
    text = json.dumps(analyse(snapshot, parameters, rules, families), ensure_ascii=False)
    result = json.loads(text)
    gaps = None
    if families == DEFAULT_FAMILIES and parameters == Parameters().check():
        sectors = {a: str(r.get("sector") or "other") for a, r in snapshot.agencies.items()}
        gaps = [row for family in GAP_FAMILIES for row in gap_rows(result[family], family, sectors)]
    overview = overview_of(result) if set(DEFAULT_FAMILIES) <= set(families) else None
    store_analysis(store, case_id, key, revision, result, gaps, overview, unless_stored=True, text=text)
    return result


def overview_of(result: dict[str, Any], first: int = 8) -> dict[str, Any]:
    """What the case page shows of an analysis: items by family and severity, the top of the
    ranking mixed across gaps, patterns and checks, and the leverage points."""
    counts: dict[str, dict[str, int]] = {}
    for family in ("gaps", "checks", "patterns"):
        for item in result[family]:
            counts.setdefault(family, {"high": 0, "medium": 0, "low": 0})[item["severity"]] += 1
    # Each list is already ordered by score; ties as the analysis orders them: severity, then date.
    rank = {"high": 0, "medium": 1, "low": 2}
    top = sorted(result["gaps"] + result["patterns"] + result["checks"],
                 key=lambda i: (-i["score"], rank[i["severity"]], i["period"]["earliest"] or "9999"))[:first]
    return {"counts": counts, "first": top, "leverage": result["causes"]["leverage"]}


def case_overview(store: Store, case_id: str, rules_file: Path | None = None,
                  default_analysis: DefaultAnalysis | None = None) -> dict[str, Any]:
    """The overview of the default analysis: read alone from the store when the case is unchanged
    (not the whole result), else from the default analysis (`default_analysis`, or analyse_case),
    stored."""
    _, overview = cached_analysis(store, case_id, default_key(rules_file), "overview")
    if overview is not None:
        return overview
    if default_analysis is not None:
        return overview_of(default_analysis(case_id))
    return overview_of(analyse_case(store, case_id, "all", Parameters(), rules_file))


def refresh_stale(store: Store, case_ids: list[str], rules_file: Path | None = None) -> list[str]:
    """Analyse (and store) those of the cases whose default analysis is missing or stale."""
    stale = stale_cases(store, case_ids, default_key(rules_file))
    analyse_again(store, stale, rules_file)
    return stale


def analyse_again(store: Store, case_ids: list[str], rules_file: Path | None = None,
                  default_analysis: DefaultAnalysis | None = None) -> None:
    """Compute and store the default analysis of each of the (stale) cases, through
    `default_analysis` when given (the web server's, which works out one case's analysis once
    per revision however many requests need it); one stored since they were found stale is
    left as it is, and never read whole."""
    parameters, rules = Parameters().check(), load_rules(rules_file)
    key = analysis_key(DEFAULT_FAMILIES, parameters, rules)
    for case_id in case_ids:
        revision, overview = cached_analysis(store, case_id, key, "overview")
        if overview is not None:
            continue
        if default_analysis is not None:
            default_analysis(case_id)
        else:
            _analyse_and_store(store, case_id, revision, key, DEFAULT_FAMILIES, parameters, rules, read_snapshot)


def case_network(store: Store, case_id: str, read: SnapshotReader = read_snapshot) -> dict[str, Any]:
    return {"case_id": case_id, **agency_network(read(store, case_id))}
