"""A safety alert reaches a person: its practitioner and the owners get an email with a link
and nothing else; the alert page shows what raised it."""

from __future__ import annotations

import pytest

from somatrace.accounts.models import Role
from somatrace.alerts.models import Alert
from somatrace.clients.screening import SCREEN_ITEMS
from somatrace.clients.services import save_intake
from somatrace.mail.models import OutgoingEmail
from somatrace.mail.testing import deliver_queued_mail
from somatrace.measures.services import record_answers
from somatrace.measures.testing import link_holder, make_administration, phq9_answers
from somatrace.testing import make_member, staff_actor

pytestmark = pytest.mark.django_db


def _phq9_item9(client, total=14, item9=2):
    administration = make_administration(client, "PHQ9")
    record_answers(link_holder(administration), administration, phq9_answers(total, item9), "link")
    return Alert.objects.get(client=client, kind="phq9.item9")


def test_a_phq9_item9_answer_emails_the_practitioner_and_the_owner_a_bare_link(
    client_record, practitioner, owner, colleague, assistant, smtp_server, settings
):
    settings.SOMATRACE_BASE_URL = "https://care.example.org"

    alert = _phq9_item9(client_record)

    assert deliver_queued_mail() == 2
    messages = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in messages) == sorted([practitioner.email, owner.email])
    for message in messages:
        assert message["Subject"] == "A safety alert needs your attention"
        body = message.get_body(("plain",)).get_content()
        assert f"https://care.example.org/alerts/{alert.pk}/" in body
        for identifying in ("Quinn", "Example", "PHQ", "14", "item 9", "Several days"):
            assert identifying not in body.replace(f"/alerts/{alert.pk}/", "")
        assert "Quinn" not in message["Subject"]


def test_an_alert_raised_twice_emails_each_person_once(
    client_record, practitioner, owner, smtp_server
):
    _phq9_item9(client_record)
    _phq9_item9(client_record, item9=3)  # the same alert is still open

    assert deliver_queued_mail() == 2
    assert OutgoingEmail.objects.filter(kind="alert").count() == 2


def test_a_practitioner_who_is_also_an_owner_gets_one_email(client_record, practice, smtp_server):
    both = make_member(practice, Role.OWNER, name="Sole Trader")
    client_record.assigned_practitioner = both
    client_record.save()

    _phq9_item9(client_record)

    assert [e.to for e in OutgoingEmail.objects.filter(kind="alert")] == [both.email]


def test_the_alert_page_shows_the_answer_that_raised_it(login, client_record, practitioner):
    alert = _phq9_item9(client_record, item9=2)

    page = login(practitioner).get(f"/alerts/{alert.pk}/").content.decode()

    assert "What raised it" in page
    assert "PHQ-9" in page and "Secure link" in page
    # PHQ-9 item 9, answered 2 = "More than half the days" (Kroenke et al. 2001 wording).
    assert "Item 9: Thoughts that you would be better off dead" in page
    assert "More than half the days (2)" in page


def test_an_intake_safety_answer_shows_on_its_alert_page(login, client_record, practitioner):
    screen = {item.code: item.code == "suicidal_thoughts" for item in SCREEN_ITEMS}
    save_intake(staff_actor(practitioner), client_record, {}, screen)
    alert = Alert.objects.get(client=client_record, kind="intake.suicidal_thoughts")

    page = login(practitioner).get(f"/alerts/{alert.pk}/").content.decode()

    assert "Intake safety screen" in page
    assert "<dt>Current thoughts of suicide or of harming oneself</dt><dd>Yes</dd>" in page
