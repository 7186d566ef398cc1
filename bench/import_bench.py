"""20,000 events through `causalmap import` against a bare batched UNWIND of the same rows.

The floor writes the same nodes and relationships with the plainest Cypher (CREATE,
one statement per batch, one transaction), from rows already in memory: no file
reading, no checks, no diff. Ours is the whole command, from the CSV file to commit.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import write_chronology
from causalmap.chronology import check_chronology, read_table
from causalmap.store import Store
from causalmap.store.chronology import import_chronology

FLOOR_AGENCIES = "UNWIND $rows AS row CREATE (a:Agency) SET a = row"
FLOOR_NODES = "UNWIND $rows AS row CREATE (n:Event) SET n = row"
FLOOR_DECISION_NODES = "UNWIND $rows AS row CREATE (n:Decision) SET n = row"
FLOOR_LINK = """
UNWIND $rows AS row
MATCH (a:{a} {{case_id: $case_id, id: row.a}}) USING INDEX a:{a}(case_id, id)
MATCH (b:{b} {{case_id: $case_id, id: row.b}}) USING INDEX b:{b}(case_id, id)
CREATE (a)-[:{type}]->(b)
"""


def floor_write(store: Store, case_id: str, path: Path, batch: int = 5000) -> float:
    """The same nodes and relationships, written with plain CREATEs from rows prepared in memory."""
    chronology = check_chronology(read_table(path))  # parsed before the clock starts
    agencies = [{"case_id": case_id, "id": a["id"], "name": a["name"], "sector": a["sector"]}
                for a in chronology.agencies.values()]
    events = [{"case_id": case_id, **{k: e[k] for k in ("id", "date", "date_precision", "kind", "description",
                                                        "agency", "source", "disputed")}}
              for e in chronology.events.values()]
    decisions = [{"case_id": case_id, **{k: d[k] for k in ("id", "date", "description", "taken", "agency")}}
                 for d in chronology.decisions.values()]
    ev = chronology.events.values()
    links = [
        ("Event", "Agency", "BY", [{"a": e["id"], "b": e["agency"]} for e in ev]),
        ("Event", "Agency", "SOURCE", [{"a": e["id"], "b": e["source"]} for e in ev]),
        ("Event", "Agency", "TO", [{"a": e["id"], "b": t} for e in ev for t in e["to_agencies"]]),
        ("Event", "Agency", "ATTENDED_BY", [{"a": e["id"], "b": t} for e in ev for t in e["participants"]]),
        ("Event", "Event", "RESPONDS_TO", [{"a": e["id"], "b": t} for e in ev for t in e["responds_to"]]),
        ("Decision", "Event", "MADE_AT", [{"a": d["id"], "b": d["made_at"]} for d in chronology.decisions.values()]),
        ("Decision", "Agency", "BY", [{"a": d["id"], "b": d["agency"]} for d in chronology.decisions.values()]),
    ]
    started = time.perf_counter()

    def work(tx):  # type: ignore[no-untyped-def]
        tx.run(FLOOR_AGENCIES, rows=agencies).consume()
        for query, rows in ((FLOOR_NODES, events), (FLOOR_DECISION_NODES, decisions)):
            for i in range(0, len(rows), batch):
                tx.run(query, rows=rows[i:i + batch]).consume()
        for a, b, rel, rows in links:
            query = FLOOR_LINK.format(a=a, b=b, type=rel)
            for i in range(0, len(rows), batch):
                tx.run(query, rows=rows[i:i + batch], case_id=case_id).consume()

    store.write_transaction(work)
    return time.perf_counter() - started


def ours(env: dict[str, str], case_id: str, path: Path) -> tuple[float, float]:
    """Seconds for the whole `causalmap import` command, and its peak memory in MiB."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "causalmap.cli", "import", case_id, str(path)],
                          env={**os.environ, **env}, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"causalmap import failed: {done.stderr}")
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak_mib


def delete(store: Store, case_id: str) -> None:
    with store.driver.session(database=store.database) as session:
        session.run("MATCH (n {case_id: $c}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS",
                    c=case_id).consume()
    store.driver.execute_query("MATCH (c:Case {id: $c}) DETACH DELETE c", c=case_id)


def in_process(store: Store, case_id: str, path: Path) -> float:
    """The same import without the command around it: read, check and write, in this process."""
    started = time.perf_counter()
    import_chronology(store, case_id, read_table(path))
    return time.perf_counter() - started


def run(store: Store, env: dict[str, str], events: int = 20_000, repeats: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_chronology(Path(tmp) / "chronology.csv", events)
        floor_write(store, "bench-warm-floor", path)  # warm-up: the server plans each query once
        ours(env, "bench-warm-ours", path)
        floors, commands, inside, peaks = [], [], [], []
        for i in range(repeats):  # alternate, so drift in the machine hits both alike
            floors.append(floor_write(store, f"bench-floor-{i}", path))
            elapsed, peak = ours(env, f"bench-ours-{i}", path)
            commands.append(elapsed)
            peaks.append(peak)
            inside.append(in_process(store, f"bench-inproc-{i}", path))
        again, _ = ours(env, "bench-ours-0", path)
        for case_id in ["bench-warm-floor", "bench-warm-ours"] + [f"bench-{k}-{i}" for k in ("floor", "ours", "inproc")
                                                                  for i in range(repeats)]:
            delete(store, case_id)
    floor_s, ours_s, inside_s = statistics.median(floors), statistics.median(commands), statistics.median(inside)
    return {"events": events, "repeats": repeats, "floor_s": floor_s, "ours_s": ours_s, "in_process_s": inside_s,
            "reimport_s": again, "floor_rows_per_s": events / floor_s, "ours_rows_per_s": events / ours_s,
            "ratio": ours_s / floor_s, "in_process_ratio": inside_s / floor_s, "peak_mib": max(peaks)}
