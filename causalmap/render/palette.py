"""Colours safe for colour-blind readers, used by the map, its legend and the exports.

Agencies: Paul Tol's "muted" scheme (9 colours, distinct under the common colour-vision
deficiencies), then repeated with a dashed border so a tenth agency still differs.
Categories: the Okabe-Ito palette (6 of its 8 colours), one per typology category.
"""

from __future__ import annotations

from causalmap import vocab

TOL_MUTED = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
OKABE_ITO = {
    "incidents_crises": "#D55E00",
    "longer_term_work": "#0072B2",
    "family_professional": "#CC79A7",
    "human_reasoning": "#E69F00",
    "tools": "#009E73",
    "management_systems": "#56B4E9",
}
NEUTRAL = "#BBBBBB"
assert set(OKABE_ITO) == set(vocab.TYPOLOGY)


def agency_colours(agency_ids: list[str]) -> dict[str, dict[str, object]]:
    """Each agency's colour, and whether its nodes get a dashed border (the 10th agency on)."""
    return {a: {"color": TOL_MUTED[i % len(TOL_MUTED)], "dashed": i >= len(TOL_MUTED)}
            for i, a in enumerate(sorted(agency_ids))}


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background (WCAG relative luminance)."""
    r, g, b = (int(background[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"
