"""Two real `somatrace serve` processes (gunicorn, two workers each) on one database, as two
app servers behind a load balancer would be: a lockout, a session, metrics and logs do not
belong to one process; /readyz follows the database away and back.

On a PostgreSQL run (DATABASE_URL) the servers use a fresh database on that server, and the
second one reaches it through a TCP proxy this test stops and starts; on SQLite, a file that
the test moves away and back.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from somatrace.core.tests.test_behind_caddy import (
    OWNER,
    PASSWORD,
    SOMATRACE,
    FromAddress,
    _free_port,
    _wait,
    csrf_token,
    database,  # noqa: F401 - the fixture: a database of the servers' own
    local,
    stop,
)

pytestmark = pytest.mark.xdist_group("two_servers")

TOKEN = "metrics-token-for-the-two-servers"
NAMES = ["Philippa Wintergreen", "Octavius Bramblecote"]


class Proxy:
    """A TCP proxy on a port of its own to upstream: stop() drops every connection and
    refuses new ones, as a database server that went away; start() brings it back."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = _free_port()
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self.listener is not None:
            # shutdown() first: on Linux it wakes the thread blocked in accept(), which a
            # close() alone would leave listening.
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        for s in self.open:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.open = []


@dataclass
class Servers:
    a: str
    b: str
    env: dict[str, str]
    logs: list[Path]
    data_dir: Path
    proxy: Proxy | None
    clients: dict[str, int] = field(default_factory=dict)

    def run(self, *args: str) -> str:
        result = subprocess.run(
            [SOMATRACE, *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as out:
        return subprocess.Popen(
            [SOMATRACE, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory,
    database: dict[str, str],  # noqa: F811
) -> Iterator[Servers]:
    tmp = tmp_path_factory.mktemp("two-servers")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOMATRACE_")}
    env.pop("DATABASE_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(database)
    env.update(
        {
            "SOMATRACE_DATA_DIR": str(tmp / "data"),
            "SOMATRACE_HTTPS": "0",
            "SOMATRACE_LOG_FORMAT": "json",
            "SOMATRACE_METRICS_TOKEN": TOKEN,
            "SOMATRACE_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SOMATRACE_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        }
    )
    subprocess.run([SOMATRACE, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run(
        [
            *(SOMATRACE, "createpractice", "--no-input", "--password-stdin"),
            *("--name", "Two Server Practice", "--owner-email", OWNER, "--owner-name", "Olive"),
        ],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        timeout=120,
        capture_output=True,
    )
    made = subprocess.run(
        [
            SOMATRACE,
            "shell",
            "-c",
            "import json\n"
            "from somatrace.accounts.models import Practice, User\n"
            "from somatrace.testing import make_client\n"
            "practice = Practice.objects.get(); owner = User.objects.get()\n"
            f"names = {NAMES!r}\n"
            "print(json.dumps({n: make_client(practice, owner, name=n).pk for n in names}))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    clients = json.loads(made.stdout.strip().splitlines()[-1])

    proxy = None
    env_b = dict(env)
    if "DATABASE_URL" in database:
        parts = urlsplit(database["DATABASE_URL"])
        proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
        proxy.start()
        netloc = parts.netloc.rsplit(":", 1)[0] if parts.port else parts.netloc
        env_b["DATABASE_URL"] = urlunsplit(parts._replace(netloc=f"{netloc}:{proxy.port}"))
    ports = [_free_port(), _free_port()]
    logs = [tmp / "a.log", tmp / "b.log"]
    a = _serve(env, ports[0], logs[0])
    b = _serve(env_b, ports[1], logs[1])
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, log in zip(bases, logs, strict=True):
            _wait("somatrace serve", lambda base=base: local().get(f"{base}/healthz").ok, log)
        yield Servers(bases[0], bases[1], env, logs, tmp / "data", proxy, clients)
    finally:
        stop(a)
        stop(b)
        if proxy is not None:
            proxy.stop()


def browser(address: str = "127.0.0.1") -> requests.Session:
    session = local()
    session.mount("http://", FromAddress(address))
    return session


def sign_in(session: requests.Session, base: str, password: str) -> int:
    page = session.get(f"{base}/login/", timeout=10)
    return session.post(
        f"{base}/login/",
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": OWNER,
            "password": password,
        },
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
        timeout=10,
    ).status_code


def readyz(base: str) -> tuple[int, list[str]]:
    response = local().get(f"{base}/readyz", timeout=30)
    return response.status_code, response.json()["failed"]


def test_readyz_waits_for_a_worker_and_follows_the_database_away_and_back(
    servers: Servers,
) -> None:
    assert readyz(servers.b) == (503, ["worker"])
    servers.run("worker", "--batch", "-v", "0")  # a worker's round: it says it is alive
    assert readyz(servers.b) == (200, [])

    moved = servers.data_dir.with_name("data-away")
    if servers.proxy is not None:
        servers.proxy.stop()
    else:
        servers.data_dir.rename(moved)
    try:
        assert readyz(servers.b) == (503, ["database", "migrations", "worker"])
        assert local().get(f"{servers.b}/healthz", timeout=30).status_code == 500
    finally:
        if servers.proxy is not None:
            servers.proxy.start()
        else:
            moved.rename(servers.data_dir)
    deadline = time.monotonic() + 30
    while readyz(servers.b) != (200, []) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert readyz(servers.b) == (200, [])


def test_a_lockout_earned_on_one_server_holds_on_the_other(servers: Servers) -> None:
    attacker = browser("127.0.0.2")
    statuses = [
        sign_in(attacker, base, "wrong-password")
        for base in (servers.a, servers.b, servers.a, servers.b, servers.a)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(attacker, servers.b, PASSWORD) == 429  # even with the right password


def test_a_session_started_on_one_server_is_valid_on_the_other(servers: Servers) -> None:
    owner = browser("127.0.0.3")
    assert sign_in(owner, servers.a, PASSWORD) == 302
    client_id = servers.clients[NAMES[0]]
    page = owner.get(f"{servers.b}/clients/{client_id}/", timeout=10, allow_redirects=False)
    assert page.status_code == 200 and NAMES[0] in page.text
    assert (
        owner.post(
            f"{servers.b}/logout/",
            data={"csrfmiddlewaretoken": owner.cookies["csrftoken"]},
            headers={"Referer": f"{servers.b}/"},
            timeout=10,
            allow_redirects=False,
        ).status_code
        == 302
    )
    gone = owner.get(f"{servers.a}/clients/{client_id}/", timeout=10, allow_redirects=False)
    assert gone.status_code == 302  # signed out everywhere


def test_metrics_add_up_a_servers_workers_and_hold_no_client_data(servers: Servers) -> None:
    owner = browser("127.0.0.4")
    assert sign_in(owner, servers.a, PASSWORD) == 302
    for _ in range(3):
        for client_id in servers.clients.values():
            assert owner.get(f"{servers.a}/clients/{client_id}/", timeout=10).status_code == 200
    assert local().get(f"{servers.a}/metrics", timeout=10).status_code == 401
    text = (
        local()
        .get(f"{servers.a}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        .text
    )
    samples = [s for f in text_string_to_metric_families(text) for s in f.samples]
    served = sum(
        s.value
        for s in samples
        if s.name == "somatrace_http_requests_total"
        and s.labels == {"view": "client_detail", "method": "GET", "status": "200"}
    )
    assert served == 6  # both gunicorn workers' requests, whichever served them
    values = {
        v
        for s in samples
        if s.name.startswith("somatrace_")
        for k, v in s.labels.items()
        if k != "le"
    }
    for name, client_id in servers.clients.items():
        assert not any(part in v for v in values for part in name.split())
        assert str(client_id) not in values
    assert not any("/" in v for v in values)


def test_logs_are_json_lines_with_the_request_id_and_no_client_data(servers: Servers) -> None:
    owner = browser("127.0.0.5")
    assert sign_in(owner, servers.b, PASSWORD) == 302
    client_id = servers.clients[NAMES[1]]
    page = owner.get(
        f"{servers.b}/clients/{client_id}/",
        headers={"X-Request-ID": "trace-0123456789"},
        timeout=10,
    )
    assert page.status_code == 200 and page.headers["X-Request-ID"] == "trace-0123456789"
    forged = local().get(
        f"{servers.b}/healthz",
        headers={"Host": "attacker.example", "X-Request-ID": "trace-forged-host"},
        timeout=10,
    )
    assert forged.status_code == 400
    time.sleep(1)  # gunicorn writes its access line after the response
    lines = [line for log in servers.logs for line in log.read_text().splitlines() if line]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "message"} <= set(r) for r in records)
    mine = [r for r in records if r.get("request_id") == "trace-0123456789"]
    assert [(r["logger"], r["path"], r["status"]) for r in mine] == [
        ("gunicorn.access", f"/clients/{client_id}/", "200")
    ]
    forged_lines = {r["logger"] for r in records if r.get("request_id") == "trace-forged-host"}
    assert forged_lines == {"django.security.DisallowedHost", "gunicorn.access"}
    everything = "\n".join(lines)
    for name in NAMES:
        for part in name.split():
            assert part not in everything
    assert PASSWORD not in everything and "csrfmiddlewaretoken" not in everything
