"""The API's one error shape: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "error")


def body(status: int, message: str, code: str = "") -> dict[str, dict[str, str]]:
    return {"error": {"code": code or CODES.get(status, "error"), "message": message}}
