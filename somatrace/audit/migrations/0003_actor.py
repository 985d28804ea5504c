"""Every audit row names its actor's kind and channel, and a page's row the other records it
showed. Rows written before this by a link holder or a command get their kind; a secret link
token that an old row's path carries is replaced by a short, non-reversible reference."""

import hashlib
import re

from django.db import migrations, models


SECRET_IN_PATH = re.compile(r"^(/q/)([^/]+)(/.*)$")

SQLITE_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def _reference(token):
    return hashlib.sha256(token.encode()).hexdigest()[:8]


def older_rows(apps, schema_editor):
    """One pass over rows from before: their actor's kind, and no token in a path. The
    append-only trigger is lifted for this pass only, inside the migration's transaction."""
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    table = "audit_auditevent"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, path FROM {table} WHERE path LIKE %s", ["/q/%"])
        for pk, path in cursor.fetchall():
            match = SECRET_IN_PATH.match(path)
            if match:
                safe = f"{match[1]}~{_reference(match[2])}{match[3]}"
                cursor.execute(f"UPDATE {table} SET path = %s, actor_kind = 'link' WHERE id = %s", [safe, pk])
        cursor.execute(f"UPDATE {table} SET actor_kind = 'cli', channel = 'cli' WHERE actor_id IS NULL AND path LIKE %s", ["/cli/%"])
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    else:
        # Adding columns rebuilt the SQLite table, which dropped its trigger: put it back.
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='actor_kind',
            field=models.CharField(choices=[('staff', 'staff'), ('client', 'client'), ('link', 'link'), ('system', 'system'), ('cli', 'cli')], default='staff', max_length=10),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='actor_ref',
            field=models.CharField(blank=True, max_length=80),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='channel',
            field=models.CharField(choices=[('web', 'web'), ('portal', 'portal'), ('api', 'api'), ('cli', 'cli'), ('worker', 'worker')], default='web', max_length=10),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='shown',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('create', 'Created'), ('read', 'Viewed'), ('update', 'Changed'), ('delete', 'Deleted'), ('export', 'Exported'), ('access', 'Access changed')], max_length=10),
        ),
        migrations.RunPython(older_rows, migrations.RunPython.noop),
    ]
