"""Protocol timeliness as data: the response windows a board expects, from an editable JSON file.

The shipped file (rules.json beside this module) holds the national defaults we could
source; a board copies it, edits it, and points CAUSALMAP_RULES or `--rules` at the copy.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from causalmap import vocab
from causalmap.errors import InvalidInput, RowError


@dataclass(frozen=True)
class Window:
    days: int
    working_days: bool = False
    kind: str | None = None
    to_sector: str | None = None
    source: str = ""

    def describe(self) -> str:
        unit = "working day" if self.working_days else "day"
        return f"{self.days} {unit}{'s' if self.days != 1 else ''}"


@dataclass(frozen=True)
class Rules:
    windows: tuple[Window, ...] = ()
    strategy: Window = Window(2)
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    path: str = "shipped"
    concern_referral: Window = Window(1, True)

    def window_for(self, kind: str, to_sector: str, default_days: int) -> Window:
        for window in self.windows:
            if window.kind == kind and window.to_sector in (None, to_sector):
                return window
        return Window(default_days)

    def elapsed(self, start: dt.date, end: dt.date, window: Window) -> int:
        """Days from start to end, counted as the window counts them."""
        if not window.working_days:
            return (end - start).days
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            if current.weekday() < 5 and current not in self.holidays:
                count += 1
        return count


    def deadline(self, start: dt.date, window: Window) -> dt.date:
        """The last day still within `window` of `start`, counted as the window counts."""
        if not window.working_days:
            return start + dt.timedelta(days=window.days)
        current, count = start, 0
        while True:
            following = current + dt.timedelta(days=1)
            if following.weekday() < 5 and following not in self.holidays:
                if count == window.days:
                    return current
                count += 1
            current = following


def _window(raw: Any, where: str, errors: list[RowError], *, needs_kind: bool) -> Window | None:
    if not isinstance(raw, dict):
        errors.append(RowError(None, where, raw, "use an object with days (and kind, to_sector, working_days)"))
        return None
    days = raw.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        errors.append(RowError(None, f"{where}.days", days, "use a whole number of days, 0 or more"))
        return None
    kind = raw.get("kind")
    if needs_kind and kind not in vocab.COMMUNICATION_KINDS:
        errors.append(RowError(None, f"{where}.kind", kind, f"use one of: {', '.join(vocab.COMMUNICATION_KINDS)}"))
        return None
    sector = raw.get("to_sector")
    if sector is not None and sector not in vocab.SECTORS:
        errors.append(RowError(None, f"{where}.to_sector", sector, f"use one of: {', '.join(vocab.SECTORS)}"))
        return None
    return Window(days, bool(raw.get("working_days", False)), kind, sector, str(raw.get("source", "")))


def load_rules(path: Path | None = None) -> Rules:
    """Read and check a rules file (the shipped one when `path` is None)."""
    if path is None:
        text = (resources.files("causalmap.analysis") / "rules.json").read_text(encoding="utf-8")
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"{path}: cannot read the rules file ({exc.strerror})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}: the rules file is not valid JSON: {exc}") from None
    errors: list[RowError] = []
    windows = [_window(w, f"response_windows[{i}]", errors, needs_kind=True)
               for i, w in enumerate(raw.get("response_windows", []))]
    strategy = _window(raw.get("strategy_discussion_after_incident", {"days": 2}),
                       "strategy_discussion_after_incident", errors, needs_kind=False)
    concern = _window(raw.get("concern_referral", {"days": 1, "working_days": True}),
                      "concern_referral", errors, needs_kind=False)
    holidays = []
    for i, text_date in enumerate(raw.get("holidays", [])):
        try:
            holidays.append(dt.date.fromisoformat(text_date))
        except (TypeError, ValueError):
            errors.append(RowError(None, f"holidays[{i}]", text_date, "use an ISO date, YYYY-MM-DD"))
    if errors:
        raise InvalidInput(f"{path or 'rules.json'}: the rules file has {len(errors)} problem(s)", errors)
    return Rules(tuple(w for w in windows if w), strategy or Window(2), frozenset(holidays),
                 str(path) if path else "shipped", concern or Window(1, True))
