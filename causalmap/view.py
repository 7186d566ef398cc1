"""The map's filters, applied on the server so an export shows what the panel filtered.

The same rules as the map page's filter (web/static/map.js `visible`): an event or
decision shows when its agency is chosen, it belongs to the chosen key practice episode,
and its date lies in the period; a contributory factor has no agency and no date and
shows unless an episode is chosen that it is not part of. Relationships show when both
ends show; references to items left out are dropped, so a filtered document is whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from causalmap.errors import UsageError
from causalmap.snapshot import CaseSnapshot, day
from causalmap.store.model import LINK_FIELDS, SECTIONS


@dataclass(frozen=True)
class ViewFilter:
    """What the panel chose to see: agencies (all when empty), a period, an episode, low severity hidden."""

    agencies: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    episode: str | None = None
    hide_low: bool = False

    @classmethod
    def parse(cls, agencies: tuple[str, ...] | list[str] = (), start: str | None = None, end: str | None = None,
              episode: str | None = None, hide_low: bool = False) -> ViewFilter:
        """From command-line or query-string text; a bad date is a UsageError that says how to write it."""
        def date(name: str, text: str | None) -> dt.date | None:
            if not text:
                return None
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise UsageError(f"--{name} {text!r}: use a date as YYYY-MM-DD") from None

        made = cls(tuple(a for a in agencies if a), date("from", start), date("to", end), episode or None,
                   bool(hide_low))
        if made.start and made.end and made.start > made.end:
            raise UsageError(f"--from {made.start} is after --to {made.end}; swap them")
        return made

    @property
    def active(self) -> bool:
        return bool(self.agencies or self.start or self.end or self.episode)

    def check(self, doc: dict[str, Any]) -> None:
        """Refuse an agency or episode the case does not have, listing the ones it has."""
        agencies = {a["id"] for a in doc["agencies"]}
        unknown = [a for a in self.agencies if a not in agencies]
        if unknown:
            raise UsageError(f"--agency {unknown[0]!r}: no such agency in case {doc['case']['id']!r}; use one of: "
                             f"{', '.join(sorted(agencies)) or '(none)'}")
        episodes = {e["id"] for e in doc["episodes"]}
        if self.episode and self.episode not in episodes:
            raise UsageError(f"--episode {self.episode!r}: no such key practice episode in case "
                             f"{doc['case']['id']!r}; use one of: {', '.join(sorted(episodes)) or '(none)'}")

    def describe(self) -> str:
        """The filter in words, for figure captions and the report."""
        parts = []
        if self.agencies:
            parts.append("agencies " + ", ".join(self.agencies))
        if self.start or self.end:
            parts.append(f"from {self.start or 'the start'} to {self.end or 'the end'}")
        if self.episode:
            parts.append(f"episode {self.episode}")
        return "; ".join(parts) or "the whole case"


def _members(doc: dict[str, Any], episode: str) -> set[tuple[str, str]]:
    for record in doc["episodes"]:
        if record["id"] == episode:
            return {(m["node"], m["id"]) for m in record.get("members") or []}
    return set()


def filter_document(doc: dict[str, Any], view: ViewFilter) -> dict[str, Any]:
    """The case document with only what the filter shows, every reference still resolving."""
    if not view.active:
        return doc
    view.check(doc)
    members = _members(doc, view.episode) if view.episode else None

    def shows(kind: str, record: dict[str, Any]) -> bool:
        if members is not None and (kind, record["id"]) not in members:
            return False
        if kind == "factor":
            return True
        if view.agencies and record.get("agency") and record["agency"] not in view.agencies:
            return False
        when = day(record.get("date"))
        if when is not None and ((view.start and when < view.start) or (view.end and when > view.end)):
            return False
        return True

    out = dict(doc)
    kept: dict[str, set[str]] = {}
    for kind in ("event", "decision", "factor"):
        out[SECTIONS[kind]] = [r for r in doc[SECTIONS[kind]] if shows(kind, r)]
        kept[kind] = {r["id"] for r in out[SECTIONS[kind]]}
    used = {r.get(f) for kind in ("event", "decision") for r in out[SECTIONS[kind]] for f in ("agency", "source")}
    used |= {a for r in out["events"] for f in ("to_agencies", "participants") for a in r.get(f) or []}
    out["agencies"] = [a for a in doc["agencies"] if a["id"] in used]
    kept["agency"] = {a["id"] for a in out["agencies"]}
    kept["episode"] = {e["id"] for e in doc["episodes"]}
    kept["finding"] = {f["id"] for f in doc["findings"]}

    def prune(kind: str, record: dict[str, Any]) -> dict[str, Any]:
        record = dict(record)
        for field in LINK_FIELDS.get(kind, ()):
            value = record.get(field.name)
            if field.mixed:
                record[field.name] = [v for v in value or [] if v["id"] in kept.get(v["node"], set())]
            elif field.many:
                record[field.name] = [v for v in value or [] if v in kept[field.targets[0]]]
            elif value is not None and value not in kept[field.targets[0]]:
                record[field.name] = None
        return record

    for kind in ("event", "decision", "episode", "finding"):
        out[SECTIONS[kind]] = [prune(kind, r) for r in out[SECTIONS[kind]]]
    out["causal_links"] = [
        {**link, "sources": [s for s in link.get("sources") or [] if s in kept["agency"]]}
        for link in doc["causal_links"]
        if link["cause"]["id"] in kept[link["cause"]["node"]] and link["effect"]["id"] in kept[link["effect"]["node"]]]
    return out


def snapshot_of(doc: dict[str, Any]) -> CaseSnapshot:
    """The analysis snapshot of a (filtered, redacted) case document, as the store would give it."""
    def by_id(kind: str) -> dict[str, dict[str, Any]]:
        return {r["id"]: dict(r) for r in doc[SECTIONS[kind]]}

    return CaseSnapshot(case_id=doc["case"]["id"], agencies=by_id("agency"), events=by_id("event"),
                        decisions=by_id("decision"), factors=by_id("factor"), episodes=by_id("episode"),
                        findings=by_id("finding"), recommendations=by_id("recommendation"),
                        causal_links=[dict(link) for link in doc["causal_links"]])
