"""The migration that moves the note out of the session keeps every word, both ways."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("therapy", "0003_region_work")]
AFTER = [("therapy", "0004_note")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_notes_and_amendments_survive_the_move_to_their_own_table() -> None:
    try:
        old = migrate(BEFORE)
        Practice = old.get_model("accounts", "Practice")
        User = old.get_model("accounts", "User")
        Client = old.get_model("clients", "Client")
        Session = old.get_model("therapy", "Session")
        Amendment = old.get_model("therapy", "NoteAmendment")
        practice = Practice.objects.create(name="Before")
        user = User.objects.create(email="p@before.test", full_name="P")
        client = Client.objects.create(practice=practice, name="C", assigned_practitioner=user)
        signed = Session.objects.create(
            practice=practice,
            client=client,
            practitioner=user,
            starts_at=timezone.now(),
            subjective="Tight chest",
            plan="Weekly",
            signed_at=timezone.now(),
            signed_by=user,
        )
        empty = Session.objects.create(
            practice=practice, client=client, practitioner=user, starts_at=timezone.now()
        )
        Amendment.objects.create(session=signed, author=user, reason="typo", plan="Fortnightly")

        new = migrate(AFTER)
        Note = new.get_model("therapy", "Note")
        Amendment = new.get_model("therapy", "NoteAmendment")
        note = Note.objects.get(session_id=signed.pk)
        assert (note.subjective, note.objective, note.plan) == ("Tight chest", "", "Weekly")
        assert Note.objects.filter(session_id=empty.pk).exists()
        amendment = Amendment.objects.get()
        assert (amendment.note_id, amendment.plan) == (signed.pk, "Fortnightly")

        back = migrate(BEFORE)
        Session = back.get_model("therapy", "Session")
        Amendment = back.get_model("therapy", "NoteAmendment")
        assert Session.objects.get(pk=signed.pk).subjective == "Tight chest"
        assert Amendment.objects.get().session_id == signed.pk
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
