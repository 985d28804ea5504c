"""What of their progress a client sees: the practitioner's choice, off by default, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import ProgressSharing
from somatrace.clients.services import set_progress_sharing
from somatrace.core.actor import Actor, ActorKind, Channel
from somatrace.testing import staff_actor

pytestmark = pytest.mark.django_db


def test_nothing_is_shared_until_the_practitioner_turns_it_on(client_record) -> None:
    assert ProgressSharing.shared_with(client_record.pk) == frozenset()


def test_the_practitioner_turns_kinds_on_and_off_and_each_change_is_audited(
    practitioner, client_record
) -> None:
    actor = staff_actor(practitioner)
    set_progress_sharing(actor, client_record, ratings=True, scores=True, bodymaps=False)
    assert ProgressSharing.shared_with(client_record.pk) == {"ratings", "scores"}
    set_progress_sharing(actor, client_record, ratings=True, scores=False, bodymaps=True)
    assert ProgressSharing.shared_with(client_record.pk) == {"ratings", "bodymaps"}
    set_progress_sharing(actor, client_record, ratings=True, scores=False, bodymaps=True)
    rows = list(AuditEvent.objects.filter(object_type="clients.progresssharing").order_by("id"))
    assert [(r.action, r.fields) for r in rows] == [
        ("access", ["ratings", "scores"]),
        ("access", ["bodymaps", "scores"]),
    ]
    assert {r.client_id for r in rows} == {client_record.pk}
    assert ProgressSharing.objects.get().updated_by == practitioner


@pytest.mark.parametrize("who", ["colleague", "assistant", "outsider"])
def test_only_the_clients_practitioners_choose(request, client_record, who) -> None:
    actor = staff_actor(request.getfixturevalue(who))
    with pytest.raises(PermissionDenied):
        set_progress_sharing(actor, client_record, ratings=True, scores=True, bodymaps=True)
    assert not ProgressSharing.objects.exists()


def test_the_client_cannot_share_with_themselves(client_record) -> None:
    with pytest.raises(PermissionDenied):
        set_progress_sharing(
            Actor(
                kind=ActorKind.CLIENT,
                practice_id=client_record.practice_id,
                channel=Channel.PORTAL,
                client_id=client_record.pk,
            ),
            client_record,
            ratings=True,
            scores=True,
            bodymaps=True,
        )
