from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "openprecinct.records"
    label = "records"
    verbose_name = "Incident records"

    def ready(self) -> None:
        from openprecinct.core.dashboard import register
        from openprecinct.records.dashboard import records_tasks

        register(records_tasks)
