"""How fast the main pages are for a large practice, relative to /healthz in the same run.

    .venv/bin/python bench/pages.py [--clients 10000] [--sessions-per-client 50] [--postgres]

Builds a scale practice (bulk inserts, timed) in a throw-away database, then times each page
through Django's full request stack (middleware, ORM, templates) as the practice owner, who
sees every client. Prints the median and p95 in ms, the ratio to /healthz measured in the same
run (machines are noisy; ratios drift less than absolute times) and the SQL query count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--sessions-per-client", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--postgres", action="store_true", help="use a fresh PostgreSQL database")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="somatrace-bench-")
    os.environ["SOMATRACE_DATA_DIR"] = data_dir
    os.environ["SOMATRACE_HTTPS"] = "0"
    os.environ["SOMATRACE_ALLOWED_HOSTS"] = "testserver"
    if args.postgres:
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/somatrace_bench_pages"
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as pg:
            pg.execute("DROP DATABASE IF EXISTS somatrace_bench_pages")
            pg.execute("CREATE DATABASE somatrace_bench_pages")
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "somatrace.settings"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from somatrace.accounts.models import Membership, Role
    from somatrace.clients.models import Client as ClientRecord
    from somatrace.demo.seed import seed_scale

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    practice = seed_scale(args.clients, args.sessions_per_client, log=lambda _: None)
    seeded = time.perf_counter() - started
    owner = Membership.objects.get(practice=practice, role=Role.OWNER).user
    one_client = ClientRecord.objects.filter(practice=practice).order_by("pk").first()
    assert one_client is not None

    browser = Client()
    browser.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    pages = [
        ("healthz (reference)", "get", "/healthz", None),
        ("dashboard", "get", "/", None),
        ("client list", "get", "/clients/", None),
        ("client search", "post", "/clients/", {"q": "Juniper", "status": ""}),
        ("client list page 200", "post", "/clients/", {"status": "", "page": 200}),
        (
            f"client page ({args.sessions_per_client} sessions)",
            "get",
            f"/clients/{one_client.pk}/",
            None,
        ),
    ]
    print(
        f"{connection.vendor}: {args.clients:,} clients, "
        f"{args.clients * args.sessions_per_client:,} sessions seeded in {seeded:.1f} s"
    )
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'× healthz':>10} {'queries':>8}")
    reference = None
    for name, method, url, data in pages:
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
        print(f"{name:32} {median:10.1f} {p95:8.1f} {median / reference:10.1f} {len(queries):8d}")


if __name__ == "__main__":
    main()
