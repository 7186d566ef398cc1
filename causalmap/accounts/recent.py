"""Accounts recently looked up, kept in memory for a few seconds.

Every signed-in request used to read its token (or its session's account) from Neo4j: about
4 ms of the database's CPU each, a tenth of a request's cost under load. Here a successful
lookup is reused for at most `SECONDS`; then it is read again. So a change made by another
process (`causalmap user revoke`, `user token --revoke`, `user remove`, a grant) takes effect
in the web server within `SECONDS`; a change made in the same process (signing out, a change
through this process's store) clears the memory at once. Failed lookups are never kept (a new
token works at once), and a token's own expiry is checked on every use.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

#: How long a looked-up account is trusted without reading it again (docs/administrators.md).
SECONDS = 3.0
#: More entries than this and the oldest are dropped (a bound, not a tuning knob).
MAX_ENTRIES = 10_000

_clock: Callable[[], float] = time.monotonic
_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, Any]] = {}


def recall(key: Hashable) -> Any | None:
    """The value kept for `key` when it was kept less than SECONDS ago; else None."""
    with _lock:
        found = _entries.get(key)
        if found is None:
            return None
        if _clock() - found[0] >= SECONDS:
            del _entries[key]
            return None
        return found[1]


def keep(key: Hashable, value: Any) -> None:
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            for old in list(_entries)[:MAX_ENTRIES // 10]:
                del _entries[old]
        _entries[key] = (_clock(), value)


def forget_all() -> None:
    """Called by every change to accounts, tokens or grants made through this process."""
    with _lock:
        _entries.clear()
