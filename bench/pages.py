"""How fast the main pages are for a large practice, relative to /healthz in the same run.

    .venv/bin/python bench/pages.py [--clients 10000] [--sessions-per-client 50] [--postgres]
        [--keep] [--explain] [--only NAME] [--profile]

Builds a scale practice (bulk inserts, timed) in a throw-away database, then times each page
through Django's full request stack (middleware, ORM, templates) as the practice owner, who
sees every client, and as one of its practitioners. Prints the median and p95 in ms, the
ratio to /healthz measured in the same run (machines are noisy; ratios drift less than
absolute times) and the SQL query count.

--keep seeds once into a database kept between runs (PostgreSQL: somatrace_scale; SQLite:
$TMPDIR/somatrace_scale/) and reuses it: seeding 500,000 sessions takes minutes.
--explain prints each query of each page with its plan (EXPLAIN ANALYZE on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite) and its time, slowest first.
--only times just the pages whose name contains NAME (and /healthz, the reference).
--profile prints where one request of each page spends its time (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--sessions-per-client", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--postgres", action="store_true", help="use a fresh PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="seed once, reuse the database")
    parser.add_argument("--explain", action="store_true", help="print every query's plan")
    parser.add_argument("--only", default="", help="time only the pages whose name has this")
    parser.add_argument("--profile", action="store_true", help="profile one request per page")
    args = parser.parse_args()

    use_database(args.postgres, args.keep)
    os.environ["SOMATRACE_HTTPS"] = "0"
    os.environ["SOMATRACE_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "somatrace.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from somatrace.accounts.models import Membership, Role
    from somatrace.clients.models import Client as ClientRecord
    from somatrace.demo.seed import scale_practice, seed_scale
    from somatrace.therapy.models import Session

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    practice = scale_practice(args.clients, args.sessions_per_client) if args.keep else None
    kept = practice is not None
    if practice is None:
        practice = seed_scale(args.clients, args.sessions_per_client, log=lambda _: None)
    seeded = time.perf_counter() - started
    owner = Membership.objects.get(practice=practice, role=Role.OWNER).user
    practitioner = (
        Membership.objects.filter(practice=practice, role=Role.PRACTITIONER).order_by("pk").first()
    )
    assert practitioner is not None
    one_client = (
        ClientRecord.objects.filter(practice=practice, assigned_practitioner=practitioner.user)
        .order_by("pk")
        .first()
    )
    assert one_client is not None
    one_session = Session.objects.filter(client=one_client).order_by("-starts_at").first()
    assert one_session is not None

    pages = [
        ("healthz (reference)", "get", "/healthz", None),
        ("dashboard", "get", "/", None),
        ("client list", "get", "/clients/", None),
        ("client search", "post", "/clients/", {"q": "Juniper", "status": ""}),
        ("client list page 20", "post", "/clients/", {"status": "", "page": 20}),
        (
            f"client page ({args.sessions_per_client} sessions)",
            "get",
            f"/clients/{one_client.pk}/",
            None,
        ),
        ("session page", "get", f"/sessions/{one_session.pk}/", None),
        ("caseload outcomes", "get", "/measures/caseload/", None),
        ("calendar day", "get", "/calendar/", None),
        ("calendar week", "get", "/calendar/week/", None),
        ("new appointment", "get", "/calendar/new/", None),
    ]
    sessions = Session.objects.filter(practice=practice).count()
    how = "found (kept)" if kept else f"seeded in {seeded:.1f} s"
    print(
        f"{connection.vendor}: {ClientRecord.objects.filter(practice=practice).count():,} "
        f"clients, {sessions:,} sessions {how}; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'page':40} {'median ms':>10} {'p95 ms':>8} {'× healthz':>10} {'queries':>8}")
    reference = None
    plans = []
    for who, user in (("owner", owner), ("practitioner", practitioner.user)):
        browser = Client()
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for name, method, url, data in pages:
            if reference is not None and name.startswith("healthz"):
                continue
            if args.only and args.only not in name and not name.startswith("healthz"):
                continue
            request = getattr(browser, method)
            request(url, data) if data else request(url)  # warm caches
            timings = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                response = request(url, data) if data else request(url)
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                request(url, data) if data else request(url)
            median = statistics.median(timings)
            p95 = statistics.quantiles(timings, n=20)[18]
            reference = reference or median
            label = name if name.startswith("healthz") else f"{name} ({who})"
            print(
                f"{label:40} {median:10.1f} {p95:8.1f} {median / reference:10.1f} {len(queries):8d}"
            )
            plans.append((label, queries.captured_queries))
            if args.profile and not name.startswith("healthz"):
                profile(label, request, (url, data) if data else (url,))
    if args.explain:
        explain(plans)


def use_database(postgres: bool, keep: bool) -> None:
    """Point the settings at a fresh database, or at the kept one (made the first time)."""
    import psycopg

    name = "somatrace_scale" if keep else "somatrace_bench_pages"
    if keep:
        data_dir = Path(tempfile.gettempdir()) / "somatrace_scale"
        data_dir.mkdir(exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="somatrace-bench-"))
    os.environ["SOMATRACE_DATA_DIR"] = str(data_dir)
    if not postgres:
        os.environ.pop("DATABASE_URL", None)
        return
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as pg:
        exists = pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not keep:
            pg.execute(f"DROP DATABASE IF EXISTS {name}")
        if not keep or not exists:
            pg.execute(f"CREATE DATABASE {name}")


def profile(label: str, request: Any, args: tuple[Any, ...]) -> None:
    """Where one request's time goes: the calls with the most cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(request, *args)
    print(f"\n=== profile: {label}")
    stats = pstats.Stats(profiler)
    ours = r"somatrace/(?!core/(request_id|metrics|bodies|idle|middleware|decorators))"
    stats.sort_stats("cumulative").print_stats(ours, 25)  # our code, outermost first
    stats.sort_stats("tottime").print_stats(15)


def explain(plans: list[tuple[str, list[dict[str, str]]]]) -> None:
    """Each page's queries with their plans and times, slowest first."""
    from django.db import connection

    analyse = "EXPLAIN ANALYZE" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    for label, queries in plans:
        print(f"\n=== {label}: {len(queries)} queries")
        timed = []
        for query in queries:
            sql = query["sql"]
            if not sql.startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                t0 = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                ms = (time.perf_counter() - t0) * 1000
                cursor.execute(f"{analyse} {sql}")
                plan = "\n".join("    " + " ".join(str(c) for c in row) for row in cursor)
            timed.append((ms, sql, plan))
        for ms, sql, plan in sorted(timed, reverse=True)[:6]:
            print(f"--- {ms:.1f} ms: {sql[:400]}\n{plan}")


if __name__ == "__main__":
    main()
