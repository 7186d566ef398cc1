"""An OpenAPI-driven fuzz of the JSON API (schemathesis) on a real Neo4j: whatever a client
sends that the published schema allows, and the malformed variants schemathesis derives
from it, the API never answers 500.

Every request carries FUZZ_HEADERS (the header the web UI sends on changes) and an
administrator's API token, so the fuzz reaches past the sign-in check into every route.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from causalmap.interchange.case_json import import_case
from causalmap.samples import sample_document

FUZZ_HEADERS = {"X-Causalmap": "1"}
FUZZ_CASE = "fuzz-sample"


@pytest.fixture(scope="module")
def fuzzed_app(app, store):
    """The test app with one real case to aim at; cases the fuzz creates are removed after."""
    before = {row["id"] for row in store.read("MATCH (c:Case) RETURN c.id AS id")}
    if FUZZ_CASE not in before:
        import_case(store, sample_document(), as_id=FUZZ_CASE)
    yield app
    after = {row["id"] for row in store.read("MATCH (c:Case) RETURN c.id AS id")}
    for case_id in (after - before) | {FUZZ_CASE}:
        store.driver.execute_query("MATCH (n {case_id: $c}) DETACH DELETE n", c=case_id)
        store.driver.execute_query("MATCH (n:Case {id: $c}) DETACH DELETE n", c=case_id)


def _fuzz(operation, headers: dict[str, str], failures: list[str],  # type: ignore[no-untyped-def]
          statuses: list[int]) -> None:
    """Fuzz one operation; each 500 is recorded with the request that caused it."""
    from hypothesis import given
    from hypothesis import strategies as st

    @given(operation.as_strategy(), st.booleans())
    @settings(max_examples=16, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case, aim):  # type: ignore[no-untyped-def]
        if aim and "case_id" in (case.path_parameters or {}):
            case.path_parameters["case_id"] = FUZZ_CASE  # half the requests reach a real case
        try:
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
            statuses.append(response.status_code)
        except Exception as error:  # schemathesis reports a failed check as an exception
            failures.append(f"{operation.label}: {error}")
            raise

    try:
        fuzz()
    except Exception:  # noqa: BLE001, S110 - recorded in `failures`, asserted by the caller
        pass


def test_no_request_makes_the_api_answer_500(fuzzed_app, admin_token):
    """Each operation of the published schema, fuzzed in turn; no 500 anywhere."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzzed_app)
    failures: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        _fuzz(operation, {**FUZZ_HEADERS, "Authorization": f"Bearer {admin_token}"}, failures, statuses)
    assert failures == []
    print(f"{len(statuses)} requests over {len(operations)} operations: "
          f"{ {code: statuses.count(code) for code in sorted(set(statuses))} }")
    assert len(operations) >= 10 and len(statuses) >= 5 * len(operations)  # it really ran
