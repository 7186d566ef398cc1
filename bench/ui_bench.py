"""The web UI with a 2,000-node case: its map data served, and the map page laid out and idle.

Map data: GET /api/cases/ID/map over HTTP, against the floor of the bare Cypher read of
the same events in the same run (target 300 ms). Page: from navigation until the map has
laid out and drawn (body[data-map-ready]) in headless Chromium, against the floor of a bare
page drawing the same nodes and edges with vis-network and nothing else, its data and
vis-network read from static files by a plain static file server, not the project's API
(target 3 s). Pan and zoom: from a wheel step or a pan until the map has drawn again,
median and worst of 20, against the same on the bare page (target: a frame or two, 33 ms).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import logging
import statistics
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from causalmap.web import create_app
from werkzeug.serving import make_server

from bench.analysis_bench import FLOOR, generated_case
from bench.import_bench import delete
from causalmap.interchange.case_json import import_case
from causalmap.store import Store

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
BARE_PAGE = """<!doctype html><html><body><div id="n" style="width:1400px;height:800px"></div>
<script src="vis-network.min.js"></script>
<script>
fetch("map.json").then(r => r.json()).then(m => {{
  const lanes = {{}}; m.agencies.forEach((a, i) => lanes[a.id] = i);
  const nodes = m.nodes.map((n, i) => ({{id: n.id, label: (n.lines || []).join("\\n"), shape: n.shape,
                                        x: i % 200 * 12, y: (lanes[n.agency] || 0) * 90}}));
  const net = new vis.Network(document.getElementById("n"), {{nodes, edges: m.edges}}, {{physics: false}});
  window.bare = net;
  net.once("afterDrawing", () => document.body.dataset.ready = "true");
}});
</script></body></html>"""


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


USER = "bench-ui"


def _signed_in(store: Store) -> tuple[dict[str, str], Any]:
    """An administrator for the benchmark: API headers, and a maker of one-time login links."""
    from causalmap.accounts.users import add_user, issue_api_token, issue_login_token

    _forget_user(store)
    add_user(store, USER, "administrator", None)
    headers = {"Authorization": f"Bearer {issue_api_token(store, USER, None)['token']}"}
    return headers, lambda: issue_login_token(store, USER)


def _forget_user(store: Store) -> None:
    from causalmap.errors import NotFound
    from causalmap.store.users import delete_user

    try:
        delete_user(store, USER)
    except NotFound:
        pass


def _get(url: str, headers: dict[str, str]) -> bytes:
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers)).read()


def run(store: Store, events: int = 1650, repeats: int = 5) -> dict[str, Any]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request would drown the figures
    case_id = "bench-ui"
    delete(store, case_id)
    import_case(store, generated_case(events, 12, factors=185, links=300), as_id=case_id)
    headers, login = _signed_in(store)
    app = create_app({}, store=store)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    try:
        _get(f"{base}/api/cases/{case_id}/map", headers)  # warm-up
        served, floors = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            body = _get(f"{base}/api/cases/{case_id}/map", headers)
            served.append(time.perf_counter() - started)
            started = time.perf_counter()
            store.read(FLOOR, case_id=case_id)
            floors.append(time.perf_counter() - started)
        model = json.loads(body)
        with static_bare_page(base, body) as bare_url:
            page_s, bare_s, free_s, moves = _page_times(base, case_id, bare_url, login, repeats=3)
    finally:
        http.shutdown()
        delete(store, case_id)
        _forget_user(store)
    return {"nodes": len(model["nodes"]), "edges": len(model["edges"]), "map_ms": _median_ms(served),
            "map_floor_ms": _median_ms(floors), "map_ratio": statistics.median(served) / statistics.median(floors),
            "page_s": page_s, "bare_page_s": bare_s, "page_ratio": page_s / bare_s, "free_layout_s": free_s,
            **moves, "move_ratio": moves["move_median_ms"] / max(0.1, moves["bare_move_median_ms"])}


MOVES = """async (which) => {
  const net = which === "bare" ? window.bare : causalmap.network;
  const canvas = net.canvas.frame.canvas, box = canvas.getBoundingClientRect();
  const times = [];
  for (let i = 0; i < 20; i++) {
    const drawn = new Promise(r => net.once("afterDrawing", r));
    const started = performance.now();
    if (i % 2) {
      canvas.dispatchEvent(new WheelEvent("wheel", {deltaY: i % 4 === 1 ? -120 : 120, bubbles: true, cancelable: true,
        clientX: box.left + box.width / 2, clientY: box.top + box.height / 2}));
    } else {
      const p = net.getViewPosition();
      net.moveTo({position: {x: p.x + (i % 4 ? -150 : 150), y: p.y + 40}});
      net.emit("dragEnd", {});
    }
    await drawn;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return [times[10], times[times.length - 1]];
}"""


@contextlib.contextmanager
def static_bare_page(base: str, map_json: bytes) -> Iterator[str]:
    """The floor's page, its map data and vis-network as static files behind Python's plain
    file server: nothing of the project runs while it draws."""
    with tempfile.TemporaryDirectory(prefix="causalmap-bare-") as folder:
        root = Path(folder)
        (root / "map.json").write_bytes(map_json)
        (root / "vis-network.min.js").write_bytes(urllib.request.urlopen(f"{base}/vendor/vis-network.min.js").read())
        (root / "index.html").write_text(BARE_PAGE.format())
        quiet = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
        files = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(quiet, directory=folder))
        threading.Thread(target=files.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{files.server_port}/index.html"
        finally:
            files.shutdown()


def _page_times(base: str, case_id: str, bare_url: str, login: Any, repeats: int
                ) -> tuple[float, float, float, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    pages, bares, frees, moves, bare_moves = [], [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for i in range(repeats + 1):
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(f"{base}/login/link?token={login()}")  # signed in before the clock starts
            started = time.perf_counter()
            page.goto(f"{base}/cases/{case_id}/map")
            page.wait_for_selector("body[data-map-ready=true]", timeout=60000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            elapsed = time.perf_counter() - started
            moved = page.evaluate(MOVES, "map")
            started = time.perf_counter()
            page.evaluate("() => { document.body.dataset.mapReady = 'false'; causalmap.ready = false; }")
            page.check("input[name=layout][value=free]")
            page.wait_for_selector("body[data-map-ready=true]", timeout=120000)
            free = time.perf_counter() - started
            page.close()
            bare = browser.new_page(viewport={"width": 1500, "height": 1000})
            started = time.perf_counter()
            bare.goto(bare_url)
            bare.wait_for_selector("body[data-ready=true]", timeout=60000)
            bare_elapsed = time.perf_counter() - started
            bare_moved = bare.evaluate(MOVES, "bare")
            bare.close()
            if i:  # the first round warms the browser's cache and the server
                pages.append(elapsed)
                bares.append(bare_elapsed)
                frees.append(free)
                moves.append(moved)
                bare_moves.append(bare_moved)
        browser.close()
    figures = {"move_median_ms": statistics.median(m[0] for m in moves), "move_worst_ms": max(m[1] for m in moves),
               "bare_move_median_ms": statistics.median(m[0] for m in bare_moves),
               "bare_move_worst_ms": max(m[1] for m in bare_moves)}
    return statistics.median(pages), statistics.median(bares), statistics.median(frees), figures
