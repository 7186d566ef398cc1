"""Exports of generated cases, end to end from Neo4j, against Graphviz alone on the same graph.

- The diagrams of a case of about 2,000 nodes (events, decisions, factors): `export_case`
  as SVG and as paged PDF (read the case, lay it out, write the DOT, draw, cut into A3
  pages). The floor, measured in the same run: the `neato -n2` program alone drawing the
  very same DOT source to SVG and to PDF.
- The review report of a 300-event case (target under 10 s), with its floor: Graphviz alone
  drawing the report's two figures.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from typing import Any

from bench.analysis_bench import generated_case
from bench.import_bench import delete
from causalmap.export import export_case
from causalmap.interchange.case_json import import_case
from causalmap.render.diagram import diagram_dot
from causalmap.store import Store
from causalmap.store.snapshot import read_snapshot


def _median(work: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _graphviz(dot: str, fmt: str) -> None:
    subprocess.run(["neato", "-n2", f"-T{fmt}"], input=dot.encode(), capture_output=True, check=True)


def run(store: Store, repeats: int = 3) -> dict[str, float]:
    out: dict[str, float] = {}
    big, small = "bench-export-2000", "bench-export-300"
    for case_id in (big, small):
        delete(store, case_id)
    import_case(store, generated_case(1760, 15, factors=60, links=400), as_id=big)
    import_case(store, generated_case(300, 12, factors=30, links=80), as_id=small)
    try:
        snapshot = read_snapshot(store, big)
        out["nodes"] = len(snapshot.events) + len(snapshot.decisions) + len(snapshot.factors)
        dot = diagram_dot(snapshot, "map", None, "Causal map: Generated").dot
        for fmt in ("svg", "pdf"):
            out[f"{fmt}_floor_s"] = _median(lambda fmt=fmt: _graphviz(dot, fmt), repeats)
            out[f"{fmt}_s"] = _median(lambda fmt=fmt: export_case(store, big, fmt), repeats)
            out[f"{fmt}_ratio"] = out[f"{fmt}_s"] / out[f"{fmt}_floor_s"]
        out["svg_bytes"] = len(export_case(store, big, "svg").content)
        pdf = export_case(store, big, "pdf").content
        out["pdf_bytes"] = len(pdf)
        from io import BytesIO

        from pypdf import PdfReader

        out["pdf_pages"] = len(PdfReader(BytesIO(pdf)).pages)
        snapshot = read_snapshot(store, small)
        out["report_events"] = len(snapshot.events)
        figures = [diagram_dot(snapshot, view, None, "figure").dot for view in ("map", "timeline")]
        out["report_floor_s"] = _median(lambda: [_graphviz(d, "pdf") for d in figures], repeats)
        out["report_s"] = _median(lambda: export_case(store, small, "report"), repeats)
        out["report_ratio"] = out["report_s"] / out["report_floor_s"]
        out["report_pages"] = len(PdfReader(BytesIO(export_case(store, small, "report").content)).pages)
    finally:
        for case_id in (big, small):
            delete(store, case_id)
    return out
