"""`make bench`: every benchmark, its absolute figures and its ratio to the floor of the same run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import analysis_bench, import_bench, ui_bench
from bench.server import bench_store


def main(which: list[str]) -> None:
    results: dict[str, dict[str, float]] = {}
    with bench_store() as (store, env):
        if not which or "import" in which:
            r = import_bench.run(store, env)
            results["import"] = r
            print(f"import of {r['events']:,} events, median of {r['repeats']} runs:")
            print(f"  floor, bare batched UNWIND from rows in memory: {r['floor_s']:.2f} s "
                  f"({r['floor_rows_per_s']:,.0f} rows/s)")
            print(f"  `causalmap import`, CSV file to commit:         {r['ours_s']:.2f} s "
                  f"({r['ours_rows_per_s']:,.0f} rows/s)  ratio {r['ratio']:.2f}x (target <= 1.5x)")
            print(f"  the same import in process (read, check, write): {r['in_process_s']:.2f} s"
                  f"  ratio {r['in_process_ratio']:.2f}x")
            print(f"  re-import of the same file (nothing to write): {r['reimport_s']:.2f} s; "
                  f"peak memory of the command {r['peak_mib']:.0f} MiB")
        if not which or "analysis" in which:
            r = analysis_bench.run(store)
            results["analysis"] = r
            print(f"full analysis of a {r['events']:,}-event, {r['agencies']}-agency case, median of 3 runs:")
            print(f"  floor, one bare read of the events and their links: {r['floor_s']:.2f} s")
            print(f"  read {r['read_s']:.2f} s + compute {r['compute_s']:.2f} s = {r['total_s']:.2f} s"
                  f"  (target < 3 s; ratio to the floor {r['ratio']:.1f}x)")
            print(f"  found {r['gaps']:,} gaps, {r['checks']:,} checks, {r['patterns']:,} patterns, "
                  f"{r['chains']} chains")
        if not which or "ui" in which:
            r = ui_bench.run(store)
            results["ui"] = r
            print(f"web UI with a {r['nodes']:,}-node case ({r['edges']:,} edges):")
            print(f"  map data served: {r['map_ms']:.0f} ms (target 300 ms); floor, the bare Cypher read: "
                  f"{r['map_floor_ms']:.0f} ms; ratio {r['map_ratio']:.1f}x")
            print(f"  map page laid out and drawn in headless Chromium: {r['page_s']:.2f} s (target 3 s); floor, a "
                  f"bare vis-network page with the same data: {r['bare_page_s']:.2f} s; ratio {r['page_ratio']:.1f}x")
            print(f"  switching to the free layout until physics stops: {r['free_layout_s']:.2f} s")
            print(f"  a pan or wheel zoom until drawn again: median {r['move_median_ms']:.1f} ms, worst "
                  f"{r['move_worst_ms']:.1f} ms (target 33 ms, two frames); floor, the bare page: median "
                  f"{r['bare_move_median_ms']:.1f} ms, worst {r['bare_move_worst_ms']:.1f} ms; "
                  f"ratio {r['move_ratio']:.1f}x")
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
