"""The case as a graph file for Gephi, yEd and Cytoscape: GraphML and GEXF, written by NetworkX.

Every node of the case (agencies, events, decisions, contributory factors, episodes,
findings, recommendations) and every relationship (the link fields of store/model.py and
the causal links) is in the file. A node's key is `kind:id`; its attributes are `kind`,
`label` and whichever of `agency`, `sector`, `date`, `date_precision`, `category`,
`valence` and the kind's other properties it has (an event's kind is `event_kind`, an
episode's `start` and `end` are `start_date` and `end_date`, as GEXF reserves those names).
Unset values are left out (neither format has a null); lists are written joined with "; ".
"""

from __future__ import annotations

import io
from typing import Any

import networkx as nx

from causalmap.store.model import LINK_FIELDS, LINK_PROPERTIES, PROPERTIES, SECTIONS, WRITE_ORDER

__all__ = ["case_graph", "gexf_bytes", "graphml_bytes"]

#: The text shown as a node's label, by kind.
LABEL_FIELD = {"agency": "name", "event": "description", "decision": "description", "factor": "description",
               "episode": "title", "finding": "statement", "recommendation": "text"}


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _attributes(record: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {n: _value(record[n]) for n in names if record.get(n) is not None and record.get(n) != []}


def case_graph(doc: dict[str, Any]) -> nx.MultiDiGraph:
    """Every node and relationship of a case document as one NetworkX multigraph."""
    graph = nx.MultiDiGraph(case_id=doc["case"]["id"], title=doc["case"].get("title") or "")
    agencies = {a["id"]: a for a in doc["agencies"]}
    for kind in WRITE_ORDER:
        for record in sorted(doc[SECTIONS[kind]], key=lambda r: r["id"]):
            names = [p for p in PROPERTIES[kind] if p not in ("id", "version")] + sorted(
                k for k in record if k.startswith("x_"))
            attrs = _attributes(record, names)
            if kind == "event":
                attrs["event_kind"] = attrs.pop("kind")
            for clash in ("start", "end"):  # GEXF reads these as the time a node exists, not data
                if clash in attrs:
                    attrs[f"{clash}_date"] = attrs.pop(clash)
            attrs.update(kind=kind, label=str(record[LABEL_FIELD[kind]]), item_id=record["id"])
            owner = record.get("agency")
            if kind in ("event", "decision") and owner:
                attrs["agency"] = owner
                attrs["sector"] = agencies.get(owner, {}).get("sector") or "other"
            graph.add_node(f"{kind}:{record['id']}", **attrs)
    for kind in WRITE_ORDER:
        for record in sorted(doc[SECTIONS[kind]], key=lambda r: r["id"]):
            for field in LINK_FIELDS.get(kind, ()):
                value = record.get(field.name)
                for target in (value if field.many else [value] if value else []):
                    other = f"{target['node']}:{target['id']}" if field.mixed else f"{field.targets[0]}:{target}"
                    here = f"{kind}:{record['id']}"
                    source, dest = (other, here) if field.inward else (here, other)
                    graph.add_edge(source, dest, key=f"{field.type}:{source}->{dest}", relation=field.type)
    for link in sorted(doc["causal_links"], key=lambda lk: lk["id"]):
        cause = f"{link['cause']['node']}:{link['cause']['id']}"
        effect = f"{link['effect']['node']}:{link['effect']['id']}"
        graph.add_edge(cause, effect, key=f"CONTRIBUTED_TO:{link['id']}", relation="CONTRIBUTED_TO",
                       **_attributes(link, [p for p in LINK_PROPERTIES if p != "version"]))
    return graph


def graphml_bytes(doc: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(case_graph(doc), out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def gexf_bytes(doc: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(case_graph(doc), out, encoding="utf-8", prettyprint=True)
    return out.getvalue()
