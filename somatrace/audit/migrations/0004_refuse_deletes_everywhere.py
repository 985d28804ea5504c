"""The database refuses DELETE on SQLite too, and TRUNCATE on PostgreSQL.

Until now SQLite refused only UPDATE, because Django's test flush empties SQLite tables with
DELETE. The test database's flush now lifts the triggers itself (somatrace/core/db), so the
guard holds everywhere else: `somatrace flush` included. The same statements live in
audit/models.py, which installs them again after every migrate.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS audit_event_no_delete"]

POSTGRES_FORWARD = [
    """
    CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()
    """,
]
POSTGRES_BACKWARD = ["DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent"]


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_FORWARD if postgres else SQLITE_FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_BACKWARD if postgres else SQLITE_BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_actor")]
    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={"base_manager_name": "objects", "ordering": ["-at", "-id"]},
        ),
        migrations.RunPython(forward, backward),
    ]
