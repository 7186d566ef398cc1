"""The analysis as text for a terminal: what to read first, then one block per family, each
ordered by the ranking's score with its reasons."""

from __future__ import annotations

import textwrap
from typing import Any


def _why(item: dict[str, Any]) -> str:
    """The score's reasons, as the table prints them: 'why 95: high severity by its rule +40; ...'."""
    parts = [f"{r['reason']} {r['points']:+d}" for r in item.get("reasons", [])]
    return f"why {item['score']}: " + "; ".join(parts) if "score" in item else ""


def _items(title: str, items: list[dict[str, Any]], hide_low: bool) -> list[str]:
    shown = [i for i in items if not (hide_low and i["severity"] == "low")]
    lines = [f"{title} ({len(shown)}{f' of {len(items)}' if len(shown) != len(items) else ''})"]
    for item in shown:
        period = item["period"]["start"] or ""
        if item["period"]["end"] and item["period"]["end"] != period:
            period += f" to {item['period']['end']}"
        score = f"{item['score']:>4} " if "score" in item else ""
        possible = " (possible)" if item.get("certainty") == "possible" else ""
        lines.append(f"  {item['severity'].upper():<6} {score}{item['type']:<32} {period}{possible}")
        lines += textwrap.wrap(item["explanation"], 100, initial_indent="         ", subsequent_indent="         ")
        if "score" in item:
            lines += textwrap.wrap(_why(item), 100, initial_indent="         ", subsequent_indent="           ")
    return lines + [""]


def _first(result: dict[str, Any], hide_low: bool, count: int = 10) -> list[str]:
    """The top of the ranking across gaps, checks and patterns: what a panel reads first."""
    mixed = [i for f in ("gaps", "checks", "patterns") for i in result.get(f, [])]
    mixed.sort(key=lambda i: (-i["score"], ["high", "medium", "low"].index(i["severity"]),
                              i["period"]["earliest"] or "9999"))
    if not mixed:
        return []
    return _items("Read these first, by score", mixed[:count], hide_low)[:-1] + [
        f"  {len(result.get('stories', []))} stories: items a panel reads as one (a pair of agencies, a meeting, "
        "an agency); each item below names its story in the JSON.", ""]


def as_table(result: dict[str, Any], hide_low: bool = False) -> str:
    lines = [f"Analysis of case {result['case_id']}", ""]
    lines += _first(result, hide_low)
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
