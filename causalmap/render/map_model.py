"""The causal map's data for vis-network: nodes placed by the time layout, edges via pyvis.

Every node is a box at its place in the server's time layout (causalmap.render.layout, the
positions the diagram exports draw), with its words for the side panel and tooltips.
Nodes are plain dicts (pyvis's add_node searches a list per node, quadratic on a
2,000-node case); pyvis builds the edge options (style per relation and strength). The
page draws them with the vis-network that pyvis ships, served from the project, and makes
tooltips from DOM text nodes, so user text never becomes HTML.
"""

from __future__ import annotations

from typing import Any

from pyvis.network import Network

from causalmap import vocab
from causalmap.analysis.gaps import unanswered_handoffs
from causalmap.analysis.items import as_text
from causalmap.analysis.patterns import agency_silent
from causalmap.render.layout import time_layout
from causalmap.render.palette import NEUTRAL, OKABE_ITO
from causalmap.render.wording import date_in_words, kind_in_words
from causalmap.snapshot import CaseSnapshot

SHAPES = {"event": "box", "decision": "box", "factor": "box"}
RADIUS = {"event": 5, "decision": 0, "factor": 5}  # vis-network counts the radius into a box's bounds
EDGE_STYLES = {
    "CONTRIBUTED_TO": {"color": "#222222", "dashes": False},
    "RESPONDS_TO": {"color": "#777777", "dashes": [2, 4]},
    "ACCOUNT_OF": {"color": "#AA4499", "dashes": [8, 4]},
    "MADE_AT": {"color": "#999999", "dashes": False},
}
WIDTHS = {"weak": 1, "moderate": 3, "strong": 5}


def _episodes_of(snapshot: CaseSnapshot) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for episode in snapshot.episodes.values():
        for member in episode.get("members") or []:
            out.setdefault(f"{member['node']}:{member['id']}", []).append(episode["id"])
    return out


def map_model(snapshot: CaseSnapshot, layout: dict[str, list[float]] | None = None) -> dict[str, Any]:
    """The map's nodes, edges, lanes and axis; `layout` is a panel's saved free layout.

    Every node carries its place in the time layout (timeX, timeY: the same positions
    the diagram exports use) and its words for the side panel and tooltips.
    """
    layout = layout or {}
    placed = time_layout(snapshot)
    lanes = {lane["agency"]: lane for lane in placed["lanes"]}
    episodes = _episodes_of(snapshot)
    net = Network(directed=True, cdn_resources="remote")
    nodes: list[dict[str, Any]] = []

    def add(key: str, kind: str, record: dict[str, Any], title_kind: str, **extra: Any) -> None:
        agency = record.get("agency")
        category = record.get("category")
        box = placed["nodes"][key]
        words = {"description": record.get("description") or "", "dateText": date_in_words(record.get("date")),
                 "agencyName": snapshot.agency_name(agency) if agency else None, "kindText": title_kind}
        lane = lanes.get(box["lane"] or "")
        options: dict[str, Any] = {
            "id": key, "shape": SHAPES[kind], "kind": kind, "agency": agency, "date": record.get("date"),
            "category": category, "valence": record.get("valence"), "episodes": sorted(episodes.get(key, [])),
            "colorAgency": lane["color"] if lane else NEUTRAL,
            "colorCategory": OKABE_ITO.get(category or "", NEUTRAL),
            "borderDashes": bool(lane and lane["pattern"] != "solid"), "pattern": lane["pattern"] if lane else "solid",
            "radius": RADIUS[kind], "timeX": box["x"], "timeY": box["y"], "boxWidth": box["width"],
            "boxHeight": box["height"], "lines": box["lines"], **words, **extra,
        }
        if key in layout:
            options["x"], options["y"] = layout[key]
        nodes.append(options)

    for event in sorted(snapshot.events.values(), key=lambda e: e["id"]):
        add(f"event:{event['id']}", "event", event, kind_in_words("event", event), eventKind=event["kind"],
            harm=event["kind"] in vocab.HARM_KINDS, disputed=bool(event.get("disputed")))
    for decision in sorted(snapshot.decisions.values(), key=lambda d: d["id"]):
        add(f"decision:{decision['id']}", "decision", decision, kind_in_words("decision", decision),
            taken=bool(decision.get("taken", True)))
    for factor in sorted(snapshot.factors.values(), key=lambda f: f["id"]):
        add(f"factor:{factor['id']}", "factor", factor, kind_in_words("factor", factor))

    present = {n["id"] for n in nodes}
    net.node_ids = present  # pyvis's add_edge checks that both ends are known

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
        "nodes": nodes,
        "edges": net.edges,
        "agencies": [{"id": lane["agency"], "name": lane["name"], "sector": lane["sector"], "color": lane["color"],
                      "pattern": lane["pattern"], "dashed": lane["pattern"] != "solid"} for lane in placed["lanes"]],
        "layout": {k: v for k, v in placed.items() if k != "nodes"},
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
