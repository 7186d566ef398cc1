"""A second, naive statement of the ranking in docs/analysts.md ("Ranking: what a panel reads
first"), written for the tests and sharing no code with causalmap/analysis/ranking.py.

Given the analysed items (each family's dicts, whose fields the reference analysis pins
separately), it works out from the table of reasons what each item's story, reasons and
score must be, the order of each list, and the stories, with plain loops: every reason
re-asked of every event, every outcome path found by searching the causal links backwards.
"""

from __future__ import annotations

import calendar
import datetime as dt

POINTS = {"severity_high": 40, "severity_medium": 20, "referral": 15, "concern_not_referred": 15,
          "harm_after": 15, "outcome_link": 15, "concern": 10, "child_protection": 10, "possible": -15,
          "no_reason_to_talk": -20, "structural": -10}
SEVERITIES = ["high", "medium", "low"]
PAIR = {"unanswered_handoff", "late_response", "silent_pair", "one_way_flow", "referral_without_feedback",
        "information_not_reached", "concern_not_referred", "discrepant_accounts"}
AGENCY = {"start_again", "agency_silent", "repeated_missed_appointments", "no_strategy_discussion",
          "disagreement_without_escalation", "broker_dependency"}
COMMUNICATIONS = {"referral", "information_sharing", "request", "notification", "escalation"}
CONCERN_KINDS = {"referral", "escalation", "incident", "medical", "strategy_discussion"}


def story(item: dict) -> str:
    """The story of docs/analysts.md: a pair, a meeting, an agency, or the item's own record."""
    if item["type"] in PAIR and len(item["agencies"]) > 1:
        return "pair:" + "|".join(sorted(item["agencies"][:2]))
    if item["type"] == "absent_from_meeting":
        return "meeting:" + item["event_ids"][0]
    if item["type"] in AGENCY and item["agencies"]:
        return "agency:" + (item.get("broker") or item["agencies"][0])
    for field, name in (("link_id", "link"), ("finding_id", "finding"), ("factor_id", "factor"),
                        ("recommendation_id", "recommendation"), ("episode_id", "episode")):
        if item.get(field):
            return f"{name}:{item[field]}"
    if item.get("node"):
        return f"{item['node']}:{item['id']}"
    return item["type"] + ":" + "|".join(list(item["agencies"]) + list(item["event_ids"]))


def last_day(text: str) -> dt.date:
    """The last day an ISO date recorded to the day, month or year can be."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(parts[0], 12, 31)


def first_day(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


class ReferenceRanking:
    def __init__(self, snapshot):
        self.s = snapshot
        self.outcome_causes = self._outcome_causes()

    def _outcome_causes(self) -> set[str]:
        """Events (and the meetings decisions were made at) from which the causal links lead,
        in one or more steps, to an outcome event: a search backwards from each outcome."""
        def key(ref):
            return (ref["node"], ref["id"])

        causes_of: dict[tuple, list[tuple]] = {}
        for link in self.s.causal_links:
            causes_of.setdefault(key(link["effect"]), []).append(key(link["cause"]))
        found = set()
        for event in self.s.events.values():
            if event["kind"] != "outcome":
                continue
            seen, todo = set(), [("event", event["id"])]
            while todo:
                for cause in causes_of.get(todo.pop(), []):
                    if cause not in seen:
                        seen.add(cause)
                        todo.append(cause)
            for node, ident in seen:
                if node == "event" and ident in self.s.events:
                    found.add(ident)
                elif node == "decision" and ident in self.s.decisions and self.s.decisions[ident].get("made_at"):
                    found.add(self.s.decisions[ident]["made_at"])
        return found

    def _events(self, item: dict) -> list[dict]:
        return [self.s.events[i] for i in item["event_ids"] if i in self.s.events]

    def _sector(self, agency: str) -> str:
        return (self.s.agencies.get(agency) or {}).get("sector") or "other"

    def _first_harm_after(self, item: dict):
        period = item["period"]
        text = period["end"] or period["start"]
        if text is None:
            return None
        after = last_day(text)
        harm = [e for e in self.s.events.values() if e["kind"] in ("incident", "outcome") and e["when"]
                and after < e["when"].earliest <= after + dt.timedelta(days=90)]
        return min(harm, key=lambda e: (e["when"].earliest, e["when"].latest, e["when"].text, e["id"]), default=None)

    def reasons(self, item: dict, size: int, kind: str) -> list[dict]:
        out = []
        if item["severity"] in ("high", "medium"):
            out.append((f"{item['severity']} severity by its rule", POINTS["severity_" + item["severity"]]))
        events = self._events(item)
        kinds = {item.get("kind"), item.get("meeting_kind")}
        if item["type"] in ("one_way_flow", "referral_without_feedback"):
            kinds.update(e["kind"] for e in events)
        carried = item["type"] in ("unanswered_handoff", "late_response", "one_way_flow") and any(
            e["kind"] in COMMUNICATIONS and e.get("concern") for e in events)
        if carried:
            out.append(("a communication passing on a concern", 15))
        elif "referral" in kinds or "escalation" in kinds:
            out.append(("a referral or an escalation", 15))
        if item["type"] == "concern_not_referred":
            out.append(("a concern that never reached children's social care", 15))
        own = events[1:] if item["type"] == "absent_from_meeting" else events
        if any(e["kind"] in CONCERN_KINDS or e.get("concern") for e in own):
            out.append(("rests on a concern about the child", 10))
        if any(self._sector(a) in ("children_social_care", "police") for a in item["agencies"]):
            out.append(("children's social care or the police involved", 10))
        harm = None if item["type"] == "broker_dependency" else self._first_harm_after(item)
        if harm is not None:
            out.append((f"harm followed within 90 days ({harm['kind']} {harm['when'].on()})", 15))
        if any(i in self.outcome_causes for i in item["event_ids"]):
            out.append(("on a mapped causal path to the outcome", 15))
        if size > 1:
            what = {"meeting": "agencies left out of this meeting", "pair": "items between the same agencies"}.get(
                kind, "items about the same agency")
            out.append((f"one of {size} {what}", min(5 * (size - 1), 10)))
        if item["certainty"] == "possible":
            out.append(("only possible on the recorded dates", -15))
        if item.get("reason_to_talk") is False:
            out.append(("no evident reason to talk", -20))
        if item["type"] == "broker_dependency":
            out.append(("a structural observation, not an occurrence", -10))
        return [{"reason": text, "points": points} for text, points in out]

    @staticmethod
    def order_key(item: dict) -> tuple:
        return (-item["score"], SEVERITIES.index(item["severity"]), item["period"]["earliest"] or "9999",
                item["type"], item["agencies"], item["event_ids"])

    def ranked(self, result: dict) -> tuple[dict[str, list[dict]], list[dict]]:
        """Each family's items with the expected story, reasons and score, in the expected
        order; and the expected stories."""
        plain = {family: [{k: v for k, v in i.items() if k not in ("score", "reasons", "story")}
                          for i in result[family]] for family in ("gaps", "checks", "patterns")}
        members: dict[str, list[dict]] = {}
        for items in plain.values():
            for item in items:
                members.setdefault(story(item), []).append(item)
        for name, items in members.items():
            for item in items:
                item["reasons"] = self.reasons(item, len(items), name.split(":")[0])
                item["score"] = sum(r["points"] for r in item["reasons"])
                item["story"] = name
        families = {family: sorted(items, key=self.order_key) for family, items in plain.items()}
        stories = [self._story(name, sorted(items, key=self.order_key)) for name, items in members.items()]
        stories.sort(key=lambda s: (-s["score"], SEVERITIES.index(s["severity"]), s["period"]["earliest"] or "9999",
                                    s["id"]))
        return families, stories

    def _name(self, agency) -> str:
        if agency is None:
            return "an unknown agency"
        return (self.s.agencies.get(agency) or {}).get("name") or agency

    def _story(self, name: str, items: list[dict]) -> dict:
        kind, rest = name.split(":", 1)
        if kind == "pair":
            a, b = rest.split("|")
            title = f"{self._name(a)} and {self._name(b)}"
        elif kind == "meeting":
            meeting = self.s.events.get(rest) or {}
            when = meeting.get("when")
            title = " ".join(filter(None, ["The", str(meeting.get("kind", "meeting")).replace("_", " "), "held by",
                                           self._name(meeting.get("agency")), when.on() if when else ""]))
        elif kind == "agency":
            title = self._name(rest)
        else:
            title = items[0]["type"].replace("_", " ")
        starts = [i["period"]["earliest"] for i in items if i["period"]["earliest"]]
        ends = [i["period"]["latest"] for i in items if i["period"]["latest"]]
        return {"id": name, "kind": kind, "title": title,
                "agencies": sorted({a for i in items for a in i["agencies"]}),
                "score": items[0]["score"],
                "severity": next(s for s in SEVERITIES if any(i["severity"] == s for i in items)),
                "types": sorted({i["type"] for i in items}), "items": len(items),
                "event_ids": sorted({e for i in items for e in i["event_ids"]}),
                "period": {"earliest": min(starts, default=None), "latest": max(ends, default=None)},
                "reasons": items[0]["reasons"]}
