"""The chain of custody is append-only, guarded by triggers like the audit log's.

UPDATE is always refused; DELETE (and TRUNCATE on PostgreSQL) only pass when the connection has
opened the audit log's maintenance switch (ADR 4). See ``openprecinct.evidence.dbguard``.
"""

from django.db import migrations

from openprecinct.evidence.dbguard import append_only_sql, run_for_vendor

SQL = append_only_sql("evidence_custodyentry", "the chain of custody is append-only")


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial"), ("core", "0003_audit_guard_with_maintenance_switch")]

    operations = [migrations.RunPython(run_for_vendor(SQL["up"]), run_for_vendor(SQL["down"]))]
