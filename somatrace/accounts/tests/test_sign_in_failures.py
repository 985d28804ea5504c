"""The owner sees failed sign-ins of the practice's people on the Team page and can lift a
lockout early (views.team, views.member_lift_lockout, services.failed_sign_ins)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog
from django.test import Client
from django.utils import timezone

from somatrace.accounts.services import forget_old_sign_in_failures
from somatrace.audit.models import AuditEvent
from somatrace.testing import PASSWORD, make_member

pytestmark = pytest.mark.django_db


def sign_in(email: str, password: str, address: str = "192.0.2.1") -> int:
    """The login form from a fresh browser: 302 signed in, 200 refused, 429 locked out."""
    form = {"username": email, "password": password}
    return Client().post("/login/", form, REMOTE_ADDR=address).status_code


def test_the_owner_sees_wrong_passwords_and_a_lockout_and_lifts_it(
    login, owner, practitioner
) -> None:
    assert [sign_in(practitioner.email.upper(), "wrong") for _ in range(5)][-1] == 429
    assert sign_in(practitioner.email, PASSWORD) == 429

    browser = login(owner)
    html = browser.get("/practice/team/").content.decode()
    section = html.split('id="failures-heading"', 1)[1].split("</section>", 1)[0]
    assert "Pat Practitioner" in section
    # Five wrong passwords, then the right one refused by the lockout: six refused.
    assert "6 refused" in section and "from 192.0.2.1" in section
    assert "locked out" in section and "Let them try again" in section

    membership = practitioner.membership
    lifted = browser.post(f"/practice/team/{membership.pk}/lift-lockout/")
    assert lifted.status_code == 302
    assert sign_in(practitioner.email, PASSWORD) == 302
    row = AuditEvent.objects.filter(object_type="accounts.membership").latest("id")
    assert (row.action, row.object_id, row.fields) == ("access", membership.pk, ["sign_in_lockout"])
    # The failures stay listed for the month; the lockout is gone.
    after = browser.get("/practice/team/").content.decode()
    assert "6 refused" in after and "Let them try again" not in after


def test_a_quiet_month_says_so(login, owner) -> None:
    html = login(owner).get("/practice/team/").content.decode()
    assert "No refused sign-ins in the last 30 days." in html


def test_it_validates_ownership(login, owner, practitioner, outsider, other_practice) -> None:
    for _ in range(5):
        sign_in(practitioner.email, "wrong")
    sign_in("nobody@example.test", "wrong")
    theirs = make_member(other_practice, role="owner", name="Olive Otherowner")
    elsewhere = login(theirs).get("/practice/team/").content.decode()
    assert "Pat Practitioner" not in elsewhere and "5 refused" not in elsewhere
    refused = login(theirs).post(f"/practice/team/{practitioner.membership.pk}/lift-lockout/")
    assert refused.status_code == 404
    assert sign_in(practitioner.email, PASSWORD) == 429  # still locked
    assert login(practitioner).get("/practice/team/").status_code == 403
    assert login(practitioner).post(
        f"/practice/team/{practitioner.membership.pk}/lift-lockout/"
    ).status_code in (403, 405)
    ours = login(owner).get("/practice/team/").content.decode()
    assert "nobody@example.test" not in ours  # an address that is not one of ours


def test_failures_older_than_90_days_are_forgotten() -> None:
    now = timezone.now()
    for days in (10, 89, 91, 200):
        row = AccessFailureLog.objects.create(
            username="someone@example.test", ip_address="192.0.2.9", user_agent="", path_info=""
        )
        AccessFailureLog.objects.filter(pk=row.pk).update(attempt_time=now - timedelta(days=days))
    assert forget_old_sign_in_failures(now) == 2
    kept = AccessFailureLog.objects.values_list("attempt_time", flat=True)
    assert sorted((now - t).days for t in kept) == [10, 89]


def test_the_member_page_has_a_plain_title(login, owner, practitioner) -> None:
    html = login(owner).get(f"/practice/team/{practitioner.membership.pk}/").content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Change access") and "<" not in title
    assert '<main id="main" class="page-narrow"' in html
