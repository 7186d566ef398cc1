"""The analysis as text for a terminal: one block per family, most serious first."""

from __future__ import annotations

import textwrap
from typing import Any


def _items(title: str, items: list[dict[str, Any]], hide_low: bool) -> list[str]:
    shown = [i for i in items if not (hide_low and i["severity"] == "low")]
    lines = [f"{title} ({len(shown)}{f' of {len(items)}' if len(shown) != len(items) else ''})"]
    for item in shown:
        period = item["period"]["start"] or ""
        if item["period"]["end"] and item["period"]["end"] != period:
            period += f" to {item['period']['end']}"
        lines.append(f"  {item['severity'].upper():<6} {item['type']:<32} {period}")
        lines += textwrap.wrap(item["explanation"], 100, initial_indent="         ", subsequent_indent="         ")
    return lines + [""]


def as_table(result: dict[str, Any], hide_low: bool = False) -> str:
    lines = [f"Analysis of case {result['case_id']}", ""]
    for family in ("gaps", "checks", "patterns"):
        if family in result:
            lines += _items(family.capitalize(), result[family], hide_low)
    if "causes" in result:
        causes = result["causes"]
        lines += _items("Causal chains", causes["chains"], hide_low)
        lines += ["Leverage", *textwrap.wrap(causes["leverage"]["explanation"], 100, initial_indent="  ",
                                             subsequent_indent="  "), ""]
        lines += _items("Causal loops", causes["loops"], hide_low)
    if "knowledge" in result:
        k = result["knowledge"]
        lines.append(f"What {k['agency']} knew on {k['date']}: {k['known']} events known, {k['not_known']} not")
        lines += [f"  {'known    ' if e['known'] else 'NOT known'} {e['date']:<10} {e['agency']:<28} {e['kind']}"
                  f"  {e['id']}" for e in k["events"]]
    return "\n".join(lines).rstrip() + "\n"
