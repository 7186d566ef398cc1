"""Read a chronology file into header names and numbered rows, whatever its format.

Row numbers are as a spreadsheet user counts them: the header is row 1, so the first
event is row 2 in CSV and XLSX. In JSON (a list of objects) the first object is row 1.
Reading is strict (an unclosed quote is an error, not a swallowed file) and bounded by
causalmap.limits, checked before the expensive step. Messages name the file as the user
knows it (`name`), never a server's temporary path.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from causalmap import limits
from causalmap.errors import InvalidInput, RowError


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(path: Path, sheet: str | None = None, *, name: str | None = None) -> Table:
    """Read `path` by its extension (.csv, .xlsx, .json); unreadable files raise InvalidInput.

    `name` is the file's name as the user gave it (an upload's), used in every message."""
    shown = name or str(path)
    suffix = Path(name).suffix.lower() if name else path.suffix.lower()
    if not path.is_file():
        raise InvalidInput(f"{shown}: no such file")
    if suffix not in (".csv", ".xlsx", ".json"):
        raise InvalidInput(f"{shown}: unknown file type {suffix or '(none)'}; use .csv, .xlsx or .json")
    if sheet and suffix != ".xlsx":
        raise InvalidInput(f"{shown}: --sheet applies only to .xlsx files")
    if suffix == ".xlsx":
        table = _read_xlsx(path, sheet, shown)
    else:
        table = _read_csv(path, shown) if suffix == ".csv" else _read_json(path, shown)
    _check_cells(table, shown)
    return table


def _too_many_rows(shown: str) -> InvalidInput:
    return InvalidInput(f"{shown}: more than {limits.MAX_ROWS:,} rows; split the chronology into several files "
                        "and import them one after another")


def _check_cells(table: Table, shown: str) -> None:
    long = [RowError(number, column, f"{len(value):,} characters", f"a cell holds at most {limits.MAX_CELL:,} "
                     "characters; shorten it or move the text into a linked document")
            for number, values in table.rows for column, value in values.items() if len(value) > limits.MAX_CELL]
    if long:
        raise InvalidInput(f"{shown}: {len(long)} cell{'s' if len(long) != 1 else ''} too long; nothing was written",
                           long[:100])


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


def _read_csv(path: Path, shown: str) -> Table:
    """Rows are built as the file is read: the raw lines are never held beside them."""
    headers: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    number = 0  # the row being read, counted as a spreadsheet does
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for number, values in enumerate(csv.reader(handle, strict=True), start=1):
                if headers is None:
                    headers = [h.strip() for h in values]
                    continue
                if number > limits.MAX_ROWS + 1:
                    raise _too_many_rows(shown)
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(headers):
                    extra = [v for v in values[len(headers):] if v.strip()]
                    if extra:
                        raise InvalidInput(
                            f"{shown}: row {number} has {len(values)} cells but the header names {len(headers)} "
                            "columns", [RowError(number, None, extra[0], "a cell beyond the last named column; "
                                                 "add a header for it or quote values that contain commas")],
                        )
                rows.append((number, {h: (values[i].strip() if i < len(values) else "")
                                      for i, h in enumerate(headers)}))
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{shown}: not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8") from None
    except csv.Error as exc:
        row = number + 1
        hint = ("a quoted cell is never closed; close the quote or remove it" if "end of data" in str(exc) else
                f"a cell longer than {limits.MAX_CELL:,} characters" if "field limit" in str(exc) else
                "a quote inside a cell must be doubled (\"\") and the whole cell quoted")
        raise InvalidInput(f"{shown}: not valid CSV at row {row}: {hint}",
                           [RowError(row, None, None, f"{hint} (the CSV reader said: {exc})")]) from None
    if headers is None:
        raise InvalidInput(f"{shown}: the file is empty; the first row must name the columns")
    return Table(headers, rows)


def _check_expansion(path: Path, shown: str) -> None:
    """Refuse a workbook that would expand too far, from the zip's own size records, before
    openpyxl inflates anything (a 200 KB file can hold a 200 MB cell)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):  # damaged or from the future
        raise InvalidInput(f"{shown}: not a readable .xlsx workbook (not a zip archive)") from None
    expanded = sum(m.file_size for m in members)
    packed = max(path.stat().st_size, 1)
    if expanded > limits.MAX_XLSX_EXPANDED or expanded > packed * limits.MAX_XLSX_RATIO and expanded > 1 << 20:
        raise InvalidInput(f"{shown}: the workbook expands to {expanded / 1e6:,.0f} MB when opened (at most "
                           f"{limits.MAX_XLSX_EXPANDED / 1e6:,.0f} MB, and at most {limits.MAX_XLSX_RATIO} times "
                           "its file size); save the chronology as CSV, or split it")


def _read_xlsx(path: Path, sheet: str | None, shown: str) -> Table:
    from openpyxl import load_workbook  # imported here: only XLSX users pay for it

    _check_expansion(path, shown)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput(f"{shown}: not a readable .xlsx workbook ({exc.__class__.__name__})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InvalidInput(f"{shown}: no sheet named {sheet!r}; the sheets are {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        it = ws.iter_rows(values_only=True)
        first = next(it, None)
        if first is None:
            raise InvalidInput(f"{shown}: the sheet is empty; the first row must name the columns")
        headers = [_cell(h) for h in first]
        while headers and not headers[-1]:
            headers.pop()
        rows = []
        for number, values in enumerate(it, start=2):
            cells = [_cell(v) for v in values]
            if not any(cells):
                continue
            if len(rows) >= limits.MAX_ROWS:
                raise _too_many_rows(shown)
            rows.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}))
        return Table(headers, rows)
    except InvalidInput:
        raise
    except Exception as exc:  # a damaged sheet may fail only while its rows are read
        raise InvalidInput(f"{shown}: not a readable .xlsx workbook ({exc.__class__.__name__})") from None
    finally:
        book.close()


def _read_json(path: Path, shown: str) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    data = limits.loads(text, shown)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InvalidInput(f"{shown}: a JSON chronology is a list of objects, one per event")
    if len(data) > limits.MAX_ROWS:
        raise _too_many_rows(shown)
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
