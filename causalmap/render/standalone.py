"""The interactive map as one standalone HTML file: opens offline, with nothing beside it.

vis-network (the copy pyvis ships, the one the map page uses) and its stylesheet are
inlined; the nodes and edges are the map page's own model (render/map_model.py) placed at
the shared time layout's positions (render/layout.py). Case data is embedded as JSON in a
`<script type="application/json">` block with `<`, `>` and `&` escaped, so no user text
can close the block, and the page's script only ever sets `textContent`. vis-network
renders string tooltips as text. A Content-Security-Policy forbids every network request.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable
from typing import Any

import pyvis

from causalmap import vocab
from causalmap.render.layout import NODE_HEIGHT, NODE_WIDTH, time_layout
from causalmap.render.map_model import map_model
from causalmap.render.palette import HARM, NEUTRAL, OKABE_ITO, tint
from causalmap.snapshot import CaseSnapshot
from causalmap.view import ViewFilter

__all__ = ["standalone_html"]

VIS_DIR = os.path.join(os.path.dirname(pyvis.__file__), "lib", "vis-9.1.2")

SCRIPT = """
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("case-data").textContent);
  const el = (tag, text, attrs) => { const e = document.createElement(tag); if (text) e.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v); return e; };
  // Boxes of the shared layout's size with its wrapped lines, styled as the printed diagrams.
  const nodes = data.nodes.map(n => ({id: n.id, label: n.lines.join("\\n"), title: n.title, shape: "box",
    x: n.x, y: n.y, fixed: true, widthConstraint: {minimum: data.width, maximum: data.width},
    heightConstraint: {minimum: data.height}, borderWidth: n.harm ? 3 : (n.kind === "event" ? 1 : 2),
    shapeProperties: {borderRadius: n.kind === "event" ? 8 : 0,
      borderDashes: n.borderDashes || (n.kind === "decision" && n.taken === false) ? [4, 3] : false},
    color: {background: n.fill, border: n.border},
    font: {color: "#1a1a1a", size: 12, face: "Liberation Sans, Arial"}}));
  const edges = data.edges.map((e, i) => ({id: e.id || ("e" + i), from: e.from, to: e.to, title: e.title,
    arrows: "to", width: e.width, dashes: e.confidence === "low" ? [3, 3] : e.dashes, color: {color: e.color}}));
  const network = new vis.Network(document.getElementById("network"),
    {nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges)},
    {physics: {enabled: false}, edges: {smooth: false}, interaction: {hover: true, tooltipDelay: 150}});
  const legend = document.getElementById("legend");
  const list = el("ul");
  for (const a of data.agencies) {
    const item = el("li"); const swatch = el("span", "", {class: "swatch"}); swatch.style.background = a.color;
    item.append(swatch, document.createTextNode(a.name)); list.append(item);
  }
  for (const c of data.categories) {
    const item = el("li"); const swatch = el("span", "", {class: "swatch"}); swatch.style.background = c.color;
    item.append(swatch, document.createTextNode("factor: " + c.label)); list.append(item);
  }
  legend.append(el("strong", "Legend"), list, el("p", "Boxes: rounded, in its agency's colour = event · thick red " +
    "border = incident or outcome · white square box = decision (dashed: not taken) · box in its category's colour = " +
    "contributory factor. Lines: solid arrow = contributed to (thicker = stronger; dotted = low confidence) · grey " +
    "dots = responds to · purple dashes = another agency's account · thin grey = made at."));
  network.once("afterDrawing", () => { network.fit(); document.body.dataset.mapReady = "true"; });
  window.causalmap = {network, count: nodes.length};
})();
"""

STYLE = """
body { margin: 0; font: 14px/1.4 system-ui, "Liberation Sans", sans-serif; color: #1a1a1a; }
header { padding: .5rem 1rem; border-bottom: 1px solid #ccc; }
h1 { font-size: 1.2rem; margin: 0; }
#network { height: 78vh; border-bottom: 1px solid #ccc; }
#legend { padding: .4rem 1rem; font-size: 13px; }
#legend ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem .9rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; border: 1px solid #333; vertical-align: -2px;
  margin-right: .25rem; }
@media print { #network { height: 180mm; } }
"""


def _json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> block: <, > and & as Unicode escapes."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _vendor(name: str) -> str:
    with open(os.path.join(VIS_DIR, name), encoding="utf-8") as handle:
        return handle.read().replace("</script", "<\\/script")


def standalone_html(snapshot: CaseSnapshot, filters: ViewFilter | None = None, title: str = "",
                    check: Callable[[str], None] | None = None) -> bytes:
    """One HTML file drawing the interactive causal map at the shared layout's positions.

    `check` sees the whole page except vis-network's own code (which holds no case data
    and is the same in every export), before that code is put in.
    """
    layout = time_layout(snapshot)
    model = map_model(snapshot)
    lane_colour = {lane["agency"]: lane["color"] for lane in layout["lanes"]}
    for node in model["nodes"]:
        placed = layout["nodes"][node["id"]]
        node["x"], node["y"], node["lines"] = placed["x"], placed["y"], placed["lines"]
        node["harm"] = node.get("eventKind") in vocab.HARM_KINDS
        if node["kind"] == "factor":
            colour = OKABE_ITO.get(node.get("category") or "", NEUTRAL)
            node["fill"], node["border"] = tint(colour, 0.7), colour
        else:
            colour = lane_colour.get(node.get("agency") or "", NEUTRAL)
            node["fill"] = "#FFFFFF" if node["kind"] == "decision" else tint(colour, 0.75)
            node["border"] = HARM if node["harm"] else colour
    agencies = [{**a, "color": lane_colour.get(a["id"], a["color"])} for a in model["agencies"]]
    data = {"nodes": model["nodes"], "edges": model["edges"], "agencies": agencies,
            "categories": model["categories"], "width": NODE_WIDTH, "height": NODE_HEIGHT}
    heading = f"Causal map: {title or snapshot.case_id}"
    if filters and filters.active:
        heading += f" · {filters.describe()}"
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        'script-src \'unsafe-inline\'; style-src \'unsafe-inline\'; img-src data:; font-src data:">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(heading)}</title>'
        f"<style>\x00css\x00</style><style>{STYLE}</style></head><body>"
        f"<header><h1>{html.escape(heading)}</h1><p>Drag to move, scroll to zoom, hover for details. Made by "
        "causalmap; works offline.</p></header>"
        '<div id="network" role="img" aria-label="The causal map"></div><div id="legend"></div>'
        f'<script type="application/json" id="case-data">{_json_for_script(data)}</script>'
        f"<script>\x00js\x00</script><script>{SCRIPT}</script></body></html>\n"
    )
    if check is not None:
        check(page)
    return page.replace("\x00css\x00", _vendor("vis-network.css"), 1).replace(
        "\x00js\x00", _vendor("vis-network.min.js"), 1).encode("utf-8")
