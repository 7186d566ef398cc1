"""The command line: exit codes, one line per error, --help everywhere, confirmation to delete."""

from __future__ import annotations

import subprocess
import sys

import pytest

from causalmap.cli import cli as group
from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document


def all_commands(command, path=()):
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from all_commands(sub, (*path, name))


@pytest.mark.parametrize("path", list(all_commands(group)), ids=lambda p: " ".join(p) or "causalmap")
def test_every_command_has_help(cli, path):
    ran = cli(*path, "--help")
    assert ran.code == 0
    assert ran.out.startswith("Usage: causalmap")


def test_cases_lists_and_show_counts(cli, store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    listed = {row["id"]: row for row in cli("cases", "--format", "json").json()}
    assert listed[case_id]["events"] == 93
    shown = cli("case", "show", case_id, "--format", "json").json()
    assert shown["counts"] == {"agency": 9, "event": 93, "decision": 10, "factor": 18, "episode": 6,
                               "finding": 5, "recommendation": 5, "causal_link": 26}
    assert shown["period"] == {"start": "2022-09-06", "end": "2024-04-10"}
    assert len(shown["agencies"]) == 9


def test_an_unknown_case_exits_1_with_one_line(cli):
    ran = cli("case", "show", "no-such-case")
    assert (ran.code, ran.err) == (1, "causalmap: error: no case 'no-such-case'; `causalmap cases` lists the "
                                      "cases\n")


def test_a_bad_case_id_is_a_usage_error(cli, write_csv):
    path = write_csv([["date", "agency", "kind", "description"], ["2023", "A", "contact", "x"]])
    ran = cli("import", "bad id", str(path))
    assert ran.code == 2
    assert ran.err.startswith("causalmap: error: 'bad id' is not a case id")


def test_delete_asks_unless_yes(cli, store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    ran = cli("case", "delete", case_id)
    assert (ran.code, ran.err) == (2, f"causalmap: error: deleting case {case_id!r} needs confirmation; add --yes\n")
    assert cli("case", "show", case_id).code == 0
    ran = cli("case", "delete", case_id, "--yes", "--format", "json")
    assert ran.json() == {"ok": True, "case_id": case_id, "deleted_nodes": 147}
    assert cli("case", "show", case_id).code == 1


def test_usage_mistakes_exit_2(cli):
    assert cli("import").code == 2
    assert cli("no-such-command").code == 2


def test_the_console_script_never_shows_a_traceback(neo4j_env, tmp_path):
    env = {"PATH": "/usr/bin:/bin", **neo4j_env, "NEO4J_PASSWORD": "wrong-password"}
    done = subprocess.run([sys.executable, "-m", "causalmap.cli", "cases"], capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode == 1
    assert done.stderr == (f"causalmap: error: Neo4j at {neo4j_env['NEO4J_URI']} refused the credentials for user "
                           "'neo4j'; check NEO4J_USER and NEO4J_PASSWORD\n")
    assert "Traceback" not in done.stderr
    debug = subprocess.run([sys.executable, "-m", "causalmap.cli", "--debug", "cases"], capture_output=True,
                           text=True, env=env, check=False)
    assert "Traceback" in debug.stderr


def test_settings_lists_every_setting(cli):
    names = [row["name"] for row in cli("settings", "--format", "json").json()]
    assert names[:4] == ["NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"]
