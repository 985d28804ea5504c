"""Test builders for the clients app, and what the URL walk needs to know about its URLs."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from somatrace.clients import services
from somatrace.clients.models import Attachment
from somatrace.core.actor import Actor

# URL names of this app that are reachable without logging in, on purpose.
PUBLIC_URL_NAMES: set[str] = set()

# A one-page PDF, small enough to read: what a scanned letter starts and ends like.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 200, 30)).save(out, format="JPEG")
    return out.getvalue()


def make_attachment(
    client: Any, data: bytes = PDF_BYTES, *, title: str = "GP clearance letter"
) -> Attachment:
    practitioner = client.assigned_practitioner
    actor = Actor.staff(practitioner.membership)
    upload = SimpleUploadedFile("letter.pdf", data)
    return services.add_attachment(actor, client, upload, title, "clearance_letter")


def victim_ids(client: Any, session: Any) -> dict[str, int]:
    """Ids of one of each of this app's records about `client`, keyed by URL parameter name."""
    return {"attachment_id": make_attachment(client).pk}
