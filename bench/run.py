"""`make bench`: every benchmark, its absolute figures and its ratio to the floor of the same run.

Every benchmark also prints the machine's load average (1, 5 and 15 minutes) before and
after it: on a shared machine the figures mean little without it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import (
    analysis_bench,
    export_bench,
    import_bench,
    load_bench,
    overview_bench,
    queries_bench,
    ui_bench,
)
from bench.server import bench_store


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measured(name: str, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    before = _load()
    result = work()
    result["load_before"], result["load_after"] = before, _load()
    print(f"{name} ({os.cpu_count()} cores; load average before {'/'.join(map(str, before))}, "
          f"after {'/'.join(map(str, result['load_after']))}):")
    return result


def main(which: list[str]) -> None:
    results: dict[str, dict[str, Any]] = {}
    with bench_store() as (store, env):
        if not which or "import" in which:
            r = results["import"] = measured("import", lambda: import_bench.run(store, env))
            print(f"  import of {r['events']:,} events, median of {r['repeats']} runs:")
            print(f"  floor, bare batched UNWIND from rows in memory: {r['floor_s']:.2f} s "
                  f"({r['floor_rows_per_s']:,.0f} rows/s)")
            print(f"  `causalmap import`, CSV file to commit:         {r['ours_s']:.2f} s "
                  f"({r['ours_rows_per_s']:,.0f} rows/s)  ratio {r['ratio']:.2f}x (target <= 1.5x)")
            print(f"  the same import in process (read, check, write): {r['in_process_s']:.2f} s"
                  f"  ratio {r['in_process_ratio']:.2f}x")
            print(f"  re-import of the same file (nothing to write): {r['reimport_s']:.2f} s; "
                  f"peak memory of the command {r['peak_mib']:.0f} MiB")
        if not which or "analysis" in which:
            r = results["analysis"] = measured("analysis", lambda: analysis_bench.run(store))
            print("  full analysis, 15 agencies, one causal link per 25 events, median of 3 runs at each size:")
            for s in r["sizes"]:
                print(f"  {s['events']:>6,} events: read {s['read_s']:.2f} s (floor, bare Cypher read "
                      f"{s['floor_s']:.2f} s; {s['read_ratio']:.1f}x) + compute {s['compute_s']:.2f} s (floor, "
                      f"NetworkX builds and traverses the same time graph {s['traversal_s']:.2f} s; "
                      f"{s['compute_ratio']:.1f}x) = {s['total_s']:.2f} s; export of the case {s['export_s']:.2f} s "
                      f"(analysis {s['export_ratio']:.1f}x the export)")
                print(f"          found {s['gaps']:,} gaps, {s['checks']:,} checks, {s['patterns']:,} patterns, "
                      f"{s['chains']} chains")
            g = r["growth"]
            print(f"  growth exponent 5,000 -> 20,000 events (1 = linear): compute {g['compute_s']:.2f}, "
                  f"NetworkX floor {g['traversal_s']:.2f}, read {g['read_s']:.2f}, total {g['total_s']:.2f}; "
                  f"4x the events took {r['largest_time_ratio']:.1f}x the time (target <= 5x); 20,000-event "
                  f"analysis {r['sizes'][-1]['export_ratio']:.1f}x its export (target <= 3x)")
        if not which or "ui" in which:
            r = results["ui"] = measured("ui", lambda: ui_bench.run(store))
            print(f"  web UI with a {r['nodes']:,}-node case ({r['edges']:,} edges):")
            print(f"  map data served: {r['map_ms']:.0f} ms (target 300 ms); floor, the bare Cypher read: "
                  f"{r['map_floor_ms']:.0f} ms; ratio {r['map_ratio']:.1f}x")
            print(f"  map page laid out and drawn in headless Chromium: {r['page_s']:.2f} s (target 3 s); floor, a "
                  f"bare vis-network page drawing the same data from static files: {r['bare_page_s']:.2f} s; "
                  f"ratio {r['page_ratio']:.1f}x")
            print(f"  switching to the free layout until physics stops: {r['free_layout_s']:.2f} s")
            print(f"  a pan or wheel zoom until drawn again: median {r['move_median_ms']:.1f} ms, worst "
                  f"{r['move_worst_ms']:.1f} ms (target 33 ms, two frames); floor, the bare page: median "
                  f"{r['bare_move_median_ms']:.1f} ms, worst {r['bare_move_worst_ms']:.1f} ms; "
                  f"ratio {r['move_ratio']:.1f}x")
        if not which or "load" in which:
            paces = results["load"] = measured("load", lambda: load_bench.run(store, env))
            for name, r in paces.items():
                if name.startswith("load_"):
                    continue  # the load averages `measured` printed
                low, high = r["pause"]
                print(f"  {name} pace, an action every {low:g}-{high:g} s per user: {r['users']} simulated users "
                      f"against `causalmap serve` (gunicorn): {r['requests']:,} requests in {r['seconds']:.1f} s, "
                      f"{r['throughput']:.1f} requests/s, {r['errors']} errors {r['error_examples'] or ''}(target 0)")
                print(f"  reads  p50 {r['read_p50_ms']:.0f} ms, p95 {r['read_p95_ms']:.0f} ms, "
                      f"p99 {r['read_p99_ms']:.0f} ms"
                      f"{' (target p95 < 300 ms)' if name != 'stress' else ''}; floor, the same reads by one user "
                      f"alone: p50 {r['floor_ms']:.0f} ms; ratio of the p50s {r['ratio']:.1f}x")
                print(f"  writes p50 {r['write_p50_ms']:.0f} ms, p95 {r['write_p95_ms']:.0f} ms, "
                      f"p99 {r['write_p99_ms']:.0f} ms ({r['writes']} edits)")
                print("  CPU per request during the run (share of all the machine's cores): " + ", ".join(
                    f"{n} {ms:.1f} ms ({r['cpu_share'][n]:.0%})" for n, ms in r["cpu_ms_per_request"].items()))
                for what, f in r["by_what"].items():
                    print(f"    {what:<14} {f['count']:>4} requests  p50 {f['p50_ms']:>6.0f} ms  "
                          f"p95 {f['p95_ms']:>6.0f} ms")
        if not which or "export" in which:
            r = results["export"] = measured("export", lambda: export_bench.run(store))
            print(f"diagrams of a {r['nodes']:,.0f}-node case, median of 3 runs, floor = Graphviz's neato -n2 alone "
                  "on the same DOT:")
            print(f"  SVG: {r['svg_s']:.2f} s (floor {r['svg_floor_s']:.2f} s, ratio {r['svg_ratio']:.1f}x), "
                  f"{r['svg_bytes'] / 1e6:.1f} MB")
            print(f"  PDF: {r['pdf_s']:.2f} s (floor {r['pdf_floor_s']:.2f} s, ratio {r['pdf_ratio']:.1f}x), "
                  f"{r['pdf_pages']:.0f} A3 pages, {r['pdf_bytes'] / 1e6:.1f} MB")
            print(f"review report of a {r['report_events']:.0f}-event case: {r['report_s']:.2f} s (target < 10 s), "
                  f"{r['report_pages']:.0f} pages; floor, Graphviz drawing its two figures: "
                  f"{r['report_floor_s']:.2f} s; ratio {r['report_ratio']:.1f}x")
        if not which or "overview" in which:
            r = results["overview"] = measured("overview", lambda: overview_bench.run(store))
            print(f"  case overview of a {r['events']:,}-event case with its analysis stored, median of 10 loads:")
            print(f"  floor, reading the case summary: {r['summary_ms']:.0f} ms")
            print(f"  overview of the unchanged case: {r['cached_ms']:.0f} ms  ratio {r['ratio']:.1f}x (target: a few)")
            print(f"  first load (analyses and stores): {r['first_s']:.2f} s  ratio {r['first_ratio']:.0f}x")
        if not which or "queries" in which:
            r = results["queries"] = measured("queries", lambda: queries_bench.run(store))
            print(f"  named queries over {r['cases']:,} synthetic cases of {r['events']} events:")
            if r["reused"]:
                print(f"  reused {r['reused']:,} cases already loaded in the store (not loaded again)")
            if r["imported"]:
                print(f"  loading: {r['imported']:,} cases in {r['load_s']:.0f} s through the case import "
                      f"({r['load_per_case_s'] * 1000:.0f} ms a case)")
            if r["analysed"]:
                print(f"  storing {r['analysed']:,} default analyses: {r['analyse_s']:.0f} s "
                      f"({r['analyse_per_case_s'] * 1000:.0f} ms a case)")
            for name, q in r["queries"].items():
                print(f"  {name:<40} p50 {q['p50_ms']:6.1f} ms  p95 {q['p95_ms']:6.1f} ms (target < 200)  floor p50 "
                      f"{q['floor_p50_ms']:5.1f} ms, p95 {q['floor_p95_ms']:5.1f} ms  ratio {q['ratio']:5.1f}x  "
                      f"rows {q['rows']:4}"
                      f"  indexes {','.join(q['indexes']) or '-'}"
                      + (f"  SCANS {','.join(q['scans'])}" if q["scans"] else ""))
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
