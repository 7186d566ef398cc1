"""The case overview page with the stored analysis: first load (computes and stores), then the
loads of an unchanged case, against the floor of reading the case's summary in the same run.

The overview shows the summary and the analysis's counts and first items; with the analysis
stored per revision, an unchanged case's overview should cost a few times its summary.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from causalmap.web import create_app

from bench.analysis_bench import generated_case
from bench.import_bench import delete
from causalmap.interchange.case_json import import_case
from causalmap.store import Store
from causalmap.store.cases import case_summary


def run(store: Store, events: int = 10_000, agencies: int = 15, repeats: int = 10) -> dict[str, Any]:
    case_id = "bench-overview"
    delete(store, case_id)
    import_case(store, generated_case(events, agencies), as_id=case_id)
    from causalmap.accounts.users import add_user, issue_api_token
    from causalmap.store.users import delete_user

    add_user(store, "bench-overview", "administrator", None)
    client = create_app({}, store=store).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_api_token(store, 'bench-overview', None)['token']}"
    try:
        started = time.perf_counter()
        assert client.get(f"/cases/{case_id}").status_code == 200
        first = time.perf_counter() - started
        loads, floors = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            case_summary(store, case_id)
            floors.append(time.perf_counter() - started)
            started = time.perf_counter()
            answer = client.get(f"/cases/{case_id}")
            loads.append(time.perf_counter() - started)
            assert answer.status_code == 200
    finally:
        delete(store, case_id)
        delete_user(store, "bench-overview")
    load, floor = statistics.median(loads), statistics.median(floors)
    return {"events": events, "first_s": first, "cached_ms": load * 1000, "summary_ms": floor * 1000,
            "ratio": load / floor, "first_ratio": first / floor}
