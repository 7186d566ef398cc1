"""Check a whole-case document before anything is written, naming every problem.

Errors name the section and position (`row` is the 1-based position in the section's
list, `column` is `section.field`), the value, and what would be right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from causalmap import vocab
from causalmap.chronology.check import TIME_PATTERN, parse_date
from causalmap.errors import RowError
from causalmap.store.model import CAUSAL_KINDS, LINK_FIELDS, SECTIONS, WRITE_ORDER

Check = Callable[[Any], str | None]


def _enum(choices: tuple[str, ...] | dict[str, str]) -> Check:
    names = tuple(choices)
    return lambda v: None if v in names else f"use one of: {', '.join(names)}"


def _text(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "use non-empty text"


def _date(v: Any) -> str | None:
    try:
        parse_date(str(v))
    except ValueError:
        return "use an ISO date: YYYY-MM-DD, YYYY-MM or YYYY"
    return None


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "use true or false"


def _int(v: Any) -> str | None:
    return None if isinstance(v, int) and not isinstance(v, bool) and v >= 1 else "use a whole number from 1"


def _text_list(v: Any) -> str | None:
    return None if isinstance(v, list) and all(isinstance(i, str) for i in v) else "use a list of texts"


def _time(v: Any) -> str | None:
    return None if isinstance(v, str) and TIME_PATTERN.fullmatch(v) else "use HH:MM"


#: (field, check, required) per kind; fields not listed (and not x_) are refused.
RULES: dict[str, tuple[tuple[str, Check, bool], ...]] = {
    "agency": (("name", _text, True), ("sector", _enum(vocab.SECTORS), True)),
    "event": (("date", _date, True), ("date_precision", _enum(vocab.DATE_PRECISIONS), False),
              ("time", _time, False), ("kind", _enum(vocab.EVENT_KINDS), True), ("description", _text, True),
              ("disputed", _bool, False), ("concern", _bool, False), ("notes", _text, False)),
    "decision": (("date", _date, False), ("description", _text, True), ("taken", _bool, True),
                 ("rationale", _text, False)),
    "factor": (("description", _text, True), ("category", _enum(vocab.TYPOLOGY), False),
               ("valence", _enum(vocab.VALENCES), False), ("level", _enum(vocab.FACTOR_LEVELS), False),
               ("evidence", _text, False)),
    "episode": (("title", _text, True), ("start", _date, False), ("end", _date, False), ("summary", _text, False),
                ("rating", _enum(vocab.EPISODE_RATINGS), False), ("appraisal", _text, False),
                ("explanation", _text, False)),
    "finding": (("statement", _text, True), ("category", _enum(vocab.TYPOLOGY), False),
                ("valence", _enum(vocab.VALENCES), False), ("priority", _enum(vocab.FINDING_PRIORITIES), False),
                ("evidence", _text, False), ("how_widespread", _text, False), ("why_it_matters", _text, False),
                ("questions_for_board", _text_list, False)),
    "recommendation": (("text", _text, True), ("type", _enum(tuple(vocab.RECOMMENDATION_TYPES.values())), True),
                       ("owner", _text, False), ("status", _enum(vocab.RECOMMENDATION_STATUSES), False),
                       ("due", _date, False)),
}
LINK_RULES: tuple[tuple[str, Check, bool], ...] = (
    ("mechanism", _text, False), ("strength", _enum(vocab.LINK_STRENGTHS), False),
    ("confidence", _enum(vocab.LINK_CONFIDENCES), False), ("evidence", _text, False),
    ("sources", _text_list, False),
)
CASE_RULES: tuple[tuple[str, Check, bool], ...] = (
    ("title", _text, True), ("board", _text, False), ("region", _text, False),
    ("review_kind", _enum(vocab.REVIEW_KINDS), False), ("status", _enum(vocab.CASE_STATUSES), False),
    ("created_at", _text, False), ("version", _int, False),
)


def check_fields(record: dict[str, Any], rules: tuple[tuple[str, Check, bool], ...], where: str,
                 row: int | None, link_names: tuple[str, ...] = ()) -> list[RowError]:
    """Field-level checks of one record: required fields, allowed values, unknown fields."""
    errors = []
    known = {name for name, _, _ in rules} | {"id", "version"} | set(link_names)
    for name, check, required in rules:
        value = record.get(name)
        if value is None:
            if required:
                errors.append(RowError(row, f"{where}.{name}", None, f"{name} is required"))
            continue
        problem = check(value)
        if problem:
            errors.append(RowError(row, f"{where}.{name}", value, problem))
    if "version" in record and record["version"] is not None and _int(record["version"]):
        errors.append(RowError(row, f"{where}.version", record["version"], "use a whole number from 1"))
    for name in record:
        if name not in known and not name.startswith("x_"):
            errors.append(RowError(row, f"{where}.{name}", None, "unknown field; start your own fields with x_"))
    return errors


def check_document(doc: Any) -> list[RowError]:
    """Every problem of a whole-case document; an empty list means it can be imported."""
    if not isinstance(doc, dict) or doc.get("format") != "causalmap-case":
        return [RowError(None, "format", None, 'not a causalmap case document; expected "format": "causalmap-case"')]
    if doc.get("format_version") != 1:
        return [RowError(None, "format_version", doc.get("format_version"), "this causalmap reads format_version 1")]
    errors: list[RowError] = []
    case = doc.get("case")
    if not isinstance(case, dict):
        return [RowError(None, "case", None, "the document needs a case object")]
    errors += check_fields(case, CASE_RULES, "case", None, ("trigger", "methodology"))
    ids: dict[str, set[str]] = {}
    for kind in WRITE_ORDER:
        section = SECTIONS[kind]
        items = doc.get(section, [])
        if not isinstance(items, list):
            errors.append(RowError(None, section, None, "use a list"))
            items = []
        ids[kind] = set()
        for position, record in enumerate(items, start=1):
            ident = record.get("id") if isinstance(record, dict) else None
            if not vocab.is_id(ident):
                errors.append(RowError(position, f"{section}.id", ident, f"each item needs an id; {vocab.ID_RULE}"))
                continue
            if ident in ids[kind]:
                errors.append(RowError(position, f"{section}.id", ident, "the same id appears twice"))
            ids[kind].add(ident)
            names = tuple(f.name for f in LINK_FIELDS.get(kind, ()))
            errors += check_fields(record, RULES[kind], section, position, names)
    for kind in WRITE_ORDER:
        section = SECTIONS[kind]
        for position, record in enumerate(doc.get(section, []) or [], start=1):
            if not isinstance(record, dict):
                continue
            for field in LINK_FIELDS.get(kind, ()):
                value = record.get(field.name)
                if value is None or value == []:
                    if not field.many and kind == "event":
                        errors.append(RowError(position, f"{section}.{field.name}", None, f"{field.name} is required"))
                    continue
                for item in value if field.many else [value]:
                    target_kind, target = (item.get("node"), item.get("id")) if field.mixed and isinstance(
                        item, dict) else (field.targets[0], item)
                    if target_kind not in field.targets or target not in ids.get(target_kind, set()):
                        errors.append(RowError(position, f"{section}.{field.name}", item,
                                               f"names no {' or '.join(field.targets)} in this document"))
    link_ids: set[str] = set()
    for position, link in enumerate(doc.get("causal_links", []) or [], start=1):
        ident = link.get("id") if isinstance(link, dict) else None
        if not vocab.is_id(ident) or ident in link_ids:
            errors.append(RowError(position, "causal_links.id", ident, "each link needs its own id"))
            continue
        link_ids.add(ident)
        errors += check_fields(link, LINK_RULES, "causal_links", position, ("cause", "effect"))
        for end in ("cause", "effect"):
            ref = link.get(end)
            if not isinstance(ref, dict) or ref.get("node") not in CAUSAL_KINDS or ref.get("id") not in ids.get(
                    ref.get("node"), set()):
                errors.append(RowError(position, f"causal_links.{end}", ref,
                                       "name an event, decision or factor of this document as {node, id}"))
        for agency in link.get("sources") or []:
            if agency not in ids["agency"]:
                errors.append(RowError(position, "causal_links.sources", agency, "names no agency in this document"))
    return errors
