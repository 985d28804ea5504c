"""The client page shows the latest sessions only; every session is a page away, paged."""

import re

import pytest
from django.test import Client as Browser

from somatrace.audit.models import AuditEvent
from somatrace.testing import make_session, staff_actor
from somatrace.therapy.models import Session
from somatrace.therapy.panels import client_ratings


def sessions_of(client_record, count: int, **fields) -> list[Session]:
    """`count` sessions, the first one the newest (1 day ago, then 2, 3 ...)."""
    return [make_session(client_record, days_ago=day, **fields) for day in range(1, count + 1)]


def linked_sessions(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/sessions/(\d+)/"', page)]


@pytest.mark.django_db
def test_the_client_page_lists_the_latest_twenty_and_links_to_all(
    login, practitioner, client_record
) -> None:
    sessions = sessions_of(client_record, 25, pre_suds=6, post_suds=3)
    page = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert linked_sessions(page) == [s.pk for s in sessions[:20]]
    assert "25 in all, the latest 20 shown" in page
    assert f'href="/clients/{client_record.pk}/sessions/">All sessions (25)' in page
    read = AuditEvent.objects.get(object_type="clients.client", object_id=client_record.pk)
    assert sorted(read.shown["therapy.session"]) == sorted(s.pk for s in sessions[:20])


@pytest.mark.django_db
def test_a_short_history_is_shown_whole_without_a_link(login, practitioner, client_record) -> None:
    sessions = sessions_of(client_record, 3)
    page = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert linked_sessions(page) == [s.pk for s in sessions]
    assert "3 in all<" in page and "All sessions" not in page


@pytest.mark.django_db
def test_the_chart_holds_the_latest_twenty_sessions_that_have_ratings(
    practitioner, client_record
) -> None:
    # Newest first: two sessions without ratings, then 22 rated ones 1 day apart.
    sessions_of(client_record, 2)
    for day in range(3, 25):
        make_session(client_record, days_ago=day, pre_suds=7, post_suds=day % 10)
    data = client_ratings(staff_actor(practitioner), client_record)
    assert data is not None and data.context["latest_only"]
    rows = data.context["chart_rows"]
    # SUDS before and after for each of 20 sessions (days 3 to 22 ago), oldest first.
    assert len(rows) == 40
    dates = sorted({row["date"] for row in rows})
    assert len(dates) == 20
    assert [row["value"] for row in rows[:2]] == [7, 22 % 10]
    assert rows == sorted(rows, key=lambda row: row["date"])


@pytest.mark.django_db
def test_all_sessions_come_fifty_a_page_newest_first(login, practitioner, client_record) -> None:
    sessions = sessions_of(client_record, 60)
    browser = login(practitioner)
    first = browser.get(f"/clients/{client_record.pk}/sessions/").content.decode()
    second = browser.get(f"/clients/{client_record.pk}/sessions/?page=2").content.decode()
    assert linked_sessions(first) == [s.pk for s in sessions[:50]]
    assert linked_sessions(second) == [s.pk for s in sessions[50:]]
    assert 'start="60"' in first and 'start="10"' in second
    assert "Page 2 of 2" in second and "?page=1" in second
    reads = AuditEvent.objects.filter(object_id=client_record.pk, action="read").order_by("id")
    assert [sorted(r.shown["therapy.session"]) for r in reads] == [
        sorted(s.pk for s in sessions[:50]),
        sorted(s.pk for s in sessions[50:]),
    ]


@pytest.mark.django_db
def test_a_page_number_that_is_not_one_gives_a_page_not_an_error(
    login, practitioner, client_record
) -> None:
    sessions_of(client_record, 3)
    browser = login(practitioner)
    for page in ("abc", "0", "-1", "999", "1e9", "2" * 40):
        response = browser.get(f"/clients/{client_record.pk}/sessions/?page={page}")
        assert response.status_code == 200, page
        assert len(linked_sessions(response.content.decode())) == 3


@pytest.mark.django_db
def test_the_wrong_users_see_no_session_list(
    login, outsider, colleague, assistant, client_record
) -> None:
    make_session(client_record, pre_suds=6, post_suds=2)
    url = f"/clients/{client_record.pk}/sessions/"
    anonymous = Browser().get(url)
    assert anonymous.status_code == 302 and "/sessions/" not in anonymous.url.split("?")[0]
    for user in (outsider, colleague, assistant):
        response = login(user).get(url)
        assert response.status_code in (403, 404), user
        assert client_record.name.encode() not in response.content
        assert b"/sessions/" not in response.content.split(b"<main")[-1]
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()


def bulk_sessions(client_record, count: int) -> None:
    Session.objects.bulk_create(
        Session(
            practice_id=client_record.practice_id,
            client=client_record,
            practitioner=client_record.assigned_practitioner,
            starts_at=make_session(client_record).starts_at,
            pre_suds=5,
            post_suds=3,
        )
        for _ in range(count)
    )


@pytest.mark.django_db
def test_the_pages_cost_the_same_queries_at_two_sessions_as_at_three_hundred(
    login, practitioner, client_record, django_assert_max_num_queries
) -> None:
    browser = login(practitioner)
    sessions_of(client_record, 2)
    budget = {}
    for url in (f"/clients/{client_record.pk}/", f"/clients/{client_record.pk}/sessions/"):
        with django_assert_max_num_queries(1000) as few:
            browser.get(url)
        budget[url] = len(few)
    bulk_sessions(client_record, 300)
    for url, queries in budget.items():
        with django_assert_max_num_queries(queries):
            response = browser.get(url)
        assert response.status_code == 200
    assert budget[f"/clients/{client_record.pk}/sessions/"] <= 10
