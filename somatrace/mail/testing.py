"""Email in tests: a real SMTP server in the test process, and delivery without a worker.

    def test_it_sends(smtp_server, ...):          # the fixture, from the root conftest.py
        queue_email(actor, to="a@example.org", ...)
        assert deliver_queued_mail() == 1
        assert smtp_server.messages[0]["To"] == "a@example.org"

The server is aiosmtpd's, on a free port of 127.0.0.1; the fixture points Django's SMTP
backend at it, so a test sends exactly what production sends, through smtplib.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from somatrace.mail import services, tasks


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """What the in-process SMTP server received, parsed, in order of arrival."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TO) of each
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        message = email.message_from_bytes(
            raw if isinstance(raw, bytes) else raw.encode(), policy=email.policy.default
        )
        with self._arrived:
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from or "", list(envelope.rcpt_tos)))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 5) -> list[EmailMessage]:
        """Wait until `count` messages have arrived (AssertionError after `timeout` s)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"Expected {count} emails, {len(self.messages)} arrived in {timeout} s."
                    )
                self._arrived.wait(left)
            return list(self.messages)


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    """Run an SMTP server on 127.0.0.1 for the duration of the block."""
    server = SmtpServer()
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def point_django_at(settings: Any, server: SmtpServer) -> None:
    """Send Django's email to `server` in plain SMTP (pytest-django's settings fixture)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


def deliver_queued_mail() -> int:
    """Send every due queued email now, through the worker's own task function; how many
    were sent. Works beside a live server too: it reads the shared test database."""
    return sum(1 for pk in services.due() if tasks.deliver_email.call(pk))
