"""How fast the session console logs events under load, against a real running server.

    .venv/bin/python bench/console.py [--sessions 20] [--seconds 15] [--postgres]

Seeds a practice with one practitioner and one started session per concurrent tablet in a
throw-away database, starts `somatrace serve` (gunicorn, threads) on a free port, logs each
tablet in through the real login form, then for the same number of seconds and at the same
concurrency: (1) GET /healthz, the reference; (2) POST one event after another to each
session's events endpoint (cues and SUDS check-ins, each with a fresh uuid, so the pacing
guard runs on a growing timeline). Prints p50/p99 latency in ms, requests per second and the
ratio to /healthz. Target: p99 < 50 ms at 20 concurrent sessions.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-not-secret"  # noqa: S105


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Tablet:
    """One logged-in browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(
        self, method: str, path: str, body: bytes | None = None, **headers: str
    ) -> tuple[int, bytes]:
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, email: str) -> None:
        status, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, status
        form = f"username={email}&password={PASSWORD}&csrfmiddlewaretoken={token.group(1).decode()}"
        status, _ = self.request(
            "POST",
            "/login/",
            form.encode(),
            **{
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/login/",
            },
        )
        assert status == 302 and "sessionid" in self.cookies, f"login failed: {status}"

    def post_event(self, session_id: int, rng: random.Random) -> int:
        if rng.random() < 0.3:
            event = {"kind": "suds", "suds": rng.randint(3, 6)}
        else:
            event = {"kind": "cue", "code": rng.choice(["heat", "deep-sigh", "tears", "pulsation"])}
        event |= {"uuid": str(uuid.uuid4()), "at": datetime.now(UTC).isoformat()}
        status, _ = self.request(
            "POST",
            f"/sessions/{session_id}/events/",
            json.dumps(event).encode(),
            **{"Content-Type": "application/json", "Accept": "application/json",
               "X-CSRFToken": self.cookies["csrftoken"]},
        )  # fmt: skip
        return status


def seed(n: int) -> list[tuple[str, int]]:
    """A practice, n practitioners each with a consented client and a started session."""
    from django.core.management import call_command
    from django.utils import timezone

    from somatrace.accounts.models import Role
    from somatrace.testing import make_client, make_member, make_practice, make_session

    call_command("migrate", verbosity=0)
    practice = make_practice("Bench practice")
    make_member(practice, Role.OWNER)
    pairs = []
    for i in range(n):
        practitioner = make_member(practice, name=f"Bench Practitioner {i}")
        practitioner.set_password(PASSWORD)
        practitioner.save()
        client = make_client(practice, practitioner, consented=True)
        session = make_session(client, days_ago=0, started_at=timezone.now(), pre_suds=4)
        pairs.append((practitioner.email, session.pk))
    return pairs


def hammer(
    tablets: list[Tablet], seconds: float, work, interval: float = 0.0
) -> tuple[list[float], list[int]]:
    """Run work(tablet, index, rng) in one thread per tablet for `seconds`; latencies in ms.

    interval: seconds from one request's start to the next on each tablet (0: back to back).
    Tablets start at random phases within the first interval, as real tablets would.
    """
    latencies: list[list[float]] = [[] for _ in tablets]
    statuses: list[list[int]] = [[] for _ in tablets]
    start = threading.Barrier(len(tablets) + 1)
    stop_at = [0.0]

    def run(i: int) -> None:
        rng = random.Random(i)
        start.wait()
        next_at = time.perf_counter() + rng.uniform(0, interval)
        while time.perf_counter() < stop_at[0]:
            if interval:
                time.sleep(max(0.0, next_at - time.perf_counter()))
                next_at += interval
            t0 = time.perf_counter()
            statuses[i].append(work(tablets[i], i, rng))
            latencies[i].append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tablets))]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return [x for xs in latencies for x in xs], [s for ss in statuses for s in ss]


def summary(name: str, latencies: list[float], seconds: float, reference: float | None) -> float:
    p50 = statistics.median(latencies)
    cuts = statistics.quantiles(latencies, n=100)
    p95, p99 = cuts[94], cuts[98]
    ratio = f"{p99 / reference:8.1f}" if reference else f"{'1.0':>8}"
    rate = len(latencies) / seconds
    print(f"{name:24} {len(latencies):8d} {rate:8.0f} {p50:8.1f} {p95:8.1f} {p99:8.1f} {ratio}")
    return p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent tablets")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds between one tablet's events (0 = back to back, a stress test); a real "
        "practitioner taps every 10-60 s, so 1 s is already a busy room",
    )
    parser.add_argument(
        "--workers", type=int, default=4, help="gunicorn processes (serve's default)"
    )
    parser.add_argument("--threads", type=int, default=2, help="threads each (serve's default)")
    parser.add_argument("--postgres", action="store_true", help="use a fresh PostgreSQL database")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="somatrace-bench-console-")
    env = {
        **os.environ,
        "SOMATRACE_DATA_DIR": data_dir,
        "SOMATRACE_HTTPS": "0",
        "SOMATRACE_DEBUG": "0",
        "SOMATRACE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SOMATRACE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "somatrace.settings",
    }
    if args.postgres:
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/somatrace_bench_console"
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as pg:
            pg.execute("DROP DATABASE IF EXISTS somatrace_bench_console")
            pg.execute("CREATE DATABASE somatrace_bench_console")
    else:
        env.pop("DATABASE_URL", None)
    os.environ.clear()
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connection

    pairs = seed(args.sessions)
    vendor = connection.vendor
    connection.close()

    port = free_port()
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 - open for the server's life
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "somatrace"), "serve", "--port", str(port),
         "--workers", str(args.workers), "--threads", str(args.threads)],
        env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        tablets = [Tablet(port) for _ in pairs]
        for tablet, (email, _) in zip(tablets, pairs, strict=True):
            tablet.login(email)
        sessions = [session_id for _, session_id in pairs]

        def healthz(tablet: Tablet, i: int, rng: random.Random) -> int:
            return tablet.request("GET", "/healthz")[0]

        def event(tablet: Tablet, i: int, rng: random.Random) -> int:
            return tablet.post_event(sessions[i], rng)

        hammer(tablets, 1, healthz)  # warm up every worker and connection
        hammer(tablets, 1, event)
        print(
            f"{vendor}: {args.sessions} concurrent sessions, {args.seconds:.0f} s per phase, "
            f"one request per tablet every {args.interval:g} s, "
            f"gunicorn {args.workers} workers x {args.threads} threads, {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        head = ("count", "per s", "p50 ms", "p95 ms", "p99 ms", "p99 ×hz")
        print(f"{'request':24} " + " ".join(f"{h:>8}" for h in head))
        latencies, statuses = hammer(tablets, args.seconds, healthz, args.interval)
        assert set(statuses) == {200}, set(statuses)
        reference = summary("GET /healthz", latencies, args.seconds, None)
        latencies, statuses = hammer(tablets, args.seconds, event, args.interval)
        assert set(statuses) == {201}, f"{sorted(set(statuses))}: see {log.name}"
        p99 = summary("POST event", latencies, args.seconds, reference)
        print(f"target p99 < 50 ms: {'met' if p99 < 50 else 'NOT met'}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
