"""Live strap endpoint: batches of RR appended idempotently, validated, audited."""

import json
import re
import uuid

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.physio import formats, services
from somatrace.physio.models import Recording
from somatrace.testing import make_session

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def session(client_record):
    return make_session(client_record, duration_minutes=30)


def _post(browser, session, body):
    return browser.post(
        f"/physio/sessions/{session.pk}/live/", json.dumps(body), content_type="application/json"
    )


@pytest.mark.django_db
def test_live_page_renders_and_audits(login, practitioner, session):
    browser = login(practitioner)
    page = browser.get(f"/physio/sessions/{session.pk}/live/").content.decode()
    assert 'id="live-connect"' in page and "js/physio/live.js" in page
    assert AuditEvent.objects.filter(action="read", object_type="therapy.session").exists()


@pytest.mark.django_db
def test_batches_append_beats_once_each_and_stop_analyses_them(
    login, practitioner, session, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE  # the enqueued analysis really runs, after the stop commits
    browser = login(practitioner)
    batch = str(uuid.uuid4())
    first = _post(browser, session, {"batch": batch, "rr_ms": [800, 810, 790]})
    assert first.status_code == 200 and first.json() == {"stored": 3, "duplicate": False}
    again = _post(browser, session, {"batch": batch, "rr_ms": [800, 810, 790]})
    assert again.json()["duplicate"] is True and again.json()["stored"] == 3
    second = _post(browser, session, {"batch": str(uuid.uuid4()), "rr_ms": [805.5, 795]})
    assert second.json()["stored"] == 5
    recording = Recording.objects.get()
    assert recording.kind == "live" and recording.session == session
    assert recording.status == "live" and recording.results == {}  # not analysed while live
    assert services.live_series(recording).tolist() == [800, 810, 790, 805.5, 795]
    assert recording.started_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        stop = browser.post(
            f"/physio/sessions/{session.pk}/live/finish/", "{}", content_type="application/json"
        )
    assert stop.status_code == 200 and stop.json() == {"status": "pending"}
    recording.refresh_from_db()
    assert recording.status == "done"
    assert recording.rr_array().tolist() == [800, 810, 790, 805.5, 795]
    # RMSSD of 800, 810, 790, 805.5, 795: diffs 10, -20, 15.5, -10.5
    # squares 100 + 400 + 240.25 + 110.25 = 850.5 / 4 = 212.625 -> 14.582
    assert recording.results["time"]["rmssd_ms"] == pytest.approx(14.582, abs=1e-3)
    updates = AuditEvent.objects.filter(action="update", object_type="physio.recording")
    assert updates.count() == 4  # two batches, the stop, the analysis (by the system)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"batch": "not-a-uuid", "rr_ms": [800]},
        {"batch": str(uuid.UUID(int=1)), "rr_ms": []},
        {"batch": str(uuid.UUID(int=2)), "rr_ms": ["800"]},
        {"batch": str(uuid.UUID(int=3)), "rr_ms": [0]},
        {"batch": str(uuid.UUID(int=4)), "rr_ms": [800] * 501},
        ["not", "an", "object"],
    ],
)
def test_bad_batches_get_a_clear_400(login, practitioner, session, body):
    response = _post(login(practitioner), session, body)
    assert response.status_code == 400 and response.json()["error"]
    assert not Recording.objects.exists()


@pytest.mark.django_db
def test_non_json_body_is_a_400(login, practitioner, session):
    response = login(practitioner).post(
        f"/physio/sessions/{session.pk}/live/", "{{", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_it_validates_ownership(request, login, session, who):
    response = _post(
        login(request.getfixturevalue(who)), session, {"batch": str(uuid.uuid4()), "rr_ms": [800]}
    )
    assert response.status_code in (403, 404)
    assert not Recording.objects.exists()
    assert not AuditEvent.objects.filter(object_type="physio.recording").exists()


@pytest.mark.django_db
def test_the_recorder_is_given_the_servers_limits_as_json(login, practitioner, session):
    page = login(practitioner).get(f"/physio/sessions/{session.pk}/live/").content.decode()
    match = re.search(
        r'<script id="physio-live-config" type="application/json">(.*?)</script>', page, re.S
    )
    assert match, "the live recorder's config is missing"
    assert json.loads(match.group(1)) == {
        "sessionId": session.pk,
        "postUrl": f"/physio/sessions/{session.pk}/live/",
        "finishUrl": f"/physio/sessions/{session.pk}/live/finish/",
        "maxBatch": services.MAX_LIVE_BATCH,
        "maxRrMs": formats.MAX_RR_MS,
    }
    assert "data-csrf" not in page


@pytest.mark.django_db
def test_a_batch_of_exactly_the_limit_is_taken_and_one_more_is_refused(
    login, practitioner, session
):
    browser = login(practitioner)
    limit = services.MAX_LIVE_BATCH
    full = _post(browser, session, {"batch": str(uuid.uuid4()), "rr_ms": [800] * limit})
    assert full.status_code == 200 and full.json()["stored"] == limit
    over = _post(browser, session, {"batch": str(uuid.uuid4()), "rr_ms": [800] * (limit + 1)})
    assert over.status_code == 400 and str(limit) in over.json()["error"]
