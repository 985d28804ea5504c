"""Secret link tokens never reach a log or the audit trail; a forged log line cannot be made."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from somatrace.core.actor import token_reference
from somatrace.core.redact import RedactPathsFilter, safe_path

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


def test_gunicorns_access_log_never_shows_a_token(tmp_path: Path) -> None:
    """A real `somatrace serve`: the access log names the link by its reference only."""
    somatrace = Path(sys.executable).with_name("somatrace")
    env = {**os.environ, "SOMATRACE_DATA_DIR": str(tmp_path), "SOMATRACE_DEBUG": "1"}
    env.pop("DATABASE_URL", None)  # a fresh SQLite database of its own
    subprocess.run([somatrace, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [somatrace, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
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
            pytest.fail("somatrace serve did not answer")
        with pytest.raises(urllib.error.HTTPError) as dead:
            urllib.request.urlopen(f"{base}/q/{TOKEN}/", timeout=5)  # noqa: S310
        assert dead.value.code == 404  # an unknown link: the friendly dead-link page
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"/q/~{token_reference(TOKEN)}/" in output
    assert TOKEN not in output
