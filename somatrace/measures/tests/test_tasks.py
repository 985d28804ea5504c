"""The measures jobs: every-N-weeks questionnaires fall due without a session, and a
questionnaire whose secure link lapsed unanswered is recorded as missed. Run twice, or by two
workers, each does its work once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Status as ClientStatus
from somatrace.core import periodic
from somatrace.core.actor import Actor, ActorKind, Channel
from somatrace.core.models import PeriodicRun
from somatrace.core.periodic import run_due_jobs
from somatrace.mail.models import OutgoingEmail
from somatrace.measures import services, tasks
from somatrace.measures.models import AccessLink, Administration, Assignment, Schedule, Status
from somatrace.measures.services import assign, create_link, record_answers
from somatrace.measures.testing import link_holder, make_administration
from somatrace.portal.panels import questionnaires_panel
from somatrace.testing import (
    make_client,
    make_member,
    render_app_panels,
    staff_actor,
    system_actor,
)

pytestmark = pytest.mark.django_db

# Europe/London is on GMT in November: local time = UTC.
MON_2_NOV_10H = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def gad7_every(client, practitioner, weeks: int, made_at: datetime) -> Assignment:
    """A GAD-7 every `weeks` weeks made at `made_at`, its baseline answered that day."""
    assignment = assign(staff_actor(practitioner), client, "GAD7", Schedule.EVERY_N_WEEKS, weeks)
    Assignment.objects.filter(pk=assignment.pk).update(created_at=made_at)
    baseline = Administration.objects.get(assignment=assignment)
    record_answers(link_holder(baseline), baseline, [1] * 7, "paper")
    Administration.objects.filter(pk=baseline.pk).update(created_at=made_at, completed_at=made_at)
    return assignment


def pending(client) -> list[Administration]:
    return list(Administration.objects.filter(client=client, status=Status.PENDING))


def test_every_two_weeks_from_2_november_falls_due_on_16_november_then_30_november(
    client_record, practitioner
) -> None:
    gad7_every(client_record, practitioner, 2, MON_2_NOV_10H)

    # Sun 15 Nov 23:30: 13 days after 2 Nov, not yet.
    tasks.make_due_by_weeks(datetime(2026, 11, 15, 23, 30, tzinfo=UTC))
    assert pending(client_record) == []

    # Mon 16 Nov 00:30: 2 Nov + 14 days = 16 Nov, due all day from midnight.
    tasks.make_due_by_weeks(datetime(2026, 11, 16, 0, 30, tzinfo=UTC))
    [second] = pending(client_record)
    assert second.due == date(2026, 11, 16)
    assert second.assigned_by == practitioner  # for the practitioner who made the schedule
    assert second.created_at == datetime(2026, 11, 16, 0, 30, tzinfo=UTC)
    record_answers(link_holder(second), second, [0] * 7, "portal")

    # Sun 29 Nov 23:59: 16 Nov + 14 = 30 Nov, not yet; Mon 30 Nov 08:00: due.
    tasks.make_due_by_weeks(datetime(2026, 11, 29, 23, 59, tzinfo=UTC))
    assert pending(client_record) == []
    tasks.make_due_by_weeks(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    [third] = pending(client_record)
    assert third.due == date(2026, 11, 30)
    # Made by the system, audited as such.
    event = AuditEvent.objects.get(object_type="measures.administration", object_id=third.pk)
    assert event.actor_kind == "system" and event.channel == "worker"
    # As when a session makes one due, nobody is emailed: it waits in the portal.
    assert OutgoingEmail.objects.count() == 0


def test_the_local_day_counts_not_the_utc_day(client_record, practitioner) -> None:
    # Given Mon 19 Oct 2026 23:30 UTC = Tue 20 Oct 00:30 BST: the local day is the 20th,
    # so "every week" is due Tue 27 Oct (GMT by then), not Mon 26 Oct as UTC dates would say.
    gad7_every(client_record, practitioner, 1, datetime(2026, 10, 19, 23, 30, tzinfo=UTC))
    tasks.make_due_by_weeks(datetime(2026, 10, 26, 23, 30, tzinfo=UTC))  # Mon 26 Oct 23:30
    assert pending(client_record) == []
    tasks.make_due_by_weeks(datetime(2026, 10, 27, 0, 5, tzinfo=UTC))
    [due] = pending(client_record)
    assert due.due == date(2026, 10, 27)


def test_run_twice_and_by_two_workers_it_makes_one_questionnaire(
    client_record, practitioner, monkeypatch
) -> None:
    gad7_every(client_record, practitioner, 2, MON_2_NOV_10H)
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)

    monkeypatch.setattr(periodic, "worker_name", lambda: "worker-a")
    assert "measures.due_by_weeks" in run_due_jobs(now)
    monkeypatch.setattr(periodic, "worker_name", lambda: "worker-b")
    assert "measures.due_by_weeks" not in run_due_jobs(now)  # the same hour: worker-a had it
    run_due_jobs(now + timedelta(hours=1))  # the next hour: worker-b runs it again
    tasks.make_due_by_weeks(now + timedelta(hours=1))  # and once more, as if both ran it

    runs = PeriodicRun.objects.filter(name="measures.due_by_weeks").order_by("slot_start")
    assert [r.worker for r in runs] == ["worker-a", "worker-b"]
    assert len(pending(client_record)) == 1
    assert (
        AuditEvent.objects.filter(
            object_type="measures.administration", action="create", actor_kind="system"
        ).count()
        == 1
    )


def test_stopped_schedules_and_discharged_or_paused_clients_get_nothing(
    practice, client_record, practitioner
) -> None:
    stopped = gad7_every(client_record, practitioner, 1, MON_2_NOV_10H)
    Assignment.objects.filter(pk=stopped.pk).update(active=False)
    for status in (ClientStatus.DISCHARGED, ClientStatus.PAUSED):
        other = make_client(practice, practitioner)
        gad7_every(other, practitioner, 1, MON_2_NOV_10H)
        type(other).objects.filter(pk=other.pk).update(status=status)
    tasks.make_due_by_weeks(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    assert not Administration.objects.filter(status=Status.PENDING).exists()


def test_one_practice_round_leaves_other_practices_alone(
    client_record, practitioner, other_practice
) -> None:
    elsewhere_practitioner = make_member(other_practice)
    elsewhere = make_client(other_practice, elsewhere_practitioner)
    gad7_every(elsewhere, elsewhere_practitioner, 1, MON_2_NOV_10H)
    made = services.make_due_by_weeks(
        system_actor(client_record.practice), datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    )
    assert made == [] and pending(elsewhere) == []


def test_only_the_system_runs_the_schedules(client_record, practitioner) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.make_due_by_weeks(staff_actor(practitioner), MON_2_NOV_10H)
    with pytest.raises(PermissionDenied):
        services.expire_lapsed_links(staff_actor(practitioner), MON_2_NOV_10H)


# --- Links that lapse --------------------------------------------------------------------


def sent_by_link(client, practitioner, expires_at: datetime) -> Administration:
    administration = make_administration(client, "PHQ9")
    create_link(staff_actor(practitioner), administration)
    AccessLink.objects.filter(administration=administration).update(expires_at=expires_at)
    return administration


def test_a_questionnaire_whose_link_lapsed_unanswered_is_missed_once(
    client_record, practitioner
) -> None:
    lapses = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    administration = sent_by_link(client_record, practitioner, lapses)

    tasks.expire_lapsed_links(lapses - timedelta(minutes=1))
    administration.refresh_from_db()
    assert administration.status == Status.PENDING

    tasks.expire_lapsed_links(lapses)
    tasks.expire_lapsed_links(lapses + timedelta(minutes=15))  # twice: nothing more
    administration.refresh_from_db()
    assert administration.status == Status.EXPIRED
    events = AuditEvent.objects.filter(
        object_type="measures.administration", object_id=administration.pk, actor_kind="system"
    )
    assert [(e.action, e.fields) for e in events] == [("update", ["status"])]


def test_a_replaced_link_answered_or_paper_questionnaires_are_left_alone(
    client_record, practitioner
) -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    # The first link lapsed, but a new one (still open) replaced it.
    replaced = sent_by_link(client_record, practitioner, now - timedelta(days=1))
    create_link(staff_actor(practitioner), replaced)
    AccessLink.objects.filter(administration=replaced, revoked_at__isnull=True).update(
        expires_at=now + timedelta(days=6)
    )
    # Answered through its link before it lapsed.
    answered = sent_by_link(client_record, practitioner, now - timedelta(days=1))
    record_answers(link_holder(answered), answered, [0] * 9, "link")
    # Given on paper or in the portal: no link, no deadline.
    no_link = make_administration(client_record, "GAD7")

    services.expire_lapsed_links(system_actor(client_record.practice), now)

    statuses = dict(Administration.objects.filter(client=client_record).values_list("pk", "status"))
    assert statuses == {
        replaced.pk: Status.PENDING,
        answered.pk: Status.COMPLETED,
        no_link.pk: Status.PENDING,
    }


def test_a_missed_questionnaire_leaves_the_portal_and_shows_as_missed_on_the_client_page(
    client_record, practitioner
) -> None:
    lapses = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    sent_by_link(client_record, practitioner, lapses)
    client_actor = Actor(  # as the portal's decorator builds it for the signed-in client
        kind=ActorKind.CLIENT,
        practice_id=client_record.practice_id,
        channel=Channel.PORTAL,
        client_id=client_record.pk,
        reference="portal: test",
    )
    assert questionnaires_panel(client_actor, client_record) is not None

    tasks.expire_lapsed_links(lapses)

    assert questionnaires_panel(client_actor, client_record) is None
    html = render_app_panels("measures", "client", practitioner, client_record)
    missed = Administration.objects.get(client=client_record)
    assert (
        "Missed (the link lapsed unanswered): "
        f'<a href="/measures/administrations/{missed.pk}/">PHQ-9</a> given'
    ) in html
    assert "Nothing waiting." in html


def test_after_a_missed_one_the_schedule_makes_the_next_one_due(
    client_record, practitioner
) -> None:
    # Every 2 weeks from Mon 2 Nov; the 16 Nov one is sent by a 7-day link, lapsing Mon 23 Nov.
    gad7_every(client_record, practitioner, 2, MON_2_NOV_10H)
    tasks.make_due_by_weeks(datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    [second] = pending(client_record)
    create_link(staff_actor(practitioner), second)
    AccessLink.objects.filter(administration=second).update(
        expires_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    )
    tasks.expire_lapsed_links(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    # 16 Nov + 14 days = 30 Nov: the missed one counts as given on the 16th.
    tasks.make_due_by_weeks(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
    assert pending(client_record) == []
    tasks.make_due_by_weeks(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    [third] = pending(client_record)
    assert third.due == date(2026, 11, 30)
