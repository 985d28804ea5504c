"""Builders for tests: real rows in the real database, nothing mocked.

practice = make_practice()
practitioner = make_member(practice, Role.PRACTITIONER)
client = make_client(practice, practitioner, consented=True)
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from somatrace.accounts.models import Membership, Practice, Role, User
from somatrace.clients.models import Client, ConsentForm, ConsentRecord
from somatrace.therapy.models import Session

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
    fields.setdefault("practitioner", client.assigned_practitioner)
    fields.setdefault("starts_at", timezone.now() - timedelta(days=days_ago))
    return Session.objects.create(practice_id=client.practice_id, client=client, **fields)
