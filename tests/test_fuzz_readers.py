"""Property-based fuzzing of the chronology readers (hypothesis): whatever bytes arrive as a
.csv, .xlsx or .json file, the reader and the checker either accept them or raise a clean
InvalidInput/UsageError; never another exception. A few examples go through the real import.
"""

from __future__ import annotations

import io
import json
import tempfile
import uuid
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from causalmap.chronology import check_chronology, read_table
from causalmap.errors import InvalidInput, UsageError

HEADER = "event_id,date,agency,sector,kind,description,to_agency,participants,responds_to,time,disputed,x_note"
#: Characters that matter to CSV and to the checks: quotes, separators, line ends, controls,
#: non-Latin letters, bidirectional overrides.
CSV_ALPHABET = st.sampled_from(list(',";\n\r\t -/:.0123456789abcdeéжش\u202e\x00') +
                               ["2024-01-02", "03/04/2023", "referral", "meeting", "contact", "education",
                                "Ashdown School", "e1", "e2", "yes", "10:00", "99:99"])
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_and_check(content: bytes, suffix: str) -> None:
    """The property: a Table and Chronology, or a clean error with a message."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            check_chronology(read_table(path, name=f"fuzz{suffix}"))
        except (InvalidInput, UsageError) as error:
            assert str(error)
            assert folder not in str(error)  # the file is named as the user knows it


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_as_csv_read_cleanly(content):
    read_and_check(content, ".csv")


@FAST
@given(st.lists(st.lists(st.lists(CSV_ALPHABET, max_size=6).map("".join), max_size=12).map(",".join),
                max_size=8))
def test_csv_lines_under_a_real_header_read_and_check_cleanly(lines):
    read_and_check("\n".join([HEADER, *lines]).encode(), ".csv")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)
EVENT_OBJECTS = st.lists(st.fixed_dictionaries({}, optional={
    "event_id": st.text(max_size=8), "date": st.sampled_from(["2024-01-02", "2024", "x", ""]) | st.text(max_size=6),
    "agency": st.text(max_size=10), "kind": st.sampled_from(["contact", "referral", "meeting", "nope"]),
    "description": st.text(max_size=20), "to_agency": JSON_VALUES, "participants": JSON_VALUES,
    "disputed": JSON_VALUES, "x_extra": JSON_VALUES}), max_size=6)


@FAST
@given(JSON_VALUES | EVENT_OBJECTS)
def test_any_json_document_reads_cleanly(value):
    read_and_check(json.dumps(value).encode(), ".json")


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_as_json_read_cleanly(content):
    read_and_check(content, ".json")


def _workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["event_id", "date", "agency", "kind", "description"])
    book.active.append(["e1", "2024-01-02", "Ashdown School", "contact", "Seen"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORKBOOK = _workbook()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(WORKBOOK) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_damaged_workbook_reads_cleanly(flips):
    damaged = bytearray(WORKBOOK)
    for position, value in flips:
        damaged[position] = value
    read_and_check(bytes(damaged), ".xlsx")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml",
                                        "xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels"]),
                       st.binary(max_size=300), max_size=5))
def test_a_zip_of_arbitrary_parts_as_xlsx_reads_cleanly(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    read_and_check(out.getvalue(), ".xlsx")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.lists(CSV_ALPHABET, max_size=4).map("".join), min_size=6, max_size=6)
                .map(",".join), min_size=1, max_size=5))
def test_through_the_real_import_a_file_is_written_whole_or_not_at_all(store, lines):
    from causalmap.store.cases import case_exists, case_summary
    from causalmap.store.chronology import import_chronology

    case_id = f"fuzz-{uuid.uuid4().hex[:10]}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_text("\n".join(["event_id,date,agency,kind,description,to_agency", *lines]), encoding="utf-8")
        try:
            table = read_table(path)
            expected = len(check_chronology(table).events)
        except (InvalidInput, UsageError):
            return
        try:
            import_chronology(store, case_id, table)
            assert case_summary(store, case_id)["counts"]["event"] == expected
        except (InvalidInput, UsageError):
            assert not case_exists(store, case_id)
        finally:
            store.driver.execute_query("MATCH (n {case_id: $c}) DETACH DELETE n", c=case_id)
            store.driver.execute_query("MATCH (n:Case {id: $c}) DETACH DELETE n", c=case_id)
