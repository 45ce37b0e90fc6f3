"""Keep the audit log append-only, with one privileged switch for whole-database maintenance.

The triggers now let a DELETE or TRUNCATE through only when the connection has turned on
maintenance (``openprecinct.core.audit.audit_maintenance``): on SQLite the application-defined
function ``openprecinct_audit_open()`` answers 1, on PostgreSQL the setting
``openprecinct.audit_maintenance`` is 'on'. A connection that does not know the function (the
sqlite3 shell) or the setting gets the refusal. UPDATE is always refused.
"""

from django.db import migrations

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       WHEN openprecinct_audit_open() = 0
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP <> 'UPDATE'
            AND current_setting('openprecinct.audit_maintenance', true) = 'on' THEN
           RETURN NULL;
         END IF;
         RAISE EXCEPTION 'the audit log is append-only';
       END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS core_auditentry_no_change ON core_auditentry;",
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();""",
    """CREATE TRIGGER core_auditentry_no_delete AFTER DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update ON core_auditentry;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete ON core_auditentry;",
    """CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditentry_no_change BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_triggers")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
