"""Append-only tables, the way the audit log does it (core migrations 0002 and 0003).

``append_only_sql(table)`` gives the trigger statements for any table: UPDATE always refused,
DELETE/TRUNCATE refused unless the connection has opened the audit log's maintenance switch
(``openprecinct.core.audit.audit_maintenance``), so whole-database maintenance such as the
test harness's flush still works and nothing else does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def append_only_sql(table: str, message: str) -> dict[str, dict[str, list[str]]]:
    """{"up"|"down": {vendor: [statements]}} for a trigger-guarded append-only ``table``."""
    fn = f"{table}_append_only"
    return {
        "up": {
            "sqlite": [
                f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                    BEGIN SELECT RAISE(ABORT, '{message}'); END;""",
                f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
                    WHEN openprecinct_audit_open() = 0
                    BEGIN SELECT RAISE(ABORT, '{message}'); END;""",
            ],
            "postgresql": [
                f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
                    BEGIN
                      IF TG_OP <> 'UPDATE'
                         AND current_setting('openprecinct.audit_maintenance', true) = 'on' THEN
                        RETURN NULL;
                      END IF;
                      RAISE EXCEPTION '{message}';
                    END; $$ LANGUAGE plpgsql;""",
                f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION {fn}();""",
                f"""CREATE TRIGGER {table}_no_delete AFTER DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION {fn}();""",
                f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                    FOR EACH STATEMENT EXECUTE FUNCTION {fn}();""",
            ],
        },
        "down": {
            "sqlite": [
                f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            ],
            "postgresql": [
                f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
                f"DROP FUNCTION IF EXISTS {fn}();",
            ],
        },
    }


def run_for_vendor(statements_by_vendor: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run
