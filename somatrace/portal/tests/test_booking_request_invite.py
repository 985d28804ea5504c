"""Answering a public booking request with an invitation to the portal (portal/views.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from somatrace.accounts.models import PortalToken
from somatrace.clients.models import Client
from somatrace.mail.models import OutgoingEmail
from somatrace.scheduling.models import BookingRequest, RequestStatus

pytestmark = pytest.mark.django_db


def make_request(practice, email: str = "sam@example.org") -> BookingRequest:
    return BookingRequest.objects.create(practice=practice, name="Sam Newcomer", email=email)


def test_inviting_makes_the_client_and_emails_the_invitation(login, practitioner, practice):
    request = make_request(practice)
    response = login(practitioner).post(reverse("booking_request_invite", args=[request.pk]))
    client = Client.objects.get(name="Sam Newcomer")
    assert response.status_code == 302
    assert response.url == reverse("client_detail", args=[client.pk])
    assert client.assigned_practitioner_id == practitioner.pk and client.email == "sam@example.org"
    request.refresh_from_db()
    assert (request.status, request.client_id) == (RequestStatus.INVITED, client.pk)
    assert PortalToken.objects.filter(client=client).count() == 1
    email = OutgoingEmail.objects.get(kind="invitation")
    assert email.to == "sam@example.org"


def test_a_request_is_answered_once(login, practitioner, practice):
    request = make_request(practice)
    browser = login(practitioner)
    browser.post(reverse("booking_request_invite", args=[request.pk]))
    response = browser.post(reverse("booking_request_invite", args=[request.pk]), follow=True)
    assert b"answered already" in response.content
    assert Client.objects.filter(name="Sam Newcomer").count() == 1


def test_other_practices_and_assistants_cannot_invite(login, outsider, assistant, practice):
    request = make_request(practice)
    for user in (outsider, assistant):
        response = login(user).post(reverse("booking_request_invite", args=[request.pk]))
        assert response.status_code in (403, 404)
        assert b"Sam Newcomer" not in response.content
    assert not Client.objects.filter(name="Sam Newcomer").exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW
