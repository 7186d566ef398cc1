"""`causalmap serve` runs gunicorn on loopback with the workers asked for, and serves the UI
and the API from every worker against the real Neo4j."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


@pytest.fixture
def served(neo4j_env, tmp_path):
    port = _free_port()
    env = {**os.environ, **neo4j_env, "CAUSALMAP_PORT": str(port), "CAUSALMAP_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen([str(Path(sys.executable).parent / "causalmap"), "serve", "--workers", "2",
                               "--no-login-link"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the server did not answer within 60 s")
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_runs_gunicorn_with_the_workers_asked_for_on_loopback(served, admin_token):
    server, port = served
    assert len(_children(server.pid)) == 2
    listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
    local = {line.split()[1] for line in listening if line.split()[3] == "0A"}  # 0A: LISTEN
    assert f"0100007F:{port:04X}" in local  # 127.0.0.1 only
    assert f"00000000:{port:04X}" not in local
    for _ in range(6):  # both workers answer, each with its own connection, and know the signing key
        asked = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Authorization": f"Bearer {admin_token}"})
        with urllib.request.urlopen(asked, timeout=10) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/cases", timeout=10)
        assert refused.value.code == 401


def test_serve_stops_cleanly_and_says_how_it_serves(served):
    server, port = served
    server.terminate()
    _, err = server.communicate(timeout=30)
    assert f"causalmap is serving at http://127.0.0.1:{port}/ with gunicorn, 2 workers (Ctrl+C to stop)" in err
    assert "Traceback" not in err
