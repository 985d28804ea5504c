"""Keep secrets and forged lines out of logs and the audit trail.

A secure questionnaire link or a password-reset link carries its secret in the URL path.
Wherever a path is written down (the access log, Django's request log, an audit row), the
secret is replaced by a short non-reversible reference (core.actor.token_reference), and
characters that could start a forged log line are escaped.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from django.urls import Resolver404, resolve

from somatrace.core.actor import token_reference

# URL parameters that are secrets (the questionnaire link token, Django's password reset).
SECRET_URL_KWARGS = frozenset({"token", "uidb64"})

_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PATH_WORD = re.compile(r"/[^\s\"']*")


def escape(text: str) -> str:
    """Percent-encode control characters and spaces so that a path stays on its line."""
    return _UNPRINTABLE.sub(lambda m: quote(m.group(0)), text)


def escape_controls(text: str) -> str:
    """Percent-encode control characters (newlines, escapes) so that a message stays on
    its line; spaces are kept."""
    return _CONTROL.sub(lambda m: quote(m.group(0)), text)


def safe_path(path: str) -> str:
    """The path with every secret URL parameter replaced by `~` and its reference."""
    path = escape(path)
    try:
        match = resolve(path.split("?", 1)[0])
    except (Resolver404, ValueError):
        return path
    for name, value in match.kwargs.items():
        if name in SECRET_URL_KWARGS and isinstance(value, str) and value:
            path = path.replace(f"/{value}/", f"/~{token_reference(value)}/", 1)
    return path


class RedactPathsFilter(logging.Filter):
    """For every log handler: escapes control characters in the message (a traceback, added
    by the formatter, keeps its lines) and rewrites every path in it with safe_path."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Control characters first: a newline ends a path word, and must not end the line.
        message = escape_controls(record.getMessage())
        record.msg = _PATH_WORD.sub(lambda m: safe_path(m.group(0)), message)
        record.args = ()
        return True
