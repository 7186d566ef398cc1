"""Printed pages: HTML and CSS made into PDF by WeasyPrint, for the diagrams and the report.

WeasyPrint fetches nothing here: the only resources a page may use are `data:` URIs
(the diagrams), so a PDF is made offline and no user text can make it load anything.
The PDF's metadata holds the (redacted) title and nothing else: no author, no dates, so
one case gives the same bytes each time.
"""

from __future__ import annotations

import base64
import html
import math
import re
from typing import Any

from causalmap.errors import CausalmapError

__all__ = ["A3_LANDSCAPE", "Drawing", "diagram_pages_html", "html_to_pdf"]

A3_LANDSCAPE = (1190.55, 841.89)  # pt
MARGIN = 28.35                    # pt (10 mm)
HEADER = 22.0                     # pt for the line above each diagram page


def html_to_pdf(document: str, title: str) -> bytes:
    """The PDF of an HTML document (whose <title> is `title`); only data: URIs are fetched."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=document, url_fetcher=fetcher, base_url=None).write_pdf(custom_metadata=False)


_ROOT = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="([\d.\s-]+)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
SVG_NS = "http://www.w3.org/2000/svg"
TEXT_REACH = (100.0, 20.0)  # how far a text may reach beyond its anchor, in drawing units


class Drawing:
    """A Graphviz SVG parsed once, so each page can keep only what falls in its window.

    Every page drawing the whole diagram would make the PDF as many times larger (and
    slower) as it has pages; each page's SVG holds the shapes that touch its window.
    """

    def __init__(self, svg: str) -> None:
        import xml.etree.ElementTree as ET

        ET.register_namespace("", SVG_NS)
        ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
        self.root = ET.fromstring(svg)
        match = _ROOT.search(svg)
        if match is None:
            raise CausalmapError("Graphviz's SVG has no size; cannot cut it into pages")
        self.width, self.height = float(match.group(1)), float(match.group(2))
        self.graph = self.root.find(f"{{{SVG_NS}}}g")
        translate = re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", self.graph.get("transform", ""))
        self.dx, self.dy = (float(translate.group(1)), float(translate.group(2))) if translate else (0.0, 0.0)
        self.parts = [(child, self._box(child)) for child in list(self.graph)]

    def _box(self, element: Any) -> tuple[float, float, float, float] | None:
        xs: list[float] = []
        ys: list[float] = []
        for item in element.iter():
            for name in ("points", "d"):
                numbers = [float(n) for n in _NUMBER.findall(item.get(name, ""))]
                xs += numbers[0::2]
                ys += numbers[1::2]
            if item.get("x") is not None and item.get("y") is not None:
                x, y = float(item.get("x")), float(item.get("y"))
                xs += [x - TEXT_REACH[0], x + TEXT_REACH[0]]
                ys += [y - TEXT_REACH[1], y + TEXT_REACH[1]]
        if not xs or not ys:
            return None
        return min(xs) + self.dx, min(ys) + self.dy, max(xs) + self.dx, max(ys) + self.dy

    def window(self, x: float, y: float, width: float, height: float, scale: float) -> str:
        """An SVG of the window (x, y, width, height) at `scale` pt per unit, with only what touches it."""
        import copy
        import xml.etree.ElementTree as ET

        root = ET.Element(self.root.tag, {**self.root.attrib, "width": f"{width * scale:.2f}pt",
                                          "height": f"{height * scale:.2f}pt",
                                          "viewBox": f"{x:.2f} {y:.2f} {width:.2f} {height:.2f}"})
        graph = copy.copy(self.graph)
        graph[:] = [child for child, box in self.parts
                    if box is None or (box[0] <= x + width and box[2] >= x and box[1] <= y + height and box[3] >= y)]
        root.append(graph)
        return ET.tostring(root, encoding="unicode")


def _img(svg: str, alt: str) -> str:
    data = base64.b64encode(svg.encode()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}">'


def diagram_pages_html(svg: str, diagram: Any, title: str, scale: float | None = None) -> str:
    """A3 landscape pages, each one window of the diagram with the lane names at its left."""
    from causalmap.render.diagram import PRINT_SCALE

    scale = scale or PRINT_SCALE
    drawing = Drawing(svg)
    total_w, total_h = drawing.width, drawing.height
    pad_x = (total_w - diagram.width) / 2  # Graphviz's pad on each side
    left = 210.0 + pad_x                   # the lane names' column, repeated on every page
    page_w = (A3_LANDSCAPE[0] - 2 * MARGIN) / scale - left
    page_h = (A3_LANDSCAPE[1] - 2 * MARGIN - HEADER) / scale
    columns = max(1, math.ceil((total_w - left) / page_w))
    rows = max(1, math.ceil(total_h / page_h))
    pages = []
    for row in range(rows):
        for column in range(columns):
            x = left + column * page_w
            y = row * page_h
            w = min(page_w, total_w - x)
            h = min(page_h, total_h - y)
            number = row * columns + column + 1
            pages.append(
                f'<section class="page"><p class="head">{html.escape(title)} · page {number} of '
                f'{rows * columns} (across {column + 1} of {columns}, down {row + 1} of {rows})</p>'
                f'<div class="tile">{_img(drawing.window(0, y, left, h, scale), "lane names")}'
                f'{_img(drawing.window(x, y, w, h, scale), title)}</div></section>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>@page {{ size: A3 landscape; margin: {MARGIN}pt; }} body {{ margin: 0; '
            'font: 9pt "Liberation Sans", sans-serif; } .page { break-after: page; } .page:last-child '
            '{ break-after: auto; } .head { margin: 0 0 6pt; height: 14pt; } .tile { display: flex; '
            'align-items: flex-start; } .tile img { display: block; }</style></head><body>'
            + "".join(pages) + "</body></html>")
