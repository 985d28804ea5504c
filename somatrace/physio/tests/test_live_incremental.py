"""Live strap recordings grow batch by batch at a bounded cost (live.py, services.append_live)
and are analysed once, over the whole series, when stopped."""

import itertools
import json
import math
import uuid

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from somatrace.physio import formats, live, services
from somatrace.physio.models import LiveBatch, Recording
from somatrace.testing import make_session, staff_actor

from .helpers import synthetic_rr

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _from_scratch(rr: list[float], window_s: float = 300.0) -> dict:
    """The last window computed the plain way: walk back from the newest beat while the
    intervals add up to at most window_s."""
    total, k = 0.0, 0
    for value in reversed(rr):
        if total + value > window_s * 1000 and k:
            break
        total += value
        k += 1
    tail = rr[len(rr) - k :]
    diffs = [b - a for a, b in itertools.pairwise(tail)]
    return {
        "window_beats": k,
        "hr_bpm": 60_000 * k / sum(tail),
        "rmssd_ms": math.sqrt(sum(d * d for d in diffs) / len(diffs)) if diffs else None,
    }


def test_the_rolling_window_matches_a_computation_from_scratch():
    rr = [round(v, 1) for v in synthetic_rr(3000, hr=72.0)]
    state: dict = {}
    sent = 0
    for size in [1, 2, 7, 13, 500, 40] * 30:
        if sent >= len(rr):
            break
        state = live.advance(state, rr[sent : sent + size])
        sent += len(rr[sent : sent + size])
        expected = _from_scratch(rr[:sent])
        assert state["n_beats"] == sent
        assert state["total_ms"] == pytest.approx(sum(rr[:sent]), abs=0.01)
        assert state["window_beats"] == expected["window_beats"]
        assert state["hr_bpm"] == pytest.approx(expected["hr_bpm"], abs=0.05)
        if sent > 1:
            assert state["rmssd_ms"] == pytest.approx(expected["rmssd_ms"], abs=0.05)
    assert sent == len(rr)
    assert state["window_s"] <= 300.0 and len(state["tail_ms"]) == state["window_beats"]


def test_the_last_window_by_hand():
    # 1 s beats, a 3.5 s window: the last three (3 s); never fewer than the newest one.
    assert live.last_window(np.array([1000.0] * 10), 3.5).tolist() == [1000.0] * 3
    assert live.last_window(np.array([800.0, 5000.0]), 3.0).tolist() == [5000.0]
    # 800, 810, 790: HR 60000 * 3 / 2400 = 75 bpm; RMSSD sqrt((10² + 20²) / 2) = 15.8 ms
    assert live.window_stats(np.array([800.0, 810.0, 790.0])) == {
        "hr_bpm": 75.0,
        "rmssd_ms": 15.8,
        "window_beats": 3,
        "window_s": 2.4,
    }


@pytest.fixture
def session(client_record):
    return make_session(client_record, duration_minutes=30)


def _append(actor, session, values):
    return services.append_live(actor, session, str(uuid.uuid4()), list(values))


def _one_more_batch(actor, session, values):
    with CaptureQueriesContext(connection) as queries:
        _append(actor, session, values)
    return [q["sql"] for q in queries]


@pytest.mark.django_db
def test_a_batch_costs_the_same_at_1000_and_at_100000_beats(practitioner, session):
    actor = staff_actor(practitioner)
    rr = np.round(synthetic_rr(100_500, hr=75.0), 1)
    _append(actor, session, rr[:500])
    _append(actor, session, rr[500:1000])
    early = _one_more_batch(actor, session, rr[1000:1500])
    for start in range(1500, 100_000, 500):
        _append(actor, session, rr[start : start + 500])
    late = _one_more_batch(actor, session, rr[100_000:100_500])
    recording = Recording.objects.get()
    assert recording.live["n_beats"] == 100_500
    assert len(late) == len(early)
    # What a batch reads and writes: never the series or the results of the recording...
    for sql in late:
        for column in ("rr_ms", "raw_rr_ms", "flags", "results"):
            assert f'"physio_recording"."{column}"' not in sql
    # ...and as much at 100,000 beats as at 1,000: the same statements, the same size.
    assert sum(map(len, late)) == pytest.approx(sum(map(len, early)), rel=0.05)
    # The whole series is all there, in order.
    assert np.allclose(services.live_series(recording), rr, atol=0.01)


@pytest.mark.django_db
def test_the_running_state_matches_the_last_five_minutes_of_the_stored_series(
    practitioner, session
):
    actor = staff_actor(practitioner)
    rr = np.round(synthetic_rr(2000, hr=66.0), 1)
    for start in range(0, 2000, 333):
        _append(actor, session, rr[start : start + 333])
    recording = Recording.objects.get()
    expected = _from_scratch(services.live_series(recording).tolist())
    assert recording.live["window_beats"] == expected["window_beats"]
    assert recording.live["rmssd_ms"] == pytest.approx(expected["rmssd_ms"], abs=0.05)
    assert recording.live["hr_bpm"] == pytest.approx(expected["hr_bpm"], abs=0.05)


@pytest.mark.django_db
def test_a_live_recording_stops_taking_beats_at_the_maximum_length(login, practitioner, session):
    actor = staff_actor(practitioner)
    _append(actor, session, [800.0] * 10)
    state = {"n_beats": formats.MAX_BEATS - 2, "total_ms": 1000.0, "tail_ms": []}
    Recording.objects.update(live=state)  # as if two days of beats had come
    response = login(practitioner).post(
        f"/physio/sessions/{session.pk}/live/",
        json.dumps({"batch": str(uuid.uuid4()), "rr_ms": [800, 800, 800]}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "at most 48 hours (576,000 beats)" in response.json()["error"]
    assert LiveBatch.objects.count() == 1


@pytest.mark.django_db
def test_the_session_page_shows_a_live_recording_and_stop_analyses_it(
    login, practitioner, session, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    actor = staff_actor(practitioner)
    rr = np.round(synthetic_rr(600, hr=70.0), 1)
    _append(actor, session, rr[:300])
    _append(actor, session, rr[300:])
    browser = login(practitioner)
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert "Recording live from a chest strap: <strong>600</strong> beats so far" in page
    assert "Stop and analyse" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/physio/sessions/{session.pk}/live/finish/")
    recording = Recording.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/#physio-recording-{recording.pk}"
    assert recording.status == "done" and recording.results["n_beats"] >= 590
    assert np.frombuffer(bytes(recording.raw_rr_ms), "<f4").size == 600
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert "Recording live" not in page and "vega-chart" in page
    # More beats after the stop: live again, and a second stop analyses all of them.
    _append(actor, session, rr[:100])
    assert Recording.objects.get().status == "live"
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/physio/sessions/{session.pk}/live/finish/")
    assert np.frombuffer(bytes(Recording.objects.get().raw_rr_ms), "<f4").size == 700


@pytest.mark.django_db
def test_stopping_without_beats_does_nothing(login, practitioner, session):
    response = login(practitioner).post(
        f"/physio/sessions/{session.pk}/live/finish/", "{}", content_type="application/json"
    )
    assert response.status_code == 200 and response.json() == {"status": "none"}
    assert not Recording.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_stop_validates_ownership(request, login, practitioner, session, who):
    _append(staff_actor(practitioner), session, [800.0, 810.0, 790.0])
    browser = login(request.getfixturevalue(who))
    response = browser.post(f"/physio/sessions/{session.pk}/live/finish/")
    assert response.status_code in (403, 404)
    assert Recording.objects.get().status == "live"
