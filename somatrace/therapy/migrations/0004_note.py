# The clinical note moves out of the session into its own record (ready for encryption at
# rest, and never loaded by a page that lists sessions). Amendments become versions of the
# note. Each session's note keeps the session's id.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

NOTE_FIELDS = ("subjective", "objective", "assessment", "plan")


def notes_from_sessions(apps, schema_editor):
    Session = apps.get_model("therapy", "Session")
    Note = apps.get_model("therapy", "Note")
    rows = Session.objects.values_list("pk", *NOTE_FIELDS).iterator(chunk_size=2000)
    batch = []
    for pk, *text in rows:
        batch.append(Note(session_id=pk, **dict(zip(NOTE_FIELDS, text, strict=True))))
        if len(batch) == 2000:
            Note.objects.bulk_create(batch)
            batch = []
    Note.objects.bulk_create(batch)
    NoteAmendment = apps.get_model("therapy", "NoteAmendment")
    NoteAmendment.objects.update(note_id=models.F("session_id"))


def sessions_from_notes(apps, schema_editor):
    Session = apps.get_model("therapy", "Session")
    Note = apps.get_model("therapy", "Note")
    for note in Note.objects.iterator(chunk_size=2000):
        Session.objects.filter(pk=note.session_id).update(
            **{name: getattr(note, name) for name in NOTE_FIELDS}
        )
    NoteAmendment = apps.get_model("therapy", "NoteAmendment")
    NoteAmendment.objects.update(session_id=models.F("note_id"))


def note_field(label):
    return models.TextField(
        blank=True,
        validators=[django.core.validators.MaxLengthValidator(10000)],
        verbose_name=label,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('therapy', '0003_region_work'),
    ]

    operations = [
        migrations.CreateModel(
            name='Note',
            fields=[
                ('session', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='note', serialize=False, to='therapy.session')),
                ('subjective', note_field('subjective')),
                ('objective', note_field('objective')),
                ('assessment', note_field('assessment')),
                ('plan', note_field('plan')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.AddField(
            model_name='noteamendment',
            name='note',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='amendments', to='therapy.note'),
        ),
        migrations.AlterField(
            model_name='noteamendment',
            name='session',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='therapy.session'),
        ),
        migrations.RunPython(notes_from_sessions, sessions_from_notes),
        migrations.RemoveField(model_name='noteamendment', name='session'),
        migrations.AlterField(
            model_name='noteamendment',
            name='note',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='amendments', to='therapy.note'),
        ),
        migrations.RemoveField(model_name='session', name='subjective'),
        migrations.RemoveField(model_name='session', name='objective'),
        migrations.RemoveField(model_name='session', name='assessment'),
        migrations.RemoveField(model_name='session', name='plan'),
    ]
