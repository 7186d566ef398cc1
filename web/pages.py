"""The pages. Each is a thin shell: data comes from the store here or from the API in the
browser, and every user-supplied text is escaped (Jinja autoescape, DOM textContent)."""

from __future__ import annotations

import os

import pyvis
from causalmap.web.app import get_settings, get_store
from causalmap.web.forms import FORMS, SECTION_TITLES
from flask import Blueprint, abort, render_template, send_from_directory

from causalmap import vocab
from causalmap.analysis.report import Parameters
from causalmap.case_analysis import analyse_case
from causalmap.store.cases import case_summary, list_cases

pages = Blueprint("pages", __name__)
VIS_DIR = os.path.join(os.path.dirname(pyvis.__file__), "lib", "vis-9.1.2")


@pages.get("/vendor/<name>")
def vendor(name: str):  # type: ignore[no-untyped-def]
    """vis-network as pyvis ships it, served from the project: no CDN, works offline."""
    if name not in ("vis-network.min.js", "vis-network.css"):
        abort(404)
    return send_from_directory(VIS_DIR, name, max_age=3600)


@pages.get("/favicon.ico")
def favicon():  # type: ignore[no-untyped-def]
    return "", 204


@pages.get("/")
def cases():  # type: ignore[no-untyped-def]
    from causalmap.web.access import visible_cases

    return render_template("cases.html", cases=visible_cases(list_cases(get_store())))


@pages.get("/cases/<case_id>")
def case(case_id: str):  # type: ignore[no-untyped-def]
    summary = case_summary(get_store(), case_id)
    analysis = analyse_case(get_store(), case_id, "all", Parameters(), get_settings().rules_file)
    counts: dict[str, dict[str, int]] = {}
    for family in ("gaps", "checks", "patterns"):
        for item in analysis[family]:
            counts.setdefault(family, {"high": 0, "medium": 0, "low": 0})[item["severity"]] += 1
    # The top of the ranking, mixed across gaps, patterns and checks (each list is already
    # ordered by score; ties as the analysis orders them: severity, then date).
    rank = {"high": 0, "medium": 1, "low": 2}
    first = sorted(analysis["gaps"] + analysis["patterns"] + analysis["checks"],
                   key=lambda i: (-i["score"], rank[i["severity"]], i["period"]["earliest"] or "9999"))[:8]
    return render_template("case.html", summary=summary, case=summary["case"], counts=counts, first=first,
                           leverage=analysis["causes"]["leverage"], typology=vocab.TYPOLOGY,
                           review_kinds=vocab.REVIEW_KINDS, statuses=vocab.CASE_STATUSES)


@pages.get("/cases/<case_id>/map")
def case_map(case_id: str):  # type: ignore[no-untyped-def]
    summary = case_summary(get_store(), case_id)
    return render_template("map.html", case=summary["case"], forms=FORMS)


@pages.get("/cases/<case_id>/records")
def records(case_id: str):  # type: ignore[no-untyped-def]
    summary = case_summary(get_store(), case_id)
    return render_template("records.html", case=summary["case"], forms=FORMS, titles=SECTION_TITLES)


def error_page(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, detail=detail), status
