"""Reports as PDF: Vega-Lite charts to SVG (vl-convert, no browser) and HTML to PDF
(WeasyPrint). No Django here: the doors hand in the HTML they rendered.

The charts are the web's own specifications (somatrace/charts.py and each app's charts.py);
only their width is fixed, since a page has no container to fill.
"""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

import vl_convert
import weasyprint

CHART_WIDTH = 560  # px: an A4 page's text width at WeasyPrint's 96 dpi, less margins
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "report.css"


def data_uri(body: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(body).decode('ascii')}"


def _fixed_width(spec: dict[str, Any], width: int) -> dict[str, Any]:
    fixed = copy.deepcopy(spec)
    _fill(fixed, width)
    if "width" not in fixed and not any(k in fixed for k in ("facet", "vconcat", "hconcat")):
        fixed["width"] = width
    # Print on white paper: no transparent background, a font every machine has.
    fixed["background"] = "white"
    fixed.setdefault("config", {})["font"] = "DejaVu Sans, Liberation Sans, sans-serif"
    return fixed


def _fill(node: Any, width: int) -> None:
    """Replace every "width": "container" (the web page's) by a fixed width."""
    if isinstance(node, dict):
        if node.get("width") == "container":
            node["width"] = width
        for key, value in node.items():
            if key != "data":
                _fill(value, width)
    elif isinstance(node, list):
        for item in node:
            _fill(item, width)


def chart_svg(spec: dict[str, Any], width: int = CHART_WIDTH) -> str:
    """The chart as SVG text, rendered without a browser."""
    return str(vl_convert.vegalite_to_svg(_fixed_width(spec, width), vl_version="6.4"))


def chart_uri(spec: dict[str, Any], width: int = CHART_WIDTH) -> str:
    """The chart as a data: URI, for an <img> in both the preview and the PDF."""
    return data_uri(chart_svg(spec, width).encode(), "image/svg+xml")


def html_to_pdf(html: str) -> bytes:
    """PDF bytes from a complete HTML document (images inline as data: URIs)."""
    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent))
    return bytes(document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))]))
