"""Cancelling a pending questionnaire and stopping a schedule."""

from __future__ import annotations

import pytest

from somatrace.measures.models import Status
from somatrace.measures.services import create_link
from somatrace.measures.testing import make_administration, make_assignment
from somatrace.testing import staff_actor


def test_cancel_kills_its_links(client, login, practitioner, client_record) -> None:
    pending = make_administration(client_record)
    token = create_link(staff_actor(practitioner), pending)
    response = login(practitioner).post(f"/measures/administrations/{pending.pk}/cancel/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.CANCELLED
    client.logout()
    assert client.get(f"/q/{token}/").status_code == 404


def test_stop_a_schedule(login, practitioner, client_record) -> None:
    assignment = make_assignment(client_record, schedule="every_n_weeks", n=2)
    assert (
        login(practitioner).post(f"/measures/assignments/{assignment.pk}/stop/").status_code == 302
    )
    assignment.refresh_from_db()
    assert assignment.active is False


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_cancel_and_stop_validate_ownership(request, login, client_record, who) -> None:
    pending = make_administration(client_record)
    assignment = make_assignment(client_record)
    browser = login(request.getfixturevalue(who))
    assert browser.post(f"/measures/administrations/{pending.pk}/cancel/").status_code in (403, 404)
    assert browser.post(f"/measures/assignments/{assignment.pk}/stop/").status_code in (403, 404)
    pending.refresh_from_db()
    assignment.refresh_from_db()
    assert pending.status == Status.PENDING and assignment.active
