"""`causalmap import` against the real Neo4j: all or nothing, idempotent, isolated by case."""

from __future__ import annotations

import json

from openpyxl import Workbook

HEADER = ["event_id", "date", "agency", "kind", "description", "to_agency", "responds_to", "sector"]
ROWS = [
    ["n1", "2023-03-16", "Little Oaks Nursery", "referral", "Bruise referred", "Ashdown Social Care", "",
     "early_years"],
    ["c1", "17/03/2023", "Ashdown Social Care", "case_opened", "Referral screened", "", "n1",
     "children_social_care"],
]


def graph_counts(store, case_id):
    rows = store.read("MATCH (n {case_id: $c}) RETURN labels(n)[0] AS label, count(*) AS n", c=case_id)
    rels = store.read("MATCH (n {case_id: $c})-[r]->() RETURN type(r) AS type, count(*) AS n", c=case_id)
    return {r["label"]: r["n"] for r in rows}, {r["type"]: r["n"] for r in rels}


def test_import_creates_the_case_and_reports_what_it_made(cli, store, case_id, write_csv):
    ran = cli("import", case_id, str(write_csv([HEADER, *ROWS])), "--title", "Child K", "--format", "json")
    assert ran.code == 0
    assert ran.json() == {"ok": True, "case_id": case_id, "case_created": True,
                          "created": {"agency": 2, "event": 2, "decision": 0},
                          "updated": {"agency": 0, "event": 0, "decision": 0}}
    nodes, rels = graph_counts(store, case_id)
    assert nodes == {"Agency": 2, "Event": 2}
    assert rels == {"BY": 2, "SOURCE": 2, "TO": 1, "RESPONDS_TO": 1}
    assert store.read("MATCH (c:Case {id: $c}) RETURN c.title AS t", c=case_id) == [{"t": "Child K"}]


def test_reimporting_the_same_file_changes_nothing(cli, store, case_id, write_csv):
    path = str(write_csv([HEADER, *ROWS]))
    cli("import", case_id, path)
    before = graph_counts(store, case_id)
    ran = cli("import", case_id, path, "--format", "json")
    assert ran.json()["created"] == {"agency": 0, "event": 0, "decision": 0}
    assert ran.json()["updated"] == {"agency": 0, "event": 0, "decision": 0}
    assert graph_counts(store, case_id) == before


def test_a_changed_row_updates_its_event_and_bumps_its_version(cli, store, case_id, write_csv):
    cli("import", case_id, str(write_csv([HEADER, *ROWS])))
    changed = [ROWS[0], ["c1", "18/03/2023", "Ashdown Social Care", "case_opened", "Screened again", "", "n1", ""]]
    ran = cli("import", case_id, str(write_csv([HEADER, *changed], "v2.csv")), "--format", "json")
    assert ran.json()["updated"] == {"agency": 0, "event": 1, "decision": 0}
    assert store.read("MATCH (e:Event {case_id: $c, id: 'c1'}) RETURN e.date AS d, e.version AS v", c=case_id) == [
        {"d": "2023-03-18", "v": 2}]
    assert graph_counts(store, case_id)[1] == {"BY": 2, "SOURCE": 2, "TO": 1, "RESPONDS_TO": 1}


def test_a_file_with_one_bad_row_writes_nothing(cli, store, case_id, write_csv):
    bad = [*ROWS, ["x1", "2023-02-30", "Police", "incident", "Call-out", "", "", "police"]]
    ran = cli("import", case_id, str(write_csv([HEADER, *bad])), "--format", "json")
    assert ran.code == 2
    assert ran.json() == {"ok": False, "message": "1 bad row; nothing was written", "errors": [
        {"row": 4, "column": "date", "value": "2023-02-30",
         "message": "not a date; use YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY"}]}
    assert graph_counts(store, case_id) == ({}, {})
    assert store.read("MATCH (c:Case {id: $c}) RETURN c", c=case_id) == []


def test_bad_rows_are_listed_one_per_line_in_text(cli, case_id, write_csv):
    bad = [["x1", "2023-01-01", "Police", "referral", "Call", "", "", ""],
           ["x2", "2023-01-02", "Police", "meeting", "Meet", "", "", ""]]
    ran = cli("import", case_id, str(write_csv([HEADER, *bad])))
    assert ran.code == 2
    assert ran.err.splitlines() == [
        "causalmap: error: 2 bad rows; nothing was written",
        "  row 2, column to_agency: a referral needs the recipient agency in to_agency",
        "  row 3, column participants: a meeting needs its participants: agencies separated by ;",
    ]


def test_references_may_point_to_events_of_an_earlier_import(cli, store, case_id, write_csv):
    cli("import", case_id, str(write_csv([HEADER, ROWS[0]], "nursery.csv")))
    ran = cli("import", case_id, str(write_csv([HEADER, ROWS[1]], "csc.csv")))
    assert ran.code == 0, ran.err
    assert store.read("MATCH (:Event {case_id: $c, id: 'c1'})-[:RESPONDS_TO]->(e:Event) RETURN e.id AS id",
                      c=case_id) == [{"id": "n1"}]


def test_two_cases_with_the_same_ids_never_touch(cli, store, new_case_id, write_csv):
    first, second = new_case_id(), new_case_id()
    path = str(write_csv([HEADER, *ROWS]))
    cli("import", first, path)
    cli("import", second, path)
    changed = [["n1", "2023-03-16", "Little Oaks Nursery", "referral", "Changed in the second case",
                "Ashdown Social Care", "", ""]]
    cli("import", second, str(write_csv([HEADER, *changed], "second.csv")))
    assert store.read("MATCH (e:Event {case_id: $c, id: 'n1'}) RETURN e.description AS d", c=first) == [
        {"d": "Bruise referred"}]
    crossing = store.read("MATCH (a {case_id: $a})-[]-(b) WHERE b.case_id = $b RETURN count(*) AS n",
                          a=first, b=second)
    assert crossing == [{"n": 0}]
    assert graph_counts(store, first) == graph_counts(store, second)


def test_xlsx_and_json_chronologies_import_the_same_events(cli, store, new_case_id, tmp_path, write_csv):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    xlsx = tmp_path / "chronology.xlsx"
    book.save(xlsx)
    as_json = tmp_path / "chronology.json"
    as_json.write_text(json.dumps([dict(zip(HEADER, row, strict=True)) for row in ROWS]))
    ids = {}
    for path in (write_csv([HEADER, *ROWS]), xlsx, as_json):
        case = new_case_id()
        assert cli("import", case, str(path)).code == 0
        ids[path.suffix] = store.read("MATCH (e:Event {case_id: $c}) RETURN e.id AS id, e.date AS date "
                                      "ORDER BY id", c=case)
    assert ids[".csv"] == ids[".xlsx"] == ids[".json"] == [{"id": "c1", "date": "2023-03-17"},
                                                           {"id": "n1", "date": "2023-03-16"}]


def test_xlsx_errors_use_spreadsheet_row_numbers(cli, case_id, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(ROWS[0])
    sheet.append(["c1", "2023-03-17", "Ashdown Social Care", "visit", "Seen", "", "", ""])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    ran = cli("import", case_id, str(path), "--format", "json")
    assert [(e["row"], e["column"]) for e in ran.json()["errors"]] == [(3, "kind")]


def test_a_csv_with_a_byte_order_mark_reads_its_first_column(cli, store, case_id, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(ROWS[0]) + "\n", encoding="utf-8-sig")
    assert cli("import", case_id, str(path)).code == 0
    assert store.read("MATCH (e:Event {case_id: $c}) RETURN e.id AS id", c=case_id) == [{"id": "n1"}]


def test_unreadable_files_get_one_clear_line(cli, case_id, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    ran = cli("import", case_id, str(tmp_path / "notes.txt"))
    assert (ran.code, ran.err.strip()) == (2, f"causalmap: error: {tmp_path / 'notes.txt'}: unknown file type "
                                              ".txt; use .csv, .xlsx or .json")
    ran = cli("import", case_id, str(tmp_path / "missing.csv"))
    assert (ran.code, ran.err.strip()) == (2, f"causalmap: error: {tmp_path / 'missing.csv'}: no such file")
