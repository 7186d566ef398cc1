"""Whole-case JSON: export, restore, export again gives the same bytes."""

from __future__ import annotations

import json

from causalmap.interchange.case_json import dumps, export_case, import_case
from causalmap.samples import sample_document


def test_export_import_export_is_byte_identical(cli, store, new_case_id, tmp_path):
    original, restored = new_case_id("s"), new_case_id("s")
    import_case(store, sample_document(), as_id=original)
    first = tmp_path / "first.json"
    assert cli("export", original, "--format", "json", "-o", str(first)).code == 0
    assert cli("import-case", str(first), "--as", restored).code == 0
    second = tmp_path / "second.json"
    cli("export", restored, "-o", str(second))
    assert second.read_text().replace(restored, original) == first.read_text()


def test_the_document_has_every_section_sorted(store, case_id):
    import_case(store, sample_document(), as_id=case_id)
    doc = export_case(store, case_id)
    assert list(doc) == ["format", "format_version", "case", "agencies", "events", "decisions", "factors",
                         "episodes", "findings", "recommendations", "causal_links"]
    for section in ("agencies", "events", "decisions", "factors", "episodes", "findings", "recommendations",
                    "causal_links"):
        ids = [item["id"] for item in doc[section]]
        assert ids == sorted(ids), section
    assert doc["case"]["trigger"]["decided_on"] == "2024-04-24"
    assert doc["case"]["methodology"]["name"] == "SCIE Learning Together (systems approach)"
    assert json.loads(dumps(doc)) == doc


def test_import_case_refuses_an_existing_case(cli, store, case_id, tmp_path):
    import_case(store, sample_document(), as_id=case_id)
    path = tmp_path / "case.json"
    path.write_text(dumps(export_case(store, case_id)))
    ran = cli("import-case", str(path))
    assert (ran.code, ran.err.strip()) == (1, f"causalmap: error: case {case_id!r} already exists; delete it first "
                                              "(causalmap case delete) or import under another id (--as)")


def test_a_document_with_broken_references_writes_nothing(cli, store, case_id, tmp_path):
    doc = sample_document()
    doc["events"][0]["agency"] = "nobody"
    doc["causal_links"][0]["effect"] = {"node": "event", "id": "missing"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc))
    ran = cli("import-case", str(path), "--as", case_id, "--format", "json")
    assert ran.code == 2
    assert ran.json()["errors"] == [
        {"row": 1, "column": "events.agency", "value": "nobody", "message": "names no agency in this document"},
        {"row": 1, "column": "causal_links.effect", "value": {"node": "event", "id": "missing"},
         "message": "name an event, decision or factor of this document as {node, id}"},
    ]
    assert store.read("MATCH (n {case_id: $c}) RETURN count(n) AS n", c=case_id) == [{"n": 0}]


def test_vocabulary_is_checked_in_documents(store):
    doc = sample_document()
    doc["factors"][0]["category"] = "blame"
    doc["recommendations"][0]["type"] = "4"
    from causalmap.interchange.validate import check_document

    problems = [(e.column, e.value) for e in check_document(doc)]
    assert problems == [("factors.category", "blame"), ("recommendations.type", "4")]
