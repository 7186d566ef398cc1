"""The server's time layout: nothing on top of anything, time left to right, one lane per
agency, factors in their band, and the same bytes on every run (no database needed)."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from builder import case, ev, factor, link

from bench.generate import write_chronology
from causalmap.chronology import check_chronology, read_table
from causalmap.interchange.case_json import chronology_sections
from causalmap.render.layout import NODE_HEIGHT, NODE_WIDTH, TEXT_WIDTH, placement_day, text_width, time_layout
from causalmap.samples import sample_document
from causalmap.snapshot import CaseSnapshot


def snapshot_of(document: dict[str, Any], shuffle: int | None = None) -> CaseSnapshot:
    """A snapshot straight from a case document; `shuffle` reorders every section first."""
    def section(name: str) -> dict[str, dict]:
        records = [dict(r) for r in document.get(name) or []]
        if shuffle is not None:
            random.Random(shuffle).shuffle(records)
        return {r["id"]: r for r in records}

    links = [dict(lk) for lk in document.get("causal_links") or []]
    if shuffle is not None:
        random.Random(shuffle).shuffle(links)
    return CaseSnapshot("c", agencies=section("agencies"), events=section("events"), decisions=section("decisions"),
                        factors=section("factors"), episodes=section("episodes"), causal_links=links)


def generated_document(tmp_path: Path, events: int = 300) -> dict[str, Any]:
    """A generated chronology with factors feeding some of its events (and one another)."""
    chronology = chronology_sections(check_chronology(read_table(write_chronology(tmp_path / "g.csv", events))))
    rng = random.Random(3)
    event_ids = [e["id"] for e in chronology["events"]]
    factors = [{"id": f"f{i:02d}", "description": f"Generated factor {i} about supervision and thresholds",
                "category": "tools", "valence": "unsafe"} for i in range(25)]
    links = [{"id": f"l{i:02d}", "cause": {"node": "factor", "id": f"f{i:02d}"},
              "effect": {"node": "event", "id": rng.choice(event_ids)}} for i in range(15)]
    links += [{"id": "l90", "cause": {"node": "factor", "id": "f20"}, "effect": {"node": "factor", "id": "f03"}}]
    return {**chronology, "factors": factors, "causal_links": links}


def overlapping(layout: dict[str, Any]) -> list[tuple[str, str]]:
    boxes = sorted((n["x"] - n["width"] / 2, n["x"] + n["width"] / 2, n["y"] - n["height"] / 2,
                    n["y"] + n["height"] / 2, key) for key, n in layout["nodes"].items())
    out = []
    for (l1, r1, t1, b1, k1), (l2, r2, t2, b2, k2) in itertools.combinations(boxes, 2):
        if l2 < r1 and l1 < r2 and t2 < b1 and t1 < b2:
            out.append((k1, k2))
    return out


def check_layout(layout: dict[str, Any], snapshot: CaseSnapshot) -> None:
    nodes = layout["nodes"]
    assert len(nodes) == len(snapshot.events) + len(snapshot.decisions) + len(snapshot.factors)
    assert overlapping(layout) == []
    dated = sorted((placement_day(n["placed_on"]), n["x"]) for n in nodes.values() if n["placed_on"])
    assert [x for _, x in dated] == sorted(x for _, x in dated)
    lanes = layout["lanes"]
    assert lanes[0]["top"] == layout["factor_band"]["bottom"]
    assert all(a["bottom"] == b["top"] for a, b in itertools.pairwise(lanes))
    assert lanes[-1]["bottom"] == layout["height"]
    where = {lane["agency"]: lane for lane in lanes}
    for key, n in nodes.items():
        top, bottom = ((layout["factor_band"]["top"], layout["factor_band"]["bottom"]) if key.startswith("factor:")
                       else (where[n["lane"]]["top"], where[n["lane"]]["bottom"]))
        assert top <= n["y"] - n["height"] / 2 and n["y"] + n["height"] / 2 <= bottom, key
        assert 0 <= n["x"] - n["width"] / 2 and n["x"] + n["width"] / 2 <= layout["width"], key
        assert 1 <= len(n["lines"]) <= 3 and all(text_width(line) <= TEXT_WIDTH for line in n["lines"]), key


def test_the_sample_is_laid_out_with_nothing_on_top_of_anything(tmp_path):
    snapshot = snapshot_of(sample_document())
    layout = time_layout(snapshot)
    check_layout(layout, snapshot)
    assert [lane["name"] for lane in layout["lanes"]] == [
        "Ashdown Social Care", "Westmarch Police", "Millbrook Surgery", "St Annes Hospital",
        "Ashdown Health Visiting", "Ashdown Mental Health Team", "Little Oaks Nursery",
        "Westmarch Probation", "Ashdown Housing"]


def test_a_generated_300_event_case_is_laid_out_with_nothing_on_top_of_anything(tmp_path):
    document = generated_document(tmp_path)
    snapshot = snapshot_of(document)
    layout = time_layout(snapshot)
    check_layout(layout, snapshot)
    assert len(layout["lanes"]) == 15
    # 15 agencies: the colours repeat from the 10th lane with a border pattern.
    assert [lane["pattern"] for lane in layout["lanes"]] == ["solid"] * 9 + ["dashed"] * 6
    assert layout["lanes"][9]["color"] == layout["lanes"][0]["color"]


def test_the_layout_is_the_same_bytes_whatever_order_the_records_come_in(tmp_path):
    document = generated_document(tmp_path)
    first = json.dumps(time_layout(snapshot_of(document)))
    assert json.dumps(time_layout(snapshot_of(document))) == first
    assert json.dumps(time_layout(snapshot_of(document, shuffle=1))) == first


def test_same_day_events_stack_in_their_lane_and_lanes_grow_to_fit():
    snapshot = case(ev("a", "2024-01-02", "police"), ev("b", "2024-01-02", "police"), ev("c", "2024-01-02", "police"),
                    ev("d", "2024-06-02", "police"), ev("e", "2024-01-02", "gp"))
    layout = time_layout(snapshot)
    nodes = layout["nodes"]
    assert {nodes[k]["x"] for k in ("event:a", "event:b", "event:c", "event:e")} == {nodes["event:a"]["x"]}
    ys = sorted(nodes[k]["y"] for k in ("event:a", "event:b", "event:c"))
    assert ys[1] - ys[0] == ys[2] - ys[1] == NODE_HEIGHT + 14
    police = next(lane for lane in layout["lanes"] if lane["agency"] == "police")
    gp = next(lane for lane in layout["lanes"] if lane["agency"] == "gp")
    assert police["bottom"] - police["top"] == 2 * 12 + 3 * NODE_HEIGHT + 2 * 14
    assert gp["bottom"] - gp["top"] == 2 * 12 + NODE_HEIGHT
    # Near miss: an event far enough along shares the first row.
    assert nodes["event:d"]["y"] == ys[0]
    assert [lane["agency"] for lane in layout["lanes"]] == ["police", "gp"]  # sector order


def test_a_month_only_date_sits_in_the_middle_of_its_month():
    month = dict(ev("m", "2024-04", "police"), date_precision="month")
    snapshot = case(ev("a", "2024-04-01", "police"), month, ev("z", "2024-04-30", "gp"))
    layout = time_layout(snapshot)
    x = {k: n["x"] for k, n in layout["nodes"].items()}
    assert x["event:m"] - x["event:a"] == pytest.approx(14.5 * layout["px_per_day"], abs=0.1)
    assert x["event:z"] - x["event:m"] == pytest.approx(14.5 * layout["px_per_day"], abs=0.1)
    assert layout["nodes"]["event:m"]["placed_on"] == "2024-04-15"
    assert placement_day("2024") == placement_day("2024-01-01") + 182.5
    ticks = [t for t in layout["ticks"] if t["level"] != "day"]
    assert ticks == [{"x": x["event:a"], "label": "Apr 2024", "level": "month", "date": "2024-04-01"}]


def test_factors_sit_above_what_they_feed_without_overlapping():
    snapshot = case(ev("a", "2023-01-02", "police"), ev("b", "2023-09-02", "gp"),
                    factors=[factor("f1"), factor("f2"), factor("f3"), factor("loose")],
                    links=[link("l1", "factor:f1", "event:b"), link("l2", "factor:f2", "event:b"),
                           link("l3", "factor:f3", "factor:f1"), link("l4", "factor:f2", "event:a")])
    layout = time_layout(snapshot)
    nodes = layout["nodes"]
    assert nodes["factor:f1"]["x"] == nodes["event:b"]["x"]
    assert nodes["factor:f3"]["x"] == nodes["event:b"]["x"]  # through f1
    assert nodes["factor:f2"]["x"] == nodes["event:a"]["x"]  # the earliest it feeds
    assert nodes["factor:loose"]["x"] == layout["x0"]
    assert overlapping(layout) == []
    lowest = max(n["y"] + n["height"] / 2 for k, n in nodes.items() if k.startswith("factor:"))
    assert lowest <= layout["lanes"][0]["top"]


def test_labels_are_wrapped_to_the_box_and_cut_after_three_lines():
    long = dict(ev("a", "2024-01-02", "police"), description="word " * 40)
    short = dict(ev("b", "2024-02-02", "police", "outcome"), description="Child harmed")
    layout = time_layout(case(long, short))
    assert layout["nodes"]["event:a"]["lines"] == ["word word word word word", "word word word word word",
                                                    "word word word word word..."]
    assert text_width("word word word word word") == 143.364 <= TEXT_WIDTH < text_width("word " * 5 + "word")
    assert layout["nodes"]["event:b"]["lines"] == ["Outcome: Child harmed"]
    assert layout["nodes"]["event:b"]["width"] == NODE_WIDTH
