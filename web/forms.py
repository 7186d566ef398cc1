"""What each editing form asks for, derived from the vocabularies, so the forms, the API's
checks and the docs name the same fields and the same choices."""

from __future__ import annotations

from typing import Any

from causalmap import vocab


def _choice(name: str, label: str, options: Any, required: bool = False) -> dict[str, Any]:
    pairs = options.items() if isinstance(options, dict) else ((o, o.replace("_", " ")) for o in options)
    return {"name": name, "label": label, "type": "select", "required": required,
            "options": [{"value": str(v), "label": str(lab)} for v, lab in pairs]}


def _f(name: str, label: str, type_: str = "text", required: bool = False, **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "type": type_, "required": required, **extra}


FORMS: dict[str, list[dict[str, Any]]] = {
    "agencies": [_f("id", "Id", required=True), _f("name", "Name", required=True),
                 _choice("sector", "Sector", vocab.SECTORS, True)],
    "events": [_f("id", "Id", required=True), _f("date", "Date (YYYY-MM-DD, YYYY-MM or YYYY)", required=True),
               _f("time", "Time (HH:MM)"), _choice("kind", "Kind", vocab.EVENT_KINDS, True),
               _f("description", "Description", "textarea", True), _f("agency", "Agency", "agency", True),
               _f("source", "Whose records (blank: the agency)", "agency"),
               _f("to_agencies", "Recipients (communications)", "agencies"),
               _f("participants", "Participants (meetings)", "agencies"),
               _f("responds_to", "Responds to (event ids)", "events"),
               _f("account_of", "Another agency's account of (event ids)", "events"),
               _f("disputed", "Disputed by this agency", "checkbox"),
               _f("concern", "A concern about the child", "checkbox"), _f("notes", "Notes", "textarea")],
    "decisions": [_f("id", "Id", required=True), _f("date", "Date"), _f("description", "Decision", "textarea", True),
                  _f("taken", "Taken (untick for a decision or action not taken)", "checkbox", default=True),
                  _f("rationale", "Rationale", "textarea"), _f("agency", "Agency", "agency"),
                  _f("made_at", "Made at (event id)", "event")],
    "factors": [_f("id", "Id", required=True), _f("description", "Contributory factor", "textarea", True),
                _choice("category", "Typology category", vocab.TYPOLOGY),
                _choice("valence", "Valence", vocab.VALENCES), _choice("level", "Level", vocab.FACTOR_LEVELS),
                _f("evidence", "Evidence", "textarea")],
    "episodes": [_f("id", "Id", required=True), _f("title", "Title", required=True), _f("start", "Start date"),
                 _f("end", "End date"), _f("summary", "Summary", "textarea"),
                 _choice("rating", "Rating", vocab.EPISODE_RATINGS),
                 _f("appraisal", "Appraisal (was practice reasonable at the time, and why?)", "textarea"),
                 _f("explanation", "Local rationality (why it made sense at the time)", "textarea"),
                 _f("members", "Events, decisions and factors in it", "nodes")],
    "findings": [_f("id", "Id", required=True), _f("statement", "Finding", "textarea", True),
                 _choice("category", "Typology category", vocab.TYPOLOGY),
                 _choice("valence", "Valence", vocab.VALENCES),
                 _choice("priority", "Priority", vocab.FINDING_PRIORITIES),
                 _f("evidence", "How it showed in this case", "textarea"),
                 _f("how_widespread", "How widespread", "textarea"),
                 _f("why_it_matters", "Why it matters", "textarea"),
                 _f("questions_for_board", "Questions for the board (one per line)", "lines"),
                 _f("evidenced_by", "Evidence: episodes, factors or events", "evidence")],
    "recommendations": [_f("id", "Id", required=True), _f("text", "Recommendation", "textarea", True),
                        _choice("type", "Type", {v: f"{k}: {v.replace('_', ' ')}"
                                                 for k, v in vocab.RECOMMENDATION_TYPES.items()}, True),
                        _f("owner", "Owner"), _choice("status", "Status", vocab.RECOMMENDATION_STATUSES),
                        _f("due", "Due (YYYY-MM-DD)"), _f("addresses", "Findings it addresses", "findings")],
    "links": [_f("id", "Id", required=True), _f("cause", "Cause", "node", True), _f("effect", "Effect", "node", True),
              _f("mechanism", "Mechanism: how the cause contributed", "textarea"),
              _choice("strength", "Strength", vocab.LINK_STRENGTHS),
              _choice("confidence", "Confidence", vocab.LINK_CONFIDENCES),
              _f("evidence", "Evidence", "textarea"), _f("sources", "Agencies whose records support it", "agencies")],
}
SECTION_TITLES = {"events": "Events", "decisions": "Decisions", "factors": "Contributory factors",
                  "links": "Causal links", "episodes": "Key practice episodes", "findings": "Findings",
                  "recommendations": "Recommendations", "agencies": "Agencies"}
