"""Who may open the portal: a client with their own account, and nobody else; and a client
reaches nothing of the staff side."""

from __future__ import annotations

from typing import Any

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.testing import PASSWORD, make_client, make_client_account


@pytest.fixture
def account(client_record: Any) -> Any:
    return make_client_account(client_record, email="quinn@example.test")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_portal_sign_in(client) -> None:
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response.url == "/portal/login/?next=/portal/"


@pytest.mark.django_db
def test_a_client_sees_their_own_home_and_one_audit_row_names_them(
    client, portal_login, account, client_record
) -> None:
    browser = portal_login(client, account)
    before = AuditEvent.objects.count()
    response = browser.get("/portal/")
    assert response.status_code == 200
    assert b"Hello, Quinn Example" in response.content
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert [(r.action, r.actor_kind, r.channel, r.client_id, r.actor_id) for r in rows] == [
        ("read", "client", "portal", client_record.pk, None)
    ]
    assert rows[0].actor_ref == f"client:{account.client_account.pk}"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["practitioner", "owner", "assistant"])
def test_a_staff_login_never_opens_the_portal(request, login, client_record, who) -> None:
    browser = login(request.getfixturevalue(who))
    response = browser.get("/portal/")
    assert response.status_code == 403
    assert client_record.name.encode() not in response.content


@pytest.mark.django_db
def test_a_client_reaches_no_staff_page(client, portal_login, account, client_record) -> None:
    browser = portal_login(client, account)
    for url in (
        "/clients/",
        f"/clients/{client_record.pk}/",
        f"/clients/{client_record.pk}/intake/",
        "/practice/",
        "/practice/audit/",
        "/account/security/",
        "/account/tokens/",
        "/password/change/",
    ):
        for method in (browser.get, browser.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), (url, response.status_code)
            assert b"Quinn Example" not in response.content, url


@pytest.mark.django_db
def test_the_staff_dashboard_and_login_send_a_client_to_their_portal(
    client, portal_login, account
) -> None:
    browser = portal_login(client, account)
    assert browser.get("/").url == "/portal/"
    assert browser.get("/login/").url == "/portal/"


@pytest.mark.django_db
def test_a_client_signs_in_with_their_password(client, account) -> None:
    response = client.post(
        "/portal/login/", {"username": "Quinn@Example.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/portal/"
    assert client.get("/portal/").status_code == 200


@pytest.mark.django_db
def test_a_staff_account_cannot_sign_in_to_the_portal(client, practitioner) -> None:
    response = client.post("/portal/login/", {"username": practitioner.email, "password": PASSWORD})
    assert response.status_code == 200
    assert b"Please enter a correct" in response.content
    assert client.get("/portal/").status_code == 302


@pytest.mark.django_db
def test_another_client_of_the_practice_sees_only_themselves(
    client, portal_login, practice, practitioner, client_record
) -> None:
    other = make_client(practice, practitioner, name="Robin Other")
    browser = portal_login(client, make_client_account(other))
    response = browser.get("/portal/")
    assert b"Robin Other" in response.content
    assert b"Quinn Example" not in response.content


@pytest.mark.django_db
def test_the_portal_is_installable_with_a_manifest_and_a_service_worker(client) -> None:
    manifest = client.get("/portal/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert (data["start_url"], data["scope"], data["display"]) == (
        "/portal/",
        "/portal/",
        "standalone",
    )
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200
    worker = client.get("/portal/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/portal/"
    body = worker.content.decode()
    assert '"/portal/offline/"' in body
    assert "/static/css/portal.css" in body
    assert client.get("/portal/offline/").status_code == 200


@pytest.mark.django_db
def test_the_offline_page_names_neither_the_client_nor_the_practice(
    client, portal_login, account, practice
) -> None:
    page = portal_login(client, account).get("/portal/offline/")
    assert page.status_code == 200
    assert b"Quinn" not in page.content
    assert practice.name.encode() not in page.content
