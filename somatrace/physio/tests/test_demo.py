"""The demo seed gives recent sessions plausible recordings, fast and deterministically."""

from datetime import date, timedelta

import numpy as np
import pytest
from django.utils import timezone

from somatrace.physio import artifacts, demo, hrv
from somatrace.physio.models import Recording
from somatrace.testing import make_client, make_session


def test_synthetic_session_rr_has_rsa_a_settling_trend_and_plausible_values():
    rng = np.random.default_rng(1)
    rr = demo.synthetic_session_rr(rng, 1800.0, 75.0, 69.0, 3)
    assert rr.sum() / 1000 == pytest.approx(2400, abs=2)
    assert rr.min() > 300 and rr.max() < 2000
    fixed = artifacts.correct(rr).rr_ms  # the injected artefacts would dominate RMSSD
    start, end = fixed[:300], fixed[-300:]
    assert hrv.mean_hr(start) > hrv.mean_hr(end) + 3
    assert hrv.rmssd(end) > hrv.rmssd(start)
    f = hrv.frequency_domain(end)
    assert f["hf_ms2"] > f["lf_ms2"]  # RSA at 0.25 Hz dominates


@pytest.mark.django_db
def test_seed_adds_processed_recordings(practice, practitioner):
    clients = [make_client(practice, practitioner) for _ in range(3)]
    for c in clients:
        for days in (3, 10):
            make_session(c, days_ago=days, duration_minutes=45)
    make_session(clients[0], starts_at=timezone.now() + timedelta(days=2))  # future: skipped
    demo.seed(practice, date.today(), lambda _: None)
    recordings = list(Recording.objects.select_related("session"))
    assert len(recordings) == 6  # three clients, both past sessions each
    for r in recordings:
        assert r.status == "done" and r.session.starts_at < timezone.now()
        assert "sentence" in r.results["windows"]["shift"]
        assert r.results["artifacts"]["missed"] + r.results["artifacts"]["ectopic"] >= 1
