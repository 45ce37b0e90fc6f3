from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openprecinct.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from openprecinct.core import signals  # noqa: F401
        from openprecinct.core.audit import register_sqlite_functions

        connection_created.connect(
            register_sqlite_functions, dispatch_uid="openprecinct_audit_sqlite"
        )
