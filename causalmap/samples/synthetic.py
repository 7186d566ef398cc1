"""Synthetic corpora: many realistic, fictional case documents with planted cross-case patterns.

Each case is a whole-case document (the format `causalmap import-case` reads), so a corpus
loads through the same import path as a real case. Everything is deterministic for a seed.
The background of every case is built so that it can never produce a planted pattern by
chance (every handoff answered within two days, no factor of category `tools`, no agency
closing the case more than once, recommendations of types 1 and 2 only); the planted
patterns are then added to the cases whose index says so, and :func:`planted` gives the
exact answers the named queries must find:

- index % 5 == 0: a nursery (early_years) referral to children's social care that nobody
  answers (an `unanswered_handoff`, early_years -> children_social_care, kind referral),
  with a causal link from it to the harm: the one path from a gap to harm in the corpus;
- index % 4 == 0: a path factor(tools) -> decision not taken -> outcome;
- index % 3 == 0: a type-3 (research_development) recommendation answering a finding of
  category management_systems;
- index % 6 == 0: children's social care opening and closing the case three times
  (`start_again`).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from causalmap import vocab
from causalmap.interchange.case_json import FORMAT, FORMAT_VERSION

BOARDS = ("Northfield", "Eastmere", "Southdown", "Westmarch", "Highcross", "Lowbridge", "Kingsford", "Marlow")
REGIONS = {"Northfield": "North", "Eastmere": "East", "Southdown": "South", "Westmarch": "West",
           "Highcross": "North", "Lowbridge": "East", "Kingsford": "South", "Marlow": "West"}
#: The agencies every synthetic case has, then extra ones drawn from the other sectors.
CORE = (("csc", "children_social_care"), ("police", "police"), ("gp", "health_primary"),
        ("hv", "health_community"), ("nursery", "early_years"), ("hospital", "health_acute"))
EXTRA = (("school", "education"), ("mh", "mental_health"), ("probation", "probation"), ("housing", "housing"),
         ("ycharity", "voluntary"))
BACKGROUND_CATEGORIES = ("incidents_crises", "longer_term_work", "family_professional", "human_reasoning",
                         "management_systems")
HANDOFFS = ("referral", "information_sharing", "request", "escalation")
PRACTICE = ("contact", "home_visit", "no_access_visit", "assessment", "appointment", "missed_appointment",
            "medical", "plan")


def planted(n_cases: int, prefix: str) -> dict[str, Any]:
    """The exact planted answers for a corpus of `n_cases` made with `prefix`."""
    ids = [case_id(prefix, i) for i in range(n_cases)]
    return {
        "unanswered_nursery_referrals": [ids[i] for i in range(n_cases) if i % 5 == 0],
        "unanswered_referral_paths": [ids[i] for i in range(n_cases) if i % 5 == 0],
        "tools_paths": [ids[i] for i in range(n_cases) if i % 4 == 0],
        "national_recommendations": [ids[i] for i in range(n_cases) if i % 3 == 0],
        "national_recommendation_boards": sorted({board_of(i) for i in range(n_cases) if i % 3 == 0}),
        "start_again": [ids[i] for i in range(n_cases) if i % 6 == 0],
    }


def case_id(prefix: str, index: int) -> str:
    return f"{prefix}-{index:05d}"


def board_of(index: int) -> str:
    return BOARDS[index % len(BOARDS)]


def synthetic_case(prefix: str, index: int, events: int, seed: int) -> dict[str, Any]:
    """One fictional case document of about `events` events."""
    rng = random.Random(f"{seed}:{index}")
    cid = case_id(prefix, index)
    board = board_of(index)
    agencies = list(CORE) + rng.sample(EXTRA, rng.randint(1, 3))
    ids = [a for a, _ in agencies]
    start = dt.date(2016, 1, 4) + dt.timedelta(days=rng.randrange(0, 6 * 365))
    span = max(events * 2, 120)  # days the chronology covers
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in ("events", "decisions", "factors", "episodes",
                                                           "findings", "recommendations", "causal_links")}
    counter = iter(range(10**9))

    def event(day: int, agency: str, kind: str, **extra: Any) -> dict[str, Any]:
        record = {"id": f"e{next(counter):05d}", "date": (start + dt.timedelta(days=day)).isoformat(),
                  "date_precision": "day", "time": None, "kind": kind,
                  "description": f"{kind.replace('_', ' ')} recorded by {agency}", "agency": agency,
                  "source": agency, "disputed": False, "notes": None, "to_agencies": [], "participants": [],
                  "responds_to": [], "account_of": []}
        record.update(extra)
        out["events"].append(record)
        return record

    background = max(events - 12, 10)
    while len(out["events"]) < background:
        day = len(out["events"]) * span // background
        roll = rng.random()
        agency = rng.choice(ids)
        if roll < 0.25:
            to = rng.choice([a for a in ids if a != agency])
            sent = event(day, agency, rng.choice(HANDOFFS), to_agencies=[to])
            event(day + rng.randint(0, 2), to, "contact", responds_to=[sent["id"]])  # always answered in time
        elif roll < 0.33:
            others = rng.sample([a for a in ids if a != agency], 3)
            event(day, agency, rng.choice(vocab.MEETING_KINDS), participants=others)
        else:
            event(day, agency, rng.choice(PRACTICE))
    end = span + 5
    if index % 6 == 0:  # planted: start again
        for k in range(3):
            event(10 + 40 * k, "csc", "case_opened")
            event(30 + 40 * k, "csc", "closure")
    unanswered = None
    if index % 5 == 0:  # planted: a nursery referral nobody answers
        unanswered = event(span // 2, "nursery", "referral", to_agencies=["csc"])
    harm = event(end, "hospital", "outcome")
    screening = event(end - 20, "csc", "assessment")
    out["decisions"].append({"id": "d-strategy", "date": screening["date"], "description": "Hold a strategy "
                             "discussion about the bruising", "taken": index % 4 != 0, "rationale": None,
                             "agency": "csc", "made_at": screening["id"]})
    late = [e for e in out["events"] if e["kind"] in PRACTICE][-3:]
    factors = []
    for k, category in enumerate(rng.sample(BACKGROUND_CATEGORIES, 3)):
        factors.append({"id": f"f{k}", "description": f"A {category.replace('_', ' ')} factor", "category": category,
                        "valence": rng.choice(vocab.VALENCES), "level": rng.choice(vocab.FACTOR_LEVELS),
                        "evidence": None})
    if index % 4 == 0:  # planted: tools -> decision not taken -> outcome
        factors.append({"id": "f-tools", "description": "The screening tool counts single incidents",
                        "category": "tools", "valence": "unsafe", "level": "organisation", "evidence": None})
    out["factors"] = factors

    def link(n: int, cause: tuple[str, str], effect: tuple[str, str]) -> None:
        out["causal_links"].append({"id": f"cl{n}", "cause": {"node": cause[0], "id": cause[1]},
                                    "effect": {"node": effect[0], "id": effect[1]}, "mechanism": None,
                                    "strength": rng.choice(vocab.LINK_STRENGTHS),
                                    "confidence": rng.choice(vocab.LINK_CONFIDENCES), "evidence": None,
                                    "sources": sorted({late[0]["agency"], "csc"})})

    link(0, ("factor", "f0"), ("event", late[0]["id"]))
    link(1, ("event", late[0]["id"]), ("event", late[1]["id"]))
    link(2, ("event", late[1]["id"]), ("event", harm["id"]))
    link(3, ("factor", "f1"), ("event", late[2]["id"]))
    link(4, ("event", late[2]["id"]), ("event", harm["id"]))
    link(5, ("factor", "f2"), ("factor", "f1"))
    if index % 4 == 0:
        link(6, ("factor", "f-tools"), ("decision", "d-strategy"))
        link(7, ("decision", "d-strategy"), ("event", harm["id"]))
    if unanswered is not None:  # planted: unanswered referral -> outcome
        link(8, ("event", unanswered["id"]), ("event", harm["id"]))
    out["episodes"] = [
        {"id": f"kpe{k}", "title": f"Episode {k}", "start": member["date"], "end": member["date"],
         "summary": None, "rating": rng.choice(vocab.EPISODE_RATINGS), "appraisal": "Appraised by the panel.",
         "explanation": None, "members": [{"node": "event", "id": member["id"]}]}
        for k, member in enumerate(late)]
    findings = [{"id": f"fd{k}", "statement": f"Finding about {f['category'].replace('_', ' ')} and information "
                 "sharing" if k == 0 else f"Finding about {f['category'].replace('_', ' ')}",
                 "category": f["category"], "valence": f["valence"], "priority": rng.choice(vocab.FINDING_PRIORITIES),
                 "evidence": None, "how_widespread": None, "why_it_matters": None, "questions_for_board": [],
                 "evidenced_by": [{"node": "factor", "id": f["id"]}]} for k, f in enumerate(factors[:2])]
    recommendations = [{"id": f"rec{k}", "text": f"Act on finding {fd['id']}", "type":
                        vocab.RECOMMENDATION_TYPES[1 + k % 2], "owner": "The partnership",
                        "status": rng.choice(vocab.RECOMMENDATION_STATUSES), "due": None, "addresses": [fd["id"]]}
                       for k, fd in enumerate(findings)]
    if index % 3 == 0:  # planted: a national recommendation on management systems
        findings.append({"id": "fd-national", "statement": "Case management systems do not show earlier closures",
                         "category": "management_systems", "valence": "unsafe", "priority": "high",
                         "evidence": None, "how_widespread": None, "why_it_matters": None, "questions_for_board": [],
                         "evidenced_by": []})
        recommendations.append({"id": "rec-national", "text": "National guidance on case histories",
                                "type": "research_development", "owner": "The national panel", "status": "proposed",
                                "due": None, "addresses": ["fd-national"]})
    out["findings"], out["recommendations"] = findings, recommendations
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "case": {"id": cid, "title": f"Synthetic case {index}", "board": f"{board} Safeguarding Partnership",
                 "region": REGIONS[board], "review_kind": ("cspr", "rapid_review", "learning_review")[index % 3],
                 "status": "published", "created_at": "2025-01-01T00:00:00+00:00", "version": 1,
                 "trigger": {"criteria": ["Serious harm"], "decided_by": "Independent chair",
                             "decided_on": (start + dt.timedelta(days=end + 30)).isoformat(), "rationale": None},
                 "methodology": {"name": "Systems approach", "description": None, "justification": None}},
        "agencies": [{"id": a, "name": f"{board} {a}", "sector": s} for a, s in agencies],
        **out,
    }
