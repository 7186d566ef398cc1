"""A Neo4j for benchmarks: NEO4J_URI when set; else the local one in BENCH_NEO4J_DIR, a data
directory kept between runs (so a large corpus is loaded once and reused); else the local one
in a temporary directory."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from causalmap.config import load_settings
from causalmap.neo4j_local import LocalNeo4j
from causalmap.store import Store
from causalmap.store.connection import connect
from causalmap.store.schema import migrate


@contextmanager
def bench_store() -> Iterator[tuple[Store, dict[str, str]]]:
    if os.environ.get("NEO4J_URI"):
        env = {k: v for k, v in os.environ.items() if k.startswith("NEO4J_")}
        with connect(env["NEO4J_URI"], env.get("NEO4J_USER", "neo4j"), env.get("NEO4J_PASSWORD"),
                     env.get("NEO4J_DATABASE", "neo4j")) as store:
            migrate(store)
            yield store, env
        return
    if os.environ.get("BENCH_NEO4J_DIR"):
        with _kept_store(os.environ["BENCH_NEO4J_DIR"]) as found:
            yield found
        return
    with tempfile.TemporaryDirectory(prefix="causalmap-bench-") as tmp, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        settings = load_settings({"CAUSALMAP_DATA_DIR": tmp, "CAUSALMAP_BOLT_PORT": str(port),
                                  "CAUSALMAP_NEO4J_HEAP": "2g", "CAUSALMAP_NEO4J_PAGECACHE_MB": "512"})
        local = LocalNeo4j(settings)
        local.start()
        try:
            env = {"NEO4J_URI": local.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": local.password(),
                   "CAUSALMAP_BENCH_NEO4J_PID": str(local.status().pid or "")}
            with connect(local.uri, "neo4j", local.password(), "neo4j") as store:
                migrate(store)
                yield store, env
        finally:
            local.stop()


@contextmanager
def _kept_store(data_dir: str) -> Iterator[tuple[Store, dict[str, str]]]:
    """The local Neo4j of a kept data directory: started unless it already runs (on
    CAUSALMAP_BOLT_PORT), and stopped at the end only when it was started here."""
    settings = load_settings({"CAUSALMAP_DATA_DIR": data_dir,
                              "CAUSALMAP_BOLT_PORT": os.environ.get("CAUSALMAP_BOLT_PORT", "7687"),
                              "CAUSALMAP_NEO4J_HEAP": os.environ.get("CAUSALMAP_NEO4J_HEAP", "2g"),
                              "CAUSALMAP_NEO4J_PAGECACHE_MB": os.environ.get("CAUSALMAP_NEO4J_PAGECACHE_MB", "1024")})
    local = LocalNeo4j(settings)
    started = local.start()
    print(f"Neo4j in {data_dir} on {local.uri}: {'started' if started else 'already running, reused'}", flush=True)
    try:
        env = {"NEO4J_URI": local.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": local.password()}
        with connect(local.uri, "neo4j", local.password(), "neo4j") as store:
            migrate(store)
            yield store, env
    finally:
        if started:
            local.stop()
