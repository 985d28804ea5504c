"""Journal entries: private by default, the client's alone to write and share, stored once
per key."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.payload import PayloadError
from somatrace.journal import services
from somatrace.journal.entry import validate_entry
from somatrace.journal.models import JournalEntry
from somatrace.journal.testing import entry_payload, make_entry
from somatrace.journal.tests.helpers import client_actor
from somatrace.testing import make_client, staff_actor, system_actor

pytestmark = pytest.mark.django_db


def clean(client, **fields):
    return validate_entry(entry_payload(**fields), services.emotion_labels(client.practice_id))


def test_a_new_entry_is_private_unless_the_client_shares_it(client_record) -> None:
    stored = services.create_entry(client_actor(client_record), client_record, clean(client_record))
    assert stored.created
    assert stored.entry.shared is False
    assert stored.entry.shared_at is None


def test_a_private_entry_is_never_shown_to_staff(
    client_record, practitioner, owner, assistant
) -> None:
    private = make_entry(client_record, shared=False)
    shared = make_entry(client_record, shared=True)
    for user in (practitioner, owner):
        visible = set(
            JournalEntry.objects.visible_to(staff_actor(user)).values_list("pk", flat=True)
        )
        assert visible == {shared.pk}
    # Assistants see no clinical record at all; the system (exports, tasks) only shared ones.
    assert not JournalEntry.objects.visible_to(staff_actor(assistant)).exists()
    assert list(JournalEntry.objects.visible_to(system_actor(client_record.practice))) == [shared]
    assert private.pk not in JournalEntry.objects.visible_to(None).values_list("pk", flat=True)


def test_the_client_sees_all_their_own_entries_and_nobody_elses(
    practice, practitioner, client_record
) -> None:
    mine = {make_entry(client_record).pk, make_entry(client_record, shared=True).pk}
    other = make_client(practice, practitioner)
    make_entry(other, shared=True)
    seen = set(
        JournalEntry.objects.visible_to(client_actor(client_record)).values_list("pk", flat=True)
    )
    assert seen == mine


def test_a_colleague_does_not_see_even_a_shared_entry(client_record, colleague) -> None:
    make_entry(client_record, shared=True)
    assert not JournalEntry.objects.visible_to(staff_actor(colleague)).exists()


def test_an_entry_sent_twice_with_the_same_key_is_stored_once(client_record) -> None:
    actor = client_actor(client_record)
    key = str(uuid.uuid4())
    first = services.create_entry(actor, client_record, clean(client_record, key=key))
    again = services.create_entry(
        actor, client_record, clean(client_record, key=key, words="Sent again")
    )
    assert first.created and not again.created
    assert again.entry.pk == first.entry.pk
    assert again.entry.words == "Tight chest after the phone call."
    assert JournalEntry.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="journal.journalentry").count() == 1


def test_the_same_key_from_another_client_is_their_own_entry(
    practice, practitioner, client_record
) -> None:
    other = make_client(practice, practitioner)
    key = str(uuid.uuid4())
    mine = services.create_entry(
        client_actor(client_record), client_record, clean(client_record, key=key)
    )
    theirs = services.create_entry(client_actor(other), other, clean(other, key=key))
    assert theirs.created
    assert theirs.entry.pk != mine.entry.pk
    assert theirs.entry.client_id == other.pk


def test_only_the_client_writes_and_shares_their_entries(
    practice, practitioner, client_record
) -> None:
    entry = make_entry(client_record)
    other = make_client(practice, practitioner)
    for actor in (staff_actor(practitioner), client_actor(other), system_actor(practice)):
        with pytest.raises(PermissionDenied):
            services.create_entry(actor, client_record, clean(client_record))
        with pytest.raises(PermissionDenied):
            services.set_shared(actor, entry, True)
        with pytest.raises(PermissionDenied):
            services.edit_entry(actor, entry, clean(client_record))
    entry.refresh_from_db()
    assert entry.shared is False


def test_sharing_and_taking_back_are_audited(client_record, practitioner) -> None:
    actor = client_actor(client_record)
    entry = make_entry(client_record)
    services.set_shared(actor, entry, True)
    assert JournalEntry.objects.visible_to(staff_actor(practitioner)).filter(pk=entry.pk).exists()
    services.set_shared(actor, entry, False)
    assert not JournalEntry.objects.visible_to(staff_actor(practitioner)).exists()
    rows = AuditEvent.objects.filter(object_type="journal.journalentry", object_id=entry.pk)
    assert rows.count() == 2


def test_the_client_edits_their_words_and_map(client_record) -> None:
    actor = client_actor(client_record)
    entry = services.create_entry(actor, client_record, clean(client_record)).entry
    edited = services.edit_entry(actor, entry, clean(client_record, words="Softer now"))
    assert edited.words == "Softer now"
    assert edited.shared is False


def test_emotions_are_words_of_the_practice_with_an_intensity_from_0_to_10(client_record) -> None:
    labels = services.emotion_labels(client_record.practice_id)
    ok = validate_entry(
        entry_payload(
            emotions=[{"code": "sadness", "intensity": 0}, {"code": "joy", "intensity": 10}]
        ),
        labels,
    )
    assert ok.emotions == [{"code": "sadness", "intensity": 0}, {"code": "joy", "intensity": 10}]
    for bad in (
        [{"code": "sadness", "intensity": 11}],
        [{"code": "sadness", "intensity": -1}],
        [{"code": "not-a-word", "intensity": 3}],
        [{"code": "sadness", "intensity": 2}, {"code": "sadness", "intensity": 3}],
        [{"code": "sadness", "intensity": "5"}],
    ):
        with pytest.raises(PayloadError):
            validate_entry(entry_payload(emotions=bad), labels)


def test_an_entry_without_a_valid_key_is_refused(client_record) -> None:
    labels = services.emotion_labels(client_record.practice_id)
    missing = entry_payload()
    del missing["key"]
    for payload in (entry_payload(key="not-a-uuid"), entry_payload(key="12"), missing):
        with pytest.raises(PayloadError):
            validate_entry(payload, labels)
