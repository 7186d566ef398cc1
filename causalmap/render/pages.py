"""A diagram over printed pages: Graphviz's one large PDF page cut into A3 landscape pages.

Graphviz draws the whole diagram once, as one PDF page at full size. Each printed page
shows one window of it at 0.75 pt per layout pixel (12 px labels print at 9 pt), with the
agencies' lane names repeated at its left and a header line above. The large page becomes
one PDF form XObject that every printed page draws, clipped to its window, so a case cut
into thirty pages holds its drawing once: small files, made in well under a second.

pypdf assembles the pages; the header is set in Helvetica (a PDF base font, nothing to
embed), its text written as an escaped PDF string.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
)

__all__ = ["A3_LANDSCAPE", "MARGIN", "Tiling", "pdf_string", "tile_diagram", "write_pdf"]

A3_LANDSCAPE = (1190.55, 841.89)  # pt
MARGIN = 28.35                    # pt (10 mm)
HEADER = 22.0                     # pt above the window for the page's header line


def pdf_string(text: str) -> str:
    """Text as a PDF literal string in WinAnsi (Helvetica's encoding): escaped, never raw."""
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("\r", " ").replace(
        "\n", " ") + ")"


@dataclass(frozen=True)
class Tiling:
    """How one diagram is cut: windows of `page_w` x `page_h` layout px after a `left` column."""

    columns: int
    rows: int
    left: float
    page_w: float
    page_h: float

    @property
    def count(self) -> int:
        return self.columns * self.rows


def tiling(width: float, height: float, left: float, scale: float) -> Tiling:
    page_w = (A3_LANDSCAPE[0] - 2 * MARGIN) / scale - left
    page_h = (A3_LANDSCAPE[1] - 2 * MARGIN - HEADER) / scale
    return Tiling(max(1, math.ceil((width - left) / page_w)), max(1, math.ceil(height / page_h)), left,
                  page_w, page_h)


def tile_diagram(writer: PdfWriter, big_pdf: bytes, diagram: Any, title: str, scale: float,
                 first_page: int = 1) -> int:
    """Append the diagram's A3 pages to `writer`; returns how many were added."""
    big = PdfReader(io.BytesIO(big_pdf)).pages[0]
    big_w, big_h = float(big.mediabox.width), float(big.mediabox.height)
    off_x, off_y = (big_w - diagram.width) / 2, (big_h - diagram.height) / 2  # Graphviz's pad and margin
    form = DecodedStreamObject()
    form.set_data(big.get_contents().get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(big_w), FloatObject(big_h)]),
        NameObject("/Resources"): big["/Resources"].clone(writer),
    })
    form_ref = writer._add_object(form)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    cut = tiling(diagram.width, diagram.height, diagram.left, scale)
    page_w, page_h = A3_LANDSCAPE
    for row in range(cut.rows):
        for column in range(cut.columns):
            x = cut.left + column * cut.page_w
            y = row * cut.page_h
            w = min(cut.page_w, diagram.width - x)
            h = min(cut.page_h, diagram.height - y)
            top = page_h - MARGIN - HEADER  # the windows' top edge on the page

            def window(src_x: float, width: float, at_x: float, y: float = y, h: float = h, top: float = top) -> str:
                # Map the diagram's (src_x, y) window onto the page at (at_x, top), clipped to it.
                bottom = top - h * scale
                tx = at_x - (off_x + src_x) * scale
                ty = bottom - (off_y + diagram.height - y - h) * scale
                return (f"q {at_x:.2f} {bottom:.2f} {width * scale:.2f} {h * scale:.2f} re W n "
                        f"{scale:.4f} 0 0 {scale:.4f} {tx:.2f} {ty:.2f} cm /Diagram Do Q\n")

            number = first_page + row * cut.columns + column
            header = (f"{title} · page {row * cut.columns + column + 1} of {cut.count} of this figure "
                      f"(across {column + 1} of {cut.columns}, down {row + 1} of {cut.rows}) · report page {number}"
                      if first_page > 1 else
                      f"{title} · page {row * cut.columns + column + 1} of {cut.count} (across {column + 1} of "
                      f"{cut.columns}, down {row + 1} of {cut.rows})")
            content = (window(0, cut.left, MARGIN) + window(x, w, MARGIN + cut.left * scale)
                       + f"BT /Head 9 Tf {MARGIN:.2f} {page_h - MARGIN - 10:.2f} Td {pdf_string(header)} Tj ET\n")
            page = writer.add_blank_page(page_w, page_h)
            stream = DecodedStreamObject()
            stream.set_data(content.encode("latin-1"))
            page[NameObject("/Contents")] = writer._add_object(stream)
            page[NameObject("/Resources")] = DictionaryObject({
                NameObject("/XObject"): DictionaryObject({NameObject("/Diagram"): form_ref}),
                NameObject("/Font"): DictionaryObject({NameObject("/Head"): font}),
            })
            page[NameObject("/Rotate")] = NumberObject(0)
    return cut.count


def write_pdf(writer: PdfWriter, title: str) -> bytes:
    """The finished PDF: metadata is the (redacted) title only, no dates, so one case gives one file."""
    writer.add_metadata({"/Title": title, "/Producer": "causalmap", "/Creator": "causalmap"})
    writer._ID = None
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
