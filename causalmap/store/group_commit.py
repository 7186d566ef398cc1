"""Group commit: many callers' small writes committed together, each caller waiting for its own.

Every signed-in request appends an audit entry. Committed one transaction each, that was the
largest cost of a request in Neo4j (about 8 ms of its CPU, most of it the commit itself: the
transaction log, the index updates), more than the read the request was for. Here the
entries of requests that finish at about the same time share one transaction, and
nothing is deferred: `submit` returns only when the transaction holding its entry has
committed, so a request is answered only after its entry is durable, exactly as before. A
crash can lose only entries whose requests were never answered.

No background thread: the first caller to find nobody writing becomes the writer and commits
everything queued so far, its own entry included; callers arriving meanwhile wait for the
next batch, written by the first of them to wake. Each caller writes at most one batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Waiter(Generic[T]):
    item: T
    done: bool = False
    error: BaseException | None = None


class GroupCommit(Generic[T]):
    """Commits items in batches through `write_batch(items)`; `submit` waits for its item.

    When a batch fails, its items are written one by one, so one bad item costs only its own
    caller an error, never another caller's entry.
    """

    def __init__(self, write_batch: Callable[[list[T]], Any], max_batch: int = 200) -> None:
        self._write_batch = write_batch
        self._max_batch = max_batch
        self._cond = threading.Condition()
        self._pending: list[_Waiter[T]] = []
        self._writing = False

    def submit(self, item: T) -> None:
        """Commit `item` (with whatever else is waiting); raise what its own write raised."""
        mine = _Waiter(item)
        with self._cond:
            self._pending.append(mine)
        while True:
            with self._cond:
                while not mine.done and self._writing:
                    self._cond.wait()
                if mine.done:
                    break
                self._writing = True  # nobody is writing and this item is still queued: write the queue
                batch, self._pending = self._pending[:self._max_batch], self._pending[self._max_batch:]
            try:
                self._write(batch)
            finally:
                with self._cond:
                    self._writing = False
                    self._cond.notify_all()
        if mine.error is not None:
            raise mine.error

    def _write(self, batch: list[_Waiter[T]]) -> None:
        finished = False
        try:
            try:
                self._write_batch([w.item for w in batch])
            except Exception as error:
                if len(batch) == 1:
                    batch[0].error = error
                else:
                    for waiter in batch:  # one at a time: each caller gets its own outcome
                        try:
                            self._write_batch([waiter.item])
                        except Exception as own:
                            waiter.error = own
            finished = True
        finally:
            with self._cond:
                for waiter in batch:
                    if not finished and waiter.error is None:  # interrupted: never report success
                        waiter.error = RuntimeError("the write was interrupted")
                    waiter.done = True
