"""The causal map and the multi-agency timeline as diagrams: SVG, PNG and paged PDF, by Graphviz.

Positions come from the shared time layout (render/layout.py), the very one the map page
draws, so what a panel sees is what gets printed. Graphviz's `neato -n2` takes every
position as given and only draws: boxes, lanes, the date axis, arrows, the legend. Nothing
here is random, so one case gives one byte-identical SVG.

Every user text goes into the DOT source as an escaped quoted string (labels, tooltips)
or an escaped HTML-like label (the legend); Graphviz escapes it again in the SVG.

Printing: one layout pixel is drawn at 0.75 pt, so the 12 px labels print at 9 pt. The PDF
cuts the drawing into A3 landscape pages (lane names repeated on each) rather than
shrinking a long case until it cannot be read.
"""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from causalmap import vocab
from causalmap.errors import CausalmapError
from causalmap.render.layout import time_layout
from causalmap.render.palette import HARM, NEUTRAL, OKABE_ITO, tint
from causalmap.snapshot import CaseSnapshot
from causalmap.view import ViewFilter

__all__ = ["PRINT_SCALE", "Diagram", "diagram_dot", "diagram_pdf", "diagram_png", "diagram_svg", "draw"]

FONT = "Liberation Sans"  # Arial's metrics, which the layout's wrap width assumes
PRINT_SCALE = 0.75        # pt per layout px: 12 px labels print at 9 pt
HEAD = 64                 # px above the layout: title and date axis
LEGEND_ROW = 22           # px per legend row
EDGE_STYLE = {  # relation -> (colour, style, pen width), as on the map page
    "CONTRIBUTED_TO": ("#222222", "solid", 1.6),
    "RESPONDS_TO": ("#777777", "dotted", 1.0),
    "ACCOUNT_OF": ("#AA4499", "dashed", 1.2),
    "MADE_AT": ("#999999", "solid", 0.8),
}
STRENGTH_WIDTH = {"weak": 1.0, "moderate": 1.8, "strong": 2.8}
UNANSWERED = "#A4161A"


class DiagramError(CausalmapError):
    """Graphviz is missing or failed; the message says what to install or what it said."""


def _q(text: Any) -> str:
    """A DOT quoted string: backslashes and quotes escaped, so no escString (\\N, \\G) fires."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


def _attrs(**values: Any) -> str:
    return "[" + ", ".join(f"{k}={_q(v)}" for k, v in values.items() if v is not None) + "]"


def _stmt(name: str, **values: Any) -> str:
    """One DOT statement: a node, an edge (`a -> b`) or a default (`graph`, `node`, `edge`)."""
    return f"  {name} {_attrs(**values)};"


@dataclass
class Diagram:
    """The DOT source of one diagram and its size in layout pixels (y down, as the layout)."""

    dot: str
    width: float
    height: float
    lanes: list[dict[str, Any]]
    head: float
    title: str
    left: float  # px at the left holding the lane names, repeated on every printed page


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def _unanswered(snapshot: CaseSnapshot) -> set[str]:
    from causalmap.analysis.gaps import unanswered_handoffs

    return {item.event_ids[0] for item in unanswered_handoffs(snapshot)}


def diagram_dot(snapshot: CaseSnapshot, view: str, filters: ViewFilter | None = None, title: str = "") -> Diagram:
    """The DOT source of the map (`view="map"`) or the timeline (`view="timeline"`)."""
    layout = time_layout(snapshot)
    timeline = view == "timeline"
    lanes = layout["lanes"]
    shift = layout["factor_band"]["bottom"] if timeline else 0.0  # the timeline has no factor band
    body_height = layout["height"] - shift
    head = HEAD - shift  # add to a layout y to place it below the title and the axis
    legend = _legend(snapshot, lanes, timeline)
    legend_rows = legend.count("<tr>")
    height = HEAD + body_height + 16 + legend_rows * LEGEND_ROW + 12
    width = max(layout["width"], 900.0)

    def pos(x: float, y: float) -> str:  # layout px, y down -> Graphviz points, y up
        return f"{x:.1f},{height - y:.1f}!"

    def at(y: float) -> float:
        return head + y

    lines = ["digraph causalmap {",
             _stmt("graph", bb=f"0,0,{width:.1f},{height:.1f}", splines="false", outputorder="nodesfirst",
                   pad="0.1", fontname=FONT, bgcolor="white"),
             _stmt("node", fontname=FONT, fontsize=layout["font_size"], fixedsize="true", margin="0", penwidth="1"),
             _stmt("edge", arrowsize="0.7", penwidth="1")]
    size = {"shape": "box", "style": "filled", "color": "#DDDDDD", "label": "", "width": width / 72}
    names = {"shape": "plaintext", "fontsize": layout["font_size"], "width": (layout["left"] - 16) / 72}
    heading = title + (f" · {filters.describe()}" if filters and filters.active else "")
    lines.append(_stmt("title", shape="plaintext", label=heading, fontsize=16, width=(width - 20) / 72, height=0.3,
                       pos=pos(width / 2, 14)))
    # Lanes (and the factor band of the map) behind everything else.
    if not timeline and layout["factor_band"]["bottom"] > 0:
        band = layout["factor_band"]
        lines.append(_stmt("band", **size, fillcolor="#F7F7F7", height=(band["bottom"] - band["top"]) / 72,
                           pos=pos(width / 2, at((band["top"] + band["bottom"]) / 2))))
        lines.append(_stmt("bandname", **names, label="Contributory factors", height=0.3,
                           pos=pos(layout["left"] / 2, at(band["top"] + 16))))
    for i, lane in enumerate(lanes):
        middle = at((lane["top"] + lane["bottom"]) / 2)
        lines.append(_stmt(f"lane{i}", **size, fillcolor=tint(lane["color"], 0.9) if i % 2 == 0 else "#FFFFFF",
                           height=(lane["bottom"] - lane["top"]) / 72, pos=pos(width / 2, middle)))
        lines.append(_stmt(f"lanename{i}", **names, label="\n".join(_wrap(lane["name"], 26)[:3]),
                           height=(lane["bottom"] - lane["top"] - 4) / 72, pos=pos(layout["left"] / 2, middle),
                           tooltip=lane["name"]))
    # The date axis: year and month ticks, as far apart as their labels need.
    lines += _axis(layout, body_height, pos)
    # The items.
    keys: dict[str, str] = {}
    lane_colour = {lane["agency"]: lane["color"] for lane in lanes}
    unanswered = _unanswered(snapshot)
    for n, (key, node) in enumerate(sorted(layout["nodes"].items())):
        kind, _, ident = key.partition(":")
        if timeline and kind == "factor":
            continue
        record = snapshot.node({"node": kind, "id": ident}) or {}
        name = f"n{n}"
        keys[key] = name
        style = _node_style(kind, record, lane_colour, unanswered)
        lines.append(_stmt(name, label="\n".join(node["lines"]), width=node["width"] / 72,
                           height=node["height"] / 72, pos=pos(node["x"], at(node["y"])),
                           tooltip=_tooltip(snapshot, kind, record), **style))
    lines += _edges(snapshot, keys, timeline, layout, lanes, unanswered, pos, at)
    where = _attrs(shape="plaintext", width=(width - 20) / 72, height=legend_rows * LEGEND_ROW / 72,
                   pos=pos(width / 2, HEAD + body_height + 16 + legend_rows * LEGEND_ROW / 2))
    lines.append(f"  legend {where[:-1]}, label=<{legend}>];")
    lines.append("}")
    return Diagram("\n".join(lines) + "\n", width, height, lanes, HEAD, heading, float(layout["left"]))


def _node_style(kind: str, record: dict[str, Any], lane_colour: dict[str, str], unanswered: set[str]) -> dict[str, Any]:
    if kind == "factor":
        colour = OKABE_ITO.get(record.get("category") or "", NEUTRAL)
        return {"shape": "box", "style": "filled,diagonals", "fillcolor": tint(colour, 0.7), "color": colour,
                "penwidth": 2}
    colour = lane_colour.get(record.get("agency") or "", NEUTRAL)
    if kind == "decision":
        taken = record.get("taken", True) is not False
        return {"shape": "box", "style": "filled" if taken else "filled,dashed", "fillcolor": "#FFFFFF",
                "color": colour, "penwidth": 2}
    harm = record.get("kind") in vocab.HARM_KINDS
    if record.get("id") in unanswered:
        return {"shape": "box", "style": "rounded,filled,bold", "fillcolor": tint(colour, 0.75), "color": UNANSWERED,
                "penwidth": 3}
    return {"shape": "box", "style": "rounded,filled", "fillcolor": tint(colour, 0.75),
            "color": HARM if harm else colour, "penwidth": 3 if harm else 1.2}


def _tooltip(snapshot: CaseSnapshot, kind: str, record: dict[str, Any]) -> str:
    if kind == "factor":
        return (f"Contributory factor · {vocab.TYPOLOGY.get(record.get('category') or '', 'uncategorised')}\n"
                f"{record.get('description') or ''}")
    what = record.get("kind", "decision").replace("_", " ") if kind == "event" else "decision"
    return (f"{record.get('date') or ''} · {snapshot.agency_name(record.get('agency'))} · {what}\n"
            f"{record.get('description') or ''}")


def _axis(layout: dict[str, Any], body_height: float, pos: Any) -> list[str]:
    month_px = 30.4 * layout["px_per_day"]
    out = []
    for i, tick in enumerate(t for t in layout["ticks"] if t["level"] in ("year", "month")):
        if tick["level"] == "month" and month_px < 70:
            if not tick["date"].endswith(("-04-01", "-07-01", "-10-01")) or month_px * 3 < 70:
                continue
        label = tick["label"]
        out.append(_stmt(f"tick{i}", shape="plaintext", label=label, fontsize=11, width=64 / 72, height=0.22,
                         pos=pos(tick["x"], HEAD - 14)))
        out.append(_stmt(f"grid{i}", shape="box", style="filled", color="#CCCCCC", fillcolor="#CCCCCC", label="",
                         width=0.6 / 72, height=(body_height + 6) / 72,
                         pos=pos(tick["x"], HEAD + body_height / 2 - 3)))
    return out


def _edges(snapshot: CaseSnapshot, keys: dict[str, str], timeline: bool, layout: dict[str, Any],
           lanes: list[dict[str, Any]], unanswered: set[str], pos: Any, at: Any) -> list[str]:
    out = []
    if timeline:
        # Communications as arrows from the sender's box to the recipient's lane, unanswered in red.
        lane_of = {lane["agency"]: lane for lane in lanes}
        for n, event in enumerate(sorted(snapshot.events.values(), key=lambda e: e["id"])):
            if event["kind"] not in vocab.COMMUNICATION_KINDS or f"event:{event['id']}" not in keys:
                continue
            node = layout["nodes"][f"event:{event['id']}"]
            for m, to in enumerate(event.get("to_agencies") or []):
                if to not in lane_of:
                    continue
                lane = lane_of[to]
                end = f"to{n}_{m}"
                below = lane["top"] > node["y"]
                y = lane["top"] + 4 if below else lane["bottom"] - 4
                out.append(_stmt(end, shape="point", width=0.05, height=0.05, color="#444444", label="",
                                 pos=pos(node["x"], at(y))))
                missed = event["id"] in unanswered
                what = (f"{'Unanswered ' if missed else ''}{event['kind'].replace('_', ' ')} "
                        f"to {snapshot.agency_name(to)}")
                out.append(_stmt(f"{keys['event:' + event['id']]} -> {end}", color=UNANSWERED if missed else "#333333",
                                 style="dashed" if missed else "solid", penwidth=2.2 if missed else 1.2, tooltip=what))
        return out
    for link in sorted(snapshot.causal_links, key=lambda lk: lk["id"]):
        cause = keys.get(f"{link['cause']['node']}:{link['cause']['id']}")
        effect = keys.get(f"{link['effect']['node']}:{link['effect']['id']}")
        if cause and effect:
            colour, style, _ = EDGE_STYLE["CONTRIBUTED_TO"]
            out.append(_stmt(f"{cause} -> {effect}", color=colour,
                             style="dashed" if link.get("confidence") == "low" else style,
                             penwidth=STRENGTH_WIDTH.get(link.get("strength") or "moderate", 1.8),
                             tooltip="Contributed to: " + (link.get("mechanism") or "")))
    for event in sorted(snapshot.events.values(), key=lambda e: e["id"]):
        for relation, field in (("RESPONDS_TO", "responds_to"), ("ACCOUNT_OF", "account_of")):
            for target in event.get(field) or []:
                a, b = keys.get(f"event:{event['id']}"), keys.get(f"event:{target}")
                if a and b:
                    colour, style, width = EDGE_STYLE[relation]
                    out.append(_stmt(f"{a} -> {b}", color=colour, style=style, penwidth=width))
    for decision in sorted(snapshot.decisions.values(), key=lambda d: d["id"]):
        a, b = keys.get(f"decision:{decision['id']}"), keys.get(f"event:{decision.get('made_at')}")
        if a and b:
            colour, style, width = EDGE_STYLE["MADE_AT"]
            out.append(_stmt(f"{a} -> {b}", color=colour, style=style, penwidth=width, arrowhead="none"))
    return out


def _legend(snapshot: CaseSnapshot, lanes: list[dict[str, Any]], timeline: bool) -> str:
    """The legend as a Graphviz HTML-like table; every user text escaped."""
    def cell(colour: str, text: str, border: str = "#333333") -> str:
        return (f'<td bgcolor="{colour}" color="{border}" border="1" width="14" height="14"></td>'
                f'<td align="left">{html.escape(text)}</td>')

    agencies = [cell(tint(lane["color"], 0.75), lane["name"], lane["color"]) for lane in lanes]
    rows = ["<tr>" + "".join(agencies[i:i + 5]) + "</tr>" for i in range(0, len(agencies), 5)]
    if timeline:
        rows.append("<tr>" + cell("#FFFFFF", "communication: arrow to the recipient's lane", "#333333")
                    + cell("#FFFFFF", "unanswered communication: red dashed arrow, red border", UNANSWERED) + "</tr>")
    else:
        categories = [cell(tint(c, 0.7), f"factor: {vocab.TYPOLOGY[k]}", c) for k, c in OKABE_ITO.items()]
        rows += ["<tr>" + "".join(categories[i:i + 6]) + "</tr>" for i in range(0, len(categories), 6)]
        rows.append("<tr>" + cell("#FFFFFF", "event: rounded box in its agency's colour")
                    + cell("#FFFFFF", "incident or outcome: thick red border", HARM)
                    + cell("#FFFFFF", "decision: square box (dashed: not taken)")
                    + cell("#FFFFFF", "unanswered communication: red border", UNANSWERED) + "</tr>")
        rows.append("<tr>" + cell("#222222", "black arrow: contributed to (thicker: stronger; dashed: low "
                                  "confidence)") + cell("#777777", "grey dotted: responds to")
                    + cell("#AA4499", "purple dashed: another agency's account") + cell("#999999", "thin grey: made at")
                    + "</tr>")
    return '<table border="0" cellspacing="3" cellpadding="1">' + "".join(rows) + "</table>"


def draw(dot: str, fmt: str) -> bytes:
    """Run `neato -n2` (positions as given) and return the drawing in `fmt` (svg, png, pdf)."""
    try:
        done = subprocess.run(["neato", "-n2", f"-T{fmt}"], input=dot.encode(), capture_output=True, timeout=600,
                              check=False)
    except FileNotFoundError:
        raise DiagramError("Graphviz is not installed: `make install` installs it (apt-get install graphviz)") from None
    if done.returncode != 0:
        raise DiagramError(f"Graphviz could not draw the diagram: {done.stderr.decode(errors='replace')[:300]}")
    return done.stdout


_COMMENT = re.compile(rb"<!-- Generated by graphviz[^>]*-->\n|<!-- Title: [^>]*-->\n|<!-- Pages: [^>]*-->\n")


def diagram_svg(snapshot: CaseSnapshot, view: str = "map", filters: ViewFilter | None = None, title: str = "") -> bytes:
    diagram = diagram_dot(snapshot, view, filters, _title(title or snapshot.case_id, view))
    return _COMMENT.sub(b"", draw(diagram.dot, "svg"))


def diagram_png(snapshot: CaseSnapshot, view: str = "map", filters: ViewFilter | None = None, title: str = "",
                check: Callable[[str], None] | None = None) -> bytes:
    diagram = diagram_dot(snapshot, view, filters, _title(title or snapshot.case_id, view))
    if check is not None:
        check(diagram.dot)
    return draw(diagram.dot, "png")


def _title(case_title: str, view: str) -> str:
    return f"{'Causal map' if view == 'map' else 'Multi-agency timeline'}: {case_title}"


def diagram_pdf(snapshot: CaseSnapshot, view: str = "map", filters: ViewFilter | None = None,
                title: str = "", check: Callable[[str], None] | None = None) -> bytes:
    """The diagram over A3 landscape pages at 9 pt, lane names repeated on each page."""
    from pypdf import PdfWriter

    from causalmap.render.pages import tile_diagram, write_pdf

    title = _title(title or snapshot.case_id, view)
    diagram = diagram_dot(snapshot, view, filters, title)
    if check is not None:
        check(diagram.dot)
    writer = PdfWriter()
    tile_diagram(writer, draw(diagram.dot, "pdf"), diagram, title, PRINT_SCALE)
    return write_pdf(writer, title)
