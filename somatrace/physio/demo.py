"""Demo data for physiology, added to the demo practice by somatrace.demo.seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import numpy as np
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.physio import artifacts
from somatrace.physio.models import Recording
from somatrace.physio.services import refresh_results, session_clock_start
from somatrace.therapy.models import Session

DEMO_CLIENTS = 3
SESSIONS_PER_CLIENT = 4
BASELINE_S = 300.0
AFTER_S = 300.0


def synthetic_session_rr(
    rng: np.random.Generator, session_s: float, hr_start: float, hr_end: float, artefacts: int
) -> np.ndarray:
    """Plausible RR (ms) for baseline + session + after: respiratory sinus arrhythmia at
    0.25 Hz (15 rising to 35 ms as the client settles), a 0.1 Hz Mayer wave, heart rate
    moving from hr_start to hr_end through the session, AR(1) noise and a few artefacts
    (missed beats and premature beats). Vectorised, deterministic for a given rng."""
    total = BASELINE_S + session_s + AFTER_S
    n = int(total * max(hr_start, hr_end) / 60.0) + 10
    # progress through the session per beat, from an approximate beat clock
    approx_t = np.arange(n) * 60.0 / ((hr_start + hr_end) / 2)
    frac = np.clip((approx_t - BASELINE_S) / session_s, 0.0, 1.0)
    # slow wandering of heart rate (about ±2 bpm over minutes), as real recordings show
    wander = np.cumsum(rng.normal(0, 0.08, n))
    wander = np.convolve(wander - wander.mean(), np.ones(60) / 60, mode="same")
    hr = hr_start + (hr_end - hr_start) * frac + np.clip(wander, -3, 3)
    base = 60_000.0 / hr
    t = np.cumsum(base) / 1000.0
    amp = 15.0 + 20.0 * frac
    noise = np.convolve(rng.normal(0, 4.0, n), 0.7 ** np.arange(12), mode="same")
    rr = base + amp * np.sin(2 * np.pi * 0.25 * t) + 12.0 * np.sin(2 * np.pi * 0.1 * t) + noise
    rr = rr[np.cumsum(rr) / 1000.0 <= total]
    for k in range(artefacts):
        i = int(rng.integers(50, rr.size - 50))
        if k % 2 == 0:
            rr[i] += rr[i + 1]  # a missed beat (the strap lost one)
            rr = np.delete(rr, i + 1)
        else:
            shift = 0.3 * rr[i]  # a premature beat with a compensatory pause
            rr[i] -= shift
            rr[i + 1] += shift
    return rr


def seed(practice: Practice, today: date, log: Callable[[str], None]) -> None:
    """Give the last SESSIONS_PER_CLIENT past sessions of DEMO_CLIENTS clients a chest-strap
    recording with 5 min before and after, processed now (deterministic)."""
    rnd = random.Random(6)
    rng = np.random.default_rng(6)
    cutoff = timezone.make_aware(datetime.combine(today, time(0, 0)))
    sessions = (
        Session.objects.filter(practice=practice, starts_at__lt=cutoff)
        .select_related("client", "practitioner")
        .order_by("-starts_at")
    )
    # The demo practitioner's (practitioner@demo.test) most recent clients, each with their
    # last few sessions recorded, so the client page shows a shift across sessions.
    mine = [s for s in sessions[:800] if s.practitioner.email == "practitioner@demo.test"]
    pool = mine or list(sessions[:800])
    per_client: dict[int, list[Session]] = {}
    for session in pool:
        chosen_for = per_client.setdefault(session.client_id, [])
        if len(chosen_for) < SESSIONS_PER_CLIENT:
            chosen_for.append(session)
    chosen = [
        session
        for client_sessions in list(per_client.values())[:DEMO_CLIENTS]
        for session in client_sessions
    ]
    recordings = []
    for session in chosen:
        session_s = float(session.duration_minutes or 60) * 60.0
        hr_start = rnd.uniform(68, 82)
        hr_end = hr_start - rnd.choice([6.0, 5.0, 4.0, 3.0, 1.0, 0.0, -1.0])
        rr = synthetic_session_rr(rng, session_s, hr_start, hr_end, rnd.randint(2, 5))
        fixed = artifacts.correct(rr)
        recording = Recording(
            client_id=session.client_id,
            session=session,
            kind=Recording.Kind.RR,
            format="polar-rr",
            original_filename="Polar_H10_RR.txt",
            uploaded_by_id=session.practitioner_id,
            started_at=session_clock_start(session) - timedelta(seconds=BASELINE_S),
            status=Recording.Status.DONE,
            progress=100,
        )
        recording.set_series(fixed.rr_ms, fixed.flags)
        recording.results = {
            "artifacts": {
                **fixed.counts,
                "corrected_fraction": round(fixed.corrected_fraction, 4),
            }
        }
        refresh_results(recording)
        recordings.append(recording)
    Recording.objects.bulk_create(recordings)
    log(f"Heart recordings: {len(recordings)} sessions with a chest-strap recording.")
