"""The pages. Each is a thin shell: data comes from the store here or from the API in the
browser, and every user-supplied text is escaped (Jinja autoescape, DOM textContent)."""

from __future__ import annotations

import os

import pyvis
from causalmap.web.app import get_settings, get_store
from causalmap.web.case_memory import cached_overview, cached_summary
from causalmap.web.forms import FORMS, SECTION_TITLES
from flask import Blueprint, abort, render_template, send_from_directory

from causalmap import vocab
from causalmap.store.cases import list_cases
from causalmap.store.redactions import read_redactions

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
    summary = cached_summary(get_store(), case_id)
    overview = cached_overview(get_store(), case_id, get_settings().rules_file)
    terms = [t.as_dict() for t in read_redactions(get_store(), case_id)] if _can_export() else []
    return render_template("case.html", summary=summary, case=summary["case"], counts=overview["counts"],
                           first=overview["first"], leverage=overview["leverage"], typology=vocab.TYPOLOGY,
                           review_kinds=vocab.REVIEW_KINDS, statuses=vocab.CASE_STATUSES,
                           redactions=terms, redaction_count=len(terms), can_export=_can_export())


@pages.get("/cases/<case_id>/map")
def case_map(case_id: str):  # type: ignore[no-untyped-def]
    summary = cached_summary(get_store(), case_id)
    return render_template("map.html", case=summary["case"], forms=FORMS, can_export=_can_export(),
                           redaction_count=len(read_redactions(get_store(), case_id)) if _can_export() else 0)


def _can_export() -> bool:
    """Whether the signed-in user may export (and so keep the redaction list): the Export menu shows then."""
    from causalmap.web.access import current_account

    from causalmap.accounts.roles import Permission, allows

    account = current_account()
    return account is not None and allows(account.role, Permission.EXPORT_CASE)


@pages.get("/cases/<case_id>/records")
def records(case_id: str):  # type: ignore[no-untyped-def]
    summary = cached_summary(get_store(), case_id)
    return render_template("records.html", case=summary["case"], forms=FORMS, titles=SECTION_TITLES)


@pages.get("/queries")
@pages.get("/queries/<name>")
def queries(name: str | None = None):  # type: ignore[no-untyped-def]
    """The analysts' queries: each with a form built from its declared parameters; results drawn
    in the browser (queries.js) from /api/queries/NAME as a table, bar chart or path graph."""
    from causalmap.named_queries import get_query, load_queries
    from causalmap.store.cases import case_facets

    chosen = get_query(name) if name else None
    return render_template("queries.html", queries=load_queries(), chosen=chosen,
                           facets=case_facets(get_store()) if chosen else None,
                           typology=vocab.TYPOLOGY)


def error_page(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, detail=detail), status
