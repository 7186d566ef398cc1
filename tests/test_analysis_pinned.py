"""The whole analysis object, pinned: every family, item and severity, exactly.

Expectations come from outside causalmap.analysis: the naive reference of analysis.md in
reference_analysis.py (compared item by item, details included, on the sample and on
generated cases under several parameter sets), and small cases worked out by hand where
each user parameter changes the answer. All in memory (no Neo4j); the end-to-end run of
the sample through Neo4j is in test_analysis_sample.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter

import pytest
from builder import case, document_snapshot, ev, factor, link
from reference_analysis import Reference, as_tuple

from causalmap.analysis.network import agency_network
from causalmap.analysis.report import Parameters, analyse
from causalmap.analysis.rules import load_rules
from causalmap.errors import NotFound, UsageError
from causalmap.samples import sample_document

RULES = load_rules()
HV, PROB, CSC = "ashdown-health-visiting", "westmarch-probation", "ashdown-social-care"
ALL = ("gaps", "knowledge", "causes", "checks", "patterns")


def run(snapshot, **parameters):
    return analyse(snapshot, Parameters(**parameters), RULES,
                   ALL if parameters.get("agency") else ("gaps", "causes", "checks", "patterns"))


def reference_of(snapshot, **parameters):
    known = {k: v for k, v in parameters.items() if k not in ("agency", "date")}
    return Reference(snapshot, rules=RULES, **known)


def assert_matches_reference(snapshot, **parameters):
    """Every family of analyse() equals the reference's, item for item (order aside for the
    item lists, whose order is pinned separately)."""
    got, ref = run(snapshot, **parameters), reference_of(snapshot, **parameters)
    # Every date here is a day, so every rule holds for certain (dates.py).
    assert {i["certainty"] for f in ("gaps", "checks", "patterns") for i in got[f]} <= {"certain"}
    for family, expected in (("gaps", ref.gaps()), ("checks", ref.checks()), ("patterns", ref.patterns())):
        assert Counter(as_tuple(i) for i in got[family]) == Counter(expected), family
    assert [as_tuple(c) for c in got["causes"]["chains"]] == ref.chains()
    assert sorted(as_tuple(c) for c in got["causes"]["loops"]) == sorted(ref.loops())
    chains, scores = ref.leverage_scores()
    leverage = got["causes"]["leverage"]
    assert (leverage["chains"], leverage["scores"]) == (chains, scores)
    size, _ = ref.smallest_cut_size()
    if chains and size is not None:
        assert len(leverage["cut"]) == size
    else:
        assert leverage["cut"] == []
    if parameters.get("agency"):
        on = dt.date.fromisoformat(parameters["date"])
        assert [(e["id"], e["known"]) for e in got["knowledge"]["events"]] == ref.knowledge(parameters["agency"], on)
    return got


# -- the sample case -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    return document_snapshot(sample_document(), "ashdown-2024")


def test_the_sample_matches_the_reference_in_every_family(sample):
    assert_matches_reference(sample, agency=HV, date="2024-02-20")


# The sample's analysis by family, type and severity: what a panel sees in the summary.
SAMPLE_COUNTS = {
    "gaps": {
        ("absent_from_meeting", "high"): 2, ("absent_from_meeting", "low"): 13, ("absent_from_meeting", "medium"): 2,
        ("concern_not_referred", "medium"): 1,
        ("discrepant_accounts", "high"): 1, ("information_not_reached", "high"): 1, ("late_response", "high"): 5,
        ("late_response", "medium"): 3, ("one_way_flow", "medium"): 3,
        ("silent_pair", "high"): 2, ("silent_pair", "low"): 37, ("silent_pair", "medium"): 3,
        ("unanswered_handoff", "high"): 1, ("unanswered_handoff", "medium"): 8,
    },
    "checks": {("orphan_factor", "medium"): 3, ("single_source", "high"): 10, ("single_source", "medium"): 2},
    "patterns": {("agency_silent", "medium"): 14, ("no_strategy_discussion", "high"): 2,
                 ("referral_without_feedback", "high"): 3, ("start_again", "high"): 1},
    "chains": {"low": 3, "medium": 9},
}


def counts(result):
    return {
        "gaps": dict(Counter((g["type"], g["severity"]) for g in result["gaps"])),
        "checks": dict(Counter((g["type"], g["severity"]) for g in result["checks"])),
        "patterns": dict(Counter((g["type"], g["severity"]) for g in result["patterns"])),
        "chains": dict(Counter(c["severity"] for c in result["causes"]["chains"])),
    }


def test_the_sample_counts_by_type_and_severity(sample):
    assert counts(run(sample)) == SAMPLE_COUNTS


def test_items_are_ordered_by_score_then_severity_then_date(sample):
    # Issue 10: lists are ordered by the ranking's score (ranking.py), ties by severity and date.
    result = run(sample)
    for family in ("gaps", "checks", "patterns"):
        keys = [(-i["score"], ["high", "medium", "low"].index(i["severity"]), i["period"]["earliest"] or "9999")
                for i in result[family]]
        assert keys == sorted(keys), family
        assert all(i["score"] == sum(r["points"] for r in i["reasons"]) for i in result[family])


# -- generated cases ---------------------------------------------------------------------------
AGENCIES = {"yjs": "youth_justice", "csc": "children_social_care", "police": "police", "gp": "health_primary",
            "hv": "health_community",
            "nursery": "early_years", "school": "education", "housing": "housing"}
PRACTICE = ("contact", "home_visit", "no_access_visit", "assessment", "appointment", "missed_appointment",
            "medical", "plan", "case_opened", "closure", "incident", "outcome", "other")
COMMS = ("referral", "information_sharing", "request", "notification", "escalation")
MEETS = ("meeting", "strategy_discussion", "case_conference", "core_group")


def generated(seed: int, events: int = 70):
    """A small random case using every kind, field and node type the analysis reads."""
    rng = random.Random(seed)
    names = list(AGENCIES)[1:]  # youth justice only ever talks to one agency: a broker
    day = dt.date(2022, 1, 3)
    made = []
    for i in range(events):
        day += dt.timedelta(days=rng.choice((0, 0, 1, 2, 3, 5, 8, 13, 40, 100)))
        agency, roll = rng.choice(names), rng.random()
        others = [n for n in names if n != agency]
        kw = {}
        if roll < 0.3:
            kind = rng.choice(COMMS)
            kw["to"] = rng.sample(others, rng.choice((1, 1, 2)))
        elif roll < 0.42:
            kind = rng.choice(MEETS)
            kw["participants"] = rng.sample(others, rng.randrange(0, 4))
        else:
            kind = rng.choice(PRACTICE)
        comms = [e for e in made if e["kind"] in COMMS]
        if comms and rng.random() < 0.35:
            answered = rng.choice(comms)
            agency = rng.choice(answered["to_agencies"])
            kw["responds_to"] = [answered["id"]]
        if made and rng.random() < 0.08:
            other = rng.choice(made)
            kw["account_of"] = [other["id"]]
            kw["disputed"] = rng.random() < 0.5
            kw["source"] = rng.choice(names)
            if rng.random() < 0.5 and other["participants"]:
                kw["participants"] = sorted(set(other["participants"]) - {agency})
                kind = other["kind"]
        made.append(ev(f"e{i:03d}", day.isoformat(), agency, kind, **kw))
        if kw.get("participants") and kind not in MEETS:
            made[-1]["participants"] = []
    broker = names[seed % len(names)]
    made.append(ev("y1", made[5]["date"], "yjs", "request", to=[broker]))
    made.append(ev("y2", made[20]["date"], broker, "notification", to=["yjs"]))
    made += [ev(f"y{i}", made[i * 3]["date"], "yjs", "missed_appointment") for i in (12, 13, 14)]
    decisions = [{"id": f"{e['id']}-decision", "date": e["date"], "description": "d", "taken": True,
                  "agency": e["agency"], "made_at": e["id"]} for e in made if rng.random() < 0.1]
    factors = [factor(f"f{i}", category=None if i == 4 else "tools") for i in range(7)]  # f6: an orphan
    nodes = ([f"event:{e['id']}" for e in made] + [f"decision:{d['id']}" for d in decisions]
             + [f"factor:{f['id']}" for f in factors])
    outcome = next((e for e in reversed(made) if e["kind"] == "outcome"), made[-1])
    outcome["kind"] = "outcome"
    links, seen = [], set()
    for i in range(22):
        cause, effect = rng.sample(nodes, 2)
        if i % 4 == 0:
            cause = f"factor:f{rng.randrange(5)}"
        if i % 6 == 1:
            effect = f"event:{outcome['id']}"
        if cause == effect or (cause, effect) in seen:
            continue
        seen.add((cause, effect))
        links.append(link(f"l{i}", cause, effect, sources=rng.sample(names, rng.randrange(0, 3)),
                          strength=rng.choice(("weak", "moderate", "strong", None)),
                          confidence=rng.choice(("low", "medium", "high", None))))
    layers = [[f"factor:f{i}" for i in range(3)], *([f"event:{e['id']}" for e in rng.sample(made, 3)]
                                                      for _ in range(2)), [f"event:{outcome['id']}"]]
    for upper, lower in zip(layers, layers[1:], strict=False):  # a layered web of chains to the outcome
        for cause, effect in itertools.product(upper, lower):
            if rng.random() < 0.55 and cause != effect and (cause, effect) not in seen:
                seen.add((cause, effect))
                links.append(link(f"w{len(links)}", cause, effect, sources=rng.sample(names, 2),
                                  strength=rng.choice(("weak", "moderate", "strong")),
                                  confidence=rng.choice(("low", "medium", "high"))))
    strong = rng.choice(made)["id"]  # one chain strong all along
    if f"event:{strong}" != f"event:{outcome['id']}":
        links += [link("s1", "factor:f3", f"event:{strong}"), link("s2", f"event:{strong}", f"event:{outcome['id']}")]
    if seed % 2 == 0:  # a feedback loop through two factors and an event
        middle = rng.choice(made)["id"]
        links += [link("loop1", "factor:f1", "factor:f2"), link("loop2", "factor:f2", f"event:{middle}"),
                  link("loop3", f"event:{middle}", "factor:f1", sources=["csc", "gp"])]
    findings = [{"id": "fd1", "statement": "s", "category": None, "evidenced_by": []},
                {"id": "fd2", "statement": "s", "category": "tools", "evidenced_by": [{"node": "factor", "id": "f5"}]}]
    episodes = [{"id": "ep1", "title": "t", "appraisal": None, "members": [{"node": "event", "id": made[0]["id"]}]},
                {"id": "ep2", "title": "t", "appraisal": "fine", "members": []}]
    recommendations = [{"id": "r1", "text": "t", "addresses": []}, {"id": "r2", "text": "t", "addresses": ["fd2"]}]
    snap = case(*made, decisions=decisions, factors=factors, links=links, findings=findings, episodes=episodes,
                recommendations=recommendations)
    for agency, record in snap.agencies.items():
        record["sector"] = AGENCIES[agency]
    return snap


PARAMETER_SETS = [
    {},
    {"response_days": 3, "window_days": 45, "meeting_days": 10, "closures": 2, "strategy_days": 5,
     "silence_days": 40, "missed_days": 60, "max_chain_length": 4, "max_chains": 5},
    {"response_days": 20, "window_days": 200, "meeting_days": 60, "closures": 4, "strategy_days": 0,
     "silence_days": 150, "missed_days": 400, "max_chain_length": 2, "max_chains": 2},
]


@pytest.mark.parametrize("seed", range(9))
def test_generated_cases_match_the_reference(seed):
    """Nine cases, each parameter set on three of them."""
    snap = generated(seed)
    chosen = dict(PARAMETER_SETS[seed % len(PARAMETER_SETS)])
    chosen.update(agency=sorted(snap.agencies)[seed % len(snap.agencies)],
                  date=sorted(e["date"] for e in snap.events.values())[40])
    assert_matches_reference(snap, **chosen)


def test_the_generated_cases_exercise_every_type_and_severity():
    """So that the comparison above is not vacuous: across the generated cases and the
    parameter sets, every item type the analysis knows occurs."""
    seen = Counter()
    for seed in range(9):
        for parameters in [PARAMETER_SETS[seed % len(PARAMETER_SETS)]]:
            ref = reference_of(generated(seed), **parameters)
            seen.update((i[0], i[1]) for i in ref.gaps() + ref.checks() + ref.patterns() + ref.chains()
                        + ref.loops())
    types = {t for t, _ in seen}
    assert types == {
        "unanswered_handoff", "late_response", "silent_pair", "absent_from_meeting", "discrepant_accounts",
        "one_way_flow", "broker_dependency", "information_not_reached", "temporal_contradiction", "single_source",
        "unsupported_finding", "orphan_factor", "uncategorised", "recommendation_without_finding",
        "episode_without_appraisal", "start_again", "referral_without_feedback", "no_strategy_discussion",
        "agency_silent", "disagreement_without_escalation", "repeated_missed_appointments", "causal_chain",
        "causal_loop", "concern_not_referred"}
    for kind in ("unanswered_handoff", "late_response", "silent_pair", "absent_from_meeting",
                 "single_source", "causal_chain", "start_again"):
        assert {s for t, s in seen if t == kind} >= {"high", "medium"}, kind
    assert {s for t, s in seen if t in ("silent_pair", "absent_from_meeting")} >= {"low"}


# -- every user parameter reaches its detector through analyse() --------------------------------
def of_type(result, family, kind):
    return [as_tuple(i)[:6] for i in result[family] if i["type"] == kind]


def test_response_days_reaches_late_responses():
    snap = case(ev("s", "2023-01-02", "nursery", "request", to=["hv"]),
                ev("a", "2023-01-10", "hv", "home_visit", responds_to=["s"]))
    assert of_type(run(snap), "gaps", "late_response") == [
        ("late_response", "medium", ("nursery", "hv"), ("s", "a"), "2023-01-02", "2023-01-10")]
    assert of_type(run(snap, response_days=8), "gaps", "late_response") == []


def test_window_days_reaches_silent_pairs():
    # Issue 10: concerns on both sides give the pair a reason to talk (medium or high).
    snap = case(ev("g1", "2023-01-01", "gp", "medical"), ev("h1", "2023-01-02", "hv", concern=True),
                ev("g2", "2023-03-01", "gp"), ev("h2", "2023-03-05", "hv"))
    assert of_type(run(snap), "gaps", "silent_pair") == [
        ("silent_pair", "high", ("gp", "hv"), ("g1", "g2", "h1", "h2"), "2023-01-01", "2023-03-31")]
    assert of_type(run(snap, window_days=30), "gaps", "silent_pair") == [
        ("silent_pair", "medium", ("gp", "hv"), ("g1", "h1"), "2023-01-01", "2023-01-30")]


def test_meeting_days_reaches_absences():
    snap = case(ev("m", "2023-05-01", "csc", "meeting", participants=["hv"]), ev("g", "2023-05-20", "gp"))
    assert of_type(run(snap), "gaps", "absent_from_meeting") == [
        ("absent_from_meeting", "low", ("gp", "csc"), ("m", "g"), "2023-05-01", "2023-05-01")]
    assert of_type(run(snap, meeting_days=18), "gaps", "absent_from_meeting") == []


def test_closures_reaches_start_again():
    snap = case(ev("o1", "2023-01-01", "csc", "case_opened"), ev("c1", "2023-02-01", "csc", "closure"),
                ev("o2", "2023-05-01", "csc", "case_opened"), ev("c2", "2023-06-01", "csc", "closure"))
    assert of_type(run(snap), "patterns", "start_again") == []
    assert of_type(run(snap, closures=2), "patterns", "start_again") == [
        ("start_again", "high", ("csc",), ("o1", "c1", "o2", "c2"), "2023-01-01", "2023-06-01")]


def test_strategy_days_reaches_no_strategy_discussion():
    snap = case(ev("i", "2023-01-01", "police", "incident"), ev("s", "2023-01-04", "csc", "strategy_discussion"))
    assert of_type(run(snap), "patterns", "no_strategy_discussion") == [
        ("no_strategy_discussion", "high", ("police",), ("i",), "2023-01-01", "2023-01-03")]
    assert of_type(run(snap, strategy_days=3), "patterns", "no_strategy_discussion") == []


def test_silence_days_reaches_agency_silent():
    snap = case(ev("g1", "2023-01-01", "gp"), ev("h1", "2023-01-15", "hv"), ev("g2", "2023-03-01", "gp"),
                ev("h2", "2023-03-10", "hv"))
    assert of_type(run(snap), "patterns", "agency_silent") == []
    assert of_type(run(snap, silence_days=54), "patterns", "agency_silent") == [
        ("agency_silent", "medium", ("gp",), ("g1",), "2023-01-01", "2023-03-01")]
    assert sorted(of_type(run(snap, silence_days=53), "patterns", "agency_silent")) == [
        ("agency_silent", "medium", ("gp",), ("g1",), "2023-01-01", "2023-03-01"),
        ("agency_silent", "medium", ("hv",), ("h1",), "2023-01-15", "2023-03-10")]


def test_missed_days_reaches_repeated_missed_appointments():
    snap = case(ev("m1", "2023-01-01", "gp", "missed_appointment"), ev("m2", "2023-02-01", "gp", "no_access_visit"),
                ev("m3", "2023-03-15", "gp", "missed_appointment"), ev("r", "2023-06-01", "gp", "referral", to=["csc"]))
    assert of_type(run(snap), "patterns", "repeated_missed_appointments") == []  # told csc within 180 days
    assert of_type(run(snap, missed_days=77), "patterns", "repeated_missed_appointments") == [
        ("repeated_missed_appointments", "high", ("gp",), ("m1", "m2", "m3"), "2023-01-01", "2023-03-15")]
    assert of_type(run(snap, missed_days=72), "patterns", "repeated_missed_appointments") == []  # spread over 73


CHAIN_CASE = dict(factors=[factor("f1"), factor("f2"), factor("f3")],
                  links=[link("l1", "factor:f1", "event:e1"), link("l2", "event:e1", "event:e2"),
                         link("l3", "event:e2", "event:out"), link("l4", "factor:f2", "event:out", strength="weak"),
                         link("c1", "factor:f1", "factor:f2"), link("c2", "factor:f2", "factor:f3"),
                         link("c3", "factor:f3", "factor:f1")])


def chain_case():
    return case(ev("e1", "2023-01-01", "gp"), ev("e2", "2023-02-01", "hv"), ev("out", "2023-03-01", "csc", "outcome"),
                **CHAIN_CASE)


def node_ids(chains):
    return [[n["id"] for n in c["nodes"]] for c in chains]


def test_max_chain_length_reaches_chains_and_loops():
    full = run(chain_case())["causes"]
    # strongest weakest link first, then the shorter: the three strong chains, then the weak ones
    assert node_ids(full["chains"]) == [["f1", "e1", "e2", "out"], ["f3", "f1", "e1", "e2", "out"],
                                        ["f2", "f3", "f1", "e1", "e2", "out"], ["f2", "out"], ["f1", "f2", "out"],
                                        ["f3", "f1", "f2", "out"]]
    assert [c["severity"] for c in full["chains"]] == ["high", "high", "high", "low", "low", "low"]
    assert node_ids(full["loops"]) == [["f1", "f2", "f3"]]
    short = run(chain_case(), max_chain_length=2)["causes"]
    assert node_ids(short["chains"]) == [["f2", "out"], ["f1", "f2", "out"]]
    assert short["loops"] == []
    assert node_ids(run(chain_case(), max_chain_length=3)["causes"]["loops"]) == [["f1", "f2", "f3"]]


def test_max_chains_and_target_reach_chains():
    assert node_ids(run(chain_case(), max_chains=2)["causes"]["chains"]) == [["f1", "e1", "e2", "out"],
                                                                            ["f3", "f1", "e1", "e2", "out"]]
    targeted = run(chain_case(), target="event:e2")["causes"]
    assert node_ids(targeted["chains"]) == [["f1", "e1", "e2"], ["f3", "f1", "e1", "e2"],
                                            ["f2", "f3", "f1", "e1", "e2"]]
    assert targeted["leverage"]["cut"] == [{"node": "event", "id": "e1"}]


def test_the_leverage_cut_and_scores_of_the_chain_case():
    leverage = run(chain_case())["causes"]["leverage"]
    assert leverage["cut"] == []  # f2 links straight to the outcome: nothing can be cut
    assert leverage["chains"] == 6
    assert leverage["scores"][:3] == [{"node": "event", "id": "e1", "chains": 3},
                                      {"node": "event", "id": "e2", "chains": 3},
                                      {"node": "factor", "id": "f1", "chains": 3}]


# -- the agency network: betweenness and brokers -------------------------------------------------
def test_betweenness_and_brokers_of_a_line_of_agencies():
    """gp - hv - csc - police: hv and csc each lie on 2 of the 3 shortest paths between the
    other pairs (normalised 2/3); both are brokers."""
    snap = case(ev("a", "2023-01-01", "gp", "information_sharing", to=["hv"]),
                ev("b", "2023-01-02", "hv", "referral", to=["csc"]),
                ev("c", "2023-01-03", "csc", "meeting", participants=["police"]))
    network = agency_network(snap)
    assert {a["id"]: (a["betweenness"], a["articulation_point"]) for a in network["agencies"]} == {
        "gp": (0.0, False), "hv": (0.6667, True), "csc": (0.6667, True), "police": (0.0, False)}
    assert network["articulation_points"] == ["csc", "hv"]
    brokers = [(i["broker"], i["groups"]) for i in run(snap)["gaps"] if i["type"] == "broker_dependency"]
    assert brokers == [("csc", [["gp", "hv"], ["police"]]), ("hv", [["csc", "police"], ["gp"]])]


def test_betweenness_of_a_star_and_a_triangle():
    star = case(*(ev(f"s{i}", "2023-01-01", "csc", "notification", to=[a])
                  for i, a in enumerate(("gp", "hv", "police"))))
    assert {a["id"]: a["betweenness"] for a in agency_network(star)["agencies"]} == {
        "csc": 1.0, "gp": 0.0, "hv": 0.0, "police": 0.0}
    triangle = case(ev("m", "2023-01-01", "csc", "meeting", participants=["gp", "hv"]))
    network = agency_network(triangle)
    assert {a["id"]: a["betweenness"] for a in network["agencies"]} == {"csc": 0.0, "gp": 0.0, "hv": 0.0}
    assert network["articulation_points"] == []


def test_the_sample_network_matches_the_reference(sample):
    network = agency_network(sample)
    expected = Reference(sample, rules=RULES).betweenness()
    assert {a["id"]: a["betweenness"] for a in network["agencies"]} == {a: expected.get(a, 0.0)
                                                                        for a in sample.agencies}
    assert max(expected.values()) > 0.05  # not all zero: the figures mean something
    assert network["articulation_points"] == []


# What a panel reads: the first item of each type in the sample, read against the story.
SAMPLE_EXPLANATIONS = [
    ('silent_pair', ['csc-20221004', 'csc-20221011', 'hv-20220906', 'hv-20221011'],
     'From 6 September 2022 to 4 December 2022 Ashdown Health Visiting recorded 2 events and Ashdown '
     'Social Care 2, but neither communicated with the other nor met it. Neither recorded a concern '
     'the other needed to hear, so they had no evident reason to.'),
    ('late_response', ['gp-20220920b', 'mht-20221025'],
     'Millbrook Surgery sent Ashdown Mental Health Team a referral on 20 September 2022; the first '
     'response came on 25 October 2022, 35 days later (expected within 7 days).'),
    ('one_way_flow', ['pol-20221003', 'pol-20230803'],
     'Westmarch Police sent Ashdown Social Care 2 communications between 3 October 2022 and 3 August '
     '2023 (1 of them referrals); Ashdown Social Care never sent Westmarch Police any.'),
    ('unanswered_handoff', ['nur-20230808'],
     "On 8 August 2023 Little Oaks Nursery sent Ashdown Social Care a referral ('Nursery refers a "
     "scratch on K's cheek; Ms R says the cat did it. Mentions the earlier bru…'); no response by "
     'Ashdown Social Care is recorded.'),
    ('information_not_reached', ['hv-20240220', 'prob-20240111'],
     "The panel links Westmarch Probation's record on 11 January 2024 ('Probation tells children's "
     "social care that Mr T now lives with Ms R and a young child; h…') to what Ashdown Health "
     "Visiting did on 20 February 2024 ('Do not refer to social care: mother engaging and K seen "
     "well'), but no chain of communications or meetings had brought that information to Ashdown "
     'Health Visiting by then.'),
    ('discrepant_accounts', ['hv-20240130', 'nur-20240131'],
     'Ashdown Health Visiting and Little Oaks Nursery give different accounts of one meeting: dates '
     'differ (30 January 2024 and 31 January 2024); participants differ (Ashdown Housing in one '
     'account only); Little Oaks Nursery disputes the other account.'),
    ('absent_from_meeting', ['csc-20240403', 'mht-20240410'],
     'Ashdown Mental Health Team was not at the strategy discussion held by Ashdown Social Care on 3 '
     'April 2024, though it recorded 1 event within 30 days of it.'),
    ('single_source', ['csc-20230317'],
     "Link cl-02 (factor 'Each referral was judged afresh without the history of earl…' contributed "
     "to decision 'No strategy discussion; single-agency advice to the nursery') rests only on the "
     "records of Ashdown Social Care, the agency whose practice it explains; seek another agency's "
     'account.'),
    ('orphan_factor', [],
     "Factor f-nursery-persistence ('The nursery kept careful records and persisted in raising "
     "concerns wi…') is linked to nothing: no causal link, episode or finding uses it."),
    ('no_strategy_discussion', ['pol-20221002'],
     'Westmarch Police recorded an incident on 2 October 2022; no strategy discussion followed within'
     ' 2 days.'),
    ('start_again', ['csc-20221004', 'csc-20221011', 'csc-20230317', 'csc-20230324', 'csc-20230821',
                    'csc-20231004', 'csc-20240315'],
     'Ashdown Social Care closed the case 4 times (11 October 2022, 24 March 2023, 4 October 2023 and'
     ' 15 March 2024). Check whether each new contact was judged with the earlier history in view '
     '(start-again syndrome).'),
    ('referral_without_feedback', ['nur-20230316', 'nur-20230808', 'nur-20240305'],
     'Little Oaks Nursery referred to Ashdown Social Care 3 times (16 March 2023, 8 August 2023 and 5'
     ' March 2024) and was never sent anything back: no record shows it was told the outcome.'),
    ('agency_silent', ['pol-20221005'],
     'Westmarch Police recorded nothing for 237 days, from 5 October 2022 to 30 May 2023, while other'
     ' agencies recorded 18 events.'),
]


def test_the_sample_explanations_read_as_written(sample):
    result = run(sample)
    items = result["gaps"] + result["checks"] + result["patterns"]
    for kind, event_ids, explanation in SAMPLE_EXPLANATIONS:
        written = [i["explanation"] for i in items if (i["type"], i["event_ids"]) == (kind, event_ids)]
        assert explanation in written, kind


# -- the rest of the object: the network, knowledge, the envelope, parameter checks ---------------
def test_the_whole_agency_network_of_a_small_case():
    snap = case(ev("a", "2023-01-01", "gp", "information_sharing", to=["hv"]),
                ev("b", "2023-01-02", "gp", "referral", to=["hv"]),
                ev("c", "2023-01-03", "hv", "referral", to=["csc"]),
                ev("m1", "2023-01-04", "csc", "meeting", participants=["police", "hv"]),
                ev("m2", "2023-01-05", "police", "core_group", participants=["csc"]),
                ev("v", "2023-01-06", "hv", "home_visit"),
                ev("n", "2023-01-07", "hv", "notification", to=["school"]))  # the school never acts
    assert agency_network(snap) == {
        "agencies": [
            {"id": "csc", "name": "CSC", "sector": "children_social_care", "events": 1, "betweenness": 0.0,
             "articulation_point": False},
            {"id": "gp", "name": "GP", "sector": "health_primary", "events": 2, "betweenness": 0.0,
             "articulation_point": False},
            {"id": "hv", "name": "HV", "sector": "health_community", "events": 3, "betweenness": 0.8333,
             "articulation_point": True},
            {"id": "police", "name": "POLICE", "sector": "police", "events": 1, "betweenness": 0.0,
             "articulation_point": False},
            {"id": "school", "name": "SCHOOL", "sector": "education", "events": 0, "betweenness": 0.0,
             "articulation_point": False}],
        "communications": [{"from": "gp", "to": "hv", "count": 2, "kinds": {"information_sharing": 1, "referral": 1}},
                           {"from": "hv", "to": "csc", "count": 1, "kinds": {"referral": 1}},
                           {"from": "hv", "to": "school", "count": 1, "kinds": {"notification": 1}}],
        "meetings": [{"agencies": ["csc", "hv"], "count": 1}, {"agencies": ["csc", "police"], "count": 2},
                     {"agencies": ["hv", "police"], "count": 1}],
        "articulation_points": ["hv"],
    }


def test_a_network_of_two_agencies_has_no_betweenness_and_an_empty_one_no_brokers():
    pair = agency_network(case(ev("a", "2023-01-01", "gp", "referral", to=["hv"])))
    assert [(a["id"], a["betweenness"], a["articulation_point"]) for a in pair["agencies"]] == [
        ("gp", 0.0, False), ("hv", 0.0, False)]
    alone = agency_network(case(ev("v", "2023-01-01", "hv", "home_visit")))
    assert (alone["agencies"][0]["betweenness"], alone["articulation_points"]) == (0.0, [])


def test_the_knowledge_object_and_its_errors():
    snap = case(ev("g", "2023-01-01", "gp", "medical"), ev("s", "2023-01-02", "gp", "information_sharing", to=["hv"]),
                ev("h", "2023-01-03", "hv", "home_visit"), ev("late", "2023-01-09", "gp", "medical"))
    assert run(snap, agency="hv", date="2023-01-05")["knowledge"] == {
        "agency": "hv", "date": "2023-01-05", "known": 3, "not_known": 1,
        "events": [
            {"id": "g", "date": "2023-01-01", "agency": "gp", "source": "gp", "kind": "medical", "known": True},
            {"id": "s", "date": "2023-01-02", "agency": "gp", "source": "gp", "kind": "information_sharing",
             "known": True},
            {"id": "h", "date": "2023-01-03", "agency": "hv", "source": "hv", "kind": "home_visit", "known": True},
            {"id": "late", "date": "2023-01-09", "agency": "gp", "source": "gp", "kind": "medical", "known": False}]}
    with pytest.raises(NotFound) as missing:
        run(snap, agency="school", date="2023-01-05")
    assert str(missing.value) == "no agency 'school' in case 'test'; agencies: gp, hv"
    for half in ({"agency": "hv"}, {"date": "2023-01-05"}):
        with pytest.raises(UsageError) as caught:
            analyse(snap, Parameters(**half), RULES, ("knowledge",))
        assert str(caught.value) == "knowledge needs --agency AGENCY_ID and --date YYYY-MM-DD"


def test_the_analysis_object_envelope():
    snap = case(ev("a", "2023-01-01", "gp", "referral", to=["hv"]))
    result = analyse(snap, Parameters(window_days=30), RULES, ("gaps", "patterns"))
    assert list(result) == ["case_id", "parameters", "gaps", "patterns", "stories"]
    assert result["case_id"] == "test"
    assert result["parameters"] == {
        "response_days": 7, "window_days": 30, "meeting_days": 30, "max_chain_length": 8, "max_chains": 50,
        "target": None, "strategy_days": None, "silence_days": 90, "closures": 3, "missed_days": 180,
        "agency": None, "date": None, "rules": "shipped"}
    assert list(analyse(snap, Parameters(), RULES, ("causes",))["causes"]) == ["chains", "leverage", "loops"]


@pytest.mark.parametrize("given, message", [
    ({"response_days": 0}, "response-days must be 1 or more, not 0"),
    ({"window_days": 0}, "window-days must be 1 or more, not 0"),
    ({"meeting_days": 0}, "meeting-days must be 1 or more, not 0"),
    ({"silence_days": 0}, "silence-days must be 1 or more, not 0"),
    ({"missed_days": 0}, "missed-days must be 1 or more, not 0"),
    ({"max_chain_length": 0}, "max-chain-length must be from 1 to 20, not 0"),
    ({"max_chain_length": 21}, "max-chain-length must be from 1 to 20, not 21"),
    ({"closures": 1}, "closures must be 2 or more, not 1"),
    ({"target": "factor:f1"}, "target 'factor:f1': use event:ID or decision:ID"),
    ({"date": "2023-02-30"}, "date '2023-02-30': use YYYY-MM-DD"),
])
def test_every_parameter_is_checked_with_a_clear_message(given, message):
    with pytest.raises(UsageError) as caught:
        Parameters(**given).check()
    assert str(caught.value) == message


@pytest.mark.parametrize("given", [{"response_days": 1, "window_days": 1, "meeting_days": 1, "silence_days": 1,
                                    "missed_days": 1, "max_chain_length": 1, "closures": 2},
                                   {"max_chain_length": 20, "target": "event:x", "date": "2024-02-29"},
                                   {"target": "decision:d"}])
def test_the_limits_themselves_are_accepted(given):
    assert Parameters(**given).check() == Parameters(**given)


def test_missed_appointments_spread_over_exactly_the_window_count():
    snap = case(ev("m1", "2023-01-01", "gp", "missed_appointment"), ev("m2", "2023-02-01", "gp", "no_access_visit"),
                ev("m3", "2023-03-15", "gp", "missed_appointment"))
    assert [i["event_ids"] for i in run(snap, missed_days=73)["patterns"]
            if i["type"] == "repeated_missed_appointments"] == [["m1", "m2", "m3"]]
