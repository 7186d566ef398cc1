"""Review quality checks (analysis.md section 3): the method's own quality control, and
guards against single-agency bias."""

from __future__ import annotations

from causalmap.analysis.items import Item, quoted, spoken
from causalmap.snapshot import CaseSnapshot

__all__ = ["quality_checks", "temporal_contradictions", "single_sources", "structure_checks"]


def _describe(snapshot: CaseSnapshot, ref: dict[str, str]) -> str:
    record = snapshot.node(ref) or {}
    text = record.get("description") or record.get("statement") or record.get("title") or ref["id"]
    return f"{ref['node']} {quoted(text, 60)}"


def _event_ids(snapshot: CaseSnapshot, *refs: dict[str, str]) -> list[str]:
    out = set()
    for ref in refs:
        record = snapshot.node(ref) or {}
        if ref["node"] == "event":
            out.add(ref["id"])
        elif ref["node"] == "decision" and record.get("made_at"):
            out.add(record["made_at"])
    return sorted(out)


def temporal_contradictions(snapshot: CaseSnapshot) -> list[Item]:
    """A causal link whose cause is dated after its effect."""
    items = []
    for link in snapshot.causal_links:
        cause, effect = snapshot.node(link["cause"]) or {}, snapshot.node(link["effect"]) or {}
        # Only when every day the records allow puts the cause after the effect: a cause
        # in April and an effect on 3 April may well be in the right order.
        if cause.get("when") and effect.get("when") and effect["when"].certainly_before(cause["when"]):
            items.append(Item(
                "temporal_contradiction", "high",
                sorted({cause.get("agency"), effect.get("agency")} - {None}),
                _event_ids(snapshot, link["cause"], link["effect"]), effect["when"], cause["when"],
                f"Link {link['id']} says {_describe(snapshot, link['cause'])} ({spoken(cause['when'])}) contributed "
                f"to {_describe(snapshot, link['effect'])}, which happened earlier ({spoken(effect['when'])}).",
                {"link_id": link["id"]}))
    return items


def single_sources(snapshot: CaseSnapshot) -> list[Item]:
    """A causal link supported by the records of one agency only (or none): high when that
    agency is the one whose practice the link explains."""
    items = []
    for link in snapshot.causal_links:
        sources = link.get("sources") or []
        if len(sources) > 1:
            continue
        effect = snapshot.node(link["effect"]) or {}
        cause = snapshot.node(link["cause"]) or {}
        explained = {effect.get("agency"), cause.get("agency")} - {None}
        own = bool(sources) and sources[0] in explained
        if sources:
            why = (f"rests only on the records of {snapshot.agency_name(sources[0])}"
                   + (", the agency whose practice it explains" if own else ""))
        else:
            why = "cites no agency's records"
        days = [d for d in (cause.get("when"), effect.get("when")) if d]
        items.append(Item(
            "single_source", "high" if own else "medium", sorted(set(sources) | explained),
            _event_ids(snapshot, link["cause"], link["effect"]), min(days) if days else None,
            max(days, key=lambda w: (w.latest, w.earliest)) if days else None,
            f"Link {link['id']} ({_describe(snapshot, link['cause'])} contributed to "
            f"{_describe(snapshot, link['effect'])}) {why}; seek another agency's account.",
            {"link_id": link["id"]}))
    return items


def _linked_factors(snapshot: CaseSnapshot) -> set[str]:
    linked = set()
    for link in snapshot.causal_links:
        for end in ("cause", "effect"):
            if link[end]["node"] == "factor":
                linked.add(link[end]["id"])
    for record in list(snapshot.episodes.values()):
        linked |= {m["id"] for m in record.get("members") or [] if m["node"] == "factor"}
    for record in snapshot.findings.values():
        linked |= {m["id"] for m in record.get("evidenced_by") or [] if m["node"] == "factor"}
    return linked


def structure_checks(snapshot: CaseSnapshot) -> list[Item]:
    """Findings without evidence, factors linked to nothing, anything uncategorised,
    recommendations answering no finding, episodes never appraised."""
    items = []
    start, end = snapshot.recorded_period()
    linked = _linked_factors(snapshot)
    for finding in sorted(snapshot.findings.values(), key=lambda r: r["id"]):
        if not finding.get("evidenced_by"):
            items.append(Item("unsupported_finding", "high", [], [], start, end,
                              f"Finding {finding['id']} ({quoted(finding['statement'], 70)}) names no episode, factor "
                              "or event as its evidence.", {"finding_id": finding["id"]}))
        if not finding.get("category"):
            items.append(Item("uncategorised", "medium", [], [], start, end,
                              f"Finding {finding['id']} has no typology category, so it cannot be compared with "
                              "other reviews.", {"node": "finding", "id": finding["id"]}))
    for factor in sorted(snapshot.factors.values(), key=lambda r: r["id"]):
        if factor["id"] not in linked:
            items.append(Item("orphan_factor", "medium", [], [], start, end,
                              f"Factor {factor['id']} ({quoted(factor['description'], 70)}) is linked to nothing: no "
                              "causal link, episode or finding uses it.", {"factor_id": factor["id"]}))
        if not factor.get("category"):
            items.append(Item("uncategorised", "medium", [], [], start, end,
                              f"Factor {factor['id']} has no typology category.", {"node": "factor",
                                                                                   "id": factor["id"]}))
    for rec in sorted(snapshot.recommendations.values(), key=lambda r: r["id"]):
        if not rec.get("addresses"):
            items.append(Item("recommendation_without_finding", "medium", [], [], start, end,
                              f"Recommendation {rec['id']} ({quoted(rec['text'], 70)}) answers no finding.",
                              {"recommendation_id": rec["id"]}))
    for episode in sorted(snapshot.episodes.values(), key=lambda r: r["id"]):
        if not episode.get("appraisal"):
            members = [m["id"] for m in episode.get("members") or [] if m["node"] == "event"]
            items.append(Item("episode_without_appraisal", "medium", [], sorted(members), start, end,
                              f"Key practice episode {episode['id']} ({quoted(episode['title'], 70)}) has not been "
                              "appraised: was practice reasonable at the time, and why?",
                              {"episode_id": episode["id"]}))
    return items


def quality_checks(snapshot: CaseSnapshot) -> list[Item]:
    return temporal_contradictions(snapshot) + single_sources(snapshot) + structure_checks(snapshot)

