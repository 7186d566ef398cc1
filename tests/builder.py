"""Tiny hand-built cases for the analysis tests: only what each test is about is spelt out."""

from __future__ import annotations

from typing import Any

from causalmap.snapshot import CaseSnapshot

SECTORS = {"csc": "children_social_care", "police": "police", "gp": "health_primary", "hv": "health_community",
           "nursery": "early_years", "school": "education", "housing": "housing"}


def ev(ident: str, date: str, agency: str, kind: str = "contact", *, to: list[str] | None = None,
       participants: list[str] | None = None, responds_to: list[str] | None = None,
       account_of: list[str] | None = None, disputed: bool = False, source: str | None = None, concern: bool = False,
       precision: str | None = None) -> dict[str, Any]:
    precision = precision or ("year", "month", "day")[date.count("-")]
    return {"id": ident, "date": date, "date_precision": precision, "kind": kind, "description": f"{kind} {ident}",
            "agency": agency, "source": source or agency, "to_agencies": to or [], "participants": participants or [],
            "responds_to": responds_to or [], "account_of": account_of or [], "disputed": disputed,
            "concern": concern}


def link(ident: str, cause: str, effect: str, sources: list[str] | None = None, strength: str = "strong",
         confidence: str = "high") -> dict[str, Any]:
    def ref(text: str) -> dict[str, str]:
        node, _, key = text.partition(":")
        return {"node": node, "id": key}

    return {"id": ident, "cause": ref(cause), "effect": ref(effect), "sources": sources or [],
            "strength": strength, "confidence": confidence, "mechanism": None, "evidence": None}


def case(*events: dict[str, Any], decisions: list[dict] | None = None, factors: list[dict] | None = None,
         links: list[dict] | None = None, findings: list[dict] | None = None, episodes: list[dict] | None = None,
         recommendations: list[dict] | None = None) -> CaseSnapshot:
    agencies = {e["agency"] for e in events} | {a for e in events for a in e["to_agencies"] + e["participants"]}
    return CaseSnapshot(
        "test",
        agencies={a: {"id": a, "name": a.upper(), "sector": SECTORS.get(a, "other")} for a in agencies},
        events={e["id"]: dict(e) for e in events},
        decisions={d["id"]: dict(d) for d in decisions or []},
        factors={f["id"]: dict(f) for f in factors or []},
        episodes={e["id"]: dict(e) for e in episodes or []},
        findings={f["id"]: dict(f) for f in findings or []},
        recommendations={r["id"]: dict(r) for r in recommendations or []},
        causal_links=links or [],
    )


def decision(ident: str, date: str, agency: str, made_at: str) -> dict[str, Any]:
    return {"id": ident, "date": date, "description": f"decision {ident}", "taken": True, "agency": agency,
            "made_at": made_at}


def factor(ident: str, category: str | None = "tools") -> dict[str, Any]:
    return {"id": ident, "description": f"factor {ident}", "category": category, "valence": "unsafe"}


def brief(items: list) -> list[tuple]:
    """Items as (type, severity, agencies, event_ids, start, end) for exact comparison."""
    out = []
    for item in items:
        d = item if isinstance(item, dict) else item.as_dict()
        out.append((d["type"], d["severity"], d["agencies"], d["event_ids"], d["period"]["start"],
                    d["period"]["end"]))
    return out


def document_snapshot(doc: dict[str, Any], case_id: str = "doc") -> CaseSnapshot:
    """A case document (the whole-case JSON) as the snapshot the store would read, without Neo4j."""
    def table(section: str) -> dict[str, dict]:
        return {r["id"]: {k: v for k, v in r.items() if k != "version"} for r in doc.get(section, [])}

    events = table("events")
    for event in events.values():
        for name in ("to_agencies", "participants", "responds_to", "account_of"):
            event[name] = sorted(event.get(name) or [])
        event.setdefault("disputed", False)
        event["source"] = event.get("source") or event["agency"]
    return CaseSnapshot(case_id, agencies=table("agencies"), events=events, decisions=table("decisions"),
                        factors=table("factors"), episodes=table("episodes"), findings=table("findings"),
                        recommendations=table("recommendations"),
                        causal_links=[dict(link) for link in doc.get("causal_links", [])])
