"""Asking before a command destroys or replaces data: one rule for every such command.

At a terminal the user is asked; with no terminal (a script, CI) nothing is asked and the
command is refused unless `--yes` was given, so a script never hangs on a prompt nor
deletes without having said so.
"""

from __future__ import annotations

import sys

import click

from causalmap.errors import UsageError


def confirm(yes: bool, question: str, refusal: str) -> None:
    """Go on when `yes`; else ask `question` at a terminal (abort on no), or raise `refusal`."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(refusal)
    click.confirm(question, abort=True)
