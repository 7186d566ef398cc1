"""The analysts' named queries: checked when loaded, run across cases, structured fields only."""

from __future__ import annotations

import pytest

from causalmap.interchange.case_json import import_case
from causalmap.named_queries import _parse, load_queries
from causalmap.samples import sample_document


def test_every_shipped_query_loads_with_its_declared_parameters():
    queries = load_queries()
    assert {name: q.parameters for name, q in queries.items()} == {
        "causal-paths-from-category": ("category", "max_length"),
        "factor-categories": (),
        "unanswered-referrals-by-sector": ("kinds",),
    }


def test_a_query_using_an_undeclared_parameter_or_writing_is_refused():
    header = "// title: t\n// description: d\n// parameters: a (text: x)\n"
    with pytest.raises(ValueError, match=r"uses \$a, \$b but declares a"):
        _parse("q", header + "MATCH (n) WHERE n.x = $a AND n.y = $b RETURN n")
    with pytest.raises(ValueError, match="named queries only read"):
        _parse("q", header + "MATCH (n {x: $a}) DETACH DELETE n")
    assert _parse("q", header + "MATCH (n {x: $a}) RETURN n.id").parameters == ("a",)


def test_queries_run_across_cases(cli, store, new_case_id):
    first, second = new_case_id("q"), new_case_id("q")
    for case_id in (first, second):
        import_case(store, sample_document(), as_id=case_id)
    rows = cli("query", "factor-categories", "--format", "json").json()["rows"]
    tools = [r for r in rows if (r["category"], r["valence"]) == ("tools", "unsafe")][0]
    assert tools["factors"] >= 2 and tools["cases"] >= 2
    paths = cli("query", "causal-paths-from-category", "--param", "category=human_reasoning",
                "--param", "max_length=4", "--format", "json").json()
    ours = [(r["links"], r["steps"], r["sectors"]) for r in paths["rows"] if r["case_id"] == first]
    assert ours == [
        (2, ["factor:human_reasoning", "decision:taken", "event:outcome"], ["children_social_care", "health_acute"]),
        (4, ["factor:human_reasoning", "factor:family_professional", "decision:taken", "event:closure",
             "event:outcome"], ["health_community", "health_community", "health_acute"]),
    ]
    assert all("description" not in r for r in paths["rows"])
    unanswered = cli("query", "unanswered-referrals-by-sector", "--format", "json").json()["rows"]
    nursery = [r for r in unanswered if (r["from_sector"], r["to_sector"], r["kind"]) ==
               ("early_years", "children_social_care", "referral")]
    assert len(nursery) == 1 and nursery[0]["cases"] >= 2


def test_unknown_queries_and_parameters_are_clear(cli, client):
    assert cli("query", "nope").err.startswith("causalmap: error: no named query 'nope'; the queries are: ")
    ran = cli("query", "factor-categories", "--param", "colour=red")
    assert (ran.code, ran.err) == (2, "causalmap: error: query factor-categories takes no parameters, not colour\n")
    listed = client.get("/api/queries").json
    assert [q["name"] for q in listed] == sorted(q["name"] for q in listed)
