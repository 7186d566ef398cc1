"""Fixtures: a real Neo4j 5.26 once per test session, and one fresh case per test.

Without NEO4J_URI the session starts causalmap's own local Neo4j in a temporary data
directory on a free port and stops it at the end; with NEO4J_URI it uses that server.
Each test makes its own case ids and removes them, so tests never see each other's data.
"""

from __future__ import annotations

import io
import json
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from causalmap.cli import main
from causalmap.config import load_settings
from causalmap.neo4j_local import LocalNeo4j
from causalmap.store import Store
from causalmap.store.connection import connect
from causalmap.store.schema import migrate


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def neo4j_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment variables that point causalmap at the test database."""
    if os.environ.get("NEO4J_URI"):
        yield {k: v for k, v in os.environ.items() if k.startswith("NEO4J_")}
        return
    data_dir = tmp_path_factory.mktemp("neo4j")
    settings = load_settings({"CAUSALMAP_DATA_DIR": str(data_dir), "CAUSALMAP_BOLT_PORT": str(_free_port()),
                              "CAUSALMAP_NEO4J_HEAP": "1g", "CAUSALMAP_NEO4J_PAGECACHE_MB": "128",
                              **{k: v for k, v in os.environ.items() if k == "CAUSALMAP_RUNTIME_DIR"}})
    local = LocalNeo4j(settings)
    local.start()
    try:
        yield {"NEO4J_URI": local.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": local.password(),
               "NEO4J_DATABASE": "neo4j", "CAUSALMAP_TEST_DATA_DIR": str(data_dir),
               "CAUSALMAP_TEST_BOLT_PORT": str(settings.bolt_port)}
    finally:
        local.stop()


@pytest.fixture(scope="session")
def store(neo4j_env: dict[str, str]) -> Iterator[Store]:
    with connect(neo4j_env["NEO4J_URI"], neo4j_env["NEO4J_USER"], neo4j_env["NEO4J_PASSWORD"],
                 neo4j_env.get("NEO4J_DATABASE", "neo4j")) as connected:
        migrate(connected)
        yield connected


@pytest.fixture
def new_case_id(store: Store) -> Iterator[callable]:
    """Make unique case ids; every case made with one is deleted after the test."""
    made: list[str] = []

    def make(prefix: str = "t") -> str:
        made.append(f"{prefix}-{uuid.uuid4().hex[:10]}")
        return made[-1]

    yield make
    for case_id in made:
        store.driver.execute_query("MATCH (n {case_id: $c}) DETACH DELETE n", c=case_id)
        store.driver.execute_query("MATCH (n:Case {id: $c}) DETACH DELETE n", c=case_id)


@pytest.fixture
def case_id(new_case_id) -> str:
    return new_case_id()


@pytest.fixture
def two_samples(store: Store, new_case_id) -> list[str]:
    """Two cases imported from the sample document, in id order (removed after the test)."""
    from causalmap.interchange.case_json import import_case
    from causalmap.samples import sample_document

    ids = sorted([new_case_id("q"), new_case_id("q")])
    for case_id in ids:
        import_case(store, sample_document(), as_id=case_id)
    return ids


@dataclass
class Ran:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def cli(neo4j_env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    """Run the causalmap command in this process against the test database."""
    for key, value in neo4j_env.items():
        monkeypatch.setenv(key, value)

    def run(*args: str) -> Ran:
        out, err = io.StringIO(), io.StringIO()
        code = 0
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        return Ran(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write rows (the first is the header) as a CSV file and return its path."""
    import csv

    def write(rows: list[list[str]], name: str = "chronology.csv") -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        return path

    return write


@pytest.fixture(scope="session")
def app(store, tmp_path_factory: pytest.TempPathFactory):
    from causalmap.web import create_app

    data_dir = tmp_path_factory.mktemp("app-data")  # the session key is generated here
    application = create_app({"CAUSALMAP_DATA_DIR": str(data_dir)}, store=store)
    application.config["TESTING"] = True
    return application


@pytest.fixture(scope="session")
def account_token(store) -> Iterator[callable]:
    """Make an account of a role (on the given cases) and return an API token for it; the
    accounts are removed at the end of the session."""
    from causalmap.accounts.users import add_user, grant, issue_api_token
    from causalmap.store.users import delete_user

    made: list[str] = []

    def make(role: str, cases: tuple[str, ...] = ()) -> str:
        name = f"test-{role}-{uuid.uuid4().hex[:8]}"
        add_user(store, name, role, None)
        made.append(name)
        for case_id in cases:
            grant(store, name, case_id)
        return issue_api_token(store, name, None)["token"]

    yield make
    for name in made:
        delete_user(store, name)


@pytest.fixture(scope="session")
def admin_token(account_token) -> str:
    return account_token("administrator")


@pytest.fixture
def client(app, admin_token):
    """A client signed in as an administrator with an API token (as a script would be), sending
    the X-Causalmap header the web UI sends."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_X_CAUSALMAP"] = "1"
    test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {admin_token}"
    return test_client


@dataclass
class LiveAPI:
    """The app served over real HTTP on a free port, for tests that need concurrent requests."""

    base: str
    headers: dict[str, str]

    def request(self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None,
                data: bytes | None = None) -> tuple[int, object]:
        """Send one request; returns (status, parsed JSON or text). Never raises on 4xx/5xx."""
        import urllib.error
        import urllib.request

        sent = {**self.headers, **(headers or {})}
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode("utf-8", "replace")


@pytest.fixture(scope="session")
def live_api(app, admin_token) -> Iterator[LiveAPI]:
    """A threaded Werkzeug server over the test app; `headers` go with every request: an
    administrator's API token, and the X-Causalmap header of the web UI."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveAPI(f"http://127.0.0.1:{server.server_port}",
                      {"X-Causalmap": "1", "Authorization": f"Bearer {admin_token}"})
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def signed_in(app, store, new_user):
    """A browser-like client signed in through a one-time login link as a new account of a role
    (on the given cases); `.csrf` is its session's CSRF token."""
    from causalmap.accounts.users import add_user, grant, issue_login_token

    def make(role: str, cases: tuple[str, ...] = ()):
        name = new_user(role)
        add_user(store, name, role, None)
        for case_id in cases:
            grant(store, name, case_id)
        browser = app.test_client()
        landed = browser.get(f"/login/link?token={issue_login_token(store, name)}")
        assert landed.status_code == 303, landed.text
        browser.get("/login")  # makes the session's CSRF token
        with browser.session_transaction() as session:
            browser.csrf = session["csrf_token"]
        browser.name = name
        return browser

    return make


@pytest.fixture
def new_user(store: Store) -> Iterator[callable]:
    """Make unique account names; every account made with one is removed after the test."""
    from causalmap.store.users import delete_user

    made: list[str] = []

    def make(prefix: str = "u") -> str:
        made.append(f"{prefix}-{uuid.uuid4().hex[:8]}")
        return made[-1]

    yield make
    for name in made:
        try:
            delete_user(store, name)
        except Exception:  # noqa: BLE001, S110  (removed by the test itself)
            pass
