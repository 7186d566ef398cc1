"""The fictional sample case shipped with causalmap: Child K, Ashdown (2024).

Written for this project; every person, agency and place in it is invented. It is kept
as the panel would build it: each agency's chronology (chronology.csv, the interchange
format) and the panel's work on it (review.json: metadata, factors, episodes, links,
findings, recommendations). :func:`sample_document` joins them into one case document.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from causalmap.chronology import check_chronology, read_table
from causalmap.interchange.case_json import FORMAT, FORMAT_VERSION, chronology_sections

SAMPLE_CASE_ID = "ashdown-2024"


def sample_document() -> dict[str, Any]:
    folder = resources.files("causalmap.samples") / SAMPLE_CASE_ID
    with resources.as_file(folder / "chronology.csv") as path:
        chronology = check_chronology(read_table(path))
    review = json.loads((folder / "review.json").read_text(encoding="utf-8"))
    return {"format": FORMAT, "format_version": FORMAT_VERSION, **chronology_sections(chronology), **review}
