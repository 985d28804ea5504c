import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Client
from somatrace.testing import make_alert, make_client, make_session
from somatrace.therapy.models import Session


def local_today_at(hour: int) -> datetime:
    zone = zoneinfo.ZoneInfo("Europe/London")
    return datetime.combine(timezone.now().astimezone(zone).date(), time(hour), tzinfo=zone)


@pytest.mark.django_db
def test_it_shows_todays_sessions_alerts_and_holds(login, practitioner, client_record) -> None:
    make_session(client_record, starts_at=local_today_at(9))
    make_alert(
        client_record, "intake.suicidal_thoughts", "Intake safety screen: thoughts of suicide"
    )
    on_hold = make_client(
        client_record.practice, practitioner, name="Harper Held", hold_since=timezone.now()
    )

    response = login(practitioner).get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "09:00" in page
    assert "Intake safety screen: thoughts of suicide" in page
    assert on_hold.name in page


@pytest.mark.django_db
def test_it_shows_times_in_the_practice_time_zone(login, practitioner, client_record) -> None:
    practice = client_record.practice
    practice.time_zone = "Asia/Kolkata"  # UTC+05:30 all year: no daylight-saving surprises
    practice.save()
    kolkata = zoneinfo.ZoneInfo("Asia/Kolkata")
    local_morning = datetime.combine(
        timezone.now().astimezone(kolkata).date(), time(9, 30), tzinfo=kolkata
    )
    make_session(client_record, starts_at=local_morning)

    page = login(practitioner).get("/").content.decode()

    assert "09:30" in page
    assert "04:00" not in page  # the same instant in UTC
    assert Session.objects.get().starts_at == local_morning.astimezone(zoneinfo.ZoneInfo("UTC"))


@pytest.mark.django_db
def test_it_hides_what_another_practitioner_holds(login, colleague, client_record) -> None:
    make_session(client_record, starts_at=local_today_at(10))
    make_alert(client_record, "intake.psychosis", "Intake safety screen: psychosis")
    page = login(colleague).get("/").content.decode()
    assert client_record.name not in page
    assert "psychosis" not in page


@pytest.mark.django_db
def test_it_shows_nothing_of_another_practice(login, outsider, client_record) -> None:
    make_session(client_record, starts_at=local_today_at(11))
    make_alert(client_record, "intake.psychosis", "Intake safety screen: psychosis")
    page = login(outsider).get("/").content.decode()
    assert client_record.name not in page
    assert "psychosis" not in page


@pytest.mark.django_db
def test_it_gives_assistants_the_schedule_without_clinical_data(
    login, assistant, client_record
) -> None:
    make_session(client_record, starts_at=local_today_at(9), pre_suds=7, post_suds=2)
    make_alert(client_record, "intake.psychosis", "Intake safety screen: psychosis")
    page = login(assistant).get("/").content.decode()
    assert client_record.name in page
    assert "psychosis" not in page
    assert "SUDS" not in page


@pytest.mark.django_db
def test_it_audits_which_clients_were_shown(login, practitioner, client_record) -> None:
    make_session(client_record, starts_at=local_today_at(9))
    login(practitioner).get("/")
    event = AuditEvent.objects.get(actor=practitioner, object_type="dashboard")
    assert event.action == "read"
    assert event.object_ids == [client_record.pk]


def bulk_clients(practice, practitioner, count: int) -> None:
    clients = Client.objects.bulk_create(
        [
            Client(
                practice=practice,
                name=f"Bulk {i}",
                assigned_practitioner=practitioner,
                hold_since=timezone.now() if i % 50 == 0 else None,
            )
            for i in range(count)
        ]
    )
    Session.objects.bulk_create(
        [
            Session(
                practice=practice,
                client=c,
                practitioner=practitioner,
                starts_at=local_today_at(8) - timedelta(days=i % 20),
            )
            for i, c in enumerate(clients)
        ]
    )
    for c in clients[:: max(1, count // 5)]:
        make_alert(c, "intake.psychosis", "Alert")


@pytest.mark.django_db
def test_it_runs_the_same_number_of_queries_for_10_or_10000_clients(
    login, practitioner, practice, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = login(practitioner)
    bulk_clients(practice, practitioner, 10)
    with CaptureQueriesContext(connection) as small:
        assert browser.get("/").status_code == 200
    bulk_clients(practice, practitioner, 10_000)
    with CaptureQueriesContext(connection) as large:
        assert browser.get("/").status_code == 200
    # 13: the calendar's "Today's appointments" panel adds one bounded query.
    assert len(small) == len(large) <= 13


@pytest.mark.django_db
def test_it_opens_the_console_for_todays_own_sessions_until_they_end(
    login, practitioner, owner, assistant, client_record
) -> None:
    waiting = make_session(client_record, starts_at=local_today_at(9))
    running = make_session(
        client_record, starts_at=local_today_at(11), started_at=local_today_at(11)
    )
    ended = make_session(
        client_record,
        starts_at=local_today_at(13),
        started_at=local_today_at(13),
        ended_at=local_today_at(14),
    )
    page = login(practitioner).get("/").content.decode()
    assert f'href="/sessions/{waiting.pk}/console/">Open console' in page
    assert f'href="/sessions/{running.pk}/console/">Back to the console' in page
    assert f"/sessions/{ended.pk}/console/" not in page
    # Only the session's own practitioner runs its console; an owner or assistant is not offered it.
    assert "/console/" not in login(owner).get("/").content.decode()
    assert "/console/" not in login(assistant).get("/").content.decode()


@pytest.mark.django_db
def test_its_session_lists_are_bounded_and_can_walk_the_practice_index(
    login, owner, practitioner, practice, client_record
) -> None:
    """At 500,000 sessions the lists must stop at their limit on an index (docs/performance.md):
    each names the session's own practice (index on practice, starts_at) and is LIMITed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_session(client_record, starts_at=timezone.now())  # so that today's list is read
    for user in (owner, practitioner):
        browser = login(user)
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/").status_code == 200
        lists = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "therapy_session"."id"')
        ]
        assert len(lists) == 3  # today, notes to sign, recent
        for sql in lists:
            assert f'"therapy_session"."practice_id" = {practice.pk}' in sql
        assert all("LIMIT" in sql for sql in lists)


@pytest.mark.django_db
def test_a_long_day_lists_its_first_sessions_under_way_and_says_how_many_in_all(
    login, owner, client_record
) -> None:
    """An owner of a large clinic has hundreds of sessions a day: the list stops at 40."""
    zone = zoneinfo.ZoneInfo("Europe/London")
    day_start = datetime.combine(timezone.now().astimezone(zone).date(), time(0), tzinfo=zone)
    under_way = max(day_start, timezone.now() - timedelta(hours=1))
    for _ in range(41):
        make_session(client_record, starts_at=under_way)

    page = login(owner).get("/").content.decode()

    today = page[
        page.index('id="today-heading"') : page.index("</section>", page.index("today-heading"))
    ]
    assert today.count("<li>") == 40
    assert "The 40 from the sessions under way on; 41 in all today." in page
    assert "41 sessions" in page
