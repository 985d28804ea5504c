"""Behind a real reverse proxy: Caddy (Debian's package) with its internal certificate
authority in front of a real `somatrace serve`, configured by docs/Caddyfile, the file the
administrator's guide gives.

Two clients are told apart by the loopback address they connect from (127.0.0.2 and
127.0.0.3 are as much this machine as 127.0.0.1 on Linux); Caddy reports it in
X-Forwarded-For, and Somatrace's peer is always Caddy at 127.0.0.1. Without caddy the
module fails: it never skips.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from somatrace.core.tests.scratch import scratch_postgres

# One xdist worker starts the servers once for the whole module.
pytestmark = pytest.mark.xdist_group("caddy")

REPO = Path(__file__).resolve().parents[3]
CADDYFILE = REPO / "docs" / "Caddyfile"
SOMATRACE = Path(sys.executable).with_name("somatrace")
OWNER = "olive@example.test"
PASSWORD = "a-long-proxy-test-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _caddy() -> str:
    found = shutil.which("caddy")
    if found is None:
        pytest.fail(
            "caddy not found: install Debian's package (`apt-get install caddy`, which "
            "scripts/install-system-packages does).",
            pytrace=False,
        )
    return found


def _wait(what: str, ready: Any, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds  # a loaded machine starts slowly
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not start:\n{log.read_text()}")


def start_caddy(tmp: Path, upstream: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Caddy on free ports with docs/Caddyfile, its state in `tmp`: (process, https base
    URL, its root certificate)."""
    https_port = _free_port()
    env = {
        **os.environ,
        "HOME": str(tmp),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "CADDY_ADMIN_PORT": str(_free_port()),
        "CADDY_HTTP_PORT": str(_free_port()),
        "CADDY_HTTPS_PORT": str(https_port),
        "SOMATRACE_SITE": "localhost",
        "SOMATRACE_TLS": "internal",
        "SOMATRACE_UPSTREAM": upstream,
    }
    log = tmp / "caddy.log"
    with log.open("w") as out:
        caddy = subprocess.Popen(
            [_caddy(), "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    root = tmp / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    base = f"https://localhost:{https_port}"

    def answers() -> bool:
        local().get(f"{base}/", verify=root, timeout=2)
        return True

    _wait("caddy", lambda: root.exists() and answers(), log)
    return caddy, base, root


def local() -> requests.Session:
    """A client that ignores the environment's proxies and CA bundles: only this machine."""
    session = requests.Session()
    session.trust_env = False
    return session


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class FromAddress(HTTPAdapter):
    """Connect from the given local address: one simulated client per loopback address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def browser(address: str, root: Path) -> requests.Session:
    session = local()
    session.mount("https://", FromAddress(address))
    session.verify = str(root)
    # What a client writes here must not matter: Caddy replaces it with the address it sees.
    session.headers["X-Forwarded-For"] = "203.0.113.66"
    return session


def test_the_administrators_guide_shows_the_caddyfile_the_test_runs() -> None:
    guide = (REPO / "docs" / "administrator.md").read_text()
    assert f"```caddyfile\n{CADDYFILE.read_text()}```\n" in guide


# --- Caddy on its own: what it tells the application ---------------------------------------


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(
            {k: self.headers.get(k) for k in ("X-Forwarded-For", "X-Forwarded-Proto", "Host")}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_caddy_replaces_the_forwarded_for_a_client_sends(tmp_path: Path) -> None:
    echo = HTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=echo.serve_forever, daemon=True)
    thread.start()
    caddy, base, root = start_caddy(tmp_path, f"127.0.0.1:{echo.server_address[1]}")
    try:
        seen = browser("127.0.0.2", root).get(f"{base}/", timeout=10).json()
    finally:
        stop(caddy)
        echo.shutdown()
    assert seen == {
        "X-Forwarded-For": "127.0.0.2",  # not "203.0.113.66, 127.0.0.2"
        "X-Forwarded-Proto": "https",
        "Host": urlsplit(base).netloc,
    }


# --- Somatrace behind Caddy ----------------------------------------------------------------


@dataclass
class Stack:
    base: str
    root: Path
    env: dict[str, str]
    serve_log: Path
    upstream_port: int

    def shell(self, code: str) -> Any:
        """Run Python in a `somatrace shell` on the served database; its last line, as JSON."""
        result = subprocess.run(
            [SOMATRACE, "shell", "-c", code],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A database of the served application's own: a SQLite file, or on a PostgreSQL run
    (DATABASE_URL) a fresh database on the same server, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield {}
        return
    with scratch_postgres("caddy") as scratch:
        yield {"DATABASE_URL": scratch}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, database: dict[str, str]) -> Iterator[Stack]:
    _caddy()  # before any work: fail at once without it
    tmp = tmp_path_factory.mktemp("caddy")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOMATRACE_")}
    env.pop("DATABASE_URL", None)
    env.update(database)
    env.update(
        {
            "SOMATRACE_DATA_DIR": str(tmp / "somatrace"),
            "SOMATRACE_BEHIND_PROXY": "1",  # production settings otherwise: no debug, https
            "SOMATRACE_ALLOWED_HOSTS": "localhost",
            "SOMATRACE_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            # The access log as text lines, read below (JSON lines: test_two_servers.py).
            "SOMATRACE_LOG_FORMAT": "text",
        }
    )
    subprocess.run([SOMATRACE, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run(
        [
            *(SOMATRACE, "createpractice", "--no-input", "--password-stdin"),
            *("--name", "Proxy Practice", "--owner-email", OWNER, "--owner-name", "Olive Owner"),
        ],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        timeout=120,
        capture_output=True,
    )
    port = _free_port()
    serve_log = tmp / "serve.log"
    with serve_log.open("w") as out:
        server = subprocess.Popen(
            [SOMATRACE, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(
            "somatrace serve",
            lambda: local().get(f"http://localhost:{port}/healthz", timeout=2).ok,
            serve_log,
        )
        caddy, base, root = start_caddy(tmp, f"127.0.0.1:{port}")
        try:
            yield Stack(base, root, env, serve_log, port)
        finally:
            stop(caddy)
    finally:
        stop(server)


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def post_form(session: requests.Session, base: str, path: str, data: dict[str, str]) -> Any:
    """GET the form, then POST it as a browser would (token, Referer), not following."""
    page = session.get(f"{base}{path}", timeout=10)
    assert page.status_code == 200, page.status_code
    return session.post(
        f"{base}{path}",
        data={"csrfmiddlewaretoken": csrf_token(page.text), **data},
        headers={"Referer": f"{base}{path}"},
        allow_redirects=False,
        timeout=10,
    )


def sign_in(session: requests.Session, base: str, password: str) -> int:
    return post_form(
        session, base, "/login/", {"username": OWNER, "password": password}
    ).status_code


def test_five_wrong_passwords_lock_out_one_address_only_and_audit_the_real_one(
    stack: Stack,
) -> None:
    attacker = browser("127.0.0.2", stack.root)
    statuses = [sign_in(attacker, stack.base, "wrong-password") for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(attacker, stack.base, PASSWORD) == 429  # even with the right password

    owner = browser("127.0.0.3", stack.root)
    signed_in = post_form(owner, stack.base, "/login/", {"username": OWNER, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    assert owner.get(f"{stack.base}/clients/", timeout=10).status_code == 200

    seen = stack.shell(
        "import json\n"
        "from axes.models import AccessAttempt\n"
        "from somatrace.audit.models import AuditEvent\n"
        "row = AuditEvent.objects.filter(path='/clients/').latest('id')\n"
        "print(json.dumps({'audit': [row.ip, row.actor.email],\n"
        "  'lockouts': sorted({(a.ip_address, a.failures_since_start)\n"
        "                      for a in AccessAttempt.objects.all()})}))"
    )
    # Six attempts from 127.0.0.2 (a try while locked counts too), none from the proxy.
    assert seen == {"audit": ["127.0.0.3", OWNER], "lockouts": [["127.0.0.2", 6]]}

    # gunicorn's access log names the clients too, never the proxy, for these requests.
    lines = [line for line in stack.serve_log.read_text().splitlines() if '"POST /login/"' in line]
    assert sorted({line.split()[0] for line in lines}) == ["127.0.0.2", "127.0.0.3"]
    assert len(lines) == 7


def test_password_reset_is_throttled_across_processes(stack: Stack) -> None:
    """Counts live in the database cache: two made by another process (a shell) leave
    one request of the three an hour for this email address."""
    email = "reset-me@example.test"
    stack.shell(
        "from somatrace.accounts.views import RESET_WINDOW, RESETS_PER_ACCOUNT\n"
        "from somatrace.core import throttle\n"
        "for _ in range(2):\n"
        f"    throttle.check(throttle.Limit('reset-account', {email!r}, RESETS_PER_ACCOUNT,"
        " RESET_WINDOW))\n"
        "print(0)"
    )
    someone = browser("127.0.0.4", stack.root)
    first = post_form(someone, stack.base, "/password/reset/", {"email": email})
    assert first.status_code == 302
    second = post_form(someone, stack.base, "/password/reset/", {"email": email})
    assert second.status_code == 429
    assert "asked for several times in the last hour" in second.text


def test_the_server_keeps_an_idle_connection_longer_than_gunicorns_two_seconds(
    stack: Stack,
) -> None:
    """Caddy reuses an idle upstream connection for up to two minutes and a console posts
    every few seconds: a connection the server had closed after gunicorn's default two
    seconds would take the next request with it (a 502 behind Caddy)."""
    conn = http.client.HTTPConnection("127.0.0.1", stack.upstream_port, timeout=10)
    try:
        conn.request("GET", "/healthz", headers={"Host": "localhost"})
        first = conn.getresponse()
        first.read()
        assert first.status == 200
        socket_used = conn.sock
        time.sleep(3)  # idle past the old two seconds
        conn.request("GET", "/healthz", headers={"Host": "localhost"})
        second = conn.getresponse()
        second.read()
        assert second.status == 200
        assert conn.sock is socket_used  # the same connection, not a new one
    finally:
        conn.close()
