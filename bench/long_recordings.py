"""Long heart recordings: upload, pages and live batches, with ratios to references measured
in the same run (machines are noisy; ratios drift less than absolute times).

    .venv/bin/python bench/long_recordings.py [--repeats 9] [--postgres] [--skip-huge]

(a) A 50 MB RR file (13 million beats, "800" with jitter, one per line) uploaded through the
    upload view, and the background worker's path (services.finish_upload) on the same
    bytes: wall time of each, against uploading a 5-minute RR file through the same view.
(b) A 24-hour RR file (100,000 beats) uploaded and analysed, then its recording page and the
    session page it belongs to: median render time through Django's full request stack,
    HTML size and SQL queries, against /healthz and the pages of a 70-minute recording.
(c) Live strap batches of 5 beats: median time of one batch when the recording holds 1,000
    beats and when it holds 100,000 (services.append_live), and their ratio.
(d) The most a recording within the limit costs the worker: 576,000 beats at 201 bpm
    (47.8 hours) and 200,000 beats at 70 bpm (47.6 hours) read, corrected and analysed
    (services.process_bytes, as the worker does, without the database), against the
    5-minute upload above.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--postgres", action="store_true", help="use a fresh PostgreSQL database")
    parser.add_argument("--skip-huge", action="store_true", help="leave out (a)")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="somatrace-bench-")
    os.environ["SOMATRACE_DATA_DIR"] = data_dir
    os.environ["SOMATRACE_HTTPS"] = "0"
    os.environ["SOMATRACE_ALLOWED_HOSTS"] = "testserver"
    os.environ["SOMATRACE_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    if args.postgres:
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/somatrace_bench_long"
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as pg:
            pg.execute("DROP DATABASE IF EXISTS somatrace_bench_long")
            pg.execute("CREATE DATABASE somatrace_bench_long")
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "somatrace.settings"

    import django

    django.setup()
    import logging

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from somatrace.physio import services
    from somatrace.physio.models import Recording
    from somatrace.physio.testing import make_recording, rr_file
    from somatrace.physio.tests.helpers import synthetic_rr
    from somatrace.testing import make_client, make_member, make_practice, make_session, staff_actor

    logging.disable(logging.INFO)
    call_command("migrate", verbosity=0)
    practice = make_practice()
    member = make_member(practice)
    client = make_client(practice, member, consented=True)
    browser = Client()
    browser.force_login(member, backend="django.contrib.auth.backends.ModelBackend")

    def upload(name: str, content: bytes) -> tuple[float, int, Recording | None]:
        session = make_session(client, duration_minutes=60)
        start = time.perf_counter()
        response = browser.post(
            f"/physio/sessions/{session.pk}/recordings/new/",
            {"file": SimpleUploadedFile(name, content)},
        )
        took = time.perf_counter() - start
        return took, response.status_code, Recording.objects.filter(session=session).first()

    five = rr_file(synthetic_rr(400, hr=80.0))
    reference = statistics.median(upload("5min.txt", five)[0] for _ in range(args.repeats))
    print(f"reference: a 5-minute RR file through the upload view, {1000 * reference:.0f} ms")

    if not args.skip_huge:
        rng = np.random.default_rng(1)
        values = 800 + rng.integers(-20, 20, 13_000_000)
        huge = ("\n".join(map(str, values.tolist())) + "\n").encode()
        took, status, recording = upload("holter.txt", huge)
        outcome = (
            f"recording {recording.status}: {recording.error[:90]}"
            if recording
            else "refused with the form"
        )
        print(
            f"(a) 50 MB RR file ({len(huge) / 2**20:.1f} MiB, 13,000,000 beats) through the "
            f"upload view: {took:.2f} s ({took / reference:.0f} x reference), status {status}, "
            f"{outcome}"
        )
        held = Recording.objects.create(client=client, original_filename="holter.txt")
        start = time.perf_counter()
        done = services.finish_upload(held.pk, huge, None, None)
        took = time.perf_counter() - start
        print(
            f"    the worker's path on the same bytes (services.finish_upload): {took:.2f} s, "
            f"{done.status}: {done.error[:110]}"
        )
        del huge, values

    day = rr_file(synthetic_rr(100_000, hr=70.0))
    took, status, recording = upload("rr24h.txt", day)
    assert recording is not None and recording.status == "done", status
    print(
        f"(b) 24-hour RR file ({len(day) / 1e6:.1f} MB, 100,000 beats) uploaded and analysed: "
        f"{took:.2f} s ({took / reference:.0f} x reference)"
    )
    hour_session = make_session(client, duration_minutes=60, days_ago=3)
    hour = make_recording(client, hour_session)

    def page(url: str) -> tuple[float, int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(url)
        assert response.status_code == 200, (url, response.status_code)
        size, count = len(response.content), len(queries)  # before the next request resets it
        return median_ms(lambda: browser.get(url), args.repeats), size, count

    healthz = page("/healthz")[0]
    print(f"    /healthz (reference): {healthz:.1f} ms")
    rows = [
        ("recording page, 70 minutes", f"/physio/recordings/{hour.pk}/"),
        ("recording page, 24 hours", f"/physio/recordings/{recording.pk}/"),
        (
            "recording page, 24 hours, windows page 20",
            f"/physio/recordings/{recording.pk}/?windows=20",
        ),
        ("session page, 70-minute recording", f"/sessions/{hour_session.pk}/"),
        ("session page, 24-hour recording", f"/sessions/{recording.session_id}/"),
    ]
    for label, url in rows:
        ms, size, queries = page(url)
        print(
            f"    {label}: {ms:.0f} ms ({ms / healthz:.0f} x /healthz), {size / 1000:.0f} kB, "
            f"{queries} queries"
        )

    live_session = make_session(client, duration_minutes=60)
    actor = staff_actor(member)
    rr = np.round(synthetic_rr(101_000, hr=75.0), 1)
    done_beats = 0

    def batch(values: np.ndarray) -> None:
        services.append_live(actor, live_session, str(uuid.uuid4()), values.tolist())

    for start in range(0, 1000, 500):
        batch(rr[start : start + 500])
    done_beats = 1000
    early = []
    for _ in range(args.repeats * 3):
        t = time.perf_counter()
        batch(rr[done_beats : done_beats + 5])
        early.append(time.perf_counter() - t)
        done_beats += 5
    while done_beats < 100_000:
        batch(rr[done_beats : done_beats + 500])
        done_beats += 500
    late = []
    for _ in range(args.repeats * 3):
        t = time.perf_counter()
        batch(rr[done_beats : done_beats + 5])
        late.append(time.perf_counter() - t)
        done_beats += 5
    e, lt = 1000 * statistics.median(early), 1000 * statistics.median(late)
    print(
        f"(c) a live batch of 5 beats: {e:.1f} ms at 1,000 beats, {lt:.1f} ms at 100,000 beats "
        f"(ratio {lt / e:.2f})"
    )

    for n, hr in ((200_000, 70.0), (576_000, 201.0)):
        data = rr_file(synthetic_rr(n, hr=hr))
        held = Recording(client=client, original_filename="long.txt")
        start = time.perf_counter()
        services.process_bytes(held, data, format_name=None, sampling_rate_hz=None)
        took = time.perf_counter() - start
        print(
            f"(d) {n:,} beats at {hr:.0f} bpm ({held.results['duration_s'] / 3600:.1f} h) read, "
            f"corrected and analysed: {took:.2f} s ({took / reference:.0f} x reference)"
        )


if __name__ == "__main__":
    main()
