"""The analysis of one stored case, as the CLI and the API both run it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causalmap.analysis.network import agency_network
from causalmap.analysis.report import FAMILIES, Parameters, analyse
from causalmap.analysis.rules import load_rules
from causalmap.errors import UsageError
from causalmap.store import Store
from causalmap.store.snapshot import read_snapshot


def families_for(which: str, parameters: Parameters) -> tuple[str, ...]:
    """`all` is every family, with knowledge only when an agency and a date are given."""
    if which == "all":
        chosen = ("gaps", "causes", "checks", "patterns")
        return chosen + (("knowledge",) if parameters.agency and parameters.date else ())
    if which not in FAMILIES:
        raise UsageError(f"unknown analysis {which!r}; use one of: {', '.join(FAMILIES)}, all")
    return (which,)


def analyse_case(store: Store, case_id: str, which: str = "all", parameters: Parameters | None = None,
                 rules_file: Path | None = None) -> dict[str, Any]:
    parameters = (parameters or Parameters()).check()
    rules = load_rules(rules_file)
    return analyse(read_snapshot(store, case_id), parameters, rules, families_for(which, parameters))


def case_network(store: Store, case_id: str) -> dict[str, Any]:
    return {"case_id": case_id, **agency_network(read_snapshot(store, case_id))}
