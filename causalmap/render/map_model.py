"""The causal map's data for vis-network, assembled with pyvis.

pyvis builds the node and edge options (shape per kind, colour, edge style per relation
and strength); the page draws them with the vis-network that pyvis ships, served from
the project. Tooltips are plain text (vis-network 9 renders string titles as text, never
HTML), and the page never puts user text into HTML either.
"""

from __future__ import annotations

from typing import Any

from pyvis.network import Network

from causalmap import vocab
from causalmap.analysis.gaps import unanswered_handoffs
from causalmap.analysis.items import as_text
from causalmap.analysis.patterns import agency_silent
from causalmap.render.palette import NEUTRAL, OKABE_ITO, agency_colours
from causalmap.snapshot import CaseSnapshot

SHAPES = {"event": "dot", "harm": "star", "decision": "square", "factor": "diamond"}
EDGE_STYLES = {
    "CONTRIBUTED_TO": {"color": "#222222", "dashes": False},
    "RESPONDS_TO": {"color": "#777777", "dashes": [2, 4]},
    "ACCOUNT_OF": {"color": "#AA4499", "dashes": [8, 4]},
    "MADE_AT": {"color": "#999999", "dashes": False},
}
WIDTHS = {"weak": 1, "moderate": 3, "strong": 5}


def _short(text: str | None, limit: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _episodes_of(snapshot: CaseSnapshot) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for episode in snapshot.episodes.values():
        for member in episode.get("members") or []:
            out.setdefault(f"{member['node']}:{member['id']}", []).append(episode["id"])
    return out


def map_model(snapshot: CaseSnapshot, layout: dict[str, list[float]] | None = None) -> dict[str, Any]:
    layout = layout or {}
    colours = agency_colours(list(snapshot.agencies))
    episodes = _episodes_of(snapshot)
    net = Network(directed=True, cdn_resources="remote")

    def add(key: str, kind: str, record: dict[str, Any], shape: str, label: str, title: str, **extra: Any) -> None:
        agency = record.get("agency")
        category = record.get("category")
        options: dict[str, Any] = {
            "shape": shape, "title": title, "kind": kind, "agency": agency, "date": record.get("date"),
            "category": category, "valence": record.get("valence"), "episodes": sorted(episodes.get(key, [])),
            "colorAgency": colours[agency]["color"] if agency in colours else NEUTRAL,
            "colorCategory": OKABE_ITO.get(category or "", NEUTRAL),
            "borderDashes": bool(agency in colours and colours[agency]["dashed"]), **extra,
        }
        if key in layout:
            options["x"], options["y"] = layout[key]
        net.add_node(key, label=label, **options)

    for event in sorted(snapshot.events.values(), key=lambda e: e["id"]):
        harm = event["kind"] in vocab.HARM_KINDS
        add(f"event:{event['id']}", "event", event, SHAPES["harm" if harm else "event"],
            _short(event["description"]),
            f"{event['date']} · {snapshot.agency_name(event['agency'])} · {event['kind'].replace('_', ' ')}\n"
            f"{event['description']}", eventKind=event["kind"], disputed=bool(event.get("disputed")))
    for decision in sorted(snapshot.decisions.values(), key=lambda d: d["id"]):
        taken = decision.get("taken", True)
        add(f"decision:{decision['id']}", "decision", decision, SHAPES["decision"],
            ("" if taken else "Not taken: ") + _short(decision["description"]),
            f"{decision.get('date') or ''} · {snapshot.agency_name(decision.get('agency'))} · decision "
            f"{'taken' if taken else 'NOT taken'}\n{decision['description']}", taken=bool(taken))
    for factor in sorted(snapshot.factors.values(), key=lambda f: f["id"]):
        label = vocab.TYPOLOGY.get(factor.get("category") or "", "uncategorised")
        add(f"factor:{factor['id']}", "factor", factor, SHAPES["factor"], _short(factor["description"]),
            f"Contributory factor · {label} · {factor.get('valence') or 'valence not set'}\n{factor['description']}")

    present = set(net.node_ids)

    def edge(src: str, dst: str, relation: str, title: str, **extra: Any) -> None:
        if src in present and dst in present:
            net.add_edge(src, dst, relation=relation, title=title, **EDGE_STYLES[relation], **extra)

    for link in sorted(snapshot.causal_links, key=lambda lk: lk["id"]):
        strength = link.get("strength") or "moderate"
        edge(f"{link['cause']['node']}:{link['cause']['id']}", f"{link['effect']['node']}:{link['effect']['id']}",
             "CONTRIBUTED_TO", f"Contributed to ({strength}, confidence {link.get('confidence') or 'not set'})\n"
             f"{link.get('mechanism') or ''}", id=f"link:{link['id']}", linkId=link["id"], width=WIDTHS[strength],
             strength=strength, confidence=link.get("confidence"))
    for event in sorted(snapshot.events.values(), key=lambda e: e["id"]):
        for target in event["responds_to"]:
            edge(f"event:{event['id']}", f"event:{target}", "RESPONDS_TO", "Responds to", width=1)
        for target in event["account_of"]:
            edge(f"event:{event['id']}", f"event:{target}", "ACCOUNT_OF", "Another agency's account of", width=2)
    for decision in sorted(snapshot.decisions.values(), key=lambda d: d["id"]):
        if decision.get("made_at"):
            edge(f"decision:{decision['id']}", f"event:{decision['made_at']}", "MADE_AT", "Made at", width=1)

    unanswered = {i.event_ids[0] for i in unanswered_handoffs(snapshot)}
    return {
        "case_id": snapshot.case_id,
        "nodes": net.nodes,
        "edges": net.edges,
        "agencies": [{"id": a, "name": r["name"], "sector": r["sector"], **colours[a]}
                     for a, r in sorted(snapshot.agencies.items())],
        "categories": [{"id": c, "label": label, "color": OKABE_ITO[c]} for c, label in vocab.TYPOLOGY.items()],
        "episodes": [{"id": e["id"], "title": e["title"], "rating": e.get("rating")}
                     for e in sorted(snapshot.episodes.values(), key=lambda e: e["id"])],
        "communications": [
            {"event": e["id"], "from": e["agency"], "to": to, "date": e["date"], "kind": e["kind"],
             "unanswered": e["id"] in unanswered}
            for e in sorted(snapshot.events.values(), key=lambda e: (e["date"], e["id"]))
            if e["kind"] in vocab.COMMUNICATION_KINDS for to in e["to_agencies"]],
        "silences": [{"agency": i.agencies[0], "start": as_text(i.start), "end": as_text(i.end)}
                     for i in agency_silent(snapshot)],
        "layout_saved": bool(layout),
    }
