from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "openprecinct.personnel"
    label = "personnel"
    verbose_name = "Personnel: early intervention, training and wellness records"

    def ready(self) -> None:
        from openprecinct.core.dashboard import register
        from openprecinct.personnel.dashboard import personnel_tasks

        register(personnel_tasks)
