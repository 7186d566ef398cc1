"""The review report as PDF: ReportLab sets the text, the diagrams' own A3 pages are the figures.

The report follows a published SCIE-style review: title page; trigger decision and
methodology; the integrated chronology as a table; the map and timeline figures; the
interaction gaps, most serious first; key practice episodes with their appraisal; findings
by the six typology categories with their evidence; recommendations by type with owner
and status; sources. It is made from the (redacted, filtered) case document alone, so
what is not in the document cannot appear in the report.

Every user text goes through `_p`, which escapes it for ReportLab's paragraph markup.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from causalmap import vocab
from causalmap.view import ViewFilter, snapshot_of

__all__ = ["SECTIONS", "report_pdf", "report_story"]

SECTIONS = ("Trigger decision and methodology", "Integrated chronology", "The causal map and the timeline",
            "Interaction gaps between agencies", "Key practice episodes", "Findings", "Recommendations", "Sources")
FONT_DIRS = ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/liberation2")


def _fonts() -> tuple[str, str]:
    """Liberation Sans (Debian's fonts-liberation) for any Unicode name; Helvetica when it is absent."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Report" in pdfmetrics.getRegisteredFontNames():
        return "Report", "Report-Bold"
    for folder in FONT_DIRS:
        regular, bold = Path(folder, "LiberationSans-Regular.ttf"), Path(folder, "LiberationSans-Bold.ttf")
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("Report", str(regular)))
            pdfmetrics.registerFont(TTFont("Report-Bold", str(bold)))
            return "Report", "Report-Bold"
    return "Helvetica", "Helvetica-Bold"


def _words(value: Any) -> str:
    return str(value or "").replace("_", " ")


class _Styles:
    def __init__(self) -> None:
        from reportlab.lib.styles import ParagraphStyle

        regular, bold = _fonts()
        self.font, self.bold = regular, bold
        self.body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, spaceAfter=5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8.5, leading=10.5, spaceAfter=0)
        self.muted = ParagraphStyle("muted", parent=self.body, textColor="#555555")
        self.h1 = ParagraphStyle("h1", parent=self.body, fontName=bold, fontSize=22, leading=27, spaceAfter=10)
        self.h2 = ParagraphStyle("h2", parent=self.body, fontName=bold, fontSize=15, leading=19, spaceBefore=6,
                                 spaceAfter=8, keepWithNext=1)
        self.h3 = ParagraphStyle("h3", parent=self.body, fontName=bold, fontSize=12, leading=15, spaceBefore=8,
                                 spaceAfter=4, keepWithNext=1)


def _p(text: Any, style: Any, bold_lead: str = "") -> Any:
    """A paragraph of user text, escaped for ReportLab's markup; line breaks kept."""
    from reportlab.platypus import Paragraph

    body = escape(str(text if text is not None else "")).replace("\n", "<br/>")
    lead = f"<b>{escape(bold_lead)}</b> " if bold_lead else ""
    return Paragraph(lead + body, style)


def _table(rows: list[list[Any]], widths: list[float], styles: _Styles) -> Any:
    from reportlab.platypus import LongTable, TableStyle

    cells = [[_p(c, styles.small) for c in row] for row in rows]
    table = LongTable(cells, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, "#999999"), ("BACKGROUND", (0, 0), (-1, 0), "#EEEEEE"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, 0), styles.bold),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def report_story(doc: dict[str, Any], filters: ViewFilter, rules_file: Path | None,
                 styles: _Styles) -> tuple[list[Any], list[Any]]:
    """The report's flowables: before the figures (title to chronology) and after them (gaps to sources)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    from causalmap.analysis.dates import chronological, recorded
    from causalmap.analysis.report import Parameters, analyse
    from causalmap.analysis.rules import load_rules

    snapshot = snapshot_of(doc)
    case = doc["case"]
    agencies = {a["id"]: a for a in doc["agencies"]}

    def name(agency: str | None) -> str:
        return str((agencies.get(agency or "") or {}).get("name") or agency or "")

    start, end = snapshot.period()
    before: list[Any] = [Spacer(1, 50 * mm), _p(case.get("title") or case["id"], styles.h1),
                         _p("Review report", styles.body)]
    for label, value in (("Board", case.get("board") or "not recorded"), ("Region", case.get("region") or
                         "not recorded"), ("Review kind", _words(case.get("review_kind"))),
                         ("Period", f"{start or '–'} to {end or '–'}"), ("Status", _words(case.get("status"))),
                         ("Shown", filters.describe())):
        before.append(_p(value, styles.body, f"{label}:"))
    before.append(PageBreak())

    trigger, method = case.get("trigger") or {}, case.get("methodology") or {}
    before += [_p(SECTIONS[0], styles.h2), _p("Trigger decision", styles.h3)]
    before += [_p(f"• {c}", styles.body) for c in trigger.get("criteria") or []] or [
        _p("No criteria recorded.", styles.muted)]
    decided_on = trigger.get("decided_on") or "a date not recorded"
    before.append(_p(f"{trigger.get('decided_by') or 'not recorded'}, on {decided_on}", styles.body, "Decided by:"))
    if trigger.get("rationale"):
        before.append(_p(trigger["rationale"], styles.body))
    before.append(_p("Methodology" + (f": {method['name']}" if method.get("name") else ""), styles.h3))
    before.append(_p(method.get("description") or "No methodology recorded.", styles.body))
    if method.get("justification"):
        before.append(_p(method["justification"], styles.body))
    before.append(PageBreak())

    # In the order the records allow (a month-only reply never before what it answers), each
    # date as recorded ("April 1999"), never more precise than the chronology.
    events = chronological({**e, "when": recorded(e["date"], e.get("date_precision"))} for e in doc["events"])
    rows = [["Date", "Agency", "Kind", "What happened", "To / present"]]
    rows += [[f"{e['when'].spoken()} {e.get('time') or ''}".strip(), name(e.get("agency")), _words(e["kind"]),
              e["description"] + (" (disputed)" if e.get("disputed") else ""),
              "; ".join(name(a) for a in (e.get("to_agencies") or []) + (e.get("participants") or []))]
             for e in events]
    before += [_p(SECTIONS[1], styles.h2), _table(rows, [22 * mm, 30 * mm, 22 * mm, 71 * mm, 29 * mm], styles)
               if events else _p("No events.", styles.muted), PageBreak(),
               _p(SECTIONS[2], styles.h2),
               _p("The figures follow on A3 landscape pages, printed at 9 pt: Figure 1, the causal map, then "
                  "Figure 2, the multi-agency timeline. A long case runs over several pages, each with the "
                  "agencies' names at its left.", styles.body)]

    after: list[Any] = [_p(SECTIONS[3], styles.h2)]
    gaps = analyse(snapshot, Parameters(), load_rules(rules_file), ("gaps",))["gaps"]
    # Most serious first: the analysis's own ranking (score with reasons), as the UI shows it.
    gaps = [g for g in gaps if not (filters.hide_low and g["severity"] == "low")]
    if filters.hide_low:
        after.append(_p("Low-severity gaps are left out.", styles.muted))
    for gap in gaps:
        period = gap["period"]["start"] or ""
        if gap["period"]["end"] and gap["period"]["end"] != period:
            period += f" to {gap['period']['end']}"
        after.append(_p(f"{_words(gap['type'])} ({period}; {', '.join(name(a) for a in gap['agencies'])}). "
                        f"{gap['explanation']}", styles.body, gap["severity"].upper()))
    if not gaps:
        after.append(_p("No interaction gaps found.", styles.body))

    after += [PageBreak(), _p(SECTIONS[4], styles.h2)]
    for episode in sorted(doc["episodes"], key=lambda e: (e.get("start") or "", e["id"])):
        after.append(_p(episode["title"], styles.h3))
        after.append(_p(f"{episode.get('start') or ''} to {episode.get('end') or ''} · rated "
                        f"{episode.get('rating') or 'not rated'}", styles.muted))
        if episode.get("summary"):
            after.append(_p(episode["summary"], styles.body))
        after.append(_p(episode.get("appraisal") or "not yet appraised", styles.body, "Appraisal:"))
        if episode.get("explanation"):
            after.append(_p(episode["explanation"], styles.body, "Why it made sense at the time:"))
    if not doc["episodes"]:
        after.append(_p("No key practice episodes.", styles.body))

    after += [PageBreak(), _p(SECTIONS[5], styles.h2)]
    priority = ("high", "medium", "low", None)
    for key, label in list(vocab.TYPOLOGY.items()) + [(None, "not yet categorised")]:
        found = sorted((f for f in doc["findings"] if f.get("category") == key),
                       key=lambda f: (priority.index(f.get("priority")), f["id"]))
        if key is None and not found:
            continue
        after.append(_p(label[0].upper() + label[1:], styles.h3))
        for finding in found:
            after += _finding(finding, snapshot, styles)
        if not found:
            after.append(_p("No findings in this category.", styles.muted))

    after += [PageBreak(), _p(SECTIONS[6], styles.h2)]
    for number, kind in vocab.RECOMMENDATION_TYPES.items():
        items = sorted((r for r in doc["recommendations"] if r["type"] == kind), key=lambda r: r["id"])
        after.append(_p(f"Type {number}: {_words(kind)}", styles.h3))
        if items:
            rows = [["Recommendation", "Owner", "Status", "Due", "Addresses"]]
            rows += [[r["text"], r.get("owner") or "not set", _words(r.get("status") or "proposed"), r.get("due") or "",
                      ", ".join(r.get("addresses") or [])] for r in items]
            after.append(_table(rows, [80 * mm, 35 * mm, 22 * mm, 20 * mm, 17 * mm], styles))
        else:
            after.append(_p("None.", styles.muted))

    after += [PageBreak(), _p(SECTIONS[7], styles.h2), _p("Events by the agency whose records they come from:",
                                                        styles.body)]
    sources: dict[str, int] = {}
    for event in doc["events"]:
        source = event.get("source") or event.get("agency")
        sources[source] = sources.get(source, 0) + 1
    rows = [["Source", "Sector", "Events"]] + [[name(s), _words((agencies.get(s) or {}).get("sector")), str(n)]
                                               for s, n in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))]
    after += [_table(rows, [90 * mm, 60 * mm, 24 * mm], styles), Spacer(1, 4 * mm),
              _p(f"{len(doc['causal_links'])} causal links were mapped by the review team from these records and "
                 "the conversations with practitioners.", styles.body)]
    return before, after


def _finding(finding: dict[str, Any], snapshot: Any, styles: _Styles) -> list[Any]:
    out = [_p(finding["statement"], styles.body, f"{finding['id']} ({finding.get('priority') or 'no'} priority"
              + (f", {finding['valence']})" if finding.get("valence") else ")"))]
    if finding.get("evidence"):
        out.append(_p(finding["evidence"], styles.body, "Evidence:"))
    for ref in finding.get("evidenced_by") or []:
        record = snapshot.node(ref) or {}
        text = record.get("description") or record.get("title") or record.get("statement") or ref["id"]
        out.append(_p(f"• {ref['node']}: {text}", styles.body))
    for field, label in (("how_widespread", "How widespread:"), ("why_it_matters", "Why it matters:")):
        if finding.get(field):
            out.append(_p(finding[field], styles.body, label))
    for question in finding.get("questions_for_board") or []:
        out.append(_p(f"• {question}", styles.body, "Question for the board:"))
    return out


def _render(story: list[Any], title: str, first_page: int, styles: _Styles) -> bytes:
    """A4 pages of flowables, numbered from `first_page`, the title in the footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = io.BytesIO()

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(styles.font, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"{title} · page {first_page + document.page - 1}")
        canvas.restoreState()

    page = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                             bottomMargin=18 * mm, title=title, author="", subject="", creator="causalmap",
                             invariant=True)
    page.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def report_pdf(doc: dict[str, Any], filters: ViewFilter | None = None, rules_file: Path | None = None,
               check: Callable[[str], None] | None = None) -> bytes:
    """The report; `check` sees every text that goes into it (the redaction's last look)."""
    from pypdf import PdfReader, PdfWriter

    from causalmap.render.diagram import PRINT_SCALE, diagram_dot, draw
    from causalmap.render.pages import tile_diagram, write_pdf

    filters = filters or ViewFilter()
    title = str(doc["case"].get("title") or doc["case"]["id"])
    styles = _Styles()
    before, after = report_story(doc, filters, rules_file, styles)
    if check is not None:
        check("\n".join(getattr(f, "text", "") for f in before + after))
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_render(before, title, 1, styles))).pages:
        writer.add_page(page)
    snapshot = snapshot_of(doc)
    for view, name in (("map", "Figure 1. The causal map"), ("timeline", "Figure 2. The multi-agency timeline")):
        diagram = diagram_dot(snapshot, view, filters, f"{name}: {title}")
        if check is not None:
            check(diagram.dot)
        tile_diagram(writer, draw(diagram.dot, "pdf"), diagram, name, PRINT_SCALE, len(writer.pages) + 1)
    for page in PdfReader(io.BytesIO(_render(after, title, len(writer.pages) + 1, styles))).pages:
        writer.add_page(page)
    return write_pdf(writer, title)
