"""One administration: its answers and score, for the practitioner."""

from __future__ import annotations

import pytest

from somatrace.audit.models import Action, AuditEvent
from somatrace.measures.testing import make_administration


def test_shows_answers_score_and_licence(login, practitioner, client_record) -> None:
    who5 = make_administration(client_record, "WHO5", answers=[3, 3, 2, 2, 3])
    response = login(practitioner).get(f"/measures/administrations/{who5.pk}/")
    assert response.status_code == 200
    # 3+3+2+2+3 = 13 -> 52 %
    assert b"<strong>13</strong>" in response.content
    assert b"Percentage (raw" in response.content and b"<dd>52</dd>" in response.content
    assert b"CC BY-NC-SA 3.0 IGO" in response.content
    assert AuditEvent.objects.filter(
        actor=practitioner, action=Action.READ, client_id=client_record.pk
    ).exists()


def test_pcl5_shows_the_dsm5_rule(login, practitioner, client_record) -> None:
    pcl = make_administration(client_record, "PCL5", answers=[2] * 20)
    response = login(practitioner).get(f"/measures/administrations/{pcl.pk}/")
    assert b"Met (provisional PTSD)" in response.content


def test_pending_shows_the_ways_to_complete_it(login, practitioner, client_record) -> None:
    pending = make_administration(client_record, "PHQ9")
    response = login(practitioner).get(f"/measures/administrations/{pending.pk}/")
    assert b"Start kiosk" in response.content and b"Enter from paper" in response.content


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_validates_ownership(request, login, client_record, who) -> None:
    user = request.getfixturevalue(who)
    done = make_administration(client_record, "PHQ9", answers=[1] * 9)
    response = login(user).get(f"/measures/administrations/{done.pk}/")
    assert response.status_code in (403, 404)
    assert client_record.name.encode() not in response.content
    assert not AuditEvent.objects.filter(actor=user).exists()


def test_owner_sees_it(login, owner, client_record) -> None:
    done = make_administration(client_record, "PHQ9", answers=[1] * 9)
    assert login(owner).get(f"/measures/administrations/{done.pk}/").status_code == 200
