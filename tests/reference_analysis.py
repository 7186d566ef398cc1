"""A second, deliberately naive statement of analysis.md, written for the tests only.

It shares no code with causalmap.analysis: plain loops over the events, brute-force
reachability, articulation points and shortest paths found by removing nodes and
searching, simple paths and cycles by depth-first search. The pinning tests compare the
real analysis with it item by item, so a detector, a type, a severity rule or a parameter
that goes missing from the real analysis shows up as a difference.

Items are plain tuples: (type, severity, agencies, event_ids, start, end, details),
dates as ISO strings, details as a sorted tuple of (key, value) pairs.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict, deque

COMMUNICATIONS = ("referral", "information_sharing", "request", "notification", "escalation")
MEETINGS = ("meeting", "strategy_discussion", "case_conference", "core_group")
HANDOFFS = ("referral", "information_sharing", "request", "escalation")
CONCERNS = ("referral", "escalation", "incident", "medical", "strategy_discussion")
HARM = ("incident", "outcome")
PROTECTIVE = ("children_social_care", "police")
STRENGTH = {"weak": 1, "moderate": 2, "strong": 3}
CONFIDENCE = {"low": 1, "medium": 2, "high": 3}


def iso(day):
    return day.isoformat() if day else None


def item(type_, severity, agencies, event_ids, start, end, **details):
    return (type_, severity, tuple(agencies), tuple(event_ids), iso(start), iso(end),
            tuple(sorted((k, _frozen(v)) for k, v in details.items())))


def _frozen(value):
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def as_tuple(d: dict) -> tuple:
    """An item of the real analysis in the reference's shape."""
    core = {"type", "severity", "agencies", "event_ids", "period", "explanation", "certainty", "score", "reasons",
            "story"}
    return (d["type"], d["severity"], tuple(d["agencies"]), tuple(d["event_ids"]), d["period"]["start"],
            d["period"]["end"], tuple(sorted((k, _frozen(v)) for k, v in d.items() if k not in core)))


class Reference:
    """The reference analysis of one snapshot with the given parameters and rules."""

    def __init__(self, snapshot, *, response_days=7, window_days=90, meeting_days=30, closures=3,
                 strategy_days=None, silence_days=90, missed_days=180, max_chain_length=8, max_chains=50,
                 target=None, rules=None):
        self.s = snapshot
        self.events = sorted(snapshot.events.values(), key=lambda e: (e["day"], e["id"]))
        self.response_days, self.window_days, self.meeting_days = response_days, window_days, meeting_days
        self.closures, self.silence_days, self.missed_days = closures, silence_days, missed_days
        self.max_length, self.max_chains, self.target = max_chain_length, max_chains, target
        self.rules = rules
        self.strategy = (rules.strategy.days, rules.strategy.working_days) if strategy_days is None else (
            strategy_days, False)

    # -- helpers -------------------------------------------------------------------------
    def sector(self, agency):
        return self.s.agencies.get(agency, {}).get("sector") or "other"

    def concern(self, e):
        return e["kind"] in CONCERNS or bool(e.get("concern"))

    def present(self, e):
        return {e["agency"], *e["participants"]}

    def elapsed(self, start, end, working):
        if not working:
            return (end - start).days
        return sum(1 for n in range(1, (end - start).days + 1)
                   if (start + dt.timedelta(n)).weekday() < 5
                   and start + dt.timedelta(n) not in self.rules.holidays)

    def window(self, kind, recipient):
        for w in self.rules.windows:
            if w.kind == kind and (w.to_sector is None or w.to_sector == self.sector(recipient)):
                return w.days, w.working_days
        return self.response_days, False

    def pairs_in_contact(self, e):
        """The (sender, recipient) pairs information passes along at event e."""
        if e["kind"] in COMMUNICATIONS:
            return [(e["agency"], r) for r in e["to_agencies"]]
        if e["kind"] in MEETINGS:
            people = self.present(e)
            return [(a, b) for a in people for b in people if a != b]
        return []

    def responses_by(self, e, recipient):
        return sorted((r for r in self.events if e["id"] in r["responds_to"] and r["agency"] == recipient),
                      key=lambda r: (r["day"], r["id"]))

    def period(self):
        return self.events[0]["day"], self.events[-1]["day"]

    # -- 1b reach --------------------------------------------------------------------------
    def reached(self, holder, recorded, agency, by):
        """Spread what `holder` recorded on `recorded` along the contacts in day order (all of
        one day's contacts repeated until nothing changes: same-day chains in any order)."""
        if recorded > by:
            return False
        if holder == agency:
            return True
        knows = {holder}
        days = sorted({e["day"] for e in self.events if recorded <= e["day"] <= by})
        for day in days:
            today = [p for e in self.events if e["day"] == day for p in self.pairs_in_contact(e)]
            changed = True
            while changed:
                changed = False
                for sender, recipient in today:
                    if sender in knows and recipient not in knows:
                        knows.add(recipient)
                        changed = True
        return agency in knows

    # -- 1 gaps ----------------------------------------------------------------------------
    def gaps(self):
        out = []
        for e in self.events:
            sev = "high" if e["kind"] in ("referral", "escalation") else "medium"
            for r in e["to_agencies"]:
                answers = self.responses_by(e, r)
                if e["kind"] in HANDOFFS and not answers:
                    out.append(item("unanswered_handoff", sev, [e["agency"], r], [e["id"]], e["day"], e["day"],
                                    kind=e["kind"]))
                if e["kind"] in COMMUNICATIONS and answers:
                    days, working = self.window(e["kind"], r)
                    took = self.elapsed(e["day"], answers[0]["day"], working)
                    if took > days:
                        out.append(item("late_response", sev, [e["agency"], r], [e["id"], answers[0]["id"]], e["day"],
                                        answers[0]["day"], kind=e["kind"], elapsed=took, expected_within=days,
                                        working_days=working))
        out += self.silent_pairs() + self.absences() + self.discrepancies() + self.one_way() + self.brokers()
        out += self.concerns_not_referred()
        out += self.not_reached()
        return out

    def silent_pairs(self):
        first, last = self.period()
        count = (last - first).days // self.window_days + 1
        acting = sorted({e["agency"] for e in self.events})
        out = []
        for a, b in itertools.combinations(acting, 2):
            silent = []
            for w in range(count):
                lo = first + dt.timedelta(days=w * self.window_days)
                hi = lo + dt.timedelta(days=self.window_days - 1)
                inside = [e for e in self.events if lo <= e["day"] <= hi]
                both = {a, b} <= {e["agency"] for e in inside}
                talk = any({s, r} == {a, b} for e in inside for s, r in self.pairs_in_contact(e))
                silent.append((w, lo, hi, inside) if both and not talk else None)
            for is_silent, group in itertools.groupby(silent, key=bool):
                if not is_silent:
                    continue
                run = list(group)
                mine = [e for *_, inside in run for e in inside if e["agency"] == a]
                theirs = [e for *_, inside in run for e in inside if e["agency"] == b]
                twice = len(mine) >= 2 and len(theirs) >= 2
                # A reason to talk: a concern on one side and child protection on the
                # other, or concerns on both sides (issue 10).
                mine_worried = any(self.concern(e) for e in mine)
                theirs_worried = any(self.concern(e) for e in theirs)
                csc = "children_social_care"
                reason = ((mine_worried and theirs_worried) or (mine_worried and self.sector(b) == csc)
                          or (theirs_worried and self.sector(a) == csc))
                sev = "high" if mine_worried and theirs_worried and twice else "medium" if reason else "low"
                out.append(item("silent_pair", sev, [a, b], sorted(e["id"] for e in mine + theirs), run[0][1],
                                run[-1][2], windows=len(run), reason_to_talk=reason))
        return out

    def concerns_not_referred(self):
        """Issue 10 item 6, naively: each concern (an incident, a medical finding, a row marked
        concern) of an agency outside children's social care that no chain brings to any
        children's social care agency within the rules file's concern_referral window."""
        csc = [a for a in sorted(self.s.agencies) if self.sector(a) == "children_social_care"]
        window = self.rules.concern_referral
        found = {}
        for e in self.events:
            if e["agency"] in csc or not (e.get("concern") or e["kind"] in ("incident", "medical")):
                continue
            deadline = e["day"]
            while self.elapsed(e["day"], deadline + dt.timedelta(days=1), window.working_days) <= window.days:
                deadline += dt.timedelta(days=1)
            if any(self.reached(e["agency"], e["day"], c, deadline) for c in csc):
                continue
            before = [x for x in self.events if x["agency"] in csc and x["day"] <= e["day"]]
            after = [x for x in self.events if x["agency"] in csc]
            owner = before[-1]["agency"] if before else after[0]["agency"] if after else csc[0]
            found.setdefault((e["agency"], owner), []).append(e)
        out = []
        for (agency, owner), concerns in found.items():
            harm = any(h["kind"] in ("incident", "outcome") and 0 < (h["day"] - c["day"]).days <= 90
                       for c in concerns for h in self.events)
            earlier = [x for x in self.events if x["agency"] == owner and x["day"] <= concerns[0]["day"]]
            closure = earlier[-1]["id"] if earlier and earlier[-1]["kind"] == "closure" else None
            out.append(item("concern_not_referred", "high" if harm else "medium", [agency, owner],
                            sorted({c["id"] for c in concerns} | ({closure} if closure else set())),
                            concerns[0]["day"], concerns[-1]["day"], concerns=[c["id"] for c in concerns],
                            closure=closure, expected_within=window.days, working_days=window.working_days))
        return out

    def absences(self):
        out = []
        for m in self.events:
            if m["kind"] not in MEETINGS:
                continue
            for agency in sorted({e["agency"] for e in self.events} - self.present(m)):
                near = [e for e in self.events if e["agency"] == agency
                        and abs((e["day"] - m["day"]).days) <= self.meeting_days]
                if not near:
                    continue
                busy = any(self.concern(e) for e in near)
                if m["kind"] in ("strategy_discussion", "case_conference"):
                    # Outside children's social care, police, health and education, an
                    # agency with nothing to say had no evident reason to be there (issue 10).
                    partner = self.sector(agency) in ("children_social_care", "police", "education") or (
                        self.sector(agency).startswith("health_") or self.sector(agency) == "mental_health") or any(
                        e["kind"] in ("referral", "escalation") for e in near)
                    sev = ("high" if busy else "medium") if partner else ("medium" if busy else "low")
                else:
                    sev = "medium" if m["kind"] == "core_group" else "low"
                out.append(item("absent_from_meeting", sev, [agency, m["agency"]],
                                [m["id"]] + sorted(e["id"] for e in near), m["day"], m["day"], meeting_kind=m["kind"]))
        return out

    def discrepancies(self):
        out = []
        for e in self.events:
            for oid in e["account_of"]:
                o = self.s.events.get(oid)
                if not o or o["source"] == e["source"]:
                    continue
                differ = []
                if o["date"] != e["date"]:
                    differ.append("date")
                if (e["participants"] or o["participants"]) and self.present(e) != self.present(o):
                    differ.append("participants")
                if e["disputed"] or o["disputed"]:
                    differ.append("disputed")
                if differ:
                    out.append(item("discrepant_accounts", "high", sorted({e["source"], o["source"]}),
                                    sorted([e["id"], o["id"]]), min(e["day"], o["day"]), max(e["day"], o["day"]),
                                    differing=differ))
        return out

    def one_way(self):
        sent = defaultdict(list)
        for e in self.events:
            if e["kind"] in COMMUNICATIONS:
                for r in e["to_agencies"]:
                    sent[(e["agency"], r)].append(e)
        out = []
        for (a, b), comms in sent.items():
            if len(comms) < 2 or sent.get((b, a)):
                continue
            out.append(item("one_way_flow", "medium", [a, b], [c["id"] for c in comms],
                            comms[0]["day"], comms[-1]["day"], count=len(comms)))
        return out

    def talk_graph(self):
        """Undirected adjacency: acting agencies, and whoever they were in contact with."""
        adjacent = {e["agency"]: set() for e in self.events}
        for e in self.events:
            for a, b in self.pairs_in_contact(e):
                adjacent.setdefault(a, set()).add(b)
                adjacent.setdefault(b, set()).add(a)
        return adjacent

    @staticmethod
    def components(adjacent, without=None):
        seen, groups = {without}, []
        for start in sorted(adjacent):
            if start in seen:
                continue
            group, queue = [], deque([start])
            seen.add(start)
            while queue:
                node = queue.popleft()
                group.append(node)
                for n in adjacent[node]:
                    if n not in seen:
                        seen.add(n)
                        queue.append(n)
            groups.append(sorted(group))
        return groups

    def brokers(self):
        adjacent = self.talk_graph()
        whole = len(self.components(adjacent))
        first, last = self.period()
        out = []
        for broker in sorted(adjacent):
            groups = self.components(adjacent, without=broker)
            if len(groups) <= whole or not adjacent[broker]:
                continue
            groups.sort(key=lambda g: (-len(g), g))
            out.append(item("broker_dependency", "medium", [broker] + sorted(a for g in groups for a in g), [],
                            first, last, broker=broker, groups=groups))
        return out

    def not_reached(self):
        out = []
        for link in self.s.causal_links:
            if link["cause"]["node"] != "event" or link["effect"]["node"] not in ("event", "decision"):
                continue
            cause = self.s.events.get(link["cause"]["id"])
            effect = (self.s.events if link["effect"]["node"] == "event" else self.s.decisions).get(
                link["effect"]["id"])
            if not cause or not effect or not cause["day"] or not effect["day"] or effect.get("kind") in HARM:
                continue
            if cause["source"] == effect["agency"]:
                continue  # an agency's own record: a date the wrong way round is a temporal contradiction
            if self.reached(cause["source"], cause["day"], effect["agency"], effect["day"]):
                continue
            out.append(item("information_not_reached", "high", [cause["source"], effect["agency"]],
                            sorted({cause["id"], effect.get("made_at") or effect["id"]}), cause["day"], effect["day"],
                            link_id=link["id"]))
        return out

    def knowledge(self, agency, on):
        return [(e["id"], self.reached(e["source"], e["day"], agency, on)) for e in self.events]

    # -- 4 patterns ------------------------------------------------------------------------
    def patterns(self):
        out = []
        first, last = self.period()
        for agency in sorted({e["agency"] for e in self.events}):
            mine = [e for e in self.events if e["agency"] == agency]
            closed = [e for e in mine if e["kind"] == "closure"]
            if len(closed) >= self.closures:
                spells = [e for e in mine if e["kind"] in ("case_opened", "closure")]
                out.append(item("start_again", "high" if self.sector(agency) in PROTECTIVE else "medium", [agency],
                                [e["id"] for e in spells], spells[0]["day"], spells[-1]["day"], closures=len(closed)))
            days = [e["day"] for e in mine] + [last]
            for i in range(len(mine)):
                gap = (days[i + 1] - days[i]).days
                others = [e for e in self.events if e["agency"] != agency and days[i] < e["day"] < days[i + 1]]
                first_that_day = next(e for e in mine if e["day"] == days[i])
                if gap > self.silence_days and others:
                    out.append(item("agency_silent", "medium", [agency], [first_that_day["id"]], days[i],
                                    days[i + 1], days=gap))
            missed = [e for e in mine if e["kind"] in ("missed_appointment", "no_access_visit")]
            told = [e["day"] for e in mine if e["kind"] in COMMUNICATIONS]
            until = None
            for i in range(len(missed) - 2):
                run = missed[i:i + 3]
                if (run[2]["day"] - run[0]["day"]).days > self.missed_days or (until and run[0]["day"] <= until):
                    continue
                if any(0 <= (d - run[2]["day"]).days <= self.missed_days for d in told):
                    continue
                until = run[2]["day"]
                out.append(item("repeated_missed_appointments", "high", [agency], [e["id"] for e in run],
                                run[0]["day"], run[2]["day"]))
        referrals = defaultdict(list)
        for e in self.events:
            if e["kind"] == "referral":
                for r in e["to_agencies"]:
                    referrals[(e["agency"], r)].append(e)
        for (a, b), sent in sorted(referrals.items()):
            if not any(e["agency"] == b and a in e["to_agencies"] and e["day"] >= sent[0]["day"] for e in self.events):
                sev = "medium" if self.sector(a) == "other" else "high"  # issue 10: a member of the public
                out.append(item("referral_without_feedback", sev, [a, b], [e["id"] for e in sent], sent[0]["day"],
                                sent[-1]["day"], referrals=len(sent)))
        days, working = self.strategy
        for e in self.events:
            deadline = e["day"]
            while self.elapsed(e["day"], deadline + dt.timedelta(days=1), working) <= days:
                deadline += dt.timedelta(days=1)
            covered = self.events[-1]["day"] >= deadline  # issue 10: the records reach the window's end
            if e["kind"] == "incident" and covered and not any(
                    d["kind"] == "strategy_discussion" and d["day"] >= e["day"]
                    and self.elapsed(e["day"], d["day"], working) <= days for d in self.events):
                out.append(item("no_strategy_discussion", "high", [e["agency"]], [e["id"]], e["day"],
                                e["day"] + dt.timedelta(days=days)))
            if e["disputed"] and not any(d["kind"] == "escalation" and d["agency"] == e["source"]
                                         and d["day"] >= e["day"] for d in self.events):
                out.append(item("disagreement_without_escalation", "medium", [e["source"]],
                                [e["id"], *e["account_of"]], e["day"], e["day"]))
        return out

    # -- 3 checks --------------------------------------------------------------------------
    def record(self, ref):
        table = {"event": self.s.events, "decision": self.s.decisions, "factor": self.s.factors}[ref["node"]]
        return table.get(ref["id"]) or {}

    def event_ids_of(self, *refs):
        ids = set()
        for ref in refs:
            if ref["node"] == "event":
                ids.add(ref["id"])
            if ref["node"] == "decision" and self.record(ref).get("made_at"):
                ids.add(self.record(ref)["made_at"])
        return sorted(ids)

    def checks(self):
        out = []
        first, last = self.period()
        for link in self.s.causal_links:
            cause, effect = self.record(link["cause"]), self.record(link["effect"])
            ids = self.event_ids_of(link["cause"], link["effect"])
            days = [d for d in (cause.get("day"), effect.get("day")) if d]
            agencies = {cause.get("agency"), effect.get("agency")} - {None}
            if len(days) == 2 and cause["day"] > effect["day"]:
                out.append(item("temporal_contradiction", "high", sorted(agencies), ids, effect["day"], cause["day"],
                                link_id=link["id"]))
            sources = link.get("sources") or []
            if len(sources) <= 1:
                own = bool(sources) and sources[0] in agencies
                out.append(item("single_source", "high" if own else "medium", sorted(set(sources) | agencies), ids,
                                min(days, default=None), max(days, default=None), link_id=link["id"]))
        used = {link[end]["id"] for link in self.s.causal_links for end in ("cause", "effect")
                if link[end]["node"] == "factor"}
        used |= {m["id"] for ep in self.s.episodes.values() for m in ep.get("members") or [] if m["node"] == "factor"}
        used |= {m["id"] for f in self.s.findings.values() for m in f.get("evidenced_by") or []
                 if m["node"] == "factor"}
        for f in self.s.findings.values():
            if not f.get("evidenced_by"):
                out.append(item("unsupported_finding", "high", [], [], first, last, finding_id=f["id"]))
            if not f.get("category"):
                out.append(item("uncategorised", "medium", [], [], first, last, node="finding", id=f["id"]))
        for f in self.s.factors.values():
            if f["id"] not in used:
                out.append(item("orphan_factor", "medium", [], [], first, last, factor_id=f["id"]))
            if not f.get("category"):
                out.append(item("uncategorised", "medium", [], [], first, last, node="factor", id=f["id"]))
        for r in self.s.recommendations.values():
            if not r.get("addresses"):
                out.append(item("recommendation_without_finding", "medium", [], [], first, last,
                                recommendation_id=r["id"]))
        for ep in self.s.episodes.values():
            if not ep.get("appraisal"):
                members = sorted(m["id"] for m in ep.get("members") or [] if m["node"] == "event")
                out.append(item("episode_without_appraisal", "medium", [], members, first, last, episode_id=ep["id"]))
        return out

    # -- 2 causes --------------------------------------------------------------------------
    def causal_edges(self):
        edges = {}
        for link in self.s.causal_links:
            edges[(f"{link['cause']['node']}:{link['cause']['id']}",
                   f"{link['effect']['node']}:{link['effect']['id']}")] = link
        return edges

    def targets(self):
        if self.target:
            return [self.target]
        return sorted(f"event:{e['id']}" for e in self.events if e["kind"] == "outcome")

    def paths(self, limit):
        edges = self.causal_edges()
        after = defaultdict(list)
        for u, v in edges:
            after[u].append(v)
        found = []
        for factor in sorted(u for u in after if u.startswith("factor:")):
            for target in self.targets():
                if target == factor:
                    continue
                mine = list(self.simple_paths(after, [factor], target))
                assert len(mine) <= limit, "the reference does not truncate: keep test cases small"
                found += mine
        return found, edges

    def simple_paths(self, after, path, target):
        """Depth-first: every path with at most max_length links that repeats no node."""
        if path[-1] == target:
            yield list(path)
            return
        if len(path) > self.max_length:
            return
        for nxt in after[path[-1]]:
            if nxt not in path:
                yield from self.simple_paths(after, path + [nxt], target)

    def node_record(self, key):
        kind, _, ident = key.partition(":")
        return kind, self.record({"node": kind, "id": ident})

    def nodes_summary(self, path):
        records = [self.node_record(n) for n in path]
        agencies = sorted({r.get("agency") for _, r in records} - {None})
        events = sorted({r.get("made_at") or r["id"] for k, r in records if k != "factor"})
        days = [r["day"] for k, r in records if k != "factor"]
        refs = [{"node": k, "id": r["id"]} for k, r in records]
        return agencies, events, min(days, default=None), max(days, default=None), refs

    def chains(self):
        paths, edges = self.paths(self.max_chains * 20)

        def score(path):
            links = [edges[(u, v)] for u, v in zip(path, path[1:], strict=False)]
            weakest = min(STRENGTH.get(link.get("strength") or "", 1) for link in links)
            confidence = sum(CONFIDENCE.get(link.get("confidence") or "", 1) for link in links) / len(links)
            return weakest, confidence, links

        paths.sort(key=lambda p: (-score(p)[0], -score(p)[1], len(p), p))
        out = []
        for path in paths[:self.max_chains]:
            weakest, confidence, links = score(path)
            agencies, events, start, end, refs = self.nodes_summary(path)
            out.append(item("causal_chain", {3: "high", 2: "medium", 1: "low"}[weakest], agencies, events, start, end,
                            nodes=refs, links=[link["id"] for link in links],
                            weakest_strength={1: "weak", 2: "moderate", 3: "strong"}[weakest],
                            mean_confidence=round(confidence, 2)))
        return out

    def leverage_scores(self):
        paths, _ = self.paths(1000)
        through = defaultdict(int)
        for p in paths:
            for n in p[1:-1]:
                through[n] += 1
        return len(paths), [{"node": n.partition(":")[0], "id": n.partition(":")[2], "chains": c}
                            for n, c in sorted(through.items(), key=lambda kv: (-kv[1], kv[0]))]

    def smallest_cut_size(self):
        """Brute force: the fewest cuttable nodes of the chains' subgraph whose removal leaves
        no factor-to-target path in it (None when a factor links straight to the target)."""
        paths, edges = self.paths(1000)
        on = {n for p in paths for n in p}
        targets = set(self.targets())
        cuttable = sorted(n for n in on if not n.startswith("factor:") and n not in targets)
        sub = [(u, v) for u, v in edges if u in on and v in on]
        for size in range(len(cuttable) + 1):
            for cut in itertools.combinations(cuttable, size):
                if not self.connects(sub, on - set(cut), targets):
                    return size, cut
        return None, None

    @staticmethod
    def connects(edges, nodes, targets):
        queue = deque(n for n in nodes if n.startswith("factor:"))
        seen = set(queue)
        while queue:
            node = queue.popleft()
            if node in targets:
                return True
            for u, v in edges:
                if u == node and v in nodes and v not in seen:
                    seen.add(v)
                    queue.append(v)
        return False

    def loops(self):
        edges = self.causal_edges()
        after = defaultdict(list)
        for u, v in edges:
            after[u].append(v)
        cycles = []
        for start in sorted(after):
            cycles += self.cycles_from(after, [start])
        out = []
        for cycle in sorted(cycles, key=lambda c: (len(c), c)):
            agencies, events, start, end, refs = self.nodes_summary(cycle)
            out.append(item("causal_loop", "medium", agencies, events, start, end, nodes=refs))
        return out

    def cycles_from(self, after, path):
        """Cycles through path[0] whose other nodes all sort after it (each cycle once)."""
        out = []
        for nxt in after[path[-1]]:
            if nxt == path[0]:
                out.append(list(path))
            elif nxt > path[0] and nxt not in path and len(path) < self.max_length:
                out += self.cycles_from(after, path + [nxt])
        return out

    # -- the agency network -----------------------------------------------------------------
    def betweenness(self):
        """Normalised betweenness by enumerating every shortest path between every pair."""
        adjacent = self.talk_graph()
        nodes = sorted(adjacent)
        n = len(nodes)
        score = dict.fromkeys(nodes, 0.0)

        def shortest(a, b):
            paths, queue, best = [], deque([[a]]), None
            while queue:
                path = queue.popleft()
                if best is not None and len(path) > best:
                    break
                if path[-1] == b:
                    best = len(path)
                    paths.append(path)
                    continue
                queue.extend(path + [m] for m in sorted(adjacent[path[-1]]) if m not in path)
            return paths

        for a, b in itertools.combinations(nodes, 2):
            paths = shortest(a, b)
            for v in nodes:
                if paths and v not in (a, b):
                    score[v] += sum(v in p for p in paths) / len(paths)
        scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0
        return {v: round(s * scale, 4) for v, s in score.items()}
