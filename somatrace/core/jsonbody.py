"""The one way a door reads a JSON request body: bad, too deep or too large JSON becomes a
BadJSON with a message for the person (a 400, or a 413), never a RecursionError and a 500.

    try:
        data = read_json(request)
    except BadJSON as bad:
        return bad.response()

Nesting is measured on the raw bytes before parsing (brackets outside strings), so a body of
100 000 "[" costs one pass over its bytes and no recursion at all.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse

MAX_DEPTH = 20  # nested arrays and objects; a painting needs 5, an event 1
NOT_JSON = "The request body is not valid JSON."
TOO_DEEP = f"The request body is nested too deeply: JSON may be nested at most {MAX_DEPTH} levels."
TOO_LARGE = "The request body is too large."

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPEN, _CLOSE = b"[{", b"]}"
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(_OPEN + _CLOSE)))


class BadJSON(ValueError):
    """The body cannot be read as JSON; str(error) says why, and `status` is the answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status

    def response(self) -> JsonResponse:
        return JsonResponse({"error": str(self)}, status=self.status)


def nesting_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (0 for a bare value), counting only
    brackets outside strings. Linear in the length, no recursion."""
    brackets = _STRING.sub(b"", raw).translate(None, delete=_NOT_BRACKETS)
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps, dtype=np.int64).max())


def parse_json(raw: bytes | str, *, empty: Any = None, max_depth: int = MAX_DEPTH) -> Any:
    """The value of a JSON text, `empty` for an empty one; BadJSON when it is not JSON or
    nests deeper than `max_depth`."""
    if not raw:
        return empty
    data = raw.encode() if isinstance(raw, str) else raw
    if nesting_depth(data) > max_depth:
        raise BadJSON(TOO_DEEP)
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadJSON(NOT_JSON) from None


def read_json(request: HttpRequest, *, empty: Any = None, max_bytes: int | None = None) -> Any:
    """The request's JSON body (see parse_json). A body longer than `max_bytes` (by its
    Content-Length, before anything is read) or than Django's DATA_UPLOAD_MAX_MEMORY_SIZE is
    refused with status 413."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadJSON(NOT_JSON) from None
    if max_bytes is not None and length > max_bytes:
        raise BadJSON(TOO_LARGE, 413)
    try:
        body = request.body
    except RequestDataTooBig:
        raise BadJSON(TOO_LARGE, 413) from None
    return parse_json(body, empty=empty)
