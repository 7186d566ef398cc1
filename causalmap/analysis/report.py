"""Run the analysis families on one case snapshot and assemble the documented JSON object."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from causalmap.analysis import causes, checks, concerns, gaps, patterns
from causalmap.analysis.graphs import InformationFlow
from causalmap.analysis.knowledge import information_not_reached, knowledge
from causalmap.analysis.ranking import rank
from causalmap.analysis.rules import Rules
from causalmap.errors import UsageError
from causalmap.snapshot import CaseSnapshot

FAMILIES = ("gaps", "knowledge", "causes", "checks", "patterns")


@dataclass(frozen=True)
class Parameters:
    """Every default of analysis.md, each one the user can change."""

    response_days: int = 7
    window_days: int = 90
    meeting_days: int = 30
    max_chain_length: int = 8
    max_chains: int = 50
    target: str | None = None
    strategy_days: int | None = None  # None: the rules file's window
    silence_days: int = 90
    closures: int = 3
    missed_days: int = 180
    agency: str | None = None
    date: str | None = None

    def check(self) -> Parameters:
        for name in ("response_days", "window_days", "meeting_days", "silence_days", "missed_days"):
            if getattr(self, name) < 1:
                raise UsageError(f"{name.replace('_', '-')} must be 1 or more, not {getattr(self, name)}")
        if not 1 <= self.max_chain_length <= 20:
            raise UsageError(f"max-chain-length must be from 1 to 20, not {self.max_chain_length}")
        if self.closures < 2:
            raise UsageError(f"closures must be 2 or more, not {self.closures}")
        if self.target and self.target.split(":", 1)[0] not in ("event", "decision"):
            raise UsageError(f"target {self.target!r}: use event:ID or decision:ID")
        if self.date:
            try:
                dt.date.fromisoformat(self.date)
            except ValueError:
                raise UsageError(f"date {self.date!r}: use YYYY-MM-DD") from None
        return self


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while the analysis runs. The analysis makes hundreds of
    thousands of small dicts, lists and tuples and no reference cycles to speak of; each
    collection walks every live container (the snapshot and the items so far), so the
    collector alone took about 30% of a 20,000-event analysis (docs/benchmarks.md). Only the
    call that paused it resumes it, so concurrent analyses in threads are safe; cyclic
    garbage made meanwhile is collected at the next collection after."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def analyse(snapshot: CaseSnapshot, parameters: Parameters, rules: Rules,
            families: tuple[str, ...] = ("gaps", "causes", "checks", "patterns")) -> dict[str, Any]:
    """The analysis object: case_id, parameters, then one key per family asked for."""
    with _without_cycle_collection():
        return _analyse(snapshot, parameters, rules, families)


def _analyse(snapshot: CaseSnapshot, parameters: Parameters, rules: Rules,
             families: tuple[str, ...]) -> dict[str, Any]:
    p = parameters.check()
    out: dict[str, Any] = {"case_id": snapshot.case_id,
                           "parameters": {**asdict(p), "rules": rules.path}}
    flow = InformationFlow(snapshot) if {"gaps", "knowledge", "checks", "patterns"} & set(families) else None
    listed_families = {"gaps", "checks", "patterns"} & set(families)
    if listed_families:
        # Scores and stories span the three lists (a pair's referral_without_feedback is a
        # pattern, its silences gaps), so all three are computed whichever are asked for.
        ranked, stories = rank(snapshot, {
            "gaps": gaps.unanswered_handoffs(snapshot) + gaps.late_responses(snapshot, rules, p.response_days)
            + gaps.silent_pairs(snapshot, p.window_days) + gaps.absent_from_meetings(snapshot, p.meeting_days)
            + gaps.discrepant_accounts(snapshot) + gaps.one_way_flows(snapshot)
            + gaps.broker_dependencies(snapshot) + information_not_reached(snapshot, flow)
            + concerns.concerns_not_referred(snapshot, rules, flow),
            "checks": checks.quality_checks(snapshot),
            "patterns": patterns.start_again(snapshot, p.closures) + patterns.referral_without_feedback(snapshot)
            + patterns.no_strategy_discussion(snapshot, rules, p.strategy_days)
            + patterns.agency_silent(snapshot, p.silence_days)
            + patterns.disagreement_without_escalation(snapshot)
            + patterns.repeated_missed_appointments(snapshot, p.missed_days)})
        for family in ("gaps", "checks", "patterns"):
            if family in listed_families:
                out[family] = ranked[family]
        out["stories"] = stories
    if "knowledge" in families:
        if not (p.agency and p.date):
            raise UsageError("knowledge needs --agency AGENCY_ID and --date YYYY-MM-DD")
        out["knowledge"] = knowledge(snapshot, p.agency, dt.date.fromisoformat(p.date), flow)
    if "causes" in families:
        out["causes"] = {
            "chains": causes.causal_chains(snapshot, p.target, p.max_chain_length, p.max_chains),
            "leverage": causes.leverage_points(snapshot, p.target, p.max_chain_length),
            "loops": causes.causal_loops(snapshot, p.max_chain_length),
        }
    return out
