"""Builders for tests: real rows in the real database, nothing mocked.

practice = make_practice()
practitioner = make_member(practice, Role.PRACTITIONER)
client = make_client(practice, practitioner, consented=True)
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from somatrace.accounts.models import ClientAccount, Membership, Practice, Role, User
from somatrace.alerts.services import raise_alert
from somatrace.clients.models import Client, ConsentForm, ConsentRecord
from somatrace.core import panels
from somatrace.core.actor import Actor
from somatrace.therapy.models import NOTE_FIELDS, Note, Session

PASSWORD = "a-long-test-password"  # noqa: S105

_numbers = itertools.count(1)


def make_practice(name: str | None = None, **fields: Any) -> Practice:
    return Practice.objects.create(name=name or f"Practice {next(_numbers)}", **fields)


def make_member(
    practice: Practice, role: str = Role.PRACTITIONER, *, name: str | None = None, **membership: Any
) -> User:
    number = next(_numbers)
    user = User.objects.create_user(
        f"person{number}@example.test", PASSWORD, full_name=name or f"Person {number}"
    )
    Membership.objects.create(user=user, practice=practice, role=role, **membership)
    return user


def make_consent_form(practice: Practice, body: str = "We agree to gentle work.") -> ConsentForm:
    latest = ConsentForm.objects.filter(practice=practice).order_by("-version").first()
    return ConsentForm.objects.create(
        practice=practice,
        version=(latest.version + 1) if latest else 1,
        title="Consent",
        body=body,
    )


def make_client(
    practice: Practice, practitioner: User, *, consented: bool = False, **fields: Any
) -> Client:
    fields.setdefault("name", f"Client Number{next(_numbers)}")
    client = Client.objects.create(practice=practice, assigned_practitioner=practitioner, **fields)
    if consented:
        form = ConsentForm.current_for(practice.pk) or make_consent_form(practice)
        ConsentRecord.objects.create(
            client=client, form=form, signed_name=client.name, recorded_by=practitioner
        )
    return client


def make_session(client: Client, *, days_ago: int = 1, **fields: Any) -> Session:
    """A session with its note; note fields (subjective, ...) go to the note."""
    text = {name: fields.pop(name) for name in NOTE_FIELDS if name in fields}
    fields.setdefault("practitioner", client.assigned_practitioner)
    fields.setdefault("starts_at", timezone.now() - timedelta(days=days_ago))
    session = Session.objects.create(practice_id=client.practice_id, client=client, **fields)
    Note.objects.create(session=session, **text)
    return session


def make_totp_device(user: User, *, name: str = "Phone") -> TOTPDevice:
    """A confirmed authenticator app; its secret is `device.key` (hex, RFC 6238 SHA-1, 30 s)."""
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def make_recovery_codes(user: User, codes: list[str]) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return device


def staff_actor(user: User) -> Actor:
    """The actor a view would build for this member (for tests that call services)."""
    return Actor.staff(Membership.objects.select_related("user").get(user=user))


def system_actor(practice: Practice | int) -> Actor:
    """The system acting for a practice (what a background task would use)."""
    return Actor.system(practice if isinstance(practice, int) else practice.pk, "test")


def make_alert(client: Client, kind: str = "test.alert", title: str = "Test alert") -> Any:
    """An open safety alert, raised as a background check would raise it."""
    return raise_alert(system_actor(client.practice_id), client, kind, title)


def render_app_panels(app: str, page: str, who: User | Actor, obj: Any) -> str:
    """The HTML of one app's panels on a page (core/panels.py), as a member would see them.

    who: the member (their actor is looked up: one query) or their actor (no query)."""
    if isinstance(who, Actor):
        actor: Actor | None = who
    else:
        membership = Membership.objects.select_related("user").filter(user=who).first()
        actor = Actor.staff(membership) if membership else None
    if actor is None:
        return ""
    request = RequestFactory().get("/")
    request.user = actor.user
    html = []
    for panel in panels.registered(page):
        if panel.template.startswith(f"{app}/"):
            data = panel.build(actor, obj)
            if data is not None:
                html.append(render_to_string(panel.template, data.context, request=request))
    return "".join(html)


def make_client_account(client: Client, email: str | None = None, password: str = PASSWORD) -> User:
    """A portal account for `client`: a User with no Membership, signed in with `password`."""
    user = User.objects.create_user(
        email or f"client{next(_numbers)}@example.test", password, full_name=client.name
    )
    ClientAccount.objects.create(user=user, practice_id=client.practice_id, client=client)
    return user
