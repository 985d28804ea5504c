"""How a clinic's mix of work holds up on real gunicorn servers, with two app servers and two
workers and then one of each, relative to /healthz measured in the same run.

    .venv/bin/python bench/load.py [--users 100] [--duration 60] [--quick] [--servers 2 1]

On PostgreSQL (the database a clinic network runs on), with the scale practice of a
50-practitioner clinic (`somatrace seed --scale 10000`: 10,000 clients, 500,000 sessions),
seeded once into the database somatrace_scale and reused (--fresh seeds it again). For each
configuration it starts N app servers (`somatrace serve`, each on its own port, like N
machines behind a load balancer that spreads the users) and N workers (`somatrace worker`),
then runs Locust (as a library, headless) with this mix of simulated users:

- practitioners opening their dashboard, client list, client pages, session pages, their
  week's calendar and the booking form, a few seconds apart (signed in as the clinic's 50
  practitioners);
- live consoles, each running its own session, posting a cue or a SUDS check-in every few
  seconds (the pacing guard watching);
- clients answering a questionnaire through its secure link (GET the form, POST answers);
- live heart-rate straps sending beats every few seconds to sessions whose recording already
  holds an hour of beats, and stopping them now and then: each stop queues an analysis of the
  whole hour for the workers;
- clients in the portal, opening their home, journal, home practice and progress pages
  (invited by their practitioner and signed in, as a person would be).

First /healthz alone, at the same number of users, one request a second each: the reference.
Then the mix. Prints, for each kind of request, the throughput, p50/p95/p99, errors and the
p95 as a multiple of /healthz's, then the two-against-one ratios; checks that every event a
console had acknowledged is in the database and that every queued analysis ran.

Simulated users are signed in by sessions made in the database beforehand (as a login would
make them): hundreds of Argon2 logins at once would measure password hashing, not the pages.
Locust runs on the same machine as the servers and the database, so it takes CPU from them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "somatrace_scale"
CLIENTS, SESSIONS_PER_CLIENT = 10_000, 50  # 50 practitioners: one per 200 clients
PAGE_TARGET_P95_MS = 300
EVENT_TARGET_P99_MS = 50
# The share of simulated users of each kind (the rest browse as practitioners).
SHARES = {"console": 0.5, "questionnaire": 0.05, "strap": 0.04, "portal": 0.1}
STRAP_BEATS = 4_500  # about an hour at 800 ms a beat: what one stop has analysed
LOSS_CHECK = "events"


# --- The orchestra: database, servers, the swarm, the checks (no gevent here) -------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "SOMATRACE_DATA_DIR": str(data_dir),
        "SOMATRACE_HTTPS": "0",
        "SOMATRACE_DEBUG": "0",
        "SOMATRACE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SOMATRACE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "somatrace.settings",
    }


def ensure_database(fresh: bool) -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as pg:
        exists = pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if fresh and exists:
            pg.execute(f"DROP DATABASE {DATABASE}")
        if fresh or not exists:
            pg.execute(f"CREATE DATABASE {DATABASE}")


def setup_django(data_dir: Path) -> None:
    os.environ.clear()
    os.environ.update(environment(data_dir))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def the_practice(log: Any) -> Any:
    from somatrace.demo.seed import scale_practice, seed_scale

    practice = scale_practice(CLIENTS, SESSIONS_PER_CLIENT)
    if practice is None:
        log(f"Seeding the scale practice into {DATABASE} (once; a few minutes) ...")
        practice = seed_scale(CLIENTS, SESSIONS_PER_CLIENT, log=log)
    return practice


def sign_in(user: Any) -> dict[str, str]:
    """The cookies of a signed-in browser: a session as django.contrib.auth.login makes it
    (with the idle clock started), and a CSRF secret."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from somatrace.core.idle import LAST_ACTIVE

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LAST_ACTIVE] = time.time()
    store.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    store.create()
    assert store.session_key is not None
    return {"sessionid": store.session_key, "csrftoken": secrets.token_hex(16)}


def prepare(practice: Any, users: int, duration: float, log: Any) -> dict[str, Any]:
    """Everything the simulated users need, made through the services where a person would
    act: signed-in practitioners, started sessions for the consoles, straps with an hour of
    beats, questionnaire links."""
    import numpy as np

    from somatrace.accounts.models import Membership, Role
    from somatrace.clients.models import Client, ConsentForm, ConsentRecord
    from somatrace.core.actor import Actor
    from somatrace.measures import services as measures
    from somatrace.measures.models import PracticeMeasures
    from somatrace.physio import services as physio
    from somatrace.testing import make_consent_form
    from somatrace.therapy import services as therapy
    from somatrace.therapy.models import Session

    started = time.perf_counter()
    counts = user_counts(users)
    memberships = list(
        Membership.objects.filter(practice=practice, role=Role.PRACTITIONER)
        .select_related("user", "practice")
        .order_by("pk")
    )
    cookies = {m.user_id: sign_in(m.user) for m in memberships}
    actors = {m.user_id: Actor.staff(m) for m in memberships}
    browse = []
    for m in memberships:
        clients = list(
            Client.objects.filter(practice=practice, assigned_practitioner=m.user)
            .order_by("pk")
            .values_list("pk", flat=True)[:20]
        )
        sessions = [
            Session.objects.filter(client_id=c)
            .order_by("-starts_at")
            .values_list("pk", flat=True)[0]
            for c in clients[:5]
        ]
        browse.append({"cookies": cookies[m.user_id], "clients": clients, "sessions": sessions})

    form = ConsentForm.current_for(practice.pk) or make_consent_form(practice)
    rng = random.Random()
    fresh_clients = iter(
        Client.objects.filter(practice=practice).order_by("?").select_related("practice")[:1000]
    )

    def startable_session(pre_suds: int) -> tuple[int, int]:
        client = next(fresh_clients)
        practitioner = client.assigned_practitioner_id
        if not ConsentRecord.objects.filter(client=client, form=form).exists():
            ConsentRecord.objects.create(
                client=client, form=form, signed_name=client.name, recorded_by_id=practitioner
            )
        session = therapy.start_new_session(actors[practitioner], client, {"pre_suds": pre_suds})
        return practitioner, session.pk

    consoles = []
    for _ in range(counts["console"]):
        practitioner, session_id = startable_session(rng.randint(3, 5))
        consoles.append({"cookies": cookies[practitioner], "session": session_id})

    # Each strap stops about every 15 s: a session with an hour of beats for each stop.
    straps = []
    for _ in range(counts["strap"]):
        sessions = []
        for _ in range(int(duration / 15) + 2):
            practitioner, session_id = startable_session(4)
            session = Session.objects.select_related("client").get(pk=session_id)
            beats = 800 + 60 * np.sin(np.arange(STRAP_BEATS) / 7) + rng.gauss(0, 5)
            for chunk in np.array_split(beats, int(np.ceil(STRAP_BEATS / physio.MAX_LIVE_BATCH))):
                physio.append_live(
                    actors[practitioner], session, str(uuid.uuid4()), [float(v) for v in chunk]
                )
            sessions.append({"session": session_id, "cookies": cookies[practitioner]})
        straps.append({"sessions": sessions})

    enabled = PracticeMeasures.enabled_for(practice.pk)
    code = next(c for c in ("GAD7", "PSS10", "MAIA2") if c in enabled)
    links = []
    for _ in range(counts["questionnaire"] * (int(duration / 8) + 2)):
        client = next(fresh_clients)
        actor = actors[client.assigned_practitioner_id]
        links.append(measures.create_link(actor, measures.give(actor, client, code)))
    log(
        f"Prepared {len(consoles)} consoles, {len(straps)} straps, {len(links)} questionnaire "
        f"links ({code}) and {len(browse)} practitioners in {time.perf_counter() - started:.0f} s"
    )
    return {
        "counts": counts,
        "browse": browse,
        "consoles": consoles,
        "straps": straps,
        "links": links,
        "portal": portal_logins(practice, counts["portal"], fresh_clients, actors),
    }


def portal_logins(
    practice: Any, n: int, fresh_clients: Any, actors: dict[int, Any]
) -> list[dict[str, str]]:
    """The cookies of `n` clients signed in to their portal: each invited by their
    practitioner and accepting with a password, as a person would (accounts services)."""
    from somatrace.accounts import services as accounts
    from somatrace.accounts.models import PortalTokenPurpose

    logins = []
    for _ in range(n):
        client = next(fresh_clients)
        actor = actors[client.assigned_practitioner_id]
        email = f"load-{uuid.uuid4().hex[:12]}@example.test"
        _, token = accounts.create_portal_token(
            actor, client, PortalTokenPurpose.INVITATION, email=email
        )
        user = accounts.accept_invitation(token, secrets.token_urlsafe(16))
        logins.append(sign_in(user))
    return logins


def user_counts(users: int) -> dict[str, int]:
    counts = {kind: max(1, round(users * share)) for kind, share in SHARES.items()}
    counts["practitioner"] = max(1, users - sum(counts.values()))
    return counts


def start_servers(
    n: int, env: dict[str, str], data_dir: Path, processes_each: int, threads: int
) -> tuple[list, list]:
    somatrace = str(ROOT / ".venv" / "bin" / "somatrace")
    ports = [free_port() for _ in range(n)]
    processes = []
    for i, port in enumerate(ports):
        log = open(data_dir / f"server-{i}.log", "w")  # noqa: SIM115 - open for the server's life
        processes.append(
            subprocess.Popen(
                [
                    somatrace,
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    str(processes_each),
                    "--threads",
                    str(threads),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        )
    for i in range(n):
        log = open(data_dir / f"worker-{i}.log", "w")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [somatrace, "worker"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    for port in ports:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
    return [f"http://127.0.0.1:{port}" for port in ports], processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def check(prepared: dict[str, Any], results: dict[str, Any], log: Any) -> dict[str, Any]:
    """After the swarm: every acknowledged event is stored; every queued analysis ran."""
    from somatrace.physio.models import Recording
    from somatrace.therapy.models import TimelineEvent

    acknowledged = set(results["acknowledged"])
    stored = set(
        str(u)
        for u in TimelineEvent.objects.filter(client_uuid__in=acknowledged).values_list(
            "client_uuid", flat=True
        )
    )
    queued = set(results["queued"])
    waited = time.perf_counter()
    while True:
        statuses = dict(
            Recording.objects.filter(session_id__in=queued).values_list("session_id", "status")
        )
        waiting = [s for s in queued if statuses.get(s) in ("pending", "processing", "live")]
        if not waiting or time.perf_counter() - waited > 300:
            break
        time.sleep(1)
    done = sum(1 for s in queued if statuses.get(s) == "done")
    return {
        "events acknowledged": len(acknowledged),
        "events lost": len(acknowledged - stored),
        "analyses queued": len(queued),
        "analyses done": done,
        "analyses drained in s": round(time.perf_counter() - waited, 1),
    }


def run_configuration(
    n: int, args: argparse.Namespace, practice: Any, data_dir: Path, log: Any
) -> dict[str, Any]:
    from django.db import connection

    prepared = prepare(practice, args.users, args.duration, log)
    connection.close()
    env = environment(data_dir)
    hosts, processes = start_servers(n, env, data_dir, args.processes, args.threads)
    try:
        spec = data_dir / f"swarm-{n}.json"
        out = data_dir / f"results-{n}.json"
        spec.write_text(
            json.dumps(
                {
                    **prepared,
                    "hosts": hosts,
                    "users": args.users,
                    "duration": args.duration,
                    "reference": args.reference,
                    "think": args.think,
                    "event_every": args.event_every,
                }
            )
        )
        log(
            f"{n} app server(s) x {args.processes} process(es) x {args.threads} threads"
            f" + {n} worker(s): "
            f"{args.users} users ({prepared['counts']}), {args.duration:.0f} s, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        subprocess.run(
            [sys.executable, __file__, "--swarm", str(spec), "--out", str(out)],
            check=True,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        results = json.loads(out.read_text())
        results["checks"] = check(prepared, results, log)
        results["server errors"] = sum(
            (data_dir / f"server-{i}.log").read_text().count("Traceback") for i in range(n)
        ) + sum((data_dir / f"worker-{i}.log").read_text().count("Traceback") for i in range(n))
    finally:
        stop(processes)
    results["load average"] = os.getloadavg()[0]
    return results


def print_table(n: int, results: dict[str, Any]) -> None:
    stats = results["stats"]
    reference = stats.get("GET /healthz (reference)", {}).get("p95") or 1.0
    print(
        f"\n{n} app server(s) + {n} worker(s): {results['users']} users for "
        f"{results['duration']:.0f} s, load average after {results['load average']:.1f}"
    )
    head = ("count", "per s", "p50 ms", "p95 ms", "p99 ms", "errors", "p95 ×hz")
    print(f"{'request':34} " + " ".join(f"{h:>8}" for h in head))
    for name, row in stats.items():
        print(
            f"{name:34} {row['count']:8d} {row['rps']:8.1f} {row['p50']:8.0f} {row['p95']:8.0f} "
            f"{row['p99']:8.0f} {row['errors']:8d} {row['p95'] / reference:8.1f}"
        )
    for key, value in results["checks"].items():
        print(f"  {key}: {value}")
    print(f"  errors in server and worker logs: {results['server errors']}")
    for error in results.get("errors", []):
        print(f"  error: {error}")
    pages = [r for name, r in stats.items() if name.startswith("GET page")]
    events = stats.get("POST event")
    worst_page = max((r["p95"] for r in pages), default=0.0)
    errors = sum(r["errors"] for r in stats.values())
    print(
        f"  targets: event POST p99 < {EVENT_TARGET_P99_MS} ms: "
        f"{'met' if events and events['p99'] < EVENT_TARGET_P99_MS else 'NOT met'}"
        f" ({events['p99'] if events else '-'} ms); page p95 < {PAGE_TARGET_P95_MS} ms: "
        f"{'met' if worst_page < PAGE_TARGET_P95_MS else 'NOT met'} (worst {worst_page:.0f} ms); "
        f"no error: {'met' if errors == 0 else f'NOT met ({errors})'}; no event lost: "
        f"{'met' if results['checks']['events lost'] == 0 else 'NOT met'}"
    )


def print_ratios(by_n: dict[int, dict[str, Any]]) -> None:
    if 1 not in by_n or 2 not in by_n:
        return
    one, two = by_n[1]["stats"], by_n[2]["stats"]
    print("\nTwo against one (throughput ×, p50/p95/p99 ÷: above 1 is better with two)")
    head = ("per s ×", "p50 ÷", "p95 ÷", "p99 ÷")
    print(f"{'request':34} " + " ".join(f"{h:>8}" for h in head))
    for name in two:
        if name not in one:
            continue
        a, b = one[name], two[name]
        cells = [b["rps"] / a["rps"] if a["rps"] else 0.0] + [
            a[p] / b[p] if b[p] else 0.0 for p in ("p50", "p95", "p99")
        ]
        print(f"{name:34} " + " ".join(f"{c:8.2f}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100, help="concurrent simulated users")
    parser.add_argument("--duration", type=float, default=60, help="seconds of the mix")
    parser.add_argument("--reference", type=float, default=10, help="seconds of /healthz alone")
    parser.add_argument("--quick", action="store_true", help="20 users, 15 s: does it work?")
    parser.add_argument("--servers", type=int, nargs="+", default=[2, 1], help="configurations")
    parser.add_argument(
        "--processes", type=int, default=4, help="processes per app server (serve's default)"
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="threads per process (serve's default)"
    )
    parser.add_argument("--think", type=float, nargs=2, default=[3, 8], help="page wait, s")
    parser.add_argument("--event-every", type=float, nargs=2, default=[2, 5], help="console, s")
    parser.add_argument("--fresh", action="store_true", help="seed the database again")
    parser.add_argument("--swarm", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.swarm:
        swarm(Path(args.swarm), Path(args.out))
        return
    if args.quick:
        args.users, args.duration, args.reference = 20, 15, 5

    def log(message: str) -> None:
        print(message, flush=True)

    data_dir = Path(tempfile.gettempdir()) / "somatrace_scale_load"
    data_dir.mkdir(exist_ok=True)
    ensure_database(args.fresh)
    setup_django(data_dir)
    practice = the_practice(log)
    by_n = {}
    for n in args.servers:
        by_n[n] = run_configuration(n, args, practice, data_dir, log)
        print_table(n, by_n[n])
    print_ratios(by_n)
    print(f"\n{os.cpu_count()} CPUs; Locust, the servers and PostgreSQL share them.")


# --- The swarm: Locust users (in a process of its own: Locust patches with gevent) --------


def swarm(spec_path: Path, out_path: Path) -> None:
    import gevent
    from locust import FastHttpUser, between, constant, task
    from locust.env import Environment

    spec = json.loads(spec_path.read_text())
    hosts = spec["hosts"]
    counts = spec["counts"]
    acknowledged: list[str] = []
    queued: list[int] = []
    pools = {
        "browse": list(spec["browse"]),
        "consoles": list(spec["consoles"]),
        "straps": list(spec["straps"]),
        "links": list(spec["links"]),
        "portal": list(spec["portal"]),
    }
    spawned: dict[str, int] = {}

    def take(pool: str, i: int) -> Any:
        items = pools[pool]
        return items[i % len(items)]

    class Simulated(FastHttpUser):
        abstract = True
        # The load balancer: users spread evenly over the app servers.
        host = hosts[0]

        def __init__(self, environment: Any) -> None:
            # Each kind numbers its own users: the n-th console runs the n-th session.
            kind = type(self).__name__
            self.index = spawned.get(kind, 0)
            spawned[kind] = self.index + 1
            self.host = hosts[self.index % len(hosts)]
            super().__init__(environment)

        def sign_in(self, cookies: dict[str, str]) -> None:
            self.csrf = cookies["csrftoken"]
            domain = self.host.split("//")[1].split(":")[0]
            for name, value in cookies.items():
                self.client.cookiejar.set_cookie(jar_cookie(name, value, domain))

        def post_json(self, path: str, body: dict[str, Any], name: str, ok: tuple[int, ...]) -> Any:
            with self.client.post(
                path,
                data=json.dumps(body),
                headers={
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "X-CSRFToken": self.csrf,
                },
                name=name,
                catch_response=True,
            ) as response:
                if response.status_code in ok:
                    response.success()
                else:
                    response.failure(f"{response.status_code}")
                return response

    class Reference(Simulated):
        """A load balancer's probe: the reference every other time is compared to."""

        wait_time = constant(1)

        @task
        def healthz(self) -> None:
            self.client.get("/healthz", name="GET /healthz (reference)")

    class Practitioner(Simulated):
        fixed_count = counts["practitioner"]
        wait_time = between(*spec["think"])

        def on_start(self) -> None:
            self.me = take("browse", self.index)
            self.sign_in(self.me["cookies"])

        @task(3)
        def dashboard(self) -> None:
            self.client.get("/", name="GET page: dashboard")

        @task(1)
        def client_list(self) -> None:
            self.client.get("/clients/", name="GET page: client list")

        @task(3)
        def client_page(self) -> None:
            client = random.choice(self.me["clients"])
            self.client.get(f"/clients/{client}/", name="GET page: client")

        @task(3)
        def session_page(self) -> None:
            session = random.choice(self.me["sessions"])
            self.client.get(f"/sessions/{session}/", name="GET page: session")

        @task(1)
        def calendar_week(self) -> None:
            self.client.get("/calendar/week/", name="GET page: calendar week")

        @task(1)
        def booking_form(self) -> None:
            self.client.get("/calendar/new/", name="GET page: booking form")

    class Console(Simulated):
        fixed_count = counts["console"]
        wait_time = between(*spec["event_every"])

        def on_start(self) -> None:
            me = take("consoles", self.index)
            self.session = me["session"]
            self.sign_in(me["cookies"])

        @task
        def event(self) -> None:
            if random.random() < 0.3:
                body: dict[str, Any] = {"kind": "suds", "suds": random.randint(3, 6)}
            else:
                code = random.choice(["heat", "deep-sigh", "tears", "pulsation", "breath-change"])
                body = {"kind": "cue", "code": code}
            body |= {"uuid": str(uuid.uuid4()), "at": datetime.now(UTC).isoformat()}
            response = self.post_json(
                f"/sessions/{self.session}/events/", body, "POST event", (200, 201)
            )
            if response.status_code in (200, 201):
                acknowledged.append(body["uuid"])

    class Questionnaire(Simulated):
        """A client opening the secure link from an email and answering every question."""

        fixed_count = counts["questionnaire"]
        wait_time = between(4, 12)

        @task
        def answer(self) -> None:
            if not pools["links"]:
                gevent.sleep(1)
                return
            token = pools["links"].pop()
            self.client.cookiejar.clear()
            page = self.client.get(f"/q/{token}/", name="GET questionnaire (link)")
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
            items = dict(re.findall(r'name="(item_\d+)"[^>]*value="(\d+)"', page.text or ""))
            if csrf is None or not items:
                return
            with self.client.post(
                f"/q/{token}/",
                data={"csrfmiddlewaretoken": csrf.group(1), **items},
                headers={"Referer": f"{self.host}/q/{token}/"},
                name="POST questionnaire answers",
                catch_response=True,
            ) as response:
                if response.status_code == 200 and "csrfmiddlewaretoken" not in response.text:
                    response.success()
                else:
                    response.failure(f"{response.status_code}")

    class Strap(Simulated):
        """A chest strap streaming beats; stopped every 15 s or so (3 batches), which has the
        workers analyse the recording's whole hour."""

        fixed_count = counts["strap"]
        wait_time = constant(5)

        def on_start(self) -> None:
            me = take("straps", self.index)
            self.sessions = list(me["sessions"])  # each with its practitioner's sign-in
            self.batches = 0
            if self.sessions:
                self.sign_in(self.sessions[0]["cookies"])

        @task
        def beats(self) -> None:
            if not self.sessions:
                return
            session = self.sessions[0]["session"]
            rr = [round(random.gauss(800, 40), 1) for _ in range(6)]
            self.post_json(
                f"/physio/sessions/{session}/live/",
                {"batch": str(uuid.uuid4()), "rr_ms": rr},
                "POST strap beats",
                (200,),
            )
            self.batches += 1
            if self.batches % 3 == 0:
                response = self.post_json(
                    f"/physio/sessions/{session}/live/finish/", {}, "POST strap stop", (200,)
                )
                if response.status_code == 200:
                    queued.append(session)
                    self.sessions.pop(0)
                    if self.sessions:
                        self.sign_in(self.sessions[0]["cookies"])

    class PortalClient(Simulated):
        """Clients in the portal on their phones, a page every few seconds."""

        fixed_count = len(spec["portal"])
        wait_time = between(*spec["think"])

        def on_start(self) -> None:
            self.sign_in(take("portal", self.index))

        @task(3)
        def home(self) -> None:
            self.client.get("/portal/", name="GET page: portal home")

        @task
        def journal(self) -> None:
            self.client.get("/portal/journal/", name="GET page: portal journal")

        @task
        def home_practice(self) -> None:
            self.client.get("/portal/home-practice/", name="GET page: portal home practice")

        @task
        def progress(self) -> None:
            self.client.get("/portal/progress/", name="GET page: portal progress")

    users = spec["users"]
    kinds = [Practitioner, Console, Questionnaire, Strap] + (
        [PortalClient] if spec["portal"] else []
    )
    results: dict[str, Any] = {"users": users, "duration": spec["duration"], "stats": {}}
    errors: list[str] = []

    def run(user_classes: list[type], n: int, seconds: float) -> Any:
        env = Environment(user_classes=user_classes)
        runner = env.create_local_runner()
        runner.start(n, spawn_rate=max(n / 5, 1))
        gevent.sleep(5 + 2)  # everyone spawned, and first requests made
        env.stats.reset_all()
        started = time.perf_counter()
        gevent.sleep(seconds)
        elapsed = time.perf_counter() - started
        stats = {}
        for entry in sorted(env.stats.entries.values(), key=lambda e: e.name):
            if not entry.num_requests:
                continue
            stats[entry.name] = {
                "count": entry.num_requests,
                "rps": entry.num_requests / elapsed,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "errors": entry.num_failures,
            }
        for error in env.stats.errors.values():
            errors.append(f"{error.method} {error.name}: {error.error} ({error.occurrences}x)")
        runner.quit()
        return stats

    Reference.fixed_count = users
    results["stats"] |= run([Reference], users, spec["reference"])
    results["stats"] |= run(kinds, users, spec["duration"])
    results["acknowledged"] = acknowledged
    results["errors"] = errors
    results["queued"] = queued
    out_path.write_text(json.dumps(results))


def jar_cookie(name: str, value: str, domain: str) -> Any:
    from http.cookiejar import Cookie

    return Cookie(
        0,
        name,
        value,
        None,
        False,
        domain,
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


if __name__ == "__main__":
    main()
