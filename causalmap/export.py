"""Export a case in one of its formats, filtered and redacted: the one path for CLI, API and UI.

The steps are always the same, in this order, so that no format can skip one:
read the whole-case document (one read transaction) -> redact it (when asked) -> apply
the map's filters -> make the format -> check the finished file holds no listed term.
Each format is one function of the document, or of the snapshot made from it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causalmap.errors import InvalidInput, UsageError
from causalmap.render.redact import Redactor, Term
from causalmap.store.connection import Store
from causalmap.view import ViewFilter, filter_document, snapshot_of

__all__ = ["FORMATS", "VIEWS", "Export", "ExportFormat", "export_case", "export_document", "write_owner_only"]

VIEWS = ("map", "timeline")


@dataclass(frozen=True)
class Request:
    """What one export is of: the document (redacted, filtered), the view, the filter."""

    doc: dict[str, Any]
    view: str
    filters: ViewFilter
    rules_file: Path | None
    redactor: Redactor | None = None
    format: str = ""

    def verify(self, content: str) -> None:
        """Refuse output that still holds a listed term (in text causalmap adds, such as a label)."""
        left = self.redactor.leftovers(content) if self.redactor is not None else []
        if left:
            raise InvalidInput(f"the {self.format} export would still contain the listed term(s) {', '.join(left)} "
                               "(in text causalmap adds, such as a label); nothing was written")

    def snapshot(self):  # type: ignore[no-untyped-def]
        """The snapshot the drawings are made from: with an agency filter, only the chosen agencies
        have lanes (the document keeps the others that its records still name)."""
        snapshot = snapshot_of(self.doc)
        if self.filters.agencies:
            acting = {r.get("agency") for r in [*snapshot.events.values(), *snapshot.decisions.values()]}
            snapshot.agencies = {a: r for a, r in snapshot.agencies.items()
                                 if a in self.filters.agencies or a in acting}
        return snapshot

    @property
    def title(self) -> str:
        return str(self.doc["case"].get("title") or self.doc["case"]["id"])


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    content_type: str
    make: Callable[[Request], bytes]
    text: bool  # the finished file is searched as text for leftover terms (else the maker checks its sources)
    help: str

    @property
    def binary(self) -> bool:
        return self.content_type.split(";")[0] in ("image/png", "application/pdf")


def _json(req: Request) -> bytes:
    from causalmap.interchange.case_json import dumps

    return dumps(req.doc).encode()


def _csv(req: Request) -> bytes:
    from causalmap.interchange.chronology_csv import chronology_csv

    return chronology_csv(req.doc).encode()


def _graphml(req: Request) -> bytes:
    from causalmap.interchange.graph_files import graphml_bytes

    return graphml_bytes(req.doc)


def _gexf(req: Request) -> bytes:
    from causalmap.interchange.graph_files import gexf_bytes

    return gexf_bytes(req.doc)


def _svg(req: Request) -> bytes:
    from causalmap.render.diagram import diagram_svg

    return diagram_svg(req.snapshot(), req.view, req.filters, req.title)


def _png(req: Request) -> bytes:
    from causalmap.render.diagram import diagram_png

    return diagram_png(req.snapshot(), req.view, req.filters, req.title, check=req.verify)


def _pdf(req: Request) -> bytes:
    from causalmap.render.diagram import diagram_pdf

    return diagram_pdf(req.snapshot(), req.view, req.filters, req.title, check=req.verify)


def _html(req: Request) -> bytes:
    from causalmap.render.standalone import standalone_html

    return standalone_html(req.snapshot(), req.filters, req.title, check=req.verify)


def _report(req: Request) -> bytes:
    from causalmap.render.report import report_pdf

    return report_pdf(req.doc, req.filters, req.rules_file, check=req.verify)


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("json", "json", "application/json", _json, True, "the whole-case document (round trip)"),
    ExportFormat("csv", "csv", "text/csv; charset=utf-8", _csv, True, "the integrated chronology, import format"),
    ExportFormat("graphml", "graphml", "application/graphml+xml", _graphml, True, "every node and relationship"),
    ExportFormat("gexf", "gexf", "application/gexf+xml", _gexf, True, "every node and relationship (Gephi)"),
    ExportFormat("svg", "svg", "image/svg+xml", _svg, True, "the map or timeline diagram"),
    ExportFormat("png", "png", "image/png", _png, False, "the map or timeline diagram as an image"),
    ExportFormat("pdf", "pdf", "application/pdf", _pdf, False, "the map or timeline, A3 landscape pages"),
    ExportFormat("html", "html", "text/html; charset=utf-8", _html, False, "the interactive map, one offline file"),
    ExportFormat("report", "pdf", "application/pdf", _report, False, "the review report"),
)}


@dataclass
class Export:
    """A finished export: its bytes, how to serve it, what to call it, what redaction replaced."""

    content: bytes
    format: ExportFormat
    filename: str
    replacements: dict[str, int] | None = field(default=None)

    @property
    def replaced(self) -> int:
        return sum((self.replacements or {}).values())


def filename(case_id: str, view: str, fmt: ExportFormat, today: dt.date | None = None) -> str:
    """CASE-VIEW-YYYY-MM-DD.EXT, as the issue asks for every download."""
    stamp = (today or dt.date.today()).isoformat()
    return f"{case_id}-{'report' if fmt.name == 'report' else view}-{stamp}.{fmt.extension}"


def check_request(fmt: str, view: str) -> ExportFormat:
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if view not in VIEWS:
        raise UsageError(f"unknown view {view!r}; use map or timeline")
    return FORMATS[fmt]


def export_document(doc: dict[str, Any], fmt: str, *, view: str = "map", filters: ViewFilter | None = None,
                    redaction: list[Term] | None = None, rules_file: Path | None = None,
                    today: dt.date | None = None) -> Export:
    """Export a case document; `redaction` None means unredacted, a list (even empty) redacts."""
    chosen = check_request(fmt, view)
    filters = filters or ViewFilter()
    filters.check(doc)  # names the case's real agencies and episodes before any redaction renames them
    redactor = Redactor(list(redaction)) if redaction is not None else None
    counts: dict[str, int] | None = None
    if redactor is not None:
        from causalmap.render.redact import redact_document

        doc = redact_document(doc, redactor)
        counts = dict(redactor.counts)  # before the filter's own ids are mapped below
        filters = ViewFilter(tuple(redactor.ident(a) for a in filters.agencies), filters.start, filters.end,
                             redactor.ident(filters.episode) if filters.episode else None, filters.hide_low)
    request = Request(filter_document(doc, filters), view, filters, rules_file, redactor, fmt)
    content = chosen.make(request)
    if chosen.text:
        request.verify(content.decode("utf-8"))
    return Export(content, chosen, filename(doc["case"]["id"], view, chosen, today),
                  counts)


def export_case(store: Store, case_id: str, fmt: str, *, view: str = "map", filters: ViewFilter | None = None,
                redaction: list[Term] | None = None, rules_file: Path | None = None,
                today: dt.date | None = None) -> Export:
    """Export a stored case (read in one transaction); see :func:`export_document`."""
    from causalmap.interchange.case_json import export_case as case_document

    check_request(fmt, view)
    return export_document(case_document(store, case_id), fmt, view=view, filters=filters, redaction=redaction,
                           rules_file=rules_file, today=today)


def check_writable(path: Path) -> None:
    """Refuse a path that cannot be written before any work is done, saying why."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name, e.g. {path / 'case.pdf'}")
    if not parent.is_dir():
        raise UsageError(f"{parent}: no such folder; create it first or choose another -o path")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{path}: cannot write there (permission denied); choose another -o path")


def write_owner_only(path: Path, content: bytes) -> None:
    """Write a file only its owner can read (0600, whatever the umask), all or nothing.

    Exports hold the most sensitive data there is. The bytes go to a private temporary
    file beside the target, which then replaces it in one rename, so a failed write never
    leaves half a file or changes an existing one. A target that is not a regular file (a
    device such as /dev/null, a pipe) is written into, never replaced.
    """
    from causalmap.files import write_private

    check_writable(path)
    try:
        write_private(path, content)
    except OSError as exc:
        raise UsageError(f"{path}: could not write it ({exc.strerror}); nothing was written") from None
