"""One hierarchy of errors, translated once at each edge (CLI line, API problem detail)."""

from __future__ import annotations

from dataclasses import dataclass, field


class CausalmapError(Exception):
    """Base of every error causalmap raises on purpose; its message is for the user."""

    exit_code = 1


class NotFound(CausalmapError):
    """A case or item that does not exist."""


class Conflict(CausalmapError):
    """The change would overwrite something: a case that exists, or a stale version."""


class DatabaseUnavailable(CausalmapError):
    """Neo4j cannot be reached or started; the message says what is missing."""


class UsageError(CausalmapError):
    """A command or parameter used wrongly."""

    exit_code = 2


@dataclass(frozen=True)
class RowError:
    """One problem in one place of an input: where, what was there, what would be right."""

    row: int | None
    column: str | None
    value: object
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        shown = "" if self.value in (None, "") else f" {self.value!r}:"
        return f"{', '.join(where) or 'file'}:{shown} {self.message}"


@dataclass
class InvalidInput(CausalmapError):
    """Input that breaks the format's rules; carries every problem found, not just the first."""

    summary: str
    errors: list[RowError] = field(default_factory=list)
    exit_code: int = 2

    def __post_init__(self) -> None:
        super().__init__(self.summary)

    def __str__(self) -> str:
        return self.summary
