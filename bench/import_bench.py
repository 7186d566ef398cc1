"""20,000 events through `causalmap import` against a bare batched UNWIND of the same rows.

The floor writes the same nodes and relationships with the plainest Cypher (CREATE,
one statement per batch, one transaction), from rows already in memory: no file
reading, no checks, no diff. Ours is the whole command, from the CSV file to commit.
"""

from __future__ import annotations

import json
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


def floor_rows(case_id: str, path: Path) -> tuple[list, list, list, list]:
    """The floor's agencies, events, decisions and relationships, prepared in memory from the file."""
    chronology = check_chronology(read_table(path))
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
    return agencies, events, decisions, links


def floor_write(store: Store, case_id: str, path: Path, batch: int = 5000) -> float:
    """The same nodes and relationships, written with plain CREATEs from rows prepared in memory."""
    agencies, events, decisions, links = floor_rows(case_id, path)  # parsed before the clock starts
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
    """Events first: an agency is the end of thousands of events' links, too many to detach at once."""
    with store.driver.session(database=store.database) as session:
        for pattern in ("(n:Event {case_id: $c})", "(n {case_id: $c})"):
            session.run(f"MATCH {pattern} CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 5000 ROWS",
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


# -- a big chronology, against the Neo4j `causalmap db start` runs -----------------------------
def floor_batched(store: Store, case_id: str, path: Path, batch: int = 5000) -> float:
    """The floor of a staged import: the same nodes and relationships with bare CREATEs from rows
    in memory, each batch its own transaction (one transaction cannot hold 200,000 events)."""
    agencies, events, decisions, links = floor_rows(case_id, path)
    started = time.perf_counter()
    store.write_transaction(lambda tx: tx.run(FLOOR_AGENCIES, rows=agencies).consume())
    for query, rows in ((FLOOR_NODES, events), (FLOOR_DECISION_NODES, decisions)):
        for i in range(0, len(rows), batch):
            chunk = rows[i:i + batch]
            store.write_transaction(lambda tx, q=query, c=chunk: tx.run(q, rows=c).consume())
    for a, b, rel, rows in links:
        query = FLOOR_LINK.format(a=a, b=b, type=rel)
        for i in range(0, len(rows), batch):
            chunk = rows[i:i + batch]
            store.write_transaction(lambda tx, q=query, c=chunk: tx.run(q, rows=c, case_id=case_id).consume())
    return time.perf_counter() - started


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def big(events: int) -> dict[str, object]:
    """`causalmap import` of `events` events into a new case on the local Neo4j of the settings
    (`causalmap db start`: 1 GiB heap, 716.8 MiB of transaction memory), sampling the Neo4j
    process's resident memory and the largest transaction's heap estimate twice a second."""
    import threading

    from causalmap.config import load_settings
    from causalmap.neo4j_local import LocalNeo4j
    from causalmap.store.connection import connect

    settings = load_settings(dict(os.environ))
    local = LocalNeo4j(settings)
    pid = local.status().pid
    if pid is None:
        raise SystemExit("start the local Neo4j first: causalmap db start")
    store = connect(local.uri, "neo4j", local.password(), "neo4j")
    peaks = {"neo4j_rss_mib": _rss_mib(pid), "tx_heap_mib": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.5):
            peaks["neo4j_rss_mib"] = max(peaks["neo4j_rss_mib"], _rss_mib(pid))
            row = store.read("SHOW TRANSACTIONS YIELD estimatedUsedHeapMemory AS m RETURN max(m) AS m")[0]
            peaks["tx_heap_mib"] = max(peaks["tx_heap_mib"], (row["m"] or 0) / 2 ** 20)

    with tempfile.TemporaryDirectory() as tmp:
        path = write_chronology(Path(tmp) / "chronology.csv", events)
        size_mb = path.stat().st_size / 1e6
        load_before = [round(x, 2) for x in os.getloadavg()]
        floor_s = floor_batched(store, "bench-big-floor", path)
        rss_before = _rss_mib(pid)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        ours_s, ours_peak = ours({}, "bench-big-ours", path)
        stop.set()
        sampler.join()
        load_after = [round(x, 2) for x in os.getloadavg()]
        counted = store.read("MATCH (e:Event {case_id: 'bench-big-ours'}) RETURN count(e) AS n")[0]["n"]
        result = {"events": events, "file_mb": round(size_mb, 1), "floor_s": round(floor_s, 1),
                  "ours_s": round(ours_s, 1), "ratio": round(ours_s / floor_s, 2), "events_stored": counted,
                  "command_peak_mib": round(ours_peak), "neo4j_rss_before_mib": round(rss_before),
                  "neo4j_rss_peak_mib": round(peaks["neo4j_rss_mib"]),
                  "largest_tx_heap_mib": round(peaks["tx_heap_mib"]),
                  "load_before": load_before, "load_after": load_after}
        print(json.dumps(result, indent=2), flush=True)
        for case_id in ("bench-big-floor", "bench-big-ours"):
            delete(store, case_id)
    store.close()
    return result


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="a big chronology through `causalmap import`, against the "
                                                 "local Neo4j that `causalmap db start` runs")
    parser.add_argument("--events", type=int, default=200_000)
    big(parser.parse_args().events)
