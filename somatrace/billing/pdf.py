"""Invoices, receipts and superbills as PDF (WeasyPrint). No Django here: the doors hand
in the HTML they rendered from templates/billing/documents/."""

from __future__ import annotations

from pathlib import Path

import weasyprint

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "invoice.css"


def html_to_pdf(html: str) -> bytes:
    """PDF bytes (A4) from a complete HTML document, styled by static/css/invoice.css."""
    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent))
    return bytes(document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))]))
