"""The vocabularies of the domain model (shared/design/domain.md), defined once.

Code, API, UI, docs and queries use these names; nothing else in the code base
spells a kind, sector, category or label as a literal.
"""

from __future__ import annotations

import re
import unicodedata

COMMUNICATION_KINDS = ("referral", "information_sharing", "request", "notification", "escalation")
MEETING_KINDS = ("meeting", "strategy_discussion", "case_conference", "core_group")
PRACTICE_KINDS = (
    "contact", "home_visit", "no_access_visit", "assessment", "appointment",
    "missed_appointment", "medical", "plan", "case_opened", "closure",
)
HARM_KINDS = ("incident", "outcome")
EVENT_KINDS = COMMUNICATION_KINDS + MEETING_KINDS + PRACTICE_KINDS + HARM_KINDS + ("other",)

SECTORS = (
    "children_social_care", "police", "health_primary", "health_acute", "health_community",
    "mental_health", "education", "early_years", "probation", "housing", "youth_justice",
    "adult_social_care", "voluntary", "other",
)
CHILD_PROTECTION_SECTORS = ("children_social_care", "police")

#: The six-part typology of SCIE "Learning Together" (typology.md): id -> short label.
TYPOLOGY = {
    "incidents_crises": "response to incidents",
    "longer_term_work": "longer-term work",
    "family_professional": "family-professional interaction",
    "human_reasoning": "human reasoning",
    "tools": "tools",
    "management_systems": "management systems",
}
VALENCES = ("constructive", "unsafe")
FACTOR_LEVELS = ("individual", "team", "organisation", "inter_agency", "national")
EPISODE_RATINGS = ("good", "problematic", "mixed")
LINK_STRENGTHS = ("weak", "moderate", "strong")
LINK_CONFIDENCES = ("low", "medium", "high")
FINDING_PRIORITIES = ("high", "medium", "low")

#: The seed's three recommendation types, by number and by id.
RECOMMENDATION_TYPES = {1: "local_clear_cut", 2: "management_judgement", 3: "research_development"}
RECOMMENDATION_STATUSES = ("proposed", "accepted", "in_progress", "done", "rejected")
REVIEW_KINDS = (
    "scr", "cspr", "rapid_review", "learning_review", "good_practice", "innovative", "puzzling", "other",
)
CASE_STATUSES = ("draft", "in_review", "published", "archived")
DATE_PRECISIONS = ("day", "month", "year")

#: The item types of the analysis (analysis.md): gaps between agencies and national patterns.
GAP_TYPES = (
    "unanswered_handoff", "late_response", "silent_pair", "absent_from_meeting", "discrepant_accounts",
    "one_way_flow", "broker_dependency", "information_not_reached", "concern_not_referred",
)
PATTERN_TYPES = (
    "start_again", "referral_without_feedback", "no_strategy_discussion", "agency_silent",
    "disagreement_without_escalation", "repeated_missed_appointments",
)

# Neo4j labels, by the short node names used in documents and the API.
CASE = "Case"
#: The claim of a new case's id while a big chronology is written into it in batches.
IMPORT_STAGE = "ImportStage"
NODE_LABELS = {
    "agency": "Agency",
    "event": "Event",
    "decision": "Decision",
    "factor": "ContributoryFactor",
    "episode": "KeyPracticeEpisode",
    "finding": "Finding",
    "recommendation": "Recommendation",
}
CASE_LABELS = tuple(NODE_LABELS.values())

ID_MAX = 100
#: The id rule in words, for every message that refuses an id.
ID_RULE = (f"use up to {ID_MAX} letters (of any alphabet), digits, '.', '_', ':' or '-', "
           "starting with a letter or digit")
_ID_PUNCTUATION = frozenset("._:-")
#: Bidirectional embeddings, overrides and isolates: they make shown text read differently
#: from what is stored (a name ending in U+202E reverses what follows it on screen).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _word_char(ch: str) -> bool:
    """A letter, digit or combining mark of any script (marks carry vowels in Hindi, Arabic...)."""
    return unicodedata.category(ch)[0] in "LNM"


def is_id(value: object) -> bool:
    """The one id rule, for case, item, link and event ids alike (chronology-format.md).

    The whole value must match: a trailing newline or any other control character is refused.

    >>> is_id("csc-2023.1"), is_id("агентство-1"), is_id("csc-1\\n"), is_id("-x")
    (True, True, False, False)
    """
    if not isinstance(value, str) or not 0 < len(value) <= ID_MAX:
        return False
    if unicodedata.category(value[0])[0] not in "LN":
        return False
    return all(_word_char(ch) or ch in _ID_PUNCTUATION for ch in value)


def clean_name(text: str) -> str:
    """A name as it is kept and shown: NFC, no bidirectional controls, no surrounding space."""
    return unicodedata.normalize("NFC", "".join(ch for ch in text if ch not in BIDI_CONTROLS)).strip()


def agency_id(name: str) -> str:
    """Turn an agency name into its id by the one rule of chronology-format.md.

    Letters of every alphabet are kept (compatibility-normalised, case-folded), so names in
    Cyrillic or Arabic get ids and accented names stay distinct from unaccented spellings
    with gaps; every run of other characters becomes one `-`.

    >>> agency_id("Brent Social Services"), agency_id("Agence Sécurité"), agency_id("Agence S curit")
    ('brent-social-services', 'agence-sécurité', 'agence-s-curit')
    """
    folded = unicodedata.normalize("NFKC", clean_name(name)).casefold()
    slug = "".join(ch if _word_char(ch) else "-" for ch in folded)
    return re.sub("-+", "-", slug).strip("-")


def is_communication(kind: str) -> bool:
    return kind in COMMUNICATION_KINDS


def is_meeting(kind: str) -> bool:
    return kind in MEETING_KINDS
