"""A 200,000-event chronology imported whole into a new case (staged in batches, switched in
one transaction), against the floor of the same import at 20,000 events in the same run.

The figure to watch is that it completes, all or nothing, in the bench's 2 GB-heap Neo4j
(one transaction of 120,000 events used to exhaust its memory), and its rate against the
20,000-event floor: staging should not make a large import slower per row.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from bench.generate import write_chronology
from bench.import_bench import delete, in_process
from causalmap.store import Store
from causalmap.store.cases import case_summary


def run(store: Store, events: int = 200_000, floor_events: int = 20_000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        small = write_chronology(Path(tmp) / "small.csv", floor_events)
        large = write_chronology(Path(tmp) / "large.csv", events)
        floor_s = in_process(store, "bench-large-floor", small)
        started = time.perf_counter()
        ours_s = in_process(store, "bench-large", large)
        assert time.perf_counter() - started >= ours_s
        stored = case_summary(store, "bench-large")["counts"]["event"]
        for case_id in ("bench-large-floor", "bench-large"):
            delete(store, case_id)
    floor_rate, rate = floor_events / floor_s, events / ours_s
    return {"events": events, "stored_events": stored, "seconds": ours_s, "rows_per_s": rate,
            "floor_events": floor_events, "floor_s": floor_s, "floor_rows_per_s": floor_rate,
            "per_row_ratio": floor_rate / rate,
            "bench_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
