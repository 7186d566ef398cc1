"""Settings from the environment, in one table that the CLI prints and a test checks against docs.

Nothing is read at import time: :func:`load_settings` reads the environment when asked,
so tests and the Flask app factory can pass their own mapping.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from causalmap.errors import UsageError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("NEO4J_URI", None, "Bolt URI of an existing Neo4j; when unset, causalmap runs its own local Neo4j"),
    Setting("NEO4J_USER", "neo4j", "user for NEO4J_URI"),
    Setting("NEO4J_PASSWORD", None, "password for NEO4J_URI (never stored in the repository)"),
    Setting("NEO4J_DATABASE", "neo4j", "database name on the server"),
    Setting("CAUSALMAP_DATA_DIR", "var/neo4j", "where the local Neo4j keeps its data, password file, log and pid"),
    Setting("CAUSALMAP_BOLT_PORT", "7687", "Bolt port of the local Neo4j, on 127.0.0.1 only"),
    Setting("CAUSALMAP_NEO4J_HEAP", "1g", "Java heap of the local Neo4j (-Xmx)"),
    Setting("CAUSALMAP_NEO4J_PAGECACHE_MB", "256", "page cache of the local Neo4j, in MiB"),
    Setting("CAUSALMAP_RUNTIME_DIR", "~/.cache/causalmap", "where the Neo4j jars and the compiled launcher are kept"),
    Setting("CAUSALMAP_HOST", "127.0.0.1", "address the web server listens on (loopback unless you change it)"),
    Setting("CAUSALMAP_PORT", "5000", "port of the web server"),
    Setting("CAUSALMAP_TRUSTED_HOSTS", "127.0.0.1,localhost", "host names the web server answers to "
            "(comma-separated; guards against DNS rebinding); add your proxy's name"),
    Setting("CAUSALMAP_QUERY_TIMEOUT", "10", "seconds a named query may run on the server before it is stopped"),
    Setting("CAUSALMAP_RULES", None, "a JSON file of protocol timeliness rules replacing the shipped ones"),
    Setting("CAUSALMAP_SECRET_KEY", None, "key that signs the web sessions; when unset, one is generated once "
            "into CAUSALMAP_DATA_DIR/secret_key (owner-only)"),
    Setting("CAUSALMAP_PROXIES", "0", "reverse proxies in front of the web server whose X-Forwarded-For, "
            "-Proto and -Host headers to trust (1 behind one HTTPS proxy)"),
)


@dataclass(frozen=True)
class Settings:
    """Validated settings; `neo4j_uri` None means the local, project-run Neo4j."""

    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: str | None
    neo4j_database: str
    data_dir: Path
    bolt_port: int
    heap: str
    pagecache_mb: int
    runtime_dir: Path
    host: str
    port: int
    rules_file: Path | None
    trusted_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    secret_key: str | None = None
    proxies: int = 0
    query_timeout: int = 10

    @property
    def local(self) -> bool:
        return self.neo4j_uri is None


def _int(env: Mapping[str, str], name: str, low: int, high: int) -> int:
    raw = env[name]
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a whole number; set it to a number from {low} to {high}") from None
    if not low <= value <= high:
        raise UsageError(f"{name}={value} is out of range; set it to a number from {low} to {high}")
    return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting, defaults filled in, so errors show at start-up."""
    source = os.environ if environ is None else environ
    env = {s.name: source.get(s.name) or s.default for s in SETTINGS}
    uri = env["NEO4J_URI"]
    if uri and uri.split("://", 1)[0] not in ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"):
        raise UsageError(f"NEO4J_URI={uri!r} is not a Neo4j URI; use bolt://host:7687 or neo4j+s://host")
    heap = env["CAUSALMAP_NEO4J_HEAP"] or "1g"
    if not heap[:-1].isdigit() or heap[-1].lower() not in "mg":
        raise UsageError(f"CAUSALMAP_NEO4J_HEAP={heap!r} is not a heap size; use e.g. 512m or 2g")
    rules = env["CAUSALMAP_RULES"]
    return Settings(
        neo4j_uri=uri,
        neo4j_user=env["NEO4J_USER"] or "neo4j",
        neo4j_password=env["NEO4J_PASSWORD"],
        neo4j_database=env["NEO4J_DATABASE"] or "neo4j",
        data_dir=Path(env["CAUSALMAP_DATA_DIR"] or "var/neo4j").expanduser().resolve(),
        bolt_port=_int(env, "CAUSALMAP_BOLT_PORT", 1, 65535),
        heap=heap,
        pagecache_mb=_int(env, "CAUSALMAP_NEO4J_PAGECACHE_MB", 8, 65536),
        runtime_dir=Path(env["CAUSALMAP_RUNTIME_DIR"] or "~/.cache/causalmap").expanduser().resolve(),
        host=env["CAUSALMAP_HOST"] or "127.0.0.1",
        port=_int(env, "CAUSALMAP_PORT", 1, 65535),
        rules_file=Path(rules).expanduser() if rules else None,
        trusted_hosts=tuple(h.strip() for h in (env["CAUSALMAP_TRUSTED_HOSTS"] or "").split(",") if h.strip()),
        secret_key=env["CAUSALMAP_SECRET_KEY"],
        proxies=_int(env, "CAUSALMAP_PROXIES", 0, 5),
        query_timeout=_int(env, "CAUSALMAP_QUERY_TIMEOUT", 1, 3600),
    )
