"""Running the web app: gunicorn for real use, Werkzeug's reloader for development.

`causalmap serve` uses gunicorn, as the Docker image does. Werkzeug's development server is
one process: on a large case ten readers already wait seconds on each other while a core
sits idle.

Workers: one per core, each with 8 threads (gunicorn's `gthread` worker). The heavy
requests (analysis, map layout) are CPU-bound Python, so more processes than cores add no
throughput, only memory and Neo4j connection pools (one driver per worker); the threads
overlap the time each request waits on Neo4j. With a case's answers kept per revision
(web/case_memory.py) most requests mostly wait (a revision read, the audit commit), so 8
threads rather than 4: in the load benchmark 8 cost 11% less CPU per request (larger audit
batches) and halved the median read on the same machine (docs/benchmarks.md). Gunicorn's usual 2 x cores + 1 suits sync
workers that wait on I/O, not this mix, and the machine also runs Neo4j.
"""

from __future__ import annotations

import os
from typing import Any

from causalmap.web.app import create_app
from flask import Flask

THREADS = 8


def build_app() -> Flask:
    """The app as each worker builds it, after the fork: its Neo4j driver is its own
    (drivers do not survive a fork), opened on the first request."""
    return create_app()


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_production(host: str, port: int, workers: int | None = None, threads: int = THREADS) -> None:
    """Serve with gunicorn until interrupted."""
    from gunicorn.app.base import BaseApplication

    options = {"bind": f"{host}:{port}", "workers": workers or default_workers(), "threads": threads,
               "worker_class": "gthread", "accesslog": None, "errorlog": "-", "loglevel": "warning",
               "timeout": 120, "graceful_timeout": 10}

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return build_app()

    Server().run()


def run_development(host: str, port: int) -> None:
    """Werkzeug's server with the reloader: restarts when the code changes."""
    from causalmap.web.headers import QuietRequestHandler
    from werkzeug.serving import run_simple

    run_simple(host, port, build_app(), threaded=True, use_reloader=True, request_handler=QuietRequestHandler)
