"""The analysts' named queries: declared and checked when loaded, typed parameters refused with
their names, the common case filters, read-only and bounded, and counting exactly what each
case's own analysis finds."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
from collections import Counter, defaultdict

import pytest
from neo4j.exceptions import Neo4jError

from causalmap.analysis.report import Parameters, analyse
from causalmap.analysis.rules import load_rules
from causalmap.interchange.case_json import import_case
from causalmap.named_queries import (
    SCANS,
    QueryTimeout,
    _parse,
    _read,
    load_queries,
    plan_operators,
    profile_query,
    run_query,
)
from causalmap.samples import sample_document
from causalmap.store.items import update_case
from causalmap.store.snapshot import read_snapshot

ORIGINAL = ("causal-paths-from-category", "factor-categories", "unanswered-referrals-by-sector")
#: Parameters that make each query return rows on the sample case.
EXAMPLES = {
    "causal-paths-from-category": {"category": "human_reasoning"},
    "causal-paths-from-gap-type": {"gap_type": "unanswered_handoff"},
    "findings-like-text": {"text": "information"},
    "national-recommendations-across-boards": {"min_boards": 1},
    "shortest-causal-path": {"from": "f-screening-single-incident", "to": "csc-20230324"},
}


@pytest.fixture(scope="module")
def shared_samples(store):
    """Two sample cases that the read-only tests of this module share (and remove at the end)."""
    import uuid

    ids = sorted(f"qs-{uuid.uuid4().hex[:10]}" for _ in range(2))
    for case_id in ids:
        import_case(store, sample_document(), as_id=case_id)
    yield ids
    for case_id in ids:
        store.driver.execute_query("MATCH (n {case_id: $c}) DETACH DELETE n", c=case_id)
        store.driver.execute_query("MATCH (n:Case {id: $c}) DETACH DELETE n", c=case_id)


def test_at_least_twelve_queries_each_fully_declared():
    queries = load_queries()
    assert len(queries) >= 12 and set(ORIGINAL) <= set(queries)
    for q in queries.values():
        assert q.title and q.description and q.columns and q.shape in ("counts", "paths", "table")
        names = [p["name"] for p in q.as_dict()["parameters"]]
        assert names[-6:] == ["cases", "board", "region", "review_kind", "from_year", "to_year"]
    assert queries["causal-paths-from-category"].parameters == ("category", "max_length", "harm_kinds")
    assert [p.as_dict() for p in queries["causal-paths-from-category"].own][1] == {
        "name": "max_length", "type": "int", "required": False, "default": 6, "minimum": 1, "maximum": 8,
        "choices": None, "help": "causal links in a path, at most", "common": False}


HEADER = "// title: t\n// description: d\n// columns: x:int\n// shape: table\n// param a text\n"


def test_a_query_that_writes_is_unbounded_or_undeclared_is_refused():
    with pytest.raises(ValueError, match=r"uses \$a, \$b but declares a"):
        _parse("q", HEADER + "MATCH (n) WHERE n.x = $a AND n.y = $b RETURN n LIMIT 1")
    with pytest.raises(ValueError, match="named queries only read"):
        _parse("q", HEADER + "MATCH (n {x: $a}) DETACH DELETE n")
    with pytest.raises(ValueError, match="bounded"):
        _parse("q", HEADER + "MATCH (n {x: $a}) RETURN n.id")
    with pytest.raises(ValueError, match="bounded"):
        _parse("q", HEADER + "MATCH (n {x: $a})-[:CONTRIBUTED_TO*]->(m) RETURN m.id LIMIT 5")
    with pytest.raises(ValueError, match="bounded"):
        _parse("q", HEADER + "MATCH (n {x: $a})-[:CONTRIBUTED_TO]->+(m) RETURN m.id LIMIT 5")
    assert _parse("q", HEADER + "MATCH (n {x: $a})-[:CONTRIBUTED_TO]->{1,4}(m) RETURN m.id LIMIT 5"
                  ).parameters == ("a",)


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_every_query_runs_and_returns_its_declared_columns(store, shared_samples, name):
    two_samples = shared_samples
    params = {"cases": two_samples, **EXAMPLES.get(name, {})}
    if name == "shortest-causal-path":
        params["case"] = two_samples[0]
    result = run_query(store, name, params)
    query = load_queries()[name]
    assert result["columns"] == [c for c, _ in query.columns]
    assert result["rows"], f"{name} found nothing on two sample cases"
    case_ids = {r["case_id"] for r in result["rows"] if "case_id" in r}
    assert case_ids <= set(two_samples)
    text = json.dumps(result["rows"])
    for free_text in ("description", "statement", "mechanism", "Little Oaks", "K's"):
        assert free_text not in text


def test_paths_are_kinds_and_sectors(store, shared_samples):
    two_samples = shared_samples
    rows = run_query(store, "causal-paths-from-category", {"category": "human_reasoning", "max_length": 4,
                                                           "cases": two_samples[:1]})["rows"]
    assert [(r["links"], r["steps"], r["sectors"]) for r in rows] == [
        (2, ["factor:human_reasoning", "decision:taken", "event:outcome"], [None, "children_social_care",
                                                                            "health_acute"]),
        (4, ["factor:human_reasoning", "factor:family_professional", "decision:taken", "event:closure",
             "event:outcome"], [None, None, "health_community", "health_community", "health_acute"]),
    ]
    shortest = run_query(store, "shortest-causal-path", {"case": two_samples[1], "from": "f-screening-single-incident",
                                                         "to": "csc-20230324"})["rows"]
    assert shortest == [{"case_id": two_samples[1], "links": 2,
                         "steps": ["factor:incidents_crises", "decision:taken", "event:closure"],
                         "ids": ["f-screening-single-incident", "csc-20230317-decision", "csc-20230324"],
                         "sectors": [None, "children_social_care", "children_social_care"]}]


def test_missing_and_mistyped_parameters_are_refused_by_name(cli, client):
    ran = cli("query", "causal-paths-from-category")
    assert ran.code == 2
    assert ran.err == ("causalmap: error: query causal-paths-from-category needs category: category (the typology "
                       "category the paths start from)\n")
    ran = cli("query", "causal-paths-from-category", "--param", "category=human_reasoning", "--param", "max_length=x")
    assert (ran.code, ran.err) == (2, 'causalmap: error: max_length="x": max_length must be a whole number\n')
    ran = cli("query", "factor-categories", "--param", "colour=red")
    assert ran.code == 2 and ran.err.startswith("causalmap: error: query factor-categories takes cases, board, ")
    assert ran.err.endswith("not colour\n")
    ran = cli("query", "national-patterns", "--param", "pattern=start_over")
    assert ran.err.startswith('causalmap: error: pattern="start_over": pattern must be one of start_again, ')
    answer = client.get("/api/queries/causal-paths-from-category?category=tools&from_year=twenty")
    assert answer.status_code == 400
    assert answer.json["detail"] == 'from_year="twenty": from_year must be a whole number'
    assert cli("query", "nope").err.startswith("causalmap: error: no named query 'nope'; the queries are: ")


def test_the_common_filters_choose_the_cases(store, two_samples):
    first, second = two_samples
    update_case(store, second, {"version": 1, "board": "Other Board", "region": "North",
                                "trigger": {"decided_on": "2019-03-01"}, "review_kind": "scr"})

    def cases(**filters) -> list[str]:
        rows = run_query(store, "causal-paths-from-category",
                         {"category": "human_reasoning", "cases": two_samples, **filters})["rows"]
        return sorted({r["case_id"] for r in rows})

    assert cases() == [first, second]
    assert cases(board="Other Board") == [second]
    assert cases(region="Westmarch") == [first]
    assert cases(review_kind="cspr") == [first]
    assert cases(from_year=2020) == [first]
    assert cases(to_year=2019) == [second]
    assert cases(from_year=2019, to_year=2019, board="Ashdown Safeguarding Children Partnership") == []
    years = run_query(store, "findings-by-category-board-year", {"cases": two_samples})["rows"]
    assert {(r["board"], r["year"]) for r in years} == {("Ashdown Safeguarding Children Partnership", 2024),
                                                        ("Other Board", 2019)}


# -- one definition: the queries count what the analysis finds ------------------------------
def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def expected_counts(store, case_ids: list[str]) -> dict[str, Counter]:
    """What the per-case analyses find, tallied in Python from fresh analyses (no stored result)."""
    out: dict[str, Counter] = defaultdict(Counter)
    cases: dict[str, dict[tuple, set]] = defaultdict(lambda: defaultdict(set))
    for case_id in case_ids:
        snapshot = read_snapshot(store, case_id)
        result = analyse(snapshot, Parameters(), load_rules(None))
        sector = snapshot.sector
        harm = [e["day"] for e in snapshot.events.values() if e["kind"] in ("outcome", "incident") and e["day"]]
        for g in result["gaps"]:
            pair = (sector(g["agencies"][0]), sector(g["agencies"][1])) if len(g["agencies"]) > 1 else None
            if g["type"] == "unanswered_handoff" and g["kind"] in ("referral", "escalation", "request"):
                out["unanswered"][(*pair, g["kind"])] += 1
                cases["unanswered"][(*pair, g["kind"])].add(case_id)
            if g["type"] in ("unanswered_handoff", "late_response", "silent_pair"):
                out[g["type"]][pair] += 1
                cases["pairs"][pair].add(case_id)
        for p in result["patterns"]:
            out["patterns"][p["type"]] += 1
            cases["patterns"][p["type"]].add(case_id)
            start, end = (dt.date.fromisoformat(p["period"][k]) for k in ("start", "end")) if p["period"][
                "start"] else (None, None)
            if p["type"] == "agency_silent" and any(start <= h and end >= _months_before(h, 6) for h in harm):
                out["silent_before_harm"][sector(p["agencies"][0])] += 1
                cases["silent_before_harm"][sector(p["agencies"][0])].add(case_id)
    out["cases"] = Counter({(family, key): len(ids) for family, by in cases.items() for key, ids in by.items()})
    return out


def assert_pairs_patterns_and_silences_agree(store, scope: dict, want: dict[str, Counter]) -> None:
    """sector-pair-gaps, national-patterns and sectors-silent-before-harm give exactly what the
    per-case analyses tallied in `want` (expected_counts) find, case counts included."""
    rows = run_query(store, "sector-pair-gaps", scope)["rows"]
    pairs = set(want["unanswered_handoff"]) | set(want["late_response"]) | set(want["silent_pair"])
    assert {(r["from_sector"], r["to_sector"]): (r["unanswered"], r["late"], r["silent"], r["cases"])
            for r in rows} == {
        p: (want["unanswered_handoff"][p], want["late_response"][p], want["silent_pair"][p],
            want["cases"][("pairs", p)]) for p in pairs}
    rows = run_query(store, "national-patterns", scope)["rows"]
    assert {r["pattern"]: (r["occurrences"], r["cases"]) for r in rows} == {
        t: (n, want["cases"][("patterns", t)]) for t, n in want["patterns"].items()}
    rows = run_query(store, "sectors-silent-before-harm", scope)["rows"]
    assert {r["sector"]: (r["silences"], r["cases"]) for r in rows} == {
        s: (n, want["cases"][("silent_before_harm", s)]) for s, n in want["silent_before_harm"].items()}


def test_queries_agree_exactly_with_the_per_case_analysis(store, two_samples):
    update_case(store, two_samples[1], {"version": 1, "region": "North"})  # a second, changed case
    want = expected_counts(store, two_samples)
    scope = {"cases": two_samples}
    got = run_query(store, "unanswered-referrals-by-sector", scope)
    assert got["refreshed"] == two_samples  # never analysed before: analysed first
    assert {(r["from_sector"], r["to_sector"], r["kind"]): (r["unanswered"], r["cases"]) for r in got["rows"]} == {
        k: (n, want["cases"][("unanswered", k)]) for k, n in want["unanswered"].items()}
    assert_pairs_patterns_and_silences_agree(store, scope, want)
    assert want["unanswered"] and want["patterns"] and want["silent_before_harm"]  # the comparison is not empty


def test_a_changed_case_is_analysed_again_before_a_query_counts_it(store, client, two_samples):
    first, second = two_samples
    before = run_query(store, "national-patterns", {"cases": two_samples, "pattern": "start_again"})
    assert before["rows"][0]["occurrences"] == 2
    doc = sample_document()
    closures = [e for e in doc["events"] if e["kind"] == "closure"]
    from causalmap.store.items import delete_item

    for event in closures:  # the second case loses its closures, so its start_again goes
        delete_item(store, second, "event", event["id"], 1)
    after = run_query(store, "national-patterns", {"cases": two_samples, "pattern": "start_again"})
    assert after["refreshed"] == [second]
    assert after["rows"] == [{"pattern": "start_again", "occurrences": 1, "cases": 1, "case_ids": [first]}]


def test_command_and_api_formats(cli, client, shared_samples):
    two_samples = shared_samples
    listed = cli("query", "--format", "json").json()
    assert [q["name"] for q in listed] == sorted(load_queries())
    assert client.get("/api/queries").json == listed
    args = ["query", "factor-categories", "--param", f"cases={','.join(two_samples)}"]
    as_json = cli(*args, "--format", "json").json()
    as_csv = cli(*args, "--format", "csv").out
    assert list(csv.reader(io.StringIO(as_csv))) == [as_json["columns"]] + [
        [str(r[c]) for c in as_json["columns"]] for r in as_json["rows"]]
    tools = [r for r in as_json["rows"] if (r["category"], r["valence"]) == ("tools", "unsafe")][0]
    assert (tools["factors"], tools["cases"]) == (2, 2)
    query = "&".join(f"cases={c}" for c in two_samples)
    api_json = client.get(f"/api/queries/factor-categories?{query}").json
    assert api_json["rows"] == as_json["rows"]
    api_csv = client.get(f"/api/queries/factor-categories?{query}&format=csv")
    assert (api_csv.mimetype, api_csv.get_data(as_text=True)) == ("text/csv", as_csv)
    text = cli(*args).out.splitlines()
    assert text[:2] == ["Contributory factors by typology category, across cases", "category\tvalence\tfactors\tcases"]


def test_queries_run_in_read_transactions_with_a_server_side_timeout(store):
    with pytest.raises(Neo4jError, match="(?i)read"):
        _read(store, "CREATE (n:Nothing) RETURN n", {}, 5)
    with pytest.raises(QueryTimeout, match="ran longer than 0.5 s"):
        _read(store, "UNWIND range(1, 100000000) AS n WITH n WHERE n % 7 = 99 RETURN count(n) AS n", {}, 0.5)


def test_a_query_stopped_by_its_timeout_answers_503_not_500(app):
    from causalmap.api.problems import from_error

    with app.test_request_context("/api/queries/factor-categories"):
        response = from_error(QueryTimeout("the query ran longer than 10 s and was stopped"))
    assert (response.status_code, response.json["title"]) == (503, "Query timed out")
    assert response.json["detail"] == "the query ran longer than 10 s and was stopped"


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_every_query_starts_from_an_index_never_a_label_scan(store, shared_samples, name):
    """PROFILE of each query with no case filter (every case is a candidate), a list of cases
    and a board: index reads only, never a scan of a whole label (every case's events, gaps,
    factors...) or of every node."""
    params = dict(EXAMPLES.get(name, {}))
    if name == "shortest-causal-path":
        params["case"] = shared_samples[0]
    for scope in ({}, {"cases": shared_samples[:1]}, {"board": "Northfield Safeguarding Partnership"}):
        used = profile_query(store, name, {**params, **scope})
        scans = sorted(o for o in used if o.startswith(SCANS))
        assert scans == [], f"{name} with {scope or 'no filter'}: {scans}"
        assert any("Index" in o for o in used)
    # A near miss: the check sees a label scan where there is one.
    assert "NodeByLabelScan(e:Event)" in plan_operators(
        store.driver.execute_query("PROFILE MATCH (e:Event) RETURN count(e.disputed) AS n").summary.profile)


def test_queries_run_through_a_routing_uri_and_are_sent_as_reads(neo4j_env, store, two_samples):
    """A `neo4j://` URI (what a cluster or Aura needs) works against the single local server:
    the driver routes, a named query's reads are read transactions (the server refuses a write
    in one), and the analyses it stores first go to the writer."""
    import neo4j

    from causalmap.store.connection import connect

    uri = neo4j_env["NEO4J_URI"].replace("bolt://", "neo4j://", 1)
    assert uri.startswith("neo4j://")
    with connect(uri, neo4j_env["NEO4J_USER"], neo4j_env["NEO4J_PASSWORD"],
                 neo4j_env.get("NEO4J_DATABASE", "neo4j")) as routed:
        assert isinstance(routed.driver, neo4j.Neo4jDriver) and not isinstance(store.driver, neo4j.Neo4jDriver)
        scope = {"cases": two_samples, "pattern": "start_again"}
        got = run_query(routed, "national-patterns", scope)
        assert got["refreshed"] == two_samples  # analysed and stored through the writer
        assert got["rows"] == [{"pattern": "start_again", "occurrences": 2, "cases": 2, "case_ids": two_samples}]
        assert run_query(store, "national-patterns", scope)["rows"] == got["rows"]
        with pytest.raises(Neo4jError, match="(?i)read"):
            _read(routed, "CREATE (n:Nothing) RETURN n", {}, 5)
