"""The project's own Neo4j: password file, status, what it says when Java or Maven is missing."""

from __future__ import annotations

import os
import stat

import pytest

from causalmap.config import load_settings
from causalmap.errors import DatabaseUnavailable
from causalmap.neo4j_local import LocalNeo4j


def test_the_password_file_is_readable_only_by_its_owner(neo4j_env):
    if "CAUSALMAP_TEST_DATA_DIR" not in neo4j_env:
        pytest.skip("NEO4J_URI points at an external server; there is no local password file")
    path = os.path.join(neo4j_env["CAUSALMAP_TEST_DATA_DIR"], "password")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(open(path).read().strip()) >= 24


def test_status_of_a_database_that_is_not_running_exits_3(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_URI")
    monkeypatch.setenv("CAUSALMAP_DATA_DIR", str(tmp_path))
    ran = cli("db", "status", "--format", "json")
    assert ran.code == 3
    assert ran.json()["running"] is False


def test_db_commands_refuse_when_neo4j_uri_is_set(cli):
    ran = cli("db", "stop")
    assert ran.code == 2
    assert "NEO4J_URI is set" in ran.err


def test_missing_java_or_maven_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    local = LocalNeo4j(load_settings({"CAUSALMAP_DATA_DIR": str(tmp_path / "d"),
                                      "CAUSALMAP_RUNTIME_DIR": str(tmp_path / "r")}))
    with pytest.raises(DatabaseUnavailable) as caught:
        local.ensure_runtime()
    assert str(caught.value).startswith("cannot run the local Neo4j: java, javac, mvn not found on PATH; install "
                                        "Java 17")


def test_a_port_in_use_is_reported(neo4j_env, tmp_path):
    if "CAUSALMAP_TEST_BOLT_PORT" not in neo4j_env:
        pytest.skip("NEO4J_URI points at an external server")
    local = LocalNeo4j(load_settings({"CAUSALMAP_DATA_DIR": str(tmp_path),
                                      "CAUSALMAP_BOLT_PORT": neo4j_env["CAUSALMAP_TEST_BOLT_PORT"]}))
    with pytest.raises(DatabaseUnavailable, match="already in use by another program; set CAUSALMAP_BOLT_PORT"):
        local.start()
