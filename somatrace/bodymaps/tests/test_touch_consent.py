"""Touch-consent page: versioned maps, list alternative, ownership."""

from __future__ import annotations

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import TouchConsentMap


def test_saving_creates_a_new_version_each_time(login, practitioner, client_record) -> None:
    browser = login(practitioner)
    url = f"/bodymaps/clients/{client_record.pk}/touch-consent/"
    assert browser.get(url).status_code == 200
    assert (
        browser.post(url, {"touch_f_foot_l": "not_welcome", "touch_z_jaw": "welcome"}).status_code
        == 302
    )
    assert browser.post(url, {"touch_f_foot_l": "welcome"}).status_code == 302
    maps = list(TouchConsentMap.objects.order_by("version"))
    assert [m.version for m in maps] == [1, 2]
    assert maps[0].regions == {"f_foot_l": "not_welcome", "z_jaw": "welcome"}  # unchanged
    assert maps[1].regions == {"f_foot_l": "welcome"}
    response = browser.get(url)
    assert "Version 2" in response.content.decode()
    assert (
        AuditEvent.objects.filter(action="create", object_type="clients.touchconsentmap").count()
        == 2
    )


def test_unknown_values_are_refused(login, practitioner, client_record) -> None:
    url = f"/bodymaps/clients/{client_record.pk}/touch-consent/"
    browser = login(practitioner)
    assert browser.post(url, {"touch_f_foot_l": "maybe"}).status_code == 400
    assert browser.post(url, {}).status_code == 400
    assert not TouchConsentMap.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "assistant"])
def test_it_validates_ownership(request, login, client_record, who) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    url = f"/bodymaps/clients/{client_record.pk}/touch-consent/"
    assert browser.get(url).status_code in (403, 404)
    assert browser.post(url, {"touch_f_foot_l": "welcome"}).status_code in (403, 404)
    assert not TouchConsentMap.objects.exists()
    assert not AuditEvent.objects.filter(actor=user, client_id=client_record.pk).exists()
