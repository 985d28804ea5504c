"""Secret link tokens never reach a log or the audit trail; a forged log line cannot be made."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from somatrace.core.actor import token_reference
from somatrace.core.redact import RedactPathsFilter, safe_path

# One xdist worker starts `somatrace serve` once for the whole module.
pytestmark = pytest.mark.xdist_group("served")

TOKEN = "Zq3-secret-token-Abc_123"


def test_a_questionnaire_token_becomes_its_reference() -> None:
    reference = token_reference(TOKEN)
    assert len(reference) == 8 and TOKEN not in reference
    assert safe_path(f"/q/{TOKEN}/") == f"/q/~{reference}/"


def test_a_password_reset_link_loses_both_of_its_secrets() -> None:
    path = safe_path(f"/password/reset/MQ/{TOKEN}/")
    assert TOKEN not in path and "/MQ/" not in path
    assert path.startswith("/password/reset/~")


def test_other_paths_are_kept_as_they_are() -> None:
    assert safe_path("/clients/12/") == "/clients/12/"
    assert safe_path("/no/such/page/") == "/no/such/page/"


def test_control_characters_cannot_start_a_forged_line() -> None:
    path = safe_path('/clients/1/\n127.0.0.1 "GET /admin" 200')
    assert "\n" not in path and "%0A" in path and "%20" in path


def test_djangos_request_log_is_redacted_by_the_configured_handler() -> None:
    handler = logging.getLogger("django.request").handlers[0]
    assert any(isinstance(f, RedactPathsFilter) for f in handler.filters)
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        (f"/q/{TOKEN}/",),
        None,
    )
    assert handler.filter(record)
    line = handler.format(record)
    assert TOKEN not in line and f"/q/~{token_reference(TOKEN)}/" in line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `somatrace serve` on a fresh SQLite database: its address and its log file."""
    data = tmp_path_factory.mktemp("served")
    somatrace = Path(sys.executable).with_name("somatrace")
    env = {**os.environ, "SOMATRACE_DATA_DIR": str(data), "SOMATRACE_DEBUG": "1"}
    env.pop("DATABASE_URL", None)  # a fresh SQLite database of its own
    subprocess.run([somatrace, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    log = data / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [somatrace, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60  # a loaded machine starts gunicorn slowly
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - our server
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("somatrace serve did not answer:\n" + log.read_text())
        yield base, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def _log_after(log: Path, request: Callable[[], object], marker: str) -> str:
    """Make a request, then wait for its line in the log (gunicorn writes it after replying)."""
    request()
    deadline = time.monotonic() + 10
    while marker not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    return log.read_text()


def test_gunicorns_access_log_never_shows_a_token(served: tuple[str, Path]) -> None:
    """A real `somatrace serve`: the access log names the link by its reference only."""
    base, log = served

    def dead_link() -> None:
        with pytest.raises(urllib.error.HTTPError) as dead:
            urllib.request.urlopen(f"{base}/q/{TOKEN}/", timeout=5)  # noqa: S310
        assert dead.value.code == 404  # an unknown link: the friendly dead-link page

    output = _log_after(log, dead_link, f"/q/~{token_reference(TOKEN)}/")
    assert f"/q/~{token_reference(TOKEN)}/" in output
    assert TOKEN not in output


def _raw(base: str, request_line: str) -> bytes:
    """Send one request exactly as written: no client library would send these paths."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            f"{request_line}\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    return reply


def _forged(marker: str) -> str:
    """What an attacker would like a log to show on a line of its own."""
    return f'127.0.0.1 "GET -" 200 {marker}'


@pytest.mark.parametrize(
    ("encoded", "marker"),
    [
        ("%0A", "FORGED-LF"),
        ("%0D", "FORGED-CR"),
        ("%0D%0A", "FORGED-CRLF"),
        ("%1B[2K%0D", "FORGED-ESC"),
        ("%85", "FORGED-NEL"),
        ("%E2%80%A8", "FORGED-LS"),
    ],
)
def test_an_encoded_line_break_cannot_forge_an_access_log_line(
    served: tuple[str, Path], encoded: str, marker: str
) -> None:
    base, log = served
    path = f"/nowhere/{encoded}{quote(_forged(marker))}"
    output = _log_after(log, lambda: _raw(base, f"GET {path} HTTP/1.1"), marker)
    # One line holds the marker: the access log's, for the whole path, escaped.
    [line] = [line for line in output.splitlines() if marker in line]
    assert line.startswith('127.0.0.1 "GET /nowhere/%') and line.endswith("ms")
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in line)


def test_an_encoded_line_break_cannot_forge_a_django_log_line(served: tuple[str, Path]) -> None:
    """django.security.csrf logs the path of a refused POST: it stays on its one line."""
    base, log = served
    path = f"/q/abc%0A{quote(_forged('FORGED-DJANGO'))}/"
    output = _log_after(log, lambda: _raw(base, f"POST {path} HTTP/1.1"), "Forbidden (CSRF")
    refusal = next(line for line in output.splitlines() if "Forbidden (CSRF" in line)
    assert "FORGED-DJANGO" in refusal
    assert not any(line.startswith('127.0.0.1 "GET -"') for line in output.splitlines())


def test_every_logged_message_keeps_to_one_line() -> None:
    """Whatever a logger is handed (here, text someone typed), the handler escapes control
    characters in the message; a traceback, added by the formatter, keeps its lines."""
    handler = logging.getLogger().handlers[0]
    typed = "x\r\n2026-01-01 00:00:00,000 WARNING axes FORGED\u2028more\x1b[2K"
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "somatrace", logging.WARNING, __file__, 1, "Refused %s", (typed,), sys.exc_info()
        )
    assert handler.filter(record)
    escaped = "Refused x%0D%0A2026-01-01 00:00:00,000 WARNING axes FORGED%E2%80%A8more%1B[2K"
    if settings.SOMATRACE_LOG_FORMAT == "json":
        # One JSON object, on one line, the traceback inside it.
        (line,) = handler.format(record).splitlines()
        logged = json.loads(line)
        assert logged["message"] == escaped
        assert logged["exc_info"].startswith("Traceback (most recent call last):")
        assert logged["exc_info"].endswith("ValueError: boom")
        return
    first, *traceback = handler.format(record).splitlines()
    assert first.endswith(escaped)
    assert traceback[0] == "Traceback (most recent call last):"
    assert traceback[-1] == "ValueError: boom"
