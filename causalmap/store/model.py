"""What each node kind stores, and which document fields are relationships.

One table drives the writer, the reader and the whole-case JSON, so a new property is
added in one place. Labels and relationship types here are constants, never input.
"""

from __future__ import annotations

from dataclasses import dataclass

from causalmap.vocab import NODE_LABELS

#: Properties stored on each kind of node (besides `case_id`), in export order.
PROPERTIES: dict[str, tuple[str, ...]] = {
    "agency": ("id", "name", "sector", "version"),
    "event": ("id", "date", "date_precision", "time", "kind", "description", "agency", "source",
              "disputed", "concern", "notes", "version"),
    "decision": ("id", "date", "description", "taken", "rationale", "agency", "version"),
    "factor": ("id", "description", "category", "valence", "level", "evidence", "version"),
    "episode": ("id", "title", "start", "end", "summary", "rating", "appraisal", "explanation", "version"),
    "finding": ("id", "statement", "category", "valence", "priority", "evidence", "how_widespread",
                "why_it_matters", "questions_for_board", "version"),
    "recommendation": ("id", "text", "type", "owner", "status", "due", "version"),
}
CASE_PROPERTIES = ("id", "title", "board", "region", "review_kind", "status", "created_at", "version")
TRIGGER_FIELDS = ("criteria", "decided_by", "decided_on", "rationale")
METHODOLOGY_FIELDS = ("name", "description", "justification")
LINK_PROPERTIES = ("id", "mechanism", "strength", "confidence", "evidence", "sources", "version")
CAUSAL_KINDS = ("event", "decision", "factor")
EVIDENCE_KINDS = ("episode", "factor", "event")
MEMBER_KINDS = ("event", "decision", "factor")


@dataclass(frozen=True)
class LinkField:
    """A document field stored as relationships from the node (or to it, when `inward`)."""

    name: str
    type: str
    targets: tuple[str, ...]  # node kinds allowed at the other end
    many: bool = True
    inward: bool = False  # the relationship points from the target to this node

    @property
    def mixed(self) -> bool:
        """Mixed fields hold {"node": kind, "id": id} objects; others hold plain ids."""
        return len(self.targets) > 1


LINK_FIELDS: dict[str, tuple[LinkField, ...]] = {
    "event": (
        LinkField("agency", "BY", ("agency",), many=False),
        LinkField("source", "SOURCE", ("agency",), many=False),
        LinkField("to_agencies", "TO", ("agency",)),
        LinkField("participants", "ATTENDED_BY", ("agency",)),
        LinkField("responds_to", "RESPONDS_TO", ("event",)),
        LinkField("account_of", "ACCOUNT_OF", ("event",)),
    ),
    "decision": (
        LinkField("agency", "BY", ("agency",), many=False),
        LinkField("made_at", "MADE_AT", ("event",), many=False),
    ),
    "episode": (LinkField("members", "IN_EPISODE", MEMBER_KINDS, inward=True),),
    "finding": (LinkField("evidenced_by", "EVIDENCED_BY", EVIDENCE_KINDS),),
    "recommendation": (LinkField("addresses", "ADDRESSES", ("finding",)),),
}

#: Kinds in the order they are written (a link's target is written before it).
WRITE_ORDER = ("agency", "event", "decision", "factor", "episode", "finding", "recommendation")
#: Document section names, by kind.
SECTIONS = {
    "agency": "agencies", "event": "events", "decision": "decisions", "factor": "factors",
    "episode": "episodes", "finding": "findings", "recommendation": "recommendations",
}


def label(kind: str) -> str:
    return NODE_LABELS[kind]


def kind_of_label(name: str) -> str:
    return {v: k for k, v in NODE_LABELS.items()}[name]
