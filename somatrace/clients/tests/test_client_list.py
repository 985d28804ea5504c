import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Client, Status, Tag
from somatrace.testing import make_client


@pytest.mark.django_db
def test_it_lists_the_practitioners_active_clients(
    login, practitioner, client_record, practice
) -> None:
    make_client(practice, practitioner, name="Dana Discharged", status=Status.DISCHARGED)
    page = login(practitioner).get("/clients/").content.decode()
    assert "Quinn Example" in page
    assert "Dana Discharged" not in page  # active clients by default


@pytest.mark.django_db
def test_it_searches_by_post_so_names_stay_out_of_urls(
    login, practitioner, client_record, practice
) -> None:
    make_client(practice, practitioner, name="Robin Other")
    response = login(practitioner).post("/clients/", {"q": "quinn", "status": ""})
    page = response.content.decode()
    assert "Quinn Example" in page and "Robin Other" not in page
    assert login(practitioner).get("/clients/?q=quinn").status_code == 200  # ignored, not an error


@pytest.mark.django_db
def test_it_filters_by_status_practitioner_and_tag(
    login, owner, practitioner, colleague, practice
) -> None:
    tag = Tag.objects.create(practice=practice, name="evening")
    tagged = make_client(practice, practitioner, name="Tess Tagged")
    tagged.tags.add(tag)
    make_client(practice, colleague, name="Cole Colleagues")
    make_client(practice, practitioner, name="Pia Paused", status=Status.PAUSED)
    browser = login(owner)

    assert "Tess Tagged" not in browser.post("/clients/", {"status": "paused"}).content.decode()
    assert "Pia Paused" in browser.post("/clients/", {"status": "paused"}).content.decode()
    by_practitioner = browser.post(
        "/clients/", {"status": "", "practitioner": colleague.pk}
    ).content.decode()
    assert "Cole Colleagues" in by_practitioner and "Tess Tagged" not in by_practitioner
    by_tag = browser.post("/clients/", {"status": "", "tag": tag.pk}).content.decode()
    assert "Tess Tagged" in by_tag and "Cole Colleagues" not in by_tag


@pytest.mark.django_db
def test_it_returns_only_the_results_to_htmx(login, practitioner, client_record) -> None:
    response = login(practitioner).post("/clients/", {"q": "Quinn"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="client-results"')
    assert "<html" not in page


@pytest.mark.django_db
def test_it_paginates(login, practitioner, practice) -> None:
    Client.objects.bulk_create(
        [
            Client(practice=practice, name=f"Many {i:03}", assigned_practitioner=practitioner)
            for i in range(60)
        ]
    )
    browser = login(practitioner)
    first = browser.get("/clients/").content.decode()
    assert "Many 000" in first and "Many 025" not in first and "Page 1 of 3" in first
    third = browser.post("/clients/", {"status": "active", "page": 3}).content.decode()
    assert "Many 059" in third and "Many 000" not in third


@pytest.mark.django_db
def test_it_ignores_filters_it_cannot_read(
    login, practitioner, client_record, other_practice
) -> None:
    foreign_tag = Tag.objects.create(practice=other_practice, name="x")
    response = login(practitioner).post(
        "/clients/", {"tag": foreign_tag.pk, "page": "abc", "status": "nonsense"}
    )
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()


@pytest.mark.django_db
def test_it_rejects_a_search_that_is_too_long(login, practitioner, client_record) -> None:
    response = login(practitioner).post("/clients/", {"q": "x" * 101})
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()


@pytest.mark.django_db
def test_it_validates_ownership(login, outsider, colleague, client_record) -> None:
    for user in (outsider, colleague):
        page = login(user).post("/clients/", {"q": "Quinn", "status": ""}).content.decode()
        assert "Quinn Example" not in page


@pytest.mark.django_db
def test_it_audits_the_clients_shown(login, practitioner, client_record) -> None:
    login(practitioner).get("/clients/")
    event = AuditEvent.objects.get(actor=practitioner, object_type="clients.client")
    assert event.object_ids == [client_record.pk]


@pytest.mark.django_db
def test_it_runs_a_bounded_number_of_queries(login, practitioner, practice) -> None:
    browser = login(practitioner)

    def add(count: int, start: int) -> None:
        clients = Client.objects.bulk_create(
            [
                Client(practice=practice, name=f"C{start + i}", assigned_practitioner=practitioner)
                for i in range(count)
            ]
        )
        tag = Tag.objects.create(practice=practice, name=f"t{start}")
        tag.clients.add(*clients[:30])

    add(10, 0)
    with CaptureQueriesContext(connection) as small:
        browser.get("/clients/")
    add(10_000, 10)
    with CaptureQueriesContext(connection) as large:
        browser.get("/clients/")
    assert len(small) == len(large) <= 12
