"""Who knew what, and when (analysis.md 1b): the hindsight-free view of one agency on one day,
and causal links whose cause had not reached the agency that acted on the effect."""

from __future__ import annotations

import datetime as dt
from typing import Any

from causalmap import vocab
from causalmap.analysis.dates import CERTAIN, POSSIBLE
from causalmap.analysis.graphs import InformationFlow
from causalmap.analysis.items import LOWER, Item, on, quoted
from causalmap.errors import NotFound
from causalmap.snapshot import CaseSnapshot

__all__ = ["knowledge", "information_not_reached"]


def knowledge(snapshot: CaseSnapshot, agency: str, on: dt.date, flow: InformationFlow | None = None
              ) -> dict[str, Any]:
    """Every event of the case, marked known or not known to `agency` on `on`.

    An event recorded by agency A on day d is known when A is the agency and d <= on, or
    when a time-respecting chain of communications and meetings, starting on or after d,
    leads from A to the agency by `on`. Events after `on` are never known.
    """
    if agency not in snapshot.agencies:
        raise NotFound(f"no agency {agency!r} in case {snapshot.case_id!r}; agencies: "
                       f"{', '.join(sorted(snapshot.agencies))}")
    flow = flow or InformationFlow(snapshot)
    events = []
    for event in snapshot.in_order():  # never a reply before what it answers
        known = flow.reached(event["source"], event["day"], agency, on)
        events.append({"id": event["id"], "date": event["date"], "agency": event["agency"],
                       "source": event["source"], "kind": event["kind"], "known": known})
    known_count = sum(e["known"] for e in events)
    return {"agency": agency, "date": on.isoformat(), "known": known_count, "not_known": len(events) - known_count,
            "events": events}


def information_not_reached(snapshot: CaseSnapshot, flow: InformationFlow | None = None) -> list[Item]:
    """A causal link from an event recorded by agency A to a decision or event of agency B,
    where what A recorded had not reached B by the date of the effect."""
    flow = flow or InformationFlow(snapshot)
    items = []
    for link in snapshot.causal_links:
        if link["cause"]["node"] != "event" or link["effect"]["node"] not in ("event", "decision"):
            continue  # factors are the panel's reasoning, not information an agency held
        cause, effect = snapshot.node(link["cause"]), snapshot.node(link["effect"])
        if not cause or not effect or not cause["day"] or not effect["day"]:
            continue
        if effect.get("kind") in vocab.HARM_KINDS:
            continue  # the harm itself is not something an agency did with what it knew
        holder, actor = cause["source"], effect["agency"]
        # The reach graph places communications on their earliest days, so the cause is
        # taken on its earliest day; an imprecise effect date may leave time for it to arrive.
        if holder == actor or flow.reached(holder, cause["day"], actor, effect["day"]):
            continue
        certain = not flow.reached(holder, cause["day"], actor, effect["when"].latest)
        doubt = ("" if certain else f" The date of what {snapshot.agency_name(actor)} did is recorded only to the "
                 "month or year, so the information may have arrived first.")
        items.append(Item(
            "information_not_reached", "high" if certain else LOWER["high"], [holder, actor],
            sorted({cause["id"], effect.get("made_at") or effect["id"]}), cause["when"], effect["when"],
            f"The panel links {snapshot.agency_name(holder)}'s record {on(cause['when'])} "
            f"({quoted(cause['description'])}) to what {snapshot.agency_name(actor)} did "
            f"{on(effect['when'])} ({quoted(effect['description'])}), but no chain of communications or "
            f"meetings had brought that information to {snapshot.agency_name(actor)} by then.{doubt}",
            {"link_id": link["id"]}, CERTAIN if certain else POSSIBLE))
    return items
