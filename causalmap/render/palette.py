"""Colours safe for colour-blind readers, used by the map, its legend and the exports.

Agencies: Paul Tol's "muted" scheme (9 colours, distinct under the common colour-vision
deficiencies). Colour is never the only cue: each agency has its own lane with its name,
lanes are grouped by sector, and from the 10th agency on the colours repeat with a border
pattern (dashed, then dotted), so a greyscale print still tells them apart.
Categories: the Okabe-Ito palette (6 of its 8 colours), one per typology category.
"""

from __future__ import annotations

from causalmap import vocab

TOL_MUTED = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
PATTERNS = ("solid", "dashed", "dotted")
OKABE_ITO = {
    "incidents_crises": "#D55E00",
    "longer_term_work": "#0072B2",
    "family_professional": "#CC79A7",
    "human_reasoning": "#E69F00",
    "tools": "#009E73",
    "management_systems": "#56B4E9",
}
NEUTRAL = "#BBBBBB"
HARM = "#A4161A"
assert set(OKABE_ITO) == set(vocab.TYPOLOGY)


def agency_colours(agency_ids: list[str]) -> dict[str, dict[str, object]]:
    """Each agency's colour and border pattern, in the order given (the lanes' order, so
    neighbouring lanes never share a colour); `dashed` says the pattern is not solid."""
    out: dict[str, dict[str, object]] = {}
    for i, agency in enumerate(agency_ids):
        pattern = PATTERNS[(i // len(TOL_MUTED)) % len(PATTERNS)]
        out[agency] = {"color": TOL_MUTED[i % len(TOL_MUTED)], "pattern": pattern, "dashed": pattern != "solid"}
    return out


def tint(colour: str, amount: float = 0.75) -> str:
    """The colour mixed with white (amount 0..1 of white): a pale fill black text reads on."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in (r, g, b))


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background (WCAG relative luminance)."""
    r, g, b = (int(background[i:i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"
