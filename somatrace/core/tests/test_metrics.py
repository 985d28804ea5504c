"""/metrics: Prometheus's text format for a bearer token, requests by view name, the queue."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from somatrace.physio.tasks import analyse_live_recording
from somatrace.testing import make_client

pytestmark = pytest.mark.django_db
TOKEN = "a-metrics-token-for-tests"


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_without_a_token_configured_it_does_not_exist(client, settings) -> None:
    settings.SOMATRACE_METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_a_missing_or_wrong_token_is_refused(client, settings) -> None:
    settings.SOMATRACE_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 401


def test_requests_are_counted_by_view_name_and_no_label_holds_client_data(
    client, settings, login, practice, practitioner
) -> None:
    settings.SOMATRACE_METRICS_TOKEN = TOKEN
    names = ["Zebediah Quillfeather", "Marisol Thorncastle"]
    people = [make_client(practice, practitioner, name=name) for name in names]
    browser = login(practitioner)
    before = scrape(client)
    for person in people:
        assert browser.get(f"/clients/{person.pk}/").status_code == 200
    assert browser.get("/clients/999999/").status_code == 404
    assert browser.get("/no/such/page/Zebediah/").status_code == 404
    after = scrape(client)

    key = (
        "somatrace_http_requests_total",
        (("method", "GET"), ("status", "200"), ("view", "client_detail")),
    )
    assert after[key] - before.get(key, 0) == 2
    missing = (
        "somatrace_http_requests_total",
        (("method", "GET"), ("status", "404"), ("view", "unmatched")),
    )
    assert after[missing] - before.get(missing, 0) == 1
    values = {  # every label value of Somatrace's own metrics but the histogram's buckets
        value
        for metric, labels in after
        if metric.startswith("somatrace_")
        for name, value in labels
        if name != "le"
    }
    for person in people:
        assert not any(person.name in v or person.name.split()[0] in v for v in values)
        assert str(person.pk) not in values
    assert not any("/" in v for v in values)


def test_the_queue_is_counted_by_status_and_task(client, settings) -> None:
    settings.SOMATRACE_METRICS_TOKEN = TOKEN
    for recording_id in (1, 2, 3):
        analyse_live_recording.enqueue(recording_id)
    key = (
        "somatrace_tasks",
        (("status", "READY"), ("task", "somatrace.physio.tasks.analyse_live_recording")),
    )
    assert scrape(client)[key] == 3


def test_failed_emails_are_counted_without_their_address(client, settings, practice) -> None:
    from somatrace.mail.models import OutgoingEmail
    from somatrace.mail.services import queue_email
    from somatrace.testing import system_actor

    settings.SOMATRACE_METRICS_TOKEN = TOKEN
    for n in range(3):
        queue_email(
            system_actor(practice),
            to=f"someone{n}@example.test",
            subject="Your appointment",
            text="See you.",
            kind="test",
            key=f"metrics-{n}",
        )
    OutgoingEmail.objects.filter(to="someone0@example.test").update(status="failed")
    seen = scrape(client)
    assert seen[("somatrace_emails", (("status", "failed"),))] == 1
    assert seen[("somatrace_emails", (("status", "queued"),))] == 2
    assert not any("example.test" in v for _, labels in seen for _, v in labels)
