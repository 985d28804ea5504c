"""Opaque cursors for the API's pages: the base64 of the last id a page showed."""

from __future__ import annotations

import base64
import binascii


class BadCursor(ValueError):
    pass


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    """The id after which the next page starts; BadCursor when the cursor is not ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("This cursor is not valid: pass back the next_cursor of a page.") from None
    if not text.isdigit() or len(text) > 18:
        raise BadCursor("This cursor is not valid: pass back the next_cursor of a page.")
    return int(text)
