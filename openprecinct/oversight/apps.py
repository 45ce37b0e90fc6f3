from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "openprecinct.oversight"
    label = "oversight"
    verbose_name = "Civilian oversight committee: case reviews, packets, votes, recommendations"

    def ready(self) -> None:
        from openprecinct.core.dashboard import register
        from openprecinct.oversight.dashboard import oversight_tasks

        register(oversight_tasks)
