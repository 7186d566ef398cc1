"""The docs say what the code does: every setting and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path

from causalmap.cli import cli
from causalmap.config import SETTINGS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_setting_is_in_the_administrators_guide_with_its_default():
    text = (DOCS / "administrators.md").read_text()
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default else "(unset)"
        assert f"| `{setting.name}` | {default} |" in text, setting.name


def test_every_command_is_in_the_cli_reference():
    text = (DOCS / "cli.md").read_text()
    for name, command in cli.commands.items():
        subcommands = getattr(command, "commands", None)
        for full in ([f"{name} {sub}" for sub in subcommands] if subcommands else [name]):
            assert f"`causalmap {full}" in text, full


def test_every_named_query_is_in_the_analysts_guide():
    from causalmap.named_queries import load_queries

    text = (DOCS / "analysts.md").read_text()
    for name in load_queries():
        assert f"| `{name}` |" in text, name
