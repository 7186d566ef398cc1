"""The ranking pinned by an independent reference (tests/reference_ranking.py, a naive
restatement of docs/analysts.md's table): every item's story, reasons and score, the order of
every list and every story, on the sample, generated cases and the two real-case
chronologies, so that changing a reason, its points, a story rule or an order fails here.
In memory: part of `make mutation`'s fast tests."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from builder import document_snapshot
from reference_ranking import POINTS, ReferenceRanking
from test_analysis_pinned import PARAMETER_SETS, generated

from causalmap.analysis.ranking import POINTS as RANKING_POINTS
from causalmap.analysis.report import Parameters, analyse
from causalmap.analysis.rules import load_rules
from causalmap.chronology.check import check_chronology
from causalmap.chronology.read import read_table
from causalmap.samples import sample_document
from causalmap.snapshot import CaseSnapshot

RULES = load_rules()
CHRONOLOGIES = Path(__file__).parent / "chronologies"


def real_case(name: str) -> CaseSnapshot:
    chronology = check_chronology(read_table(CHRONOLOGIES / name))
    return CaseSnapshot(name, agencies=chronology.agencies, events=chronology.events,
                        decisions=chronology.decisions)


def cases() -> list[tuple[str, CaseSnapshot, dict]]:
    out = [("sample", document_snapshot(sample_document(), "ashdown-2024"), {})]
    out += [(f"generated-{seed}", generated(seed), PARAMETER_SETS[seed % len(PARAMETER_SETS)]) for seed in range(6)]
    out += [(name, real_case(name), {}) for name in sorted(p.name for p in CHRONOLOGIES.glob("*.csv"))]
    return out


CASES = cases()


def analysed(snapshot: CaseSnapshot, parameters: dict) -> dict:
    chosen = {k: v for k, v in parameters.items() if k not in ("agency", "date")}
    return analyse(snapshot, Parameters(**chosen), RULES, ("gaps", "checks", "patterns"))


@pytest.mark.parametrize("name,snapshot,parameters", CASES, ids=[c[0] for c in CASES])
def test_every_item_and_story_is_ranked_as_the_reference_ranks_it(name, snapshot, parameters):
    result = analysed(snapshot, parameters)
    families, stories = ReferenceRanking(snapshot).ranked(result)
    for family in ("gaps", "checks", "patterns"):
        assert result[family] == families[family], family
    assert result["stories"] == stories


def test_the_points_are_the_documented_ones():
    assert {k: v for k, v in RANKING_POINTS.items() if k != "repeated"} == POINTS
    assert RANKING_POINTS["repeated"] == 5


def test_the_cases_give_every_reason_so_the_comparison_is_not_vacuous():
    seen = Counter()
    for _, snapshot, parameters in CASES:
        result = analysed(snapshot, parameters)
        for family in ("gaps", "checks", "patterns"):
            for item in result[family]:
                seen.update(r["reason"].split(" (")[0].split(" of ")[0] for r in item["reasons"])
                seen[item["story"].split(":")[0]] += 1
    expected = {"high severity by its rule", "medium severity by its rule", "a referral or an escalation",
                "a communication passing on a concern", "a concern that never reached children's social care",
                "harm followed within 90 days", "on a mapped causal path to the outcome",
                "rests on a concern about the child", "children's social care or the police involved", "one",
                "only possible on the recorded dates", "no evident reason to talk",
                "a structural observation, not an occurrence", "pair", "meeting", "agency", "link"}
    assert expected <= set(seen), expected - set(seen)
