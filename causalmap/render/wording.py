"""Items in plain words for panels: dates as recorded, kinds without underscores.

The map, its side panel, tooltips and the exports all say a date the way the chronology
recorded it (a month-only date is "April 1999", never a made-up day).
"""

from __future__ import annotations

from causalmap import vocab

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def date_in_words(date: str | None) -> str:
    """'2023-04-05' -> '5 April 2023'; '2023-04' -> 'April 2023'; '2023' -> '2023'; None -> 'no date'."""
    if not date:
        return "no date"
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def kind_in_words(kind: str, record: dict) -> str:
    """What an item is, in words: 'home visit', 'decision not taken', 'contributory factor (tools)'."""
    if kind == "event":
        return str(record.get("kind") or "event").replace("_", " ")
    if kind == "decision":
        return "decision" if record.get("taken", True) else "decision not taken"
    category = vocab.TYPOLOGY.get(record.get("category") or "")
    return f"contributory factor ({category})" if category else "contributory factor"
