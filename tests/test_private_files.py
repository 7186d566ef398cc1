"""Data at rest: the data directory, the password file and exports are owner-only whatever the
umask (tested with the common umask 022, under which files are born world-readable)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from causalmap.config import load_settings
from causalmap.files import write_private
from causalmap.interchange.case_json import import_case
from causalmap.neo4j_local import LocalNeo4j
from causalmap.samples import sample_document


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_private_makes_an_owner_only_file_and_narrows_an_existing_one(tmp_path, umask_022):
    fresh = write_private(tmp_path / "new.json", b"{}")
    assert (mode(fresh), fresh.read_bytes()) == (0o600, b"{}")
    wide = tmp_path / "wide.json"
    wide.write_bytes(b"old")
    assert mode(wide) == 0o644  # the near miss: what the umask gives a plain write
    write_private(wide, b"new")
    assert (mode(wide), wide.read_bytes()) == (0o600, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "wide.json"]  # no temporary left


def test_the_data_directory_and_password_file_are_owner_only(tmp_path, umask_022):
    local = LocalNeo4j(load_settings({"CAUSALMAP_DATA_DIR": str(tmp_path / "neo4j"), "CAUSALMAP_BOLT_PORT": "7998"}))
    local.password()
    assert (mode(local.data_dir), mode(local.password_file)) == (0o700, 0o600)


def test_an_existing_wide_data_directory_is_narrowed(tmp_path, umask_022):
    data_dir = tmp_path / "neo4j"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    LocalNeo4j(load_settings({"CAUSALMAP_DATA_DIR": str(data_dir), "CAUSALMAP_BOLT_PORT": "7998"})).password()
    assert mode(data_dir) == 0o700


def test_an_export_is_written_owner_only(cli, store, case_id, tmp_path, umask_022):
    import_case(store, sample_document(), as_id=case_id)
    target = tmp_path / "case.json"
    ran = cli("export", case_id, "--format", "json", "-o", str(target))
    assert ran.code == 0, ran.err
    assert mode(target) == 0o600
