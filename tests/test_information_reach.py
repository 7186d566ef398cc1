"""Information reach computed in one pass gives exactly what the former search per question
gave: the former implementation (one nx.ancestors search over the time-expanded graph per
agency and day) is kept here, and only here, as the reference."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import networkx as nx
import pytest
from builder import case, ev
from test_analysis_pinned import generated

from causalmap.analysis.graphs import InformationFlow, contacts


class SearchPerQuestion:
    """The former InformationFlow: the time-expanded DiGraph and one ancestors search per query."""

    def __init__(self, snapshot) -> None:
        self.graph = nx.DiGraph()
        days: dict[str, set[dt.date]] = defaultdict(set)
        links = contacts(snapshot)
        for c in links:
            days[c.sender].add(c.day)
            days[c.recipient].add(c.day)
        self.days = {agency: sorted(d) for agency, d in days.items()}
        for agency, ordered in self.days.items():
            self.graph.add_nodes_from((agency, d) for d in ordered)
            self.graph.add_edges_from(((agency, a), (agency, b)) for a, b in zip(ordered, ordered[1:], strict=False))
        self.graph.add_edges_from(((c.sender, c.day), (c.recipient, c.day)) for c in links)

    def latest_sources(self, agency, by):
        latest = {agency: by}
        last = next((d for d in reversed(self.days.get(agency, [])) if d <= by), None)
        if last is not None:
            for source, day in nx.ancestors(self.graph, (agency, last)):
                if source != agency and day > latest.get(source, dt.date.min):
                    latest[source] = day
        return latest


def every_question(snapshot):
    first = min(e["day"] for e in snapshot.events.values())
    last = max(e["day"] for e in snapshot.events.values())
    days = sorted({e["day"] for e in snapshot.events.values()} | {first - dt.timedelta(1), last + dt.timedelta(9)})
    return [(agency, day) for agency in sorted(snapshot.agencies) for day in days]


@pytest.mark.parametrize("seed", range(6))
def test_one_pass_reach_equals_one_search_per_question(seed):
    snapshot = generated(seed, events=120)
    new, old = InformationFlow(snapshot), SearchPerQuestion(snapshot)
    questions = every_question(snapshot)
    assert [new.latest_sources(a, d) for a, d in questions] == [old.latest_sources(a, d) for a, d in questions]


def test_same_day_chains_run_in_any_order_and_later_days_do_not_leak_back():
    """gp tells hv and hv tells csc on one day, recorded in the 'wrong' order (ids sort
    csc's leg first): csc has gp's day; police, told by csc the next day, has it too, but
    what police knew on the first day is not what it heard later."""
    snap = case(ev("a2", "2023-01-05", "hv", "information_sharing", to=["csc"]),
                ev("a1", "2023-01-05", "gp", "information_sharing", to=["hv"]),
                ev("b", "2023-01-06", "csc", "notification", to=["police"]),
                ev("c", "2023-01-04", "police", "request", to=["school"]))
    flow = InformationFlow(snap)
    assert flow.latest_sources("csc", dt.date(2023, 1, 5)) == {"csc": dt.date(2023, 1, 5), "hv": dt.date(2023, 1, 5),
                                                               "gp": dt.date(2023, 1, 5)}
    assert flow.latest_sources("police", dt.date(2023, 1, 5)) == {"police": dt.date(2023, 1, 5)}
    assert flow.latest_sources("police", dt.date(2023, 1, 9)) == {
        "police": dt.date(2023, 1, 9), "csc": dt.date(2023, 1, 6), "hv": dt.date(2023, 1, 5),
        "gp": dt.date(2023, 1, 5)}
    assert flow.latest_sources("school", dt.date(2023, 1, 9)) == {"school": dt.date(2023, 1, 9),
                                                                  "police": dt.date(2023, 1, 4)}
    assert flow.reached("gp", dt.date(2023, 1, 5), "police", dt.date(2023, 1, 6))
    assert not flow.reached("gp", dt.date(2023, 1, 6), "police", dt.date(2023, 1, 9))
