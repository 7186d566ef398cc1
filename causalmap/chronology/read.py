"""Read a chronology file into header names and numbered rows, whatever its format.

Row numbers are as a spreadsheet user counts them: the header is row 1, so the first
event is row 2 in CSV and XLSX. In JSON (a list of objects) the first object is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from causalmap.errors import InvalidInput, RowError


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read `path` by its extension (.csv, .xlsx, .json); unreadable files raise InvalidInput."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx, ".json": _read_json}
    if suffix not in readers:
        raise InvalidInput(f"{path}: unknown file type {suffix or '(none)'}; use .csv, .xlsx or .json")
    if sheet and suffix != ".xlsx":
        raise InvalidInput(f"{path}: --sheet applies only to .xlsx files")
    return readers[suffix](path, sheet) if suffix == ".xlsx" else readers[suffix](path)


def _cell(value: object) -> str:
    """A spreadsheet cell as text: dates keep their day, whole numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(path: Path) -> Table:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            lines = list(reader)
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8") from None
    except csv.Error as exc:
        raise InvalidInput(f"{path}: not valid CSV: {exc}") from None
    if not lines:
        raise InvalidInput(f"{path}: the file is empty; the first row must name the columns")
    headers = [h.strip() for h in lines[0]]
    rows = []
    for number, values in enumerate(lines[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(headers):
            extra = [v for v in values[len(headers):] if v.strip()]
            if extra:
                raise InvalidInput(
                    f"{path}: row {number} has {len(values)} cells but the header names {len(headers)} columns",
                    [RowError(number, None, extra[0], "a cell beyond the last named column; "
                              "add a header for it or quote values that contain commas")],
                )
        rows.append((number, {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers)}))
    return Table(headers, rows)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook  # imported here: only XLSX users pay for it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput(f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InvalidInput(f"{path}: no sheet named {sheet!r}; the sheets are {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        it = ws.iter_rows(values_only=True)
        first = next(it, None)
        if first is None:
            raise InvalidInput(f"{path}: the sheet is empty; the first row must name the columns")
        headers = [_cell(h) for h in first]
        while headers and not headers[-1]:
            headers.pop()
        rows = []
        for number, values in enumerate(it, start=2):
            cells = [_cell(v) for v in values]
            if not any(cells):
                continue
            rows.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}))
        return Table(headers, rows)
    finally:
        book.close()


def _read_json(path: Path) -> Table:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InvalidInput(f"{path}: a JSON chronology is a list of objects, one per event")
    headers: list[str] = []
    for item in data:
        headers.extend(k for k in item if k not in headers)
    rows = []
    for number, item in enumerate(data, start=1):
        values = {}
        for key, value in item.items():
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            values[str(key)] = _cell(value)
        rows.append((number, values))
    return Table([str(h) for h in headers], rows)
