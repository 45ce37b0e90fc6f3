from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openprecinct.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from openprecinct.core import signals  # noqa: F401
