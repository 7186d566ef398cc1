"""Limits and clean errors: strict reading, bounded inputs, whole-value ids, the right status.

Each test is one defect of issue 9 with the case where the rule must fire and a near miss
where it must not.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from causalmap import limits, vocab
from causalmap.chronology import check_chronology, read_table
from causalmap.errors import InvalidInput, UsageError
from causalmap.store.cases import check_case_id

HEADER = "event_id,date,agency,sector,kind,description\n"


def _write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# -- strict CSV ------------------------------------------------------------------------------
def test_an_unclosed_quote_is_an_error_naming_its_row(tmp_path):
    text = HEADER + 'e1,2024-01-02,School,education,contact,Seen\ne2,2024-01-03,School,,contact,"Never closed\n' \
        'e3,2024-01-04,School,,contact,Swallowed\ne4,2024-01-05,School,,contact,Swallowed too\n'
    with pytest.raises(InvalidInput) as refused:
        read_table(_write(tmp_path, "c.csv", text))
    assert refused.value.summary == (f"{tmp_path / 'c.csv'}: not valid CSV at row 3: a quoted cell is never closed; "
                                     "close the quote or remove it")
    assert refused.value.errors[0].row == 3


def test_a_closed_quote_with_a_comma_and_a_line_break_reads_as_one_cell(tmp_path):
    text = HEADER + 'e1,2024-01-02,School,education,contact,"Seen, then\nseen again"\n'
    table = read_table(_write(tmp_path, "c.csv", text))
    assert [values["description"] for _, values in table.rows] == ["Seen, then\nseen again"]


# -- limits ------------------------------------------------------------------------------
def test_too_many_rows_are_refused_before_checking(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    rows = "".join(f"e{i},2024-01-02,School,education,contact,Seen {i}\n" for i in range(4))
    with pytest.raises(InvalidInput, match=r"c.csv: more than 3 rows; split the chronology into several files"):
        read_table(_write(tmp_path, "c.csv", HEADER + rows))
    assert len(read_table(_write(tmp_path, "d.csv", HEADER + rows[: rows.index("e3")])).rows) == 3


def test_a_cell_longer_than_the_limit_is_refused_with_its_row_and_column(tmp_path):
    long, fits = "x" * (limits.MAX_CELL + 1), "x" * limits.MAX_CELL
    with pytest.raises(InvalidInput) as refused:
        read_table(_write(tmp_path, "c.csv", HEADER + f"e1,2024-01-02,School,education,contact,{long}\n"))
    assert [(e.row, e.column, e.value) for e in refused.value.errors] == [(2, "description", "20,001 characters")]
    assert read_table(_write(tmp_path, "d.csv", HEADER + f"e1,2024-01-02,School,education,contact,{fits}\n")).rows


def _xlsx_with_sheet_xml(path: Path, sheet_xml: bytes) -> Path:
    """A minimal workbook whose one sheet is `sheet_xml` (deflated, as Excel does)."""
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_an_xlsx_that_expands_hugely_is_refused_before_it_is_opened(tmp_path):
    bomb = _xlsx_with_sheet_xml(tmp_path / "bomb.xlsx", b"<x>" + b"A" * (50 * 1024 * 1024) + b"</x>")
    assert bomb.stat().st_size < 200_000
    with pytest.raises(InvalidInput) as refused:
        read_table(bomb)
    assert refused.value.summary == (
        f"{bomb}: the workbook expands to 52 MB when opened (at most 268 MB, and at most 200 times its file size); "
        "save the chronology as CSV, or split it")


def test_a_workbook_whose_zip_names_an_unknown_version_is_a_clean_error(tmp_path):
    """Found by the readers' fuzzing: zipfile raised NotImplementedError ("zip file version 6.4")."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["event_id", "date", "agency", "kind", "description"])
    book.active.append(["e1", "2024-01-02", "School", "contact", "Seen"])
    book.save(tmp_path / "ok.xlsx")
    data = bytearray((tmp_path / "ok.xlsx").read_bytes())
    data[data.index(b"PK\x01\x02") + 6] = 64  # the central directory's "version needed to extract"
    (tmp_path / "v64.xlsx").write_bytes(bytes(data))
    with pytest.raises(InvalidInput) as refused:
        read_table(tmp_path / "v64.xlsx")
    assert refused.value.summary == f"{tmp_path / 'v64.xlsx'}: not a readable .xlsx workbook (not a zip archive)"
    assert read_table(tmp_path / "ok.xlsx").rows[0][1]["description"] == "Seen"  # the near miss, unpatched


def test_an_ordinary_xlsx_is_read(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["event_id", "date", "agency", "kind", "description"])
    book.active.append(["e1", "2024-01-02", "School", "contact", "Seen"])
    book.save(tmp_path / "ok.xlsx")
    assert read_table(tmp_path / "ok.xlsx").rows[0][1]["description"] == "Seen"


def test_json_nested_too_deep_is_a_clean_error_not_a_recursion_error(tmp_path):
    deep = _write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(InvalidInput, match=r"deep.json: JSON nested deeper than 32 levels"):
        read_table(deep)
    near = _write(tmp_path, "near.json", '[{"a": ' + "[" * 30 + "]" * 30 + "}]")
    assert len(read_table(near).rows) == 1


def test_an_integer_too_long_to_convert_is_a_clean_json_error(tmp_path):
    with pytest.raises(InvalidInput, match=r"big.json: not valid JSON"):
        read_table(_write(tmp_path, "big.json", '[{"date": ' + "9" * 5000 + "}]"))


# -- ids -------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["case-1\n", "case-1 ", "-case", "", "a" * 101, "case\u202e1", "case/1"])
def test_an_id_must_match_the_rule_as_a_whole(bad):
    assert not vocab.is_id(bad)
    with pytest.raises(UsageError):
        check_case_id(bad)


@pytest.mark.parametrize("good", ["case-1", "a" * 100, "2024.scr:1_a", "дело-1", "حالة-1", "हिन्दी"])
def test_ids_of_any_alphabet_within_the_rule_are_accepted(good):
    assert check_case_id(good) == good


def test_an_event_id_ending_in_a_newline_is_refused_in_a_case_document():
    from causalmap.interchange.validate import check_document

    doc = {"format": "causalmap-case", "format_version": 1, "case": {"id": "c1", "title": "t"},
           "agencies": [{"id": "a1\n", "name": "School", "sector": "education"}]}
    errors = [e for e in check_document(doc) if e.column == "agencies.id"]
    assert [(e.value, e.message) for e in errors] == [("a1\n", f"each item needs an id; {vocab.ID_RULE}")]


# -- agency names ------------------------------------------------------------------------------
def _table(*rows: tuple[str, str]) -> object:
    from causalmap.chronology.read import Table

    headers = ["date", "agency", "kind", "description"]
    return Table(headers, [(i + 2, dict(zip(headers, ("2024-01-02", agency, "contact", text), strict=True)))
                           for i, (agency, text) in enumerate(rows)])


def test_accented_and_gapped_agency_names_stay_two_agencies():
    checked = check_chronology(_table(("Agence Sécurité", "one"), ("Agence S curit", "two")))
    assert {i: a["name"] for i, a in checked.agencies.items()} == {
        "agence-sécurité": "Agence Sécurité", "agence-s-curit": "Agence S curit"}


def test_cyrillic_and_arabic_agency_names_are_accepted():
    checked = check_chronology(_table(("Полиция Москвы", "one"), ("الشرطة", "two")))
    assert sorted(checked.agencies) == ["полиция-москвы", "الشرطة"]


def test_the_same_name_in_other_case_or_composition_is_one_agency():
    decomposed = "Agence Se\u0301curite\u0301"
    checked = check_chronology(_table(("Agence Sécurité", "one"), (decomposed.upper(), "two")))
    assert list(checked.agencies) == ["agence-sécurité"]


def test_a_right_to_left_override_is_removed_from_agency_names():
    checked = check_chronology(_table(("Evil\u202eCorp School", "one")))
    assert [(i, a["name"]) for i, a in checked.agencies.items()] == [("evilcorp-school", "EvilCorp School")]


# -- through the API: statuses and names -------------------------------------------------------
def test_an_upload_error_names_the_uploaded_file_not_the_server_path(client, case_id):
    bad = (HEADER + 'e1,2024-01-02,School,education,contact,"open\n').encode()
    response = client.post(f"/api/cases/{case_id}/chronology", data={"file": (io.BytesIO(bad), "school.csv")},
                           content_type="multipart/form-data")
    assert (response.status_code, response.json["detail"]) == (
        422, "school.csv: not valid CSV at row 2: a quoted cell is never closed; close the quote or remove it")


def test_a_deeply_nested_request_body_is_a_400(client, case_id):
    response = client.post("/api/cases", data="[" * 100_000, content_type="application/json")
    assert (response.status_code, response.json["detail"]) == (
        400, "the request body: JSON nested deeper than 32 levels; nothing here needs more")


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]"])
def test_bad_request_bodies_are_a_400(client, body):
    response = client.post("/api/cases", data=body, content_type="application/json")
    assert response.status_code == 400


def test_a_case_id_ending_in_a_newline_is_refused_by_the_api(client):
    response = client.post("/api/cases", json={"id": "case-1\n"})
    assert (response.status_code, response.json["detail"]) == (
        400, f"'case-1\\n' is not a case id; {vocab.ID_RULE}")


def test_a_named_query_parameter_of_the_wrong_type_is_refused_naming_it(client):
    response = client.get("/api/queries/causal-paths-from-category?category=tools&max_length=abc")
    assert (response.status_code, response.json["detail"]) == (
        400, 'max_length="abc": max_length must be a whole number')
    assert client.get("/api/queries/causal-paths-from-category?category=tools&max_length=9").status_code == 400


def test_a_rejected_host_on_a_page_is_answered_cleanly(client):
    page = client.get("/", headers={"Host": "evil.example"})
    assert (page.status_code, page.mimetype, page.get_data(as_text=True)) == (
        400, "text/plain", "Bad Request: Host 'evil.example' is not trusted.\n")
    assert client.get("/api/cases", headers={"Host": "evil.example"}).status_code == 400


def test_a_case_with_a_cyrillic_id_is_created_shown_and_downloaded(client, store):
    case_id = "дело-2024"
    try:
        assert client.post("/api/cases", json={"id": case_id, "title": "Дело"}).status_code == 201
        assert client.get(f"/cases/{case_id}").status_code == 200
        document = client.get(f"/api/cases/{case_id}/document")
        assert (document.status_code, document.headers["Content-Disposition"]) == (
            200, "attachment; filename=\"____-2024.json\"; filename*=UTF-8''%D0%B4%D0%B5%D0%BB%D0%BE-2024.json")
    finally:
        store.driver.execute_query("MATCH (n {case_id: $c}) DETACH DELETE n", c=case_id)
        store.driver.execute_query("MATCH (n:Case {id: $c}) DETACH DELETE n", c=case_id)
