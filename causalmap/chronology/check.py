"""Check every chronology row against chronology-format.md and turn good rows into records.

Pure: it reads nothing and writes nothing. What is already stored for the case (event ids
and kinds, agencies) is passed in, so that `responds_to` and `account_of` may point to
stored events, in any order. Every problem of every row is collected before raising.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from causalmap import vocab
from causalmap.chronology.read import Table
from causalmap.errors import InvalidInput, RowError

REQUIRED = ("date", "agency", "kind", "description")
OPTIONAL = (
    "event_id", "time", "source", "to_agency", "participants", "responds_to", "account_of",
    "decision", "decision_taken", "disputed", "concern", "sector", "notes",
)
COLUMNS = REQUIRED + OPTIONAL
_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass
class Chronology:
    """Checked records, ready for the store: agencies, events and decisions by id."""

    agencies: dict[str, dict[str, object]] = field(default_factory=dict)
    events: dict[str, dict[str, object]] = field(default_factory=dict)
    decisions: dict[str, dict[str, object]] = field(default_factory=dict)


def normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def parse_date(text: str) -> tuple[str, str]:
    """Return (ISO date at its precision, precision); ValueError with the reason otherwise.

    >>> parse_date("03/04/2023")
    ('2023-04-03', 'day')
    """
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return text, "year"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        dt.date(int(text[:4]), int(text[5:]), 1)
        return text, "month"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text).isoformat(), "day"
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day).isoformat(), "day"
    raise ValueError("not a date")


def generated_event_id(date: str, agency: str, kind: str, description: str, time: str) -> str:
    """A stable id from the row's content, so that re-importing a file changes nothing."""
    digest = hashlib.sha256("\x1f".join((date, agency, kind, description, time)).encode()).hexdigest()
    return f"ev-{digest[:12]}"


def _suggest(value: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value.lower(), choices, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}use one of: {', '.join(choices)}"


class _RowChecker:
    def __init__(self, stored_agencies: Mapping[str, Mapping[str, object]]) -> None:
        self.errors: list[RowError] = []
        self.stored_agencies = stored_agencies
        self.out = Chronology()
        self.sector_row: dict[str, tuple[int, str]] = {}

    def fail(self, row: int, column: str, value: object, message: str) -> None:
        self.errors.append(RowError(row, column, value, message))

    def agency(self, row: int, column: str, name: str, sector: str | None = None) -> str | None:
        ident = vocab.agency_id(name)
        if not ident:
            self.fail(row, column, name, "an agency name needs at least one letter or digit")
            return None
        if ident not in self.out.agencies:
            stored = self.stored_agencies.get(ident)
            self.out.agencies[ident] = {
                "id": ident,
                "name": stored["name"] if stored else vocab.clean_name(name),
                "sector": stored["sector"] if stored else None,
                "_new": stored is None,
            }
        if sector:
            record = self.out.agencies[ident]
            earlier = self.sector_row.get(ident)
            if earlier and earlier[1] != sector:
                self.fail(row, "sector", sector,
                          f"row {earlier[0]} gave {name!r} the sector {earlier[1]!r}; an agency has one sector")
            elif not record["_new"] and record["sector"] not in (None, "other", sector):
                self.fail(row, "sector", sector, f"{name!r} is already stored with the sector "
                          f"{record['sector']!r}; leave the column blank or use that sector")
            else:
                self.sector_row[ident] = (row, sector)
                record["sector"] = sector
        return ident


def check_chronology(
    table: Table,
    *,
    stored_events: Mapping[str, str] | None = None,
    stored_agencies: Mapping[str, Mapping[str, object]] | None = None,
) -> Chronology:
    """Check all rows; return the records, or raise InvalidInput naming every bad row.

    `stored_events` maps the case's stored event ids to their kinds; `stored_agencies`
    maps stored agency ids to their `name` and `sector`.
    """
    stored_events = stored_events or {}
    checker = _RowChecker(stored_agencies or {})
    columns = _check_headers(table.headers, checker)
    if checker.errors:
        raise InvalidInput("the header row is not a chronology header; nothing was written", checker.errors)
    if not table.rows:
        raise InvalidInput("the file has a header but no rows; nothing was written",
                           [RowError(None, None, None, "add one row per event below the header")])

    first_row_of_id: dict[str, int] = {}
    references: list[tuple[int, str, str, str]] = []  # (row, column, event id, referenced id)
    for number, raw in table.rows:
        values = {columns[h]: v for h, v in raw.items() if h in columns}
        event = _check_row(number, values, checker, references)
        if event is None:
            continue
        ident = str(event["id"])
        if ident in first_row_of_id:
            given = bool(values.get("event_id"))
            checker.fail(number, "event_id" if given else "date", values.get("event_id") or values.get("date"),
                         f"same event id as row {first_row_of_id[ident]}" if given else
                         f"identical to row {first_row_of_id[ident]}; remove the duplicate, or give each row an "
                         "event_id to keep both")
            continue
        first_row_of_id[ident] = number
        checker.out.events[ident] = event

    known_kinds = dict(stored_events)
    known_kinds.update({i: str(e["kind"]) for i, e in checker.out.events.items()})
    for number, column, ident, target in references:
        if target == ident:
            checker.fail(number, column, target, "an event cannot refer to itself")
        elif target not in known_kinds:
            checker.fail(number, column, target, "no event with this event_id in the file or stored for the case; "
                         "check the id or import the other agency's chronology first")
        elif column == "responds_to" and known_kinds[target] not in vocab.COMMUNICATION_KINDS:
            checker.fail(number, column, target, f"event {target!r} is a {known_kinds[target]}, not a "
                         f"communication; responds_to names a {', '.join(vocab.COMMUNICATION_KINDS)}")
    if checker.errors:
        count = len({e.row for e in checker.errors})
        raise InvalidInput(f"{count} bad row{'s' if count != 1 else ''}; nothing was written",
                           sorted(checker.errors, key=lambda e: (e.row or 0, COLUMNS.index(e.column)
                                                                if e.column in COLUMNS else 99)))
    for record in checker.out.agencies.values():
        if record["sector"] is None:
            record["sector"] = "other"
    return checker.out


def _check_headers(headers: list[str], checker: _RowChecker) -> dict[str, str]:
    columns: dict[str, str] = {}
    seen: dict[str, str] = {}
    for header in headers:
        name = normalise_header(header)
        if not name:
            checker.fail(1, header, header, "a column without a name; name it or delete it")
        elif name in seen:
            checker.fail(1, header, header, f"the column {name!r} appears twice (also as {seen[name]!r})")
        elif name not in COLUMNS and not name.startswith("x_"):
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            checker.fail(1, header, header, f"unknown column; {hint}start your own columns with x_ to keep them")
        else:
            seen[name] = header
            columns[header] = name
    for name in REQUIRED:
        if name not in seen:
            checker.fail(1, name, None, f"the required column {name!r} is missing; the header must name "
                         f"{', '.join(REQUIRED)}")
    return columns


def _yes_no(number: int, column: str, value: str, checker: _RowChecker) -> bool | None:
    if value.lower() in _YES:
        return _YES[value.lower()]
    checker.fail(number, column, value, "use yes or no")
    return None


def _check_row(number: int, values: dict[str, str], checker: _RowChecker,
               references: list[tuple[int, str, str, str]]) -> dict[str, object] | None:
    before = len(checker.errors)
    fail = checker.fail
    get = values.get
    for name in REQUIRED:
        if not get(name):
            fail(number, name, "", f"{name} is required")

    date = precision = None
    if get("date"):
        try:
            date, precision = parse_date(values["date"])
        except ValueError:
            fail(number, "date", values["date"], "not a date; use YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY")
    kind = get("kind", "").lower()
    if kind and kind not in vocab.EVENT_KINDS:
        fail(number, "kind", values["kind"], f"unknown event kind; {_suggest(kind, vocab.EVENT_KINDS)}")
        kind = ""
    sector = get("sector", "").lower() or None
    if sector and sector not in vocab.SECTORS:
        fail(number, "sector", values["sector"], f"unknown sector; {_suggest(sector, vocab.SECTORS)}")
        sector = None
    agency = checker.agency(number, "agency", values["agency"], sector) if get("agency") else None
    source = checker.agency(number, "source", values["source"]) if get("source") else agency

    time = get("time") or None
    if time and not TIME_PATTERN.fullmatch(time):
        fail(number, "time", time, "not a time; use HH:MM on the 24-hour clock, e.g. 09:30")

    to_agencies: list[str] = []
    if get("to_agency"):
        if kind and not vocab.is_communication(kind):
            fail(number, "to_agency", values["to_agency"], f"only communications have a recipient, not a {kind}; "
                 f"use a kind among {', '.join(vocab.COMMUNICATION_KINDS)} or leave to_agency blank")
        else:
            recipient = checker.agency(number, "to_agency", values["to_agency"])
            if recipient and recipient == agency:
                fail(number, "to_agency", values["to_agency"], "an agency cannot communicate with itself; "
                     "name the agency that received it")
            elif recipient:
                to_agencies.append(recipient)
    elif kind and vocab.is_communication(kind):
        fail(number, "to_agency", "", f"a {kind} needs the recipient agency in to_agency")

    participants: list[str] = []
    if get("participants"):
        if kind and not vocab.is_meeting(kind):
            fail(number, "participants", values["participants"], f"only meetings have participants, not a {kind}; "
                 f"use a kind among {', '.join(vocab.MEETING_KINDS)} or leave participants blank")
        else:
            for name in (p.strip() for p in values["participants"].split(";")):
                ident = checker.agency(number, "participants", name) if name else None
                if ident and ident not in participants:
                    participants.append(ident)
    elif kind and vocab.is_meeting(kind):
        fail(number, "participants", "", f"a {kind} needs its participants: agencies separated by ;")

    disputed = _yes_no(number, "disputed", values["disputed"], checker) if get("disputed") else False
    concern = _yes_no(number, "concern", values["concern"], checker) if get("concern") else False
    taken = True
    if get("decision_taken"):
        taken = _yes_no(number, "decision_taken", values["decision_taken"], checker)
        if not get("decision"):
            fail(number, "decision_taken", values["decision_taken"],
                 "decision_taken needs a decision; describe the decision in the decision column")

    ident = get("event_id") or None
    if ident and not vocab.is_id(ident):
        fail(number, "event_id", ident, f"not an event id; {vocab.ID_RULE}")
    if len(checker.errors) > before:
        return None
    assert date and precision and agency and source
    ident = ident or generated_event_id(date, agency, kind, values["description"], time or "")
    for column in ("responds_to", "account_of"):
        if get(column):
            references.append((number, column, ident, values[column]))
    event: dict[str, object] = {
        "id": ident, "date": date, "date_precision": precision, "time": time, "kind": kind,
        "description": values["description"], "agency": agency, "source": source,
        "disputed": bool(disputed), "concern": bool(concern), "notes": get("notes") or None,
        "to_agencies": sorted(to_agencies), "participants": sorted(participants),
        "responds_to": [values["responds_to"]] if get("responds_to") else [],
        "account_of": [values["account_of"]] if get("account_of") else [],
    }
    event.update({k: v for k, v in values.items() if k.startswith("x_") and v})
    if get("decision"):
        checker.out.decisions[f"{ident}-decision"] = {
            "id": f"{ident}-decision", "date": date, "description": values["decision"], "taken": bool(taken),
            "agency": agency, "made_at": ident,
        }
    return event
