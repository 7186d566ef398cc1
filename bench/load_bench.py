"""Fifty people using one server at once: `causalmap serve` (gunicorn) on loopback.

Five realistic cases (100 to 500 events, with factors and causal links). Forty simulated
panel members open the overview and the map pages, read the map data, the analysis and the
agency network, and now and then edit a factor (read it, write it back with its version);
ten analysts list and run the named queries across cases. Each
user does a fixed number of actions with a pause between them, so the run is bounded in count
and in time; first at the target's pace, then at a stress pace (PACES). Reported: throughput,
p50/p95/p99 of reads and of writes, and errors (any status of 400 or more, or no answer).
Target: reads p95 under 300 ms, no errors, at the target's pace. Floor, in the same run: the
same reads one at a time by a single user.

Where the CPU went during the run, per request: the web server's processes, the local Neo4j
(when the benchmark started it) and this load generator itself, from /proc. On a machine
of 2 cores that all three share, that says what a request costs and who pays for it.

Accounts: every simulated user is a real account (panel members granted their case,
analysts), signed in with an API token; `headers()` is the one place a request's headers
are made.
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.analysis_bench import generated_case
from bench.import_bench import delete
from causalmap.accounts.users import add_user, grant, issue_api_token
from causalmap.interchange.case_json import import_case
from causalmap.store import Store
from causalmap.store.users import delete_user

SIZES = (100, 200, 300, 400, 500)
PANEL, ANALYSTS, ACTIONS = 40, 10, 20
#: Seconds between a user's actions, drawn evenly from (low, high). The target is measured at
#: the first pace: an action every 1 to 3 s (2 on average) for each of the fifty, faster than
#: anyone reads a map or a query's answer, with an edit every ten actions on five cases shared
#: by eight people each. The second, every 0.2 to 1 s, is a stress pace that no meeting
#: reaches; it says how far the server is from saturation. BENCH_PAUSE="lo,hi" runs one pace.
PACES: dict[str, tuple[float, float]] = (
    {"given": tuple(float(x) for x in os.environ["BENCH_PAUSE"].split(","))}  # type: ignore[dict-item]
    if os.environ.get("BENCH_PAUSE") else {"target": (1.0, 3.0), "stress": (0.2, 1.0)})
DEADLINE_S = 240


@dataclass
class Sample:
    kind: str  # "read" or "write"
    what: str
    seconds: float
    status: int


TOKENS: dict[int, str] = {}


def headers(user: int) -> dict[str, str]:
    """The request headers of simulated user `user`: its API token."""
    return {"Accept": "application/json", "Authorization": f"Bearer {TOKENS[user]}"}


def make_accounts(store: Store, cases: list[str]) -> list[str]:
    """An account and an API token per simulated user (user 0, the floor's, is an administrator)."""
    names = []
    for user in range(PANEL + ANALYSTS):
        name = f"bench-user-{user}"
        role = "administrator" if user == 0 else "panel_member" if user < PANEL else "analyst"
        add_user(store, name, role, None)
        if role == "panel_member":
            grant(store, name, cases[user % len(cases)])
        TOKENS[user] = issue_api_token(store, name, 1)["token"]
        names.append(name)
    return names


def _request(base: str, user: int, path: str, method: str = "GET", body: Any = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    sent = {**headers(user), **({"Content-Type": "application/json"} if data else {})}
    request = urllib.request.Request(base + path, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 599, b""


def _timed(samples: list[Sample], base: str, user: int, kind: str, what: str, path: str, method: str = "GET",
           body: Any = None) -> bytes:
    started = time.perf_counter()
    status, payload = _request(base, user, path, method, body)
    samples.append(Sample(kind, what, time.perf_counter() - started, status))
    return payload


def panel_member(base: str, user: int, cases: list[str], samples: list[Sample], pause: tuple[float, float]) -> None:
    rng = random.Random(user)
    case = cases[user % len(cases)]
    reads = [("overview page", f"/cases/{case}"), ("map page", f"/cases/{case}/map"),
             ("map data", f"/api/cases/{case}/map"), ("map data", f"/api/cases/{case}/map"),
             ("analysis", f"/api/cases/{case}/analysis"), ("network", f"/api/cases/{case}/network"),
             ("records", f"/api/cases/{case}/events")]
    for _ in range(ACTIONS):
        time.sleep(rng.uniform(*pause))
        if rng.random() < 0.1:  # edit this user's own factor: read it, write it back with its version
            path = f"/api/cases/{case}/factors/f{user}"
            factor = json.loads(_timed(samples, base, user, "read", "factor", path) or b"{}")
            factor["description"] = f"Edited by user {user} at {time.time():.3f}"
            _timed(samples, base, user, "write", "edit factor", path, "PUT", factor)
        else:
            what, path = rng.choice(reads)
            _timed(samples, base, user, "read", what, path)


def analyst(base: str, user: int, cases: list[str], samples: list[Sample], pause: tuple[float, float]) -> None:
    rng = random.Random(user)
    reads = [("queries", "/api/queries"), ("named query", "/api/queries/factor-categories"),
             ("named query", "/api/queries/unanswered-referrals-by-sector"),
             ("named query", "/api/queries/causal-paths-from-category?category=incidents_crises"),
             ("cases", "/api/cases")]
    for _ in range(ACTIONS):  # analysts see the cross-case queries, never a case
        time.sleep(rng.uniform(*pause))
        _timed(samples, base, user, "read", *rng.choice(reads))


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(env: dict[str, str], workers: int | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "causalmap"), "serve", "--port", str(port), "--no-login-link"]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while _request(base, 0, "/api/cases")[0] != 200:
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("causalmap serve did not answer within 60 s")
        time.sleep(0.3)
    return server, base


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process so far (Linux /proc; 0 elsewhere or once gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes(server: subprocess.Popen, env: dict[str, str]) -> dict[str, list[int]]:
    """The processes whose CPU the run reports: the server and its gunicorn workers, the local
    Neo4j (its pid in CAUSALMAP_BENCH_NEO4J_PID, set by bench/server.py), this process."""
    try:
        children = [int(p) for p in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
    except OSError:
        children = []
    found = {"web server": [server.pid, *children], "load generator": [os.getpid()]}
    if env.get("CAUSALMAP_BENCH_NEO4J_PID"):
        found["Neo4j"] = [int(env["CAUSALMAP_BENCH_NEO4J_PID"])]
    return found


def run(store: Store, env: dict[str, str]) -> dict[str, Any]:
    cases = [f"bench-load-{n}" for n in SIZES]
    for case_id, n in zip(cases, SIZES, strict=True):
        delete(store, case_id)
        import_case(store, generated_case(n, 8, factors=PANEL + 10, links=n // 5), as_id=case_id)
    names = make_accounts(store, cases)
    server, base = serve(env, int(os.environ.get("BENCH_WORKERS", "0")) or None)  # default: one per core
    try:
        floor: list[Sample] = []
        for case_id in cases:  # warm every worker's caches, then the floor: one user, one read at a time
            for _ in range(2):
                for path in (f"/cases/{case_id}", f"/api/cases/{case_id}/map", f"/api/cases/{case_id}/analysis"):
                    _timed(floor, base, 0, "read", "floor", path)
        floor = floor[len(floor) // 2:]
        processes = _processes(server, env)
        floor_ms = statistics.median(s.seconds for s in floor) * 1000
        paces = {name: {**_users(base, cases, pause, processes), "pause": pause} for name, pause in PACES.items()}
        return {name: {**r, "floor_ms": floor_ms, "ratio": r["read_p50_ms"] / floor_ms} for name, r in paces.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
        for case_id in cases:
            delete(store, case_id)
        for name in names:
            delete_user(store, name)


def _users(base: str, cases: list[str], pause: tuple[float, float], processes: dict[str, list[int]]
           ) -> dict[str, Any]:
    """The fifty users at one pace, each doing ACTIONS actions; what they saw, and the CPU spent."""
    cpu_before = {name: sum(map(_cpu_seconds, pids)) for name, pids in processes.items()}
    samples: list[Sample] = []
    users = [threading.Thread(target=panel_member, args=(base, u, cases, samples, pause)) for u in range(PANEL)]
    users += [threading.Thread(target=analyst, args=(base, PANEL + u, cases, samples, pause))
              for u in range(ANALYSTS)]
    started = time.perf_counter()
    for user in users:
        user.start()
    for user in users:
        user.join(timeout=max(1.0, DEADLINE_S - (time.perf_counter() - started)))
    elapsed = time.perf_counter() - started
    cpu = {name: sum(map(_cpu_seconds, pids)) - cpu_before[name] for name, pids in processes.items()}
    reads = [s.seconds for s in samples if s.kind == "read"]
    writes = [s.seconds for s in samples if s.kind == "write"]
    errors = [s for s in samples if s.status >= 400]
    by_what = {}
    for what in sorted({s.what for s in samples}):
        times = [s.seconds for s in samples if s.what == what]
        by_what[what] = {"count": len(times), "p50_ms": _percentile(times, 50), "p95_ms": _percentile(times, 95)}
    return {"users": PANEL + ANALYSTS, "requests": len(samples), "seconds": elapsed,
            "throughput": len(samples) / elapsed, "errors": len(errors),
            "error_examples": sorted({f"{s.status} {s.what}" for s in errors})[:5],
            "read_p50_ms": _percentile(reads, 50), "read_p95_ms": _percentile(reads, 95),
            "read_p99_ms": _percentile(reads, 99), "write_p50_ms": _percentile(writes, 50) if writes else 0.0,
            "write_p95_ms": _percentile(writes, 95) if writes else 0.0,
            "write_p99_ms": _percentile(writes, 99) if writes else 0.0, "writes": len(writes),
            "unfinished_users": sum(u.is_alive() for u in users),
            "cpu_ms_per_request": {name: seconds / max(1, len(samples)) * 1000 for name, seconds in cpu.items()},
            "cpu_share": {name: seconds / (elapsed * (os.cpu_count() or 1)) for name, seconds in cpu.items()},
            "by_what": by_what}
