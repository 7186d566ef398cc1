"""The time layout of a causal map: where every event, decision and factor sits.

Computed once, on the server, from the case alone (no randomness, no browser font
metrics), so the map in the browser and the diagram exports draw the very same picture
and a case always looks the same. The result of :func:`time_layout` is plain data:

- time runs left to right at a fixed number of pixels per day; a date recorded to the
  month or the year is placed at the **middle** of that month or year (``placed_on``);
- one horizontal lane per agency, lanes grouped by sector (the order of
  ``vocab.SECTORS``) then by name; events and decisions sit in their agency's lane at
  their date; boxes that would touch are stacked in rows inside the lane (same-day
  events included), and a lane is as tall as its rows;
- contributory factors have no date: they sit in a band of their own above the lanes,
  each over the earliest thing it feeds (through other factors if need be), stacked in
  rows so none overlaps another; factors feeding nothing line up from the left;
- every box has the same width and height; its label is wrapped to a fixed width
  (measured with Arial's metrics), at most three lines.

Coordinates are pixels at zoom 1, y growing downwards, ``x``/``y`` the centre of a box
(as vis-network and Graphviz's ``pos`` both expect; Graphviz's y grows upwards, so an
export flips it with ``height - y``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from causalmap import vocab
from causalmap.render.palette import agency_colours
from causalmap.snapshot import CaseSnapshot

__all__ = ["time_layout", "placement_day", "node_lines", "text_width", "NODE_WIDTH", "NODE_HEIGHT",
           "FONT_SIZE", "LINE_HEIGHT"]

FONT_SIZE = 12          # px at zoom 1; the map opens at a zoom where this is at least 9 px
LINE_HEIGHT = 15        # px per label line: Graphviz's spacing; vis-network sets 12 px lines, centred
PADDING = 6             # px between a box's border and its text
MAX_LINES = 3
NODE_WIDTH = 176        # px, every box
NODE_HEIGHT = 2 * PADDING + MAX_LINES * LINE_HEIGHT + 4
GAP_X = 16              # px between boxes side by side in a row
GAP_Y = 14              # px between rows
LANE_PAD = 12           # px above the first and below the last row of a lane
LEFT = 210              # px kept free at the left for lane names
MIN_PX_PER_DAY, MAX_PX_PER_DAY, TARGET_WIDTH = 1.5, 8.0, 4000.0
KIND_ORDER = {"event": 0, "decision": 1, "factor": 2}
PREFIXES = {"incident": "Incident: ", "outcome": "Outcome: "}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NO_AGENCY = "(no agency)"


def placement_day(date: str | None) -> float | None:
    """Where a date sits on the time axis, as a (fractional) proleptic ordinal day.

    A full date is its day; ``YYYY-MM`` is the middle of the month and ``YYYY`` the middle
    of the year, so an event known only to the month is neither early nor late by more
    than half a month.
    """
    if not date:
        return None
    parts = [int(p) for p in date.split("-")]
    if len(parts) >= 3:
        return float(dt.date(parts[0], parts[1], parts[2]).toordinal())
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1).toordinal()
        return first + (calendar.monthrange(parts[0], parts[1])[1] - 1) / 2
    first = dt.date(parts[0], 1, 1).toordinal()
    return first + (dt.date(parts[0], 12, 31).toordinal() - first) / 2


# Advance widths of Helvetica, which Arial and Liberation Sans share, in 1/1000 em, for
# printable ASCII (space to tilde); anything else counts as a digit's width.
_WIDTHS = (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *(556,) * 10,
           278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
           722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
           556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556,
           500, 722, 500, 500, 500, 334, 260, 334, 584)
_OTHER_WIDTHS = {"…": 1000, "’": 222, "‘": 222, "“": 333, "”": 333, "–": 556, "—": 1000}
ELLIPSIS = "..."  # three full stops: the "…" glyph falls back to a taller font in some browsers
TEXT_WIDTH = NODE_WIDTH - 2 * PADDING - 6  # px a label line may take: a little under the box's text width


_ADVANCE = {chr(32 + i): w for i, w in enumerate(_WIDTHS)} | _OTHER_WIDTHS


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width in px of text set in Arial at `size` px (Helvetica's metrics, no kerning)."""
    return sum(_ADVANCE.get(char, 556) for char in text) * size / 1000


def node_lines(text: str | None, prefix: str = "") -> list[str]:
    """A label wrapped to the box's width: at most three lines, the last cut with "...".

    Lines are measured with Arial's metrics, so the browser and Graphviz never wrap them
    again; the prefix (say "Outcome: ") is left out when the text already starts with it.
    """
    words = " ".join((text or "(no description)").split())
    if not words.casefold().startswith(prefix.casefold()):
        words = prefix + words
    lines: list[str] = []
    line, width, space = "", 0.0, text_width(" ")
    for word in words.split(" "):
        if len(lines) > MAX_LINES:
            break
        word_width = text_width(word)
        if line and width + space + word_width <= TEXT_WIDTH:
            line, width = f"{line} {word}", width + space + word_width
            continue
        if line:
            lines.append(line)
        while word_width > TEXT_WIDTH:  # a word longer than a line is cut
            cut = len(word)
            while text_width(word[:cut]) > TEXT_WIDTH:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
            word_width = text_width(word)
        line, width = word, word_width
    lines.append(line)
    if len(lines) > MAX_LINES:
        last = lines[MAX_LINES - 1]
        while last and text_width(last + ELLIPSIS) > TEXT_WIDTH:
            last = last[:-1]
        lines = lines[:MAX_LINES - 1] + [last.rstrip() + ELLIPSIS]
    return lines


@dataclass
class _Item:
    key: str
    kind: str
    lane: str | None
    day: float | None
    date: str | None
    lines: list[str]
    x: float = 0.0
    y: float = 0.0
    row: int = 0


def _lane_order(snapshot: CaseSnapshot, used: set[str]) -> list[str]:
    sector_rank = {s: i for i, s in enumerate(vocab.SECTORS)}
    ids = sorted(set(snapshot.agencies) | used)

    def rank(agency: str) -> tuple[int, str, str]:
        record = snapshot.agencies.get(agency) or {}
        return (sector_rank.get(record.get("sector") or "other", len(sector_rank)),
                str(record.get("name") or agency).casefold(), agency)

    return sorted(ids, key=rank)


def _pack(items: list[_Item]) -> int:
    """Give each item (already at its x) the first row where it touches nothing; the row count."""
    rights: list[float] = []
    for item in sorted(items, key=lambda i: (i.x, KIND_ORDER[i.kind], i.date or "", i.key)):
        left = item.x - NODE_WIDTH / 2
        for row, right in enumerate(rights):
            if right + GAP_X <= left:
                item.row, rights[row] = row, item.x + NODE_WIDTH / 2
                break
        else:
            item.row = len(rights)
            rights.append(item.x + NODE_WIDTH / 2)
    return max(1, len(rights))


def _ticks(first: float, last: float, x_of: Any) -> list[dict[str, Any]]:
    start, end = dt.date.fromordinal(int(first)), dt.date.fromordinal(int(last))
    ticks: list[dict[str, Any]] = []
    for year in range(start.year, end.year + 2):
        for month in range(1, 13):
            day = dt.date(year, month, 1)
            if start <= day <= end:
                level = "year" if month == 1 else "month"
                label = str(year) if month == 1 else f"{MONTHS[month - 1]} {year}"
                ticks.append({"x": x_of(day.toordinal()), "label": label, "level": level, "date": day.isoformat()})
    if (end - start).days <= 3660:
        day = start
        while day <= end:
            if day.day != 1:
                ticks.append({"x": x_of(day.toordinal()), "label": f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                              "level": "day", "date": day.isoformat()})
            day += dt.timedelta(days=1)
    return sorted(ticks, key=lambda t: (t["x"], t["level"] != "year", t["level"] == "day"))


def _factor_targets(snapshot: CaseSnapshot, placed: dict[str, _Item]) -> dict[str, float]:
    """For each factor, the x of the earliest item it feeds, following factor-to-factor links."""
    effects: dict[str, list[str]] = {}
    for link in sorted(snapshot.causal_links, key=lambda lk: lk["id"]):
        if link["cause"]["node"] == "factor":
            effect = f"{link['effect']['node']}:{link['effect']['id']}"
            effects.setdefault(f"factor:{link['cause']['id']}", []).append(effect)
    memo: dict[str, float | None] = {}

    def target(key: str, seen: frozenset[str]) -> float | None:
        if key in placed:
            return placed[key].x
        if key in memo:
            return memo[key]
        xs = [x for effect in effects.get(key, []) if effect not in seen
              for x in [target(effect, seen | {effect})] if x is not None]
        memo[key] = min(xs) if xs else None
        return memo[key]

    out = {}
    for factor_id in sorted(snapshot.factors):
        x = target(f"factor:{factor_id}", frozenset({f"factor:{factor_id}"}))
        if x is not None:
            out[f"factor:{factor_id}"] = x
    return out


def time_layout(snapshot: CaseSnapshot) -> dict[str, Any]:
    """The time layout of a case as plain JSON-ready data (see the module's docstring).

    Returns ``{"width", "height", "left", "x0", "origin", "x_origin", "px_per_day", "font_size",
    "line_height", "padding", "nodes", "lanes", "factor_band", "ticks"}`` where
    ``nodes`` maps ``"event:<id>"``, ``"decision:<id>"``, ``"factor:<id>"`` to
    ``{"x", "y", "width", "height", "lines", "lane", "placed_on", "undated"}``;
    ``lanes`` lists ``{"agency", "name", "sector", "top", "bottom", "color", "pattern"}``
    from top to bottom; ``ticks`` lists ``{"x", "label", "level", "date"}`` with level
    ``year``, ``month`` or ``day`` (day ticks only for cases up to ten years long).
    A date's x is ``x_origin + (date - origin).days * px_per_day`` (``placed_on`` for
    month or year dates); ``x0`` is the x of the earliest item.
    """
    items: list[_Item] = []
    for event in sorted(snapshot.events.values(), key=lambda e: e["id"]):
        items.append(_Item(f"event:{event['id']}", "event", event.get("agency") or NO_AGENCY,
                           placement_day(event.get("date")), event.get("date"),
                           node_lines(event.get("description"), PREFIXES.get(event.get("kind") or "", ""))))
    for decision in sorted(snapshot.decisions.values(), key=lambda d: d["id"]):
        made_at = snapshot.events.get(decision.get("made_at") or "") or {}
        date = decision.get("date") or made_at.get("date")
        prefix = "Decision: " if decision.get("taken", True) else "Not taken: "
        items.append(_Item(f"decision:{decision['id']}", "decision",
                           decision.get("agency") or made_at.get("agency") or NO_AGENCY,
                           placement_day(date), date, node_lines(decision.get("description"), prefix)))
    factors = [_Item(f"factor:{f['id']}", "factor", None, None, None, node_lines(f.get("description")))
               for f in sorted(snapshot.factors.values(), key=lambda f: f["id"])]

    days = [i.day for i in items if i.day is not None]
    first, last = (min(days), max(days)) if days else (float(dt.date.today().toordinal()),) * 2
    px_per_day = round(max(MIN_PX_PER_DAY, min(MAX_PX_PER_DAY, TARGET_WIDTH / max(1.0, last - first))), 3)
    x0 = LEFT + NODE_WIDTH / 2

    def x_of(day: float) -> float:
        return round(x0 + (day - first) * px_per_day, 1)

    for item in items:
        item.x = x_of(item.day if item.day is not None else first)

    # Factors first: their band sits above the lanes.
    targets = _factor_targets(snapshot, {i.key: i for i in items})
    loose = 0
    for factor in factors:
        if factor.key in targets:
            factor.x = targets[factor.key]
        else:
            factor.x, loose = x0 + loose * (NODE_WIDTH + GAP_X), loose + 1
    factor_rows = _pack(factors) if factors else 0
    band_height = 2 * LANE_PAD + factor_rows * NODE_HEIGHT + max(0, factor_rows - 1) * GAP_Y if factors else 0
    for factor in factors:  # row 0 nearest the lanes
        factor.y = band_height - LANE_PAD - factor.row * (NODE_HEIGHT + GAP_Y) - NODE_HEIGHT / 2

    by_lane: dict[str, list[_Item]] = {}
    for item in items:
        by_lane.setdefault(item.lane or NO_AGENCY, []).append(item)
    order = _lane_order(snapshot, set(by_lane))
    colours = agency_colours(order)
    lanes: list[dict[str, Any]] = []
    top = band_height
    for agency in order:
        rows = _pack(by_lane.get(agency, []))
        height = 2 * LANE_PAD + rows * NODE_HEIGHT + (rows - 1) * GAP_Y
        for item in by_lane.get(agency, []):
            item.y = top + LANE_PAD + item.row * (NODE_HEIGHT + GAP_Y) + NODE_HEIGHT / 2
        record = snapshot.agencies.get(agency) or {}
        lanes.append({"agency": agency, "name": str(record.get("name") or agency),
                      "sector": record.get("sector") or "other", "top": top, "bottom": top + height,
                      "color": colours[agency]["color"], "pattern": colours[agency]["pattern"]})
        top += height

    nodes: dict[str, dict[str, Any]] = {}
    for item in sorted(items + factors, key=lambda i: i.key):
        nodes[item.key] = {
            "x": item.x, "y": float(item.y), "width": NODE_WIDTH, "height": NODE_HEIGHT, "lines": item.lines,
            "lane": item.lane, "placed_on": dt.date.fromordinal(int(item.day)).isoformat() if item.day else None,
            "undated": item.kind != "factor" and item.day is None,
        }
    right = max([n["x"] + NODE_WIDTH / 2 for n in nodes.values()] + [x_of(last) + NODE_WIDTH / 2])
    return {
        "width": round(right + GAP_X, 1), "height": float(top), "left": LEFT, "x0": x0,
        "origin": dt.date.fromordinal(int(first)).isoformat(), "x_origin": x_of(float(int(first))),
        "px_per_day": px_per_day,
        "font_size": FONT_SIZE, "line_height": LINE_HEIGHT, "padding": PADDING,
        "nodes": nodes, "lanes": lanes, "factor_band": {"top": 0.0, "bottom": float(band_height)},
        "ticks": _ticks(first, last, x_of),
    }
