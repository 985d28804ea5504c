"""What a document attached to a client's record may be: a PDF, a PNG or a JPEG, told by its
content (the first bytes, and for images Pillow opening and verifying them), never by the name
or the type the browser declared. Pure: no Django.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_LABEL = "10 MB"
TOO_BIG = f"The file is larger than the {MAX_DOCUMENT_LABEL} limit."
MAX_IMAGE_PIXELS = 50_000_000  # a scanned A4 page at 600 dpi is about 35 million


class DocumentRefused(ValueError):
    """A file that may not be attached; the message says why, for the person uploading it."""


@dataclass(frozen=True)
class DocumentType:
    content_type: str
    extension: str
    pillow_format: str = ""  # empty: not an image


PDF = DocumentType("application/pdf", ".pdf")
PNG = DocumentType("image/png", ".png", "PNG")
JPEG = DocumentType("image/jpeg", ".jpg", "JPEG")
SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
BY_CONTENT_TYPE = {t.content_type: t for t in (PDF, PNG, JPEG)}


def check_document(data: bytes) -> DocumentType:
    """The type of an uploaded document, or DocumentRefused saying why it is not accepted."""
    if not data:
        raise DocumentRefused("The file is empty.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused(TOO_BIG)
    found = next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)
    if found is None:
        raise DocumentRefused("Only PDF documents and PNG or JPEG images can be attached.")
    if found.pillow_format:
        _check_image(data, found)
    return found


def _check_image(data: bytes, kind: DocumentType) -> None:
    damaged = DocumentRefused(f"The file starts like a {kind.pillow_format} image but is damaged.")
    try:
        with Image.open(io.BytesIO(data), formats=[kind.pillow_format]) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise DocumentRefused("The image is too large (more than 50 million pixels).")
            image.verify()
    except DocumentRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise damaged from None
