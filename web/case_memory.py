"""Answers about a case kept in each web worker's memory while the case is unchanged.

Every change to a case renews its `revision` in the same transaction (store/revision.py), a
random token that never comes back. An answer worked out from the case (the map's data, the
agency network, a list of records, the analysis, the summary) is kept under the revision it
was read at and given again, without reading the case, while the revision is the same. A
request then costs one small read (the revision) instead of a dozen statements and the
Python that turns their rows into JSON: on a 500-event case the map's data was about 80 ms of
CPU, the cached answer about 2.

Exact, not "fresh enough": the revision is read before the answer is worked out and again
after it, and the answer is kept only when both agree, so an answer read while a change
committed is never kept under either revision. Nothing about who may see a case is kept
here: the access hook (web/access.py) and the audit trail (web/audit_trail.py) run for every
request as before, and answers keep their no-store header.

Memory is bounded (MAX_BYTES per worker, the least recently used answers dropped first).
Concurrent requests for the same missing answer in one worker work it out once.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from causalmap.analysis.report import Parameters
from causalmap.case_analysis import analyse_case, analysis_key_for, case_overview
from causalmap.errors import NotFound
from causalmap.snapshot import CaseSnapshot
from causalmap.store import Store
from causalmap.store.cases import case_summary
from causalmap.store.snapshot import catch_up, read_snapshot

T = TypeVar("T")

#: The most one worker keeps; the least recently used answers go first.
MAX_BYTES = 64 * 1024 * 1024
#: What a kept value that is not text counts for against MAX_BYTES.
OBJECT_BYTES = 64 * 1024
#: What a kept analysis result counts for (a 500-event case's is about 0.5 MB as JSON).
ANALYSIS_BYTES = 2 * 1024 * 1024

_lock = threading.Lock()
_kept: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
_size = 0
_making: dict[Hashable, threading.Lock] = {}
#: The revision of the snapshot last kept for each case (the snapshot itself is in _kept).
_last_snapshot_revision: dict[tuple[str, str, str], str] = {}


def case_state(store: Store, case_id: str, *, layout: bool = False) -> tuple[str, ...] | None:
    """The case's revision (and a digest of its saved map layout, a view setting that is not
    case data and so renews no revision); NotFound when there is no such case, None when the
    case has no revision (nothing is kept for it then)."""
    rows = store.read("MATCH (c:Case {id: $id}) RETURN c.revision AS revision, "
                      "CASE WHEN $layout THEN c.layout END AS layout", id=case_id, layout=layout)
    if not rows:
        raise NotFound(f"no case {case_id!r}; `causalmap cases` lists the cases")
    revision = rows[0]["revision"]
    if revision is None:
        return None
    if not layout:
        return (revision,)
    return (revision, hashlib.sha256((rows[0]["layout"] or "").encode()).hexdigest())


def remembered(store: Store, case_id: str, what: Hashable, make: Callable[[], T], *, layout: bool = False,
               size: Callable[[T], int] | None = None) -> T:
    """`make()`'s answer for the case as it is now: kept from an earlier request while the case
    is unchanged, else made (once per worker however many ask at the same moment) and kept."""
    return _remembered(store, case_id, what, make, layout, size)[0]


def _remembered(store: Store, case_id: str, what: Hashable, make: Callable[[], T], layout: bool,
                size: Callable[[T], int] | None) -> tuple[T, tuple[str, ...] | None]:
    """remembered(), and the state the answer is kept under (None when it is not kept)."""
    state = case_state(store, case_id, layout=layout)
    if state is None:
        return make(), None
    key = (store.uri, store.database, case_id, state, what)
    found = _recall(key)
    if found is not None:
        return found, state
    with _lock:
        making = _making.setdefault(key, threading.Lock())
    with making:
        try:
            found = _recall(key)
            if found is not None:
                return found, state
            answer = make()
            if case_state(store, case_id, layout=layout) != state:  # a change committed meanwhile
                return answer, None
            _keep(key, answer, size(answer) if size else None)
            return answer, state
        finally:
            with _lock:
                _making.pop(key, None)


def cached_snapshot(store: Store, case_id: str) -> CaseSnapshot:
    """The case's snapshot (store/snapshot.py), read once per revision and shared by the map, the
    agency network, the sections and the analysis: after a change each worker reads the case
    once, not once per answer. When the worker still holds the snapshot of a revision a few
    changes back and those changes each noted the records they wrote (store/revision.py), only
    those records are read (store/snapshot.py `catch_up`): a 500-event case's whole read
    costs about 70 ms of CPU, a factor's about 3. The snapshot is read-only once built."""
    where = (store.uri, store.database, case_id)

    def make() -> CaseSnapshot:
        with _lock:
            last = _last_snapshot_revision.get(where)
        earlier = _recall((*where, (last,), "snapshot")) if last is not None else None
        snapshot = catch_up(store, earlier, last) if earlier is not None and last is not None else None
        return snapshot if snapshot is not None else read_snapshot(store, case_id)

    snapshot, state = _remembered(store, case_id, "snapshot", make, False, _snapshot_bytes)
    if state is not None:
        with _lock:
            _last_snapshot_revision[where] = state[0]
    return snapshot


def snapshot_at_hand(store: Store, case_id: str) -> bool:
    """Whether this worker keeps a snapshot of the case (at this revision or one it can catch up
    from): then a section is listed from it; otherwise the section alone is read, since a case
    too big to keep (MAX_BYTES) would be read whole for every list of its agencies."""
    where = (store.uri, store.database, case_id)
    with _lock:
        last = _last_snapshot_revision.get(where)
    return last is not None and _recall((*where, (last,), "snapshot")) is not None


def _snapshot_bytes(snapshot: CaseSnapshot) -> int:
    """A rough size in memory: about 2 KiB a record."""
    records = (len(snapshot.events) + len(snapshot.decisions) + len(snapshot.factors) + len(snapshot.agencies)
               + len(snapshot.episodes) + len(snapshot.findings) + len(snapshot.recommendations)
               + len(snapshot.causal_links))
    return 2048 * max(1, records)


def cached_summary(store: Store, case_id: str) -> dict[str, Any]:
    """store.cases.case_summary, kept while the case is unchanged (callers only read it)."""
    return remembered(store, case_id, "summary", lambda: case_summary(store, case_id))


def remembered_analysis(store: Store, case_id: str, which: str = "all", parameters: Parameters | None = None,
                    rules_file: Path | None = None) -> dict[str, Any]:
    """case_analysis.analyse_case (stored in Neo4j per revision), also kept here per revision and
    key. Callers only read it."""
    key = analysis_key_for(which, parameters, rules_file)
    return remembered(store, case_id, ("analysis", key),
                      lambda: analyse_case(store, case_id, which, parameters, rules_file, cached_snapshot),
                      size=lambda _: ANALYSIS_BYTES)


def cached_overview(store: Store, case_id: str, rules_file: Path | None) -> dict[str, Any]:
    """What the overview page shows of the default analysis, kept per revision: through
    case_analysis.case_overview, which reads only the stored overview of an unchanged case (a
    10,000-event case's whole stored result is megabytes of JSON) and otherwise takes it from
    remembered_analysis, which the analysis page and the named queries share: a case's
    analysis is worked out once per revision in a worker, however many requests need it."""
    key = analysis_key_for("all", Parameters(), rules_file)
    return remembered(store, case_id, ("overview", key), lambda: case_overview(
        store, case_id, rules_file, lambda c: remembered_analysis(store, c, rules_file=rules_file)))


def _recall(key: Hashable) -> Any | None:
    with _lock:
        found = _kept.get(key)
        if found is None:
            return None
        _kept.move_to_end(key)
        return found[0]


def _keep(key: Hashable, value: Any, size: int | None = None) -> None:
    global _size
    if size is None:
        size = len(value) if isinstance(value, bytes | str) else OBJECT_BYTES
    if size > MAX_BYTES // 4:
        return
    with _lock:
        if key in _kept:
            return
        _kept[key] = (value, size)
        _size += size
        while _size > MAX_BYTES:
            _, (_, dropped) = _kept.popitem(last=False)
            _size -= dropped


def forget_all() -> None:
    """Empty the memory (tests; nothing in the app needs it, revisions do the forgetting)."""
    global _size
    with _lock:
        _kept.clear()
        _last_snapshot_revision.clear()
        _size = 0
